/**
 * Purposes and the data schema (issue 5), as a data protection officer checks them through the API:
 * - the workspace declares purposes with a legal basis and a retention period (six defaults);
 * - invalid settings are refused with every problem named by field, and nothing changes;
 * - data whose purposes have no legal basis for the person is not stored, and is counted per
 *   reason in the privacy report;
 * - undeclared events and traits: strict mode refuses the request naming each field and stores
 *   nothing; lenient mode stores them and flags them in the report.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basicAuth, startTessera, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, profileOf, timelineOf, type Json } from '../http/api-helpers.js';
import { assertUnknown, changeSettings, countOf, json, putSettings, reportTotals, settingsOf } from './privacy-helpers.js';

describe('privacy settings: GET and PUT /v1/privacy/settings', () => {
  let t: TesseraUnderTest;
  before(async () => { t = await startTessera(); });
  after(async () => { await t.close(); });

  it('declares six default purposes, each with a legal basis and a retention period', async () => {
    const s = await settingsOf(t);
    const bases = Object.fromEntries(s.purposes.map((p: Json) => [p.key, p.legalBasis]));
    assert.deepEqual(bases, {
      necessary: 'contract', analytics: 'legitimate_interest', personalization: 'consent',
      profiling: 'consent', email_marketing: 'consent', advertising: 'consent',
    });
    for (const p of s.purposes) {
      assert.ok(Number.isInteger(p.retentionDays) && p.retentionDays > 0, `${p.key} has no retention period`);
      assert.ok(p.name.length > 0 && p.description.length > 0, `${p.key} is not described`);
    }
    assert.equal(s.schema.mode, 'lenient');
    assert.deepEqual(s.schema.traits.email, { purposes: ['necessary'], type: 'string', personal: true });
    assert.deepEqual([s.ip, s.userAgent, s.gpcPurposes, s.erasedIdentifiers], ['truncate', 'reduce', ['advertising'], 'fresh']);
  });

  it('needs the admin key: the write key and no key are refused', async () => {
    assertError(await t.inject({ method: 'GET', url: '/v1/privacy/settings', headers: { authorization: `Bearer ${WRITE_KEY}` } }), 401);
    assertError(await t.inject({ method: 'GET', url: '/v1/privacy/settings', headers: { authorization: basicAuth(WRITE_KEY) } }), 401);
    assertError(await t.inject({ method: 'PUT', url: '/v1/privacy/settings', payload: '{"ip":"drop"}', headers: { 'content-type': 'application/json' } }), 401);
    assert.equal((await settingsOf(t)).ip, 'truncate');
  });

  it('refuses invalid settings with 400 naming each field, and changes nothing', async () => {
    const before = await settingsOf(t);
    const purposes = (change: (p: Json[]) => void) => { const p = structuredClone(before.purposes); change(p); return p; };
    const traits = { ...before.schema.traits, email: { purposes: ['mind_reading'], type: 'string', personal: true } };
    const cases: Array<[string, unknown, string, RegExp]> = [
      ['a purpose key that is not lower_snake_case', { purposes: purposes((p) => { p[0].key = 'Bad Key'; }) }, 'purposes.0.key', /lower_snake_case/],
      ['an unknown legal basis', { purposes: purposes((p) => { p[1].legalBasis = 'vibes'; }) }, 'purposes.1.legalBasis', /./],
      ['a retention of 0 days', { purposes: purposes((p) => { p[2].retentionDays = 0; }) }, 'purposes.2.retentionDays', /./],
      ['two purposes with one key', { purposes: purposes((p) => { p[3].key = 'analytics'; }) }, 'purposes', /unique/],
      ['a trait serving an undeclared purpose', { schema: { ...before.schema, traits } }, 'schema.traits.email.purposes', /mind_reading/],
      ['removing a purpose GPC still names', { purposes: purposes((p) => { p.splice(5, 1); }) }, 'gpcPurposes', /advertising/],
      ['undeclared data for an undeclared purpose', { schema: { ...before.schema, undeclaredPurposes: ['nope'] } }, 'schema.undeclaredPurposes', /nope/],
      ['an unknown schema mode', { schema: { ...before.schema, mode: 'relaxed' } }, 'schema.mode', /./],
      ['an IP policy that keeps full addresses', { ip: 'full' }, 'ip', /./],
      ['an unknown erasure policy', { erasedIdentifiers: 'keep' }, 'erasedIdentifiers', /./],
    ];
    for (const [what, body, field, reason] of cases) {
      const error = assertError(await putSettings(t, body), 400, 'invalid_body');
      assertIssue(error, field, reason);
      assert.deepEqual(await settingsOf(t), before, `${what}: the settings changed`);
    }
    const unknownField = assertError(await putSettings(t, { ipPolicy: 'drop' }), 400, 'invalid_body');
    assert.match(JSON.stringify(unknownField.issues), /ipPolicy/);
    assertError(await putSettings(t, ['ip', 'drop']), 400, 'invalid_body');
    assert.deepEqual(await settingsOf(t), before);
  });

  it('a partial PUT changes only the fields it names; a new purpose can be declared and used', async () => {
    const before = await settingsOf(t);
    const saved = json(await putSettings(t, { ip: 'hash', erasedIdentifiers: 'refuse' }));
    assert.deepEqual(saved, { ...before, ip: 'hash', erasedIdentifiers: 'refuse' });
    assert.deepEqual(await settingsOf(t), saved);

    const research = { key: 'research', name: 'Research', description: 'Surveys the person agreed to.', legalBasis: 'consent', retentionDays: 90 };
    const withResearch = await changeSettings(t, (s) => {
      s.purposes.push(research);
      s.schema.traits.surveyAnswer = { purposes: ['research'], type: 'string', personal: true };
    });
    assert.deepEqual(withResearch.purposes.at(-1), research);
    assert.deepEqual(withResearch.schema.traits.surveyAnswer.purposes, ['research']);
  });
});

describe('data whose purposes have no legal basis for the person is not stored', () => {
  let t: TesseraUnderTest;
  before(async () => {
    t = await startTessera();
    await changeSettings(t, (s) => {
      s.schema.traits.favouriteColour = { purposes: ['personalization'], type: 'string', personal: true };
      s.schema.traits.shoeSize = { purposes: ['personalization', 'necessary'], type: 'number', personal: true };
      s.schema.events['Ad Clicked'] = { purposes: ['advertising'], type: 'object', personal: false };
      s.schema.events['Campaign Viewed'] = { purposes: ['advertising', 'analytics'], type: 'object', personal: false };
    });
  });
  after(async () => { await t.close(); });

  it('removes a trait whose only purpose needs consent not given, and keeps the others', async () => {
    assertAccepted(await t.collect('/v1/identify', { userId: 'basis-user', traits: { name: 'Ada Basis', favouriteColour: 'teal', shoeSize: 38 } }));
    const p = await profileOf(t, 'basis-user');
    assert.deepEqual(p.traits, { name: 'Ada Basis', shoeSize: 38 });
    const [identify] = await timelineOf(t, 'basis-user');
    assert.deepEqual(identify.traits, { name: 'Ada Basis', shoeSize: 38 }, 'the stored event must not carry the withheld trait either');
    assert.equal(countOf(await reportTotals(t), 'withheld_trait', 'favouriteColour'), 1);
  });

  it('withholds an event whose only purpose has no basis, keeps one with any purpose that has one', async () => {
    assertAccepted(await t.collect('/v1/track', { userId: 'basis-user', event: 'Ad Clicked', properties: { ad: 'spring' } }));
    assertAccepted(await t.collect('/v1/track', { userId: 'basis-user', event: 'Campaign Viewed', properties: { campaign: 'spring' } }));
    const names = (await timelineOf(t, 'basis-user')).map((e) => e.event ?? e.type);
    assert.ok(!names.includes('Ad Clicked'), `withheld event stored: ${names}`);
    assert.ok(names.includes('Campaign Viewed'));
    const totals = await reportTotals(t);
    assert.equal(countOf(totals, 'withheld_event', 'Ad Clicked'), 1);
    assert.equal(countOf(totals, 'withheld_event', 'Campaign Viewed'), 0);
  });

  it('a visitor whose only event is withheld leaves no profile behind', async () => {
    assertAccepted(await t.collect('/v1/track', { anonymousId: 'ads-only-visitor', event: 'Ad Clicked' }));
    await assertUnknown(t, 'ads-only-visitor');
    assert.equal(countOf(await reportTotals(t), 'withheld_event', 'Ad Clicked'), 2);
  });

  it('the report explains each counter and only accepts days as YYYY-MM-DD', async () => {
    const report = json(await t.admin('/v1/privacy/report'));
    for (const kind of ['withheld_event', 'withheld_trait', 'undeclared_event', 'undeclared_trait', 'refused_erased']) {
      assert.ok(report.explanation[kind]?.length > 0, `${kind} is not explained`);
    }
    const today = new Date().toISOString().slice(0, 10);
    assert.ok(report.days.some((d: Json) => d.day === today && d.kind === 'withheld_event' && d.name === 'Ad Clicked' && d.count === 2), JSON.stringify(report.days));
    const old = json(await t.admin('/v1/privacy/report?from=2001-01-01&to=2001-01-31'));
    assert.deepEqual([old.totals, old.days], [{}, []]);
    assertIssue(assertError(await t.admin('/v1/privacy/report?from=yesterday'), 400), 'from', /YYYY-MM-DD/);
  });
});

describe('strict mode: undeclared events and traits are refused, naming each field', () => {
  let t: TesseraUnderTest;
  before(async () => {
    t = await startTessera();
    await changeSettings(t, (s) => {
      s.schema.mode = 'strict';
      s.schema.events['Order Completed'] = { purposes: ['necessary'], type: 'object', personal: false };
      s.schema.traits.plan = { purposes: ['necessary'], type: 'string', personal: false };
    });
  });
  after(async () => { await t.close(); });

  it('an identify with an undeclared trait: 400 naming traits.X, nothing stored', async () => {
    const error = assertError(await t.collect('/v1/identify', { userId: 'strict-1', traits: { plan: 'pro', shoeSize: 41 } }), 400, 'invalid_event');
    assertIssue(error, 'traits.shoeSize', /not declared.*strict/);
    assert.equal(error.issues!.length, 1, 'a declared trait is no issue');
    await assertUnknown(t, 'strict-1');
  });

  it('an undeclared track event: 400 naming `event`; undeclared context.traits are named too', async () => {
    assertIssue(assertError(await t.collect('/v1/track', { userId: 'strict-2', event: 'Secret Thing' }), 400, 'invalid_event'), 'event', /"Secret Thing" is not declared/);
    const error = assertError(await t.collect('/v1/track', { userId: 'strict-2', event: 'Order Completed', context: { traits: { hairColour: 'red' } } }), 400);
    assertIssue(error, 'context.traits.hairColour', /not declared/);
    await assertUnknown(t, 'strict-2');
  });

  it('a batch with one bad item: 400 naming batch[2].traits.X, and none of the batch is stored', async () => {
    const res = await t.collect('/v1/batch', {
      batch: [
        { type: 'identify', userId: 'strict-3a', traits: { plan: 'free' } },
        { type: 'track', userId: 'strict-3b', event: 'Order Completed' },
        { type: 'identify', userId: 'strict-3c', traits: { email: 'c@example.com', petName: 'Rex' } },
      ],
    });
    const error = assertError(res, 400, 'invalid_batch');
    assertIssue(error, 'batch[2].traits.petName', /not declared/);
    assert.deepEqual(error.issues!.map((i) => i.field), ['batch[2].traits.petName']);
    for (const id of ['strict-3a', 'strict-3b', 'strict-3c', 'c@example.com']) await assertUnknown(t, id);
  });

  it('declared data passes; refused requests were not counted as data stored for review', async () => {
    assertAccepted(await t.collect('/v1/identify', { userId: 'strict-4', traits: { plan: 'pro', email: 'strict4@example.com' } }));
    assertAccepted(await t.collect('/v1/track', { userId: 'strict-4', event: 'Order Completed', properties: { total: 10 } }));
    const p = await profileOf(t, 'strict4@example.com');
    assert.deepEqual(p.traits, { plan: 'pro', email: 'strict4@example.com' });
    assert.equal(p.behaviour.eventCounts['Order Completed'], 1);
    const totals = await reportTotals(t);
    assert.deepEqual(totals.undeclared_trait ?? {}, {}, 'strict mode refuses; it never stores and flags');
  });
});

describe('lenient mode: undeclared events and traits are stored and flagged for review', () => {
  let t: TesseraUnderTest;
  before(async () => { t = await startTessera(); });
  after(async () => { await t.close(); });

  it('stores them and counts each per name in /v1/privacy/report', async () => {
    assertAccepted(await t.collect('/v1/identify', { userId: 'lenient-1', traits: { name: 'Len', shoeSize: 44 } }));
    assertAccepted(await t.collect('/v1/track', { userId: 'lenient-1', event: 'Widget Spun', properties: { speed: 3 } }));
    assertAccepted(await t.collect('/v1/track', { userId: 'lenient-1', event: 'Widget Spun', context: { traits: { shoeSize: 45 } } }));
    const p = await profileOf(t, 'lenient-1');
    assert.equal(p.traits.shoeSize, 45);
    assert.equal(p.behaviour.eventCounts['Widget Spun'], 2);
    const totals = await reportTotals(t);
    assert.equal(countOf(totals, 'undeclared_trait', 'shoeSize'), 2);
    assert.equal(countOf(totals, 'undeclared_event', 'Widget Spun'), 2);
    assert.equal(countOf(totals, 'undeclared_trait', 'name'), 0, 'name is declared by default');
    assert.equal(countOf(totals, 'undeclared_event', 'identify'), 0, 'identify is declared by default');
  });

  it('undeclared data follows undeclaredPurposes: on a purpose without basis it is withheld, not stored', async () => {
    await changeSettings(t, (s) => { s.schema.undeclaredPurposes = ['profiling']; });
    assertAccepted(await t.collect('/v1/identify', { userId: 'lenient-2', traits: { name: 'Len Two', eyeColour: 'green' } }));
    assertAccepted(await t.collect('/v1/track', { userId: 'lenient-2', event: 'Gadget Spun' }));
    const p = await profileOf(t, 'lenient-2');
    assert.deepEqual(p.traits, { name: 'Len Two' });
    assert.equal(p.behaviour.eventCounts['Gadget Spun'], undefined);
    const totals = await reportTotals(t);
    assert.equal(countOf(totals, 'withheld_trait', 'eyeColour'), 1);
    assert.equal(countOf(totals, 'withheld_event', 'Gadget Spun'), 1);
  });
});
