/**
 * Audience rows per ad platform: every hash recomputed here, independently, from the normal form
 * written out by hand as each platform's document states it (normalise.ts cites them); and the
 * audience policy: only people with advertising consent are members.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { audienceDecision, validateAudienceInput } from '../../../src/core/audiences/audience.js';
import { normaliseEmail, normalisePhone } from '../../../src/core/audiences/normalise.js';
import { contactOf, csvLine, erasedRow, HEADERS, platformRow } from '../../../src/core/audiences/platform-rows.js';
import { newProfile } from '../../../src/core/profiles/profile.js';
import { T0 } from '../fixtures.js';

const h = (s: string) => createHash('sha256').update(Buffer.from(s, 'utf8')).digest('hex');
const person = { email: '  John.Doe+News@GMail.com ', phone: '030 1234567', firstName: ' Jöhn-Paul ', lastName: "O'Neil", zip: '10115', country: 'de' };

describe('platform rows', () => {
  test('headers are the documented column names', () => {
    assert.deepEqual(HEADERS.meta, ['email', 'phone', 'fn', 'ln', 'zip', 'country']);
    assert.deepEqual(HEADERS.google, ['Email', 'Phone', 'First Name', 'Last Name', 'Country', 'Zip']);
    assert.deepEqual(HEADERS.linkedin, ['email']);
  });

  test('Meta: everything hashed; phone digits with country code, no +; names without punctuation', () => {
    assert.deepEqual(platformRow(person, 'meta', 'DE'), [
      h('john.doe+news@gmail.com'), h('49301234567'), h('jöhnpaul'), h('oneil'), h('10115'), h('de'),
    ]);
  });

  test('Google: gmail dots removed, E.164 with +, names trimmed lower-case, country and zip in clear', () => {
    assert.deepEqual(platformRow(person, 'google', 'DE'), [
      h('johndoe+news@gmail.com'), h('+49301234567'), h('jöhn-paul'), h("o'neil"), 'DE', '10115',
    ]);
  });

  test('LinkedIn: the hashed e-mail only', () => {
    assert.deepEqual(platformRow(person, 'linkedin', 'DE'), [h('john.doe+news@gmail.com')]);
    assert.equal(platformRow({ phone: '+4930123456' }, 'linkedin', 'DE'), null);
  });

  test('the default country applies to numbers written without one; a number with + keeps its own', () => {
    assert.equal(normalisePhone('(030) 123-4567', 'google', 'DE'), '+49301234567');
    assert.equal(normalisePhone('+1 (415) 555-2671', 'google', 'DE'), '+14155552671');
    assert.equal(normalisePhone('+1 (415) 555-2671', 'meta', 'DE'), '14155552671');
    assert.equal(normalisePhone('12', 'google', 'DE'), null);
  });

  test('gmail rules only for Google; other domains keep their dots; junk is no address', () => {
    assert.equal(normaliseEmail('A.B@googlemail.com', 'google'), 'ab@googlemail.com');
    assert.equal(normaliseEmail('A.B@example.com', 'google'), 'a.b@example.com');
    assert.equal(normaliseEmail('A.B@gmail.com', 'meta'), 'a.b@gmail.com');
    assert.equal(normaliseEmail('not an address', 'meta'), null);
  });

  test('e-mail rules per platform, every hash recomputed from the normal form each document gives', () => {
    // Google (Customer Match formatting guidelines; the Google Ads API client libraries' normalizeAndHash
    // samples): trim, lower-case, and for gmail.com / googlemail.com only, the periods before the "@"
    // removed; the "+tag" is kept, the domain is not rewritten. Meta and LinkedIn: trim and lower-case only.
    const cases: Array<[string, { google: string; meta: string }]> = [
      ['  John.Doe+News@GMail.com ', { google: 'johndoe+news@gmail.com', meta: 'john.doe+news@gmail.com' }],
      ['j.o.h.n@GoogleMail.COM', { google: 'john@googlemail.com', meta: 'j.o.h.n@googlemail.com' }],
      ['first.last+x@example.com', { google: 'first.last+x@example.com', meta: 'first.last+x@example.com' }],
      ['a.b@mail.gmail.com', { google: 'a.b@mail.gmail.com', meta: 'a.b@mail.gmail.com' }],
      ['a.b@gmail.co.uk', { google: 'a.b@gmail.co.uk', meta: 'a.b@gmail.co.uk' }],
    ];
    for (const [raw, normal] of cases) {
      assert.equal(normaliseEmail(raw, 'google'), normal.google, raw);
      assert.equal(normaliseEmail(raw, 'meta'), normal.meta, raw);
      assert.equal(normaliseEmail(raw, 'linkedin'), normal.meta, raw);
      assert.equal(platformRow({ email: raw }, 'google', 'DE')![0], h(normal.google));
      assert.equal(platformRow({ email: raw }, 'meta', 'DE')![0], h(normal.meta));
      assert.deepEqual(platformRow({ email: raw }, 'linkedin', 'DE'), [h(normal.meta)]);
    }
  });

  test('an erased person keeps only the hashes of their row until it is sent as a remove', () => {
    const google = csvLine(platformRow({ ...person, zip: '10,115' }, 'google', 'DE')!);
    assert.equal(erasedRow(google, 'google'), `${h('johndoe+news@gmail.com')},${h('+49301234567')},${h('jöhn-paul')},${h("o'neil")},,\n`);
    const meta = csvLine(platformRow(person, 'meta', 'DE')!);
    assert.equal(erasedRow(meta, 'meta'), meta, 'Meta rows are hashes only');
    const noPhone = csvLine(platformRow({ email: 'a@b.de', country: 'DE', zip: '10115' }, 'google', 'DE')!);
    assert.equal(erasedRow(noPhone, 'google'), `${h('a@b.de')},,,,,\n`);
  });

  test('a person with nothing to match on gives no row; US zips are cut to 5 for Meta', () => {
    assert.equal(platformRow({ firstName: 'Ann' }, 'meta', 'DE'), null);
    assert.equal(platformRow({ email: 'a@b.us', zip: '94103-1234', country: 'US' }, 'meta', 'DE')![4], h('94103'));
  });

  test('traits give the contact; CSV quoting', () => {
    assert.deepEqual(contactOf({ email: 'a@b.de', first_name: 'A', postalCode: '1', phone: 5, country: '' }), { email: 'a@b.de', firstName: 'A', zip: '1' });
    assert.equal(csvLine(['a', 'b,c', 'd"e']), 'a,"b,c","d""e"\n');
  });
});

describe('audience policy', () => {
  const audience = { source: { persona: { id: 'p1', minProbability: 0.7 } }, purpose: 'advertising' } as const;
  const profile = (probability: number, ads: boolean | undefined, lastSeenAt: number | null = T0) => {
    const p = newProfile('prf', 'ws', T0);
    p.persona = { modelVersion: 1, personaId: 'p1', probability, probabilities: { p1: probability, p2: 1 - probability }, at: T0, basis: ['profiling'] };
    if (ads !== undefined) p.consent = { advertising: { granted: ads, at: T0 } } as unknown as typeof p.consent;
    p.behaviour.lastSeenAt = lastSeenAt;
    return p;
  };

  test('only people with advertising consent are members; the others are excluded, not dropped silently', () => {
    assert.equal(audienceDecision(profile(0.9, true), audience, T0), 'member');
    assert.equal(audienceDecision(profile(0.9, false), audience, T0), 'excluded');
    assert.equal(audienceDecision(profile(0.9, undefined), audience, T0), 'excluded');
    assert.equal(audienceDecision(profile(0.5, true), audience, T0), 'out');
  });

  test('visited in the last N days', () => {
    const recent = { ...audience, visitedWithinDays: 7 };
    assert.equal(audienceDecision(profile(0.9, true, T0 - 6 * 86_400_000), recent, T0), 'member');
    assert.equal(audienceDecision(profile(0.9, true, T0 - 8 * 86_400_000), recent, T0), 'out');
    assert.equal(audienceDecision(profile(0.9, true, null), recent, T0), 'out');
  });

  test('segment source reads the membership', () => {
    const p = profile(0.1, true);
    p.segments = { member: { buyers: { since: T0, reason: 'x' } }, events: {} };
    assert.equal(audienceDecision(p, { source: { segment: 'buyers' }, purpose: 'advertising' }, T0), 'member');
    assert.equal(audienceDecision(p, { source: { segment: 'other' }, purpose: 'advertising' }, T0), 'out');
  });

  test('validation names every failing field', () => {
    const refs = { segments: new Set(['buyers']), computedTraits: new Set<string>(), purposes: new Set(['advertising']), personas: new Set(['p1']) };
    const bad = validateAudienceInput({ name: '', source: { persona: { id: 'p9', minProbability: 2 } }, visitedWithinDays: 0, purpose: 'ads', defaultCountry: 'Germany', x: 1 }, refs, { idAllowed: true });
    assert.equal(bad.ok, false);
    const fields = bad.ok ? [] : bad.issues.map((i) => i.field).sort();
    assert.deepEqual(fields, ['defaultCountry', 'name', 'purpose', 'source.persona.id', 'source.persona.minProbability', 'visitedWithinDays', 'x']);
    const good = validateAudienceInput({ name: 'Evening readers', source: { segment: 'buyers' } }, refs, { idAllowed: true });
    assert.deepEqual(good, { ok: true, audience: { name: 'Evening readers', source: { segment: 'buyers' }, purpose: 'advertising', defaultCountry: 'DE' } });
  });
});
