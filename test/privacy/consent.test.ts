/**
 * Consent (issue 5; GDPR Art. 7(1): the controller must be able to demonstrate consent), checked
 * through the API as a data protection officer would:
 * - with analytics on consent, a visitor's events before consent are not stored (and are counted),
 *   events after POST /v1/consent are, and a withdrawal stops collection from the next request on;
 * - every change is an append-only ledger entry: purposes, time, channel, the wording's version and
 *   the SHA-256 of its exact text, evidence, and pseudonymised request metadata;
 * - bad consent requests are refused naming the field, and record nothing;
 * - an anonymous visitor's consent stays with them when they identify or their profiles merge, and
 *   the latest decision per purpose wins;
 * - an email collected for a purpose without a basis never becomes an identity.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, profileOf, timelineOf, type Json } from '../http/api-helpers.js';
import { assertUnknown, changeSettings, consentOf, countOf, json, postConsent, reportTotals, setLegalBasis, sha256 } from './privacy-helpers.js';

const BANNER_TEXT = 'We would like to measure how you use this site to improve it. You can change your mind at any time under "Privacy".';
const CHROME_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

describe('analytics on consent: collection starts with consent and stops with its withdrawal', () => {
  let t: TesseraUnderTest;
  const visitor = 'consent-visitor-1';
  const page = (path: string) => t.collect('/v1/page', { anonymousId: visitor, properties: { path } });
  const storedPaths = async () => (await timelineOf(t, visitor)).filter((e) => e.type === 'page').map((e) => e.properties.path);

  before(async () => {
    t = await startTessera();
    await changeSettings(t, (s) => setLegalBasis(s, 'analytics', 'consent'));
  });
  after(async () => { await t.close(); });

  it('withholds a page view before consent: no profile, counted in the report', async () => {
    assertAccepted(await page('/before-consent'));
    await assertUnknown(t, visitor);
    assert.equal(countOf(await reportTotals(t), 'withheld_event', 'page'), 1);
  });

  it('stores page views once the visitor consents, and the profile shows the current state', async () => {
    const res = await postConsent(t, {
      anonymousId: visitor, purposes: { analytics: true }, channel: 'banner',
      wording: { version: 'banner-2024-05', text: BANNER_TEXT }, evidence: { button: 'accept-all' },
    }, { remoteAddress: '198.51.100.77', headers: { 'user-agent': CHROME_ON_WINDOWS, origin: 'https://shop.example' } });
    const body = json(res);
    assert.equal(body.success, true);
    assert.equal(typeof body.messageId, 'string');

    assertAccepted(await page('/after-consent'));
    assert.deepEqual(await storedPaths(), ['/after-consent']);
    const p = await profileOf(t, visitor);
    assert.equal(p.consent.analytics.granted, true);
    assert.equal(p.consent.analytics.channel, 'banner');
    assert.equal(p.consent.analytics.messageId, body.messageId);
  });

  it('stops at once on withdrawal: the next page view is withheld', async () => {
    json(await postConsent(t, { anonymousId: visitor, purposes: { analytics: false }, channel: 'form', wording: { version: 'privacy-centre-3', hash: sha256('Stop measuring me') } }));
    assertAccepted(await page('/after-withdrawal'));
    assert.deepEqual(await storedPaths(), ['/after-consent']);
    assert.equal((await profileOf(t, visitor)).consent.analytics.granted, false);
    assert.equal(countOf(await reportTotals(t), 'withheld_event', 'page'), 2);
  });

  it('the ledger proves how the state came to be: channel, wording version and hash, evidence, pseudonymised request', async () => {
    const { consent, ledger } = await consentOf(t, visitor);
    assert.equal(consent.analytics.granted, false);
    assert.equal(ledger.length, 2, 'one entry per change, oldest first');
    const [grant, withdrawal] = ledger as [Json, Json];
    assert.deepEqual(grant.purposes, { analytics: true });
    assert.equal(grant.channel, 'banner');
    assert.deepEqual(grant.wording, { version: 'banner-2024-05', hash: sha256(BANNER_TEXT), text: BANNER_TEXT });
    assert.deepEqual(grant.evidence, { button: 'accept-all' });
    assert.deepEqual(grant.request, {
      ip: '198.51.100.0', device: { class: 'desktop' }, browser: { name: 'Chrome' }, os: { name: 'Windows' }, origin: 'https://shop.example',
    });
    assert.ok(!JSON.stringify(ledger).includes('198.51.100.77'), 'the full IP address is kept nowhere in the ledger');
    assert.ok(!JSON.stringify(ledger).includes('Chrome/124'), 'the raw user agent is kept nowhere in the ledger');
    assert.ok(Date.parse(grant.at) <= Date.parse(withdrawal.at));
    assert.deepEqual(withdrawal.purposes, { analytics: false });
    assert.equal(withdrawal.channel, 'form');
    assert.deepEqual(withdrawal.wording, { version: 'privacy-centre-3', hash: sha256('Stop measuring me') }, 'a hash sent alone is kept alone');
  });

  it('the ledger is append-only: a later change adds an entry and leaves the earlier ones as they were', async () => {
    const before = (await consentOf(t, visitor)).ledger;
    json(await postConsent(t, { anonymousId: visitor, purposes: { analytics: true, personalization: true }, channel: 'api' }));
    const afterwards = (await consentOf(t, visitor)).ledger;
    assert.equal(afterwards.length, 3);
    assert.deepEqual(afterwards.slice(0, 2), before);
    assert.deepEqual(afterwards[2].purposes, { analytics: true, personalization: true });
    assert.equal(afterwards[2].wording, null);
  });

  it('each consent decision is on the person\'s timeline as a consent event', async () => {
    const consents = (await timelineOf(t, visitor)).filter((e) => e.type === 'consent');
    assert.equal(consents.length, 3);
  });
});

describe('POST /v1/consent refuses bad requests naming the field, and records nothing', () => {
  let t: TesseraUnderTest;
  before(async () => { t = await startTessera(); });
  after(async () => { await t.close(); });

  const base = { anonymousId: 'consent-bad-1', purposes: { analytics: true } };
  const cases: Array<[string, Json, string, RegExp]> = [
    ['a hash that does not match the text', { ...base, wording: { version: 'v1', text: BANNER_TEXT, hash: sha256('another text') } }, 'wording.hash', /does not match/],
    ['a hash that is not SHA-256 hex', { ...base, wording: { version: 'v1', hash: 'abc' } }, 'wording.hash', /SHA-256/],
    ['wording without text or hash', { ...base, wording: { version: 'v1' } }, 'wording', /text|hash/],
    ['a purpose the workspace does not declare', { ...base, purposes: { analytics: true, mind_reading: true } }, 'purposes.mind_reading', /not a purpose/],
    ['no purposes', { ...base, purposes: {} }, 'purposes', /at least one/],
    ['a decision that is not a boolean', { ...base, purposes: { analytics: 'yes' } }, 'purposes.analytics', /./],
    ['an unknown channel', { ...base, channel: 'carrier-pigeon' }, 'channel', /./],
    ['no identifier', { purposes: { analytics: true } }, 'anonymousId', /userId or anonymousId/],
    ['an unknown field', { ...base, purpose: 'analytics' }, 'body', /purpose/],
    ['a timestamp in year 9999', { ...base, timestamp: '9999-12-31T00:00:00Z' }, 'timestamp', /between 1970-01-01 and 2099-12-31/],
    ['a timestamp in year 0000', { ...base, timestamp: '0000-01-01T00:00:00Z' }, 'timestamp', /between 1970-01-01 and 2099-12-31/],
  ];
  for (const [what, body, field, reason] of cases) {
    it(`${what}: 400 naming ${field}`, async () => {
      assertIssue(assertError(await postConsent(t, body), 400, 'invalid_body'), field, reason);
    });
  }

  it('names every problem at once: a bad channel does not hide a missing id, an undeclared purpose or a bad time', async () => {
    const error = assertError(await postConsent(t, { purposes: { analytics: 'yes', mind_reading: true }, channel: 'carrier-pigeon', timestamp: '9999-01-01T00:00:00Z' }), 400, 'invalid_body');
    assert.deepEqual(error.issues?.map((i) => i.field).sort(), ['anonymousId', 'channel', 'purposes.analytics', 'purposes.mind_reading', 'timestamp']);
  });

  it('nothing of the refused requests was recorded; a request without the write key is refused', async () => {
    await assertUnknown(t, 'consent-bad-1');
    assertError(await t.inject({ method: 'POST', url: '/v1/consent', payload: JSON.stringify(base), headers: { 'content-type': 'application/json' } }), 401);
    await assertUnknown(t, 'consent-bad-1');
  });
});

describe('the ledger as proof', () => {
  let t: TesseraUnderTest;
  before(async () => { t = await startTessera(); });
  after(async () => { await t.close(); });

  it('dates a decision by the server\'s clock, not the client\'s', async () => {
    const before = Date.now();
    json(await postConsent(t, { anonymousId: 'proof-1', purposes: { personalization: true }, timestamp: '2001-01-01T00:00:00.000Z' }));
    const [entry] = (await consentOf(t, 'proof-1')).ledger;
    assert.ok(Date.parse(entry.at) >= before, `a client clock set the time of consent: ${entry.at}`);
    assert.equal(entry.at, entry.receivedAt);
  });

  it('a retried request (same messageId) is recorded once', async () => {
    const body = { anonymousId: 'proof-2', messageId: 'consent-retry-1', purposes: { personalization: true } };
    const first = json(await postConsent(t, body));
    const retry = json(await postConsent(t, body));
    assert.equal(retry.messageId, first.messageId);
    assert.equal((await consentOf(t, 'proof-2')).ledger.length, 1);
  });
});

describe('consent follows the person through identify and merges', () => {
  let t: TesseraUnderTest;
  before(async () => {
    t = await startTessera();
    await changeSettings(t, (s) => { s.schema.traits.favouriteColour = { purposes: ['personalization'], type: 'string', personal: true }; });
  });
  after(async () => { await t.close(); });

  it('an anonymous visitor\'s consent holds after they identify', async () => {
    json(await postConsent(t, { anonymousId: 'carry-anon', purposes: { personalization: true } }));
    assertAccepted(await t.collect('/v1/identify', { anonymousId: 'carry-anon', userId: 'carry-user', traits: { favouriteColour: 'teal' } }));
    const p = await profileOf(t, 'carry-user');
    assert.equal(p.consent.personalization.granted, true);
    assert.equal(p.traits.favouriteColour, 'teal', 'the trait is stored because the consent given anonymously applies');
  });

  it('after two profiles merge, the consent given on the merged-away one applies, and its ledger moves along', async () => {
    assertAccepted(await t.collect('/v1/identify', { anonymousId: 'carry-laptop', userId: 'carry-known', traits: { name: 'Kim' } }));
    json(await postConsent(t, { anonymousId: 'carry-phone', purposes: { personalization: true }, channel: 'banner', wording: { version: 'phone-1', text: 'Personalise?' } }));
    assertAccepted(await t.collect('/v1/identify', { userId: 'carry-known', traits: { favouriteColour: 'red' } }));
    assert.equal((await profileOf(t, 'carry-known')).traits.favouriteColour, undefined, 'no consent yet on the laptop profile');

    assertAccepted(await t.collect('/v1/identify', { anonymousId: 'carry-phone', userId: 'carry-known' }));
    assert.equal((await profileOf(t, 'carry-phone')).id, (await profileOf(t, 'carry-known')).id, 'the profiles merged');
    const { consent, ledger } = await consentOf(t, 'carry-known');
    assert.equal(consent.personalization.granted, true);
    assert.deepEqual(ledger.map((e: Json) => [e.purposes, e.wording?.version]), [[{ personalization: true }, 'phone-1']]);
    assertAccepted(await t.collect('/v1/identify', { userId: 'carry-known', traits: { favouriteColour: 'red' } }));
    assert.equal((await profileOf(t, 'carry-known')).traits.favouriteColour, 'red');
  });

  it('the latest decision per purpose wins when profiles merge, whichever profile survives', async () => {
    // Decision times are the server's receive times; they are set here so that the order is certain.
    const decide = (body: Json, receivedAt: number) => t.tessera.ingest.acceptConsent({ workspaceId: 'default', body, request: {}, receivedAt });
    const t0 = Date.now();
    // The surviving profile (it has the userId) granted first; the merged-away device withdrew later.
    await decide({ userId: 'carry-second', purposes: { personalization: true } }, t0);
    await decide({ anonymousId: 'carry-tablet', purposes: { personalization: false } }, t0 + 60_000);
    // And the other way round for profiling: the merged-away device granted first, the survivor withdrew later.
    await decide({ anonymousId: 'carry-tablet', purposes: { profiling: true } }, t0 + 1_000);
    await decide({ userId: 'carry-second', purposes: { profiling: false } }, t0 + 61_000);
    assertAccepted(await t.collect('/v1/identify', { anonymousId: 'carry-tablet', userId: 'carry-second' }));
    const { consent, ledger } = await consentOf(t, 'carry-tablet');
    assert.equal((await profileOf(t, 'carry-second')).id, (await profileOf(t, 'carry-tablet')).id, 'the profiles merged');
    assert.equal(consent.personalization.granted, false, 'the later withdrawal on the merged-away device stands');
    assert.equal(consent.profiling.granted, false, 'the later withdrawal on the survivor stands');
    assert.equal(ledger.length, 4, 'every decision of both profiles stays in the ledger');
  });
});

describe('an email whose purpose has no legal basis never becomes an identity', () => {
  let t: TesseraUnderTest;
  before(async () => {
    t = await startTessera();
    await changeSettings(t, (s) => { s.schema.traits.email = { purposes: ['email_marketing'], type: 'string', personal: true }; });
  });
  after(async () => { await t.close(); });

  it('without consent the email is removed before identity resolution', async () => {
    assertAccepted(await t.collect('/v1/identify', { userId: 'nl-user', traits: { email: 'nl.reader@example.com', name: 'Nell' } }));
    assertAccepted(await t.collect('/v1/track', { userId: 'nl-user', event: 'Download Requested', context: { traits: { email: 'nl.reader@example.com' } } }));
    await assertUnknown(t, 'nl.reader@example.com');
    const p = await profileOf(t, 'nl-user');
    assert.deepEqual(p.identities.map((i: Json) => i.kind), ['user_id']);
    assert.deepEqual(p.traits, { name: 'Nell' });
    assert.ok(!JSON.stringify(await timelineOf(t, 'nl-user')).includes('nl.reader@example.com'), 'no stored event carries the email');
    assert.equal(countOf(await reportTotals(t), 'withheld_trait', 'email'), 2);
  });

  it('after a double opt-in confirmation the email is kept and identifies the person', async () => {
    json(await postConsent(t, {
      userId: 'nl-user', purposes: { email_marketing: true }, channel: 'email_confirmation',
      wording: { version: 'newsletter-2', text: 'Send me the monthly newsletter.' }, evidence: { confirmationMessageId: 'dbl-optin-42' },
    }));
    assertAccepted(await t.collect('/v1/identify', { userId: 'nl-user', traits: { email: 'nl.reader@example.com' } }));
    const p = await profileOf(t, 'nl.reader@example.com');
    assert.equal(p.id, (await profileOf(t, 'nl-user')).id);
    const [entry] = (await consentOf(t, 'nl-user')).ledger;
    assert.equal(entry.channel, 'email_confirmation');
    assert.deepEqual(entry.evidence, { confirmationMessageId: 'dbl-optin-42' });
  });

  it('after withdrawal a new email address is not taken on', async () => {
    json(await postConsent(t, { userId: 'nl-user', purposes: { email_marketing: false }, channel: 'api' }));
    assertAccepted(await t.collect('/v1/identify', { userId: 'nl-user', traits: { email: 'nl.second@example.com' } }));
    await assertUnknown(t, 'nl.second@example.com');
  });
});
