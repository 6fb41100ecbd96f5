/**
 * The public decide API on a real store (issue 14 §2; run against both stores, decide*.test.ts):
 * unknown visitors get contextual content; the write key decides only for its own visitor (a
 * stranger who knows someone's email learns nothing, and a guessed anonymous id never reveals
 * name-level content); a recognition token and a server key reach the person's own content; the
 * answer carries no trace, allowed depth or profile id; the email block; validation names every
 * failing field; decide writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { openDecisionId } from '../../src/core/decisions/decision-id.js';
import { addServerKey, keyRecord } from '../../src/workspaces/api-keys.js';
import { ADMIN_KEY, basicAuth, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, type Json } from './api-helpers.js';

export const PUBLIC_URL = 'https://t.example.test';

/** A B2B site's slots: a hero greeting by name (individual), for topic readers (segment), for the pricing page (contextual). */
export const HERO = {
  id: 'hero', name: 'Hero', channel: 'any', defaultVariantId: 'general', explain: true,
  variants: [
    { id: 'general', title: 'Welcome', body: 'Software for smart factories', format: 'text', linkUrl: 'https://shop.example.test/start' },
    { id: 'personal', body: 'Hello {{traits.firstName | "there"}}, your plan is ready', format: 'text' },
    { id: 'factory', body: '<p>The <a href="https://shop.example.test/guide?x=1">smart factory guide</a></p>', format: 'html' },
    { id: 'pricing', body: 'Plans for teams', format: 'text' },
  ],
  rules: [
    { id: 'r-personal', condition: { trait: { key: 'plan', op: 'equals', value: 'pro' } }, variantId: 'personal', depth: 'individual' },
    { id: 'r-readers', condition: { page: { category: 'smart-factory', atLeast: 3 } }, variantId: 'factory', depth: 'segment' },
    { id: 'r-pricing', context: { field: 'path', op: 'equals', value: '/pricing' }, variantId: 'pricing', depth: 'contextual' },
  ],
};

export function decideSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  let serverKey: string;
  before(async () => {
    t = await start({ segmentScheduler: false, publicUrl: PUBLIC_URL });
    serverKey = await addServerKey(t.tessera.store, 'default', { scopes: ['decide'], now: Date.now() });
    const created = await t.inject({ method: 'POST', url: '/v1/slots', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify(HERO) });
    assert.equal(created.statusCode, 201, created.body);
    // Karoline: a pro customer who consented, on her own device aid-karo.
    assertAccepted(await t.collect('/v1/identify', { userId: 'u-karo', anonymousId: 'aid-karo', traits: { email: 'karoline@example.com', firstName: 'Karoline', plan: 'pro' } }));
    // Quiet hours (default 21:00–08:00 for messages) would hold the email channel at its default, whenever the test runs.
    const settings = await t.inject({ method: 'PUT', url: '/v1/personalization/settings', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify({ quietHours: null }) });
    assert.equal(settings.statusCode, 200, settings.body);
    // These tests are about personalization: nobody is held out (the global holdout is tested in slot-experiments-suite.ts).
    const holdout = await t.inject({ method: 'PUT', url: '/v1/experiment-settings', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify({ holdoutShare: 0 }) });
    assert.equal(holdout.statusCode, 200, holdout.body);
    assert.equal((await t.collect('/v1/consent', { userId: 'u-karo', purposes: { personalization: true }, channel: 'api' })).statusCode, 200);
  });
  after(async () => { await t.close(); });

  const post = (body: unknown, headers: Record<string, string> = { authorization: basicAuth(WRITE_KEY) }) =>
    t.inject({ method: 'POST', url: '/v1/decide', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
  const asServer = (key = serverKey) => ({ authorization: `Bearer ${key}` });
  const ok = (res: { statusCode: number; body: string }): Json => {
    assert.equal(res.statusCode, 200, res.body);
    return JSON.parse(res.body);
  };

  describe('who is deciding for whom', () => {
    it('an unknown visitor gets contextual content and the default, and nothing is written', async () => {
      const pricing = ok(await post({ slots: ['hero', 'nope'], anonymousId: 'aid-first-time', context: { path: '/pricing' } }));
      assert.deepEqual(pricing.missing, ['nope']);
      assert.equal(pricing.decisions.hero.variant.id, 'pricing');
      assert.equal(pricing.decisions.hero.depth, 'contextual');
      assert.equal(pricing.decisions.hero.rule, 'r-pricing');
      const home = ok(await post({ slots: ['hero'], anonymousId: 'aid-first-time' }));
      assert.equal(home.decisions.hero.variant.id, 'general');
      assert.equal(home.decisions.hero.rule, 'default');
      assert.equal((await t.admin('/v1/profiles/aid-first-time')).statusCode, 404, 'decide created no profile');
      const known = async () => {
        const profile = JSON.parse((await t.admin('/v1/profiles/aid-karo')).body) as Json;
        const events = JSON.parse((await t.admin('/v1/profiles/aid-karo/events?limit=100')).body) as Json;
        return { updatedAt: profile.updatedAt, events: events.events.length, counters: await t.tessera.store.decisions.getCounters('default', profile.id) };
      };
      const before = await known();
      for (const visitor of [{ anonymousId: 'aid-karo' }, { userId: 'u-karo' }]) ok(await post({ slots: ['hero'], ...visitor }, 'userId' in visitor ? asServer() : undefined));
      assert.deepEqual(await known(), before, 'deciding for a known person wrote nothing: no event, no profile change, no counters');
    });

    it('answers the public shape only: no trace, allowed depth, limits or profile id; a decisionId and a whyUrl from configuration', async () => {
      const answer = ok(await post({ slots: ['hero'], anonymousId: 'aid-karo' }));
      const hero = answer.decisions.hero;
      assert.deepEqual(Object.keys(hero).sort(), ['decisionId', 'depth', 'explanation', 'rule', 'showWhy', 'slot', 'tags', 'variant', 'whyUrl']);
      assert.deepEqual(Object.keys(hero.explanation).sort(), ['dataKindLabels', 'locale', 'text']);
      assert.match(hero.decisionId, /^dcs_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{40,}$/);
      assert.equal(hero.whyUrl, `${PUBLIC_URL}/why/${hero.decisionId}`);
      assert.equal(hero.showWhy, true);
      const profile = JSON.parse((await t.admin('/v1/profiles/aid-karo')).body) as Json;
      for (const secret of ['trace', 'allowedDepth', 'limitedBy', profile.id, 'karoline@example.com', 'u-karo']) assert.ok(!JSON.stringify(answer).includes(secret), secret);
      const other = ok(await post({ slots: ['hero'], anonymousId: 'aid-karo' }));
      assert.notEqual(other.decisions.hero.decisionId, hero.decisionId, 'every decision has its own id');
    });

    it('a stranger who knows someone\'s email or userId learns nothing: the write key naming them is refused with 403', async () => {
      for (const who of [{ email: 'karoline@example.com' }, { userId: 'u-karo' }, { email: 'nobody@example.com' }]) {
        const res = await post({ slots: ['hero'], ...who });
        const error = assertError(res, 403, 'forbidden');
        assert.match(error.message, /server key with the decide scope/);
        assert.ok(!res.body.includes('Karoline') && !res.body.includes('plan'), res.body);
        assertIssue(error, Object.keys(who)[0]!, /server key/);
      }
      const viaGet = await t.inject({ method: 'GET', url: `/v1/decide?slot=hero&email=karoline%40example.com&writeKey=${WRITE_KEY}` });
      assertError(viaGet, 403, 'forbidden');
    });

    it('a stranger with a guessed (or stolen) anonymous id never gets name-level content: a cookie is not enough for individual depth', async () => {
      const answer = ok(await post({ slots: ['hero'], anonymousId: 'aid-karo' }));
      assert.notEqual(answer.decisions.hero.depth, 'individual');
      assert.notEqual(answer.decisions.hero.variant.id, 'personal');
      assert.ok(!JSON.stringify(answer).includes('Karoline'), JSON.stringify(answer));
      assert.ok(!answer.decisions.hero.explanation.dataKindLabels.some((l: string) => /identity|name/i.test(l)));
    });

    it('the person\'s own server (server key, decide scope) decides by email or userId at login depth', async () => {
      for (const who of [{ email: 'Karoline@Example.com' }, { userId: 'u-karo' }]) {
        const answer = ok(await post({ slots: ['hero'], ...who }, asServer()));
        assert.equal(answer.decisions.hero.variant.id, 'personal', JSON.stringify(who));
        assert.equal(answer.decisions.hero.variant.body, 'Hello Karoline, your plan is ready');
        assert.equal(answer.decisions.hero.depth, 'individual');
      }
      const unknown = ok(await post({ slots: ['hero'], email: 'nobody@example.com' }, asServer()));
      assert.equal(unknown.decisions.hero.rule, 'default');
      const wrongKind = ok(await post({ slots: ['hero'], userId: 'karoline@example.com' }, asServer()));
      assert.equal(wrongKind.decisions.hero.rule, 'default', 'an email sent as userId names nobody');
    });

    it('a recognition token bound to this device (a signed link) reaches name-level content with the write key; on another device it is ignored', async () => {
      const minted = await t.inject({ method: 'POST', url: '/v1/recognitions', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify({ anonymousId: 'aid-karo-phone', email: 'karoline@example.com' }) });
      assert.equal(minted.statusCode, 200, minted.body);
      const { recognition } = JSON.parse(minted.body) as { recognition: string };
      const signed = ok(await post({ slots: ['hero'], anonymousId: 'aid-karo-phone', recognition }));
      assert.equal(signed.decisions.hero.variant.body, 'Hello Karoline, your plan is ready');
      assert.equal(signed.decisions.hero.depth, 'individual');
      const elsewhere = ok(await post({ slots: ['hero'], anonymousId: 'aid-thief', recognition }));
      assert.ok(!JSON.stringify(elsewhere).includes('Karoline'), 'the token is bound to its anonymous id');
      const tampered = ok(await post({ slots: ['hero'], anonymousId: 'aid-karo-phone', recognition: `${recognition.slice(0, -2)}xx` }));
      assert.ok(!JSON.stringify(tampered).includes('Karoline'), 'a tampered token is ignored: cookie level');
    });

    it('the decisionId opens with the workspace key and names the decision (and the person, sealed)', async () => {
      const answer = ok(await post({ slots: ['hero'], userId: 'u-karo' }, asServer()));
      const key = (await t.tessera.store.keyring.list('default')).find((k) => k.retiredAt === null)!;
      const claims = openDecisionId(answer.decisions.hero.decisionId, { secret: key.secret, now: Date.now() });
      const profile = JSON.parse((await t.admin('/v1/profiles/u-karo')).body) as Json;
      assert.equal(claims?.slotId, 'hero');
      assert.equal(claims?.variantId, 'personal');
      assert.equal(claims?.ruleId, 'r-personal');
      assert.equal(claims?.depth, 'individual');
      assert.equal(claims?.recognition, 'login');
      assert.equal(claims?.profileId, profile.id);
      assert.ok(claims!.expiresAt - claims!.issuedAt === 30 * 24 * 3600_000);
    });
  });

  describe('keys', () => {
    it('refuses a missing key, an admin key (with a hint), a server key without the decide scope, a server key on the write key\'s place', async () => {
      assertError(await post({ slots: ['hero'] }, {}), 401, 'unauthorized');
      const admin = assertError(await post({ slots: ['hero'] }, { authorization: `Bearer ${ADMIN_KEY}` }), 401, 'unauthorized');
      assert.match(admin.message, /admin key.*server key/);
      const bare = 'sk_test_server_key_without_scopes';
      await t.tessera.store.workspaces.addKey(keyRecord('default', 'server', bare, Date.now(), []));
      const scopeless = assertError(await post({ slots: ['hero'], userId: 'u-karo' }, asServer(bare)), 403, 'forbidden');
      assert.match(scopeless.message, /"decide" scope/);
      const asWrite = assertError(await post({ slots: ['hero'] }, { authorization: basicAuth(serverKey) }), 401, 'unauthorized');
      assert.match(asWrite.message, /server key/);
      assertError(await post({ slots: ['hero'] }, { authorization: basicAuth('wk_unknown') }), 401, 'unauthorized');
      const email = (authorization: string) => t.inject({ method: 'GET', url: '/v1/decide/email?slot=hero&userId=u-karo', headers: { authorization } });
      assert.match(assertError(await email(`Bearer ${WRITE_KEY}`), 401, 'unauthorized').message, /This is a write key\. This route takes a server key/);
      assert.match(assertError(await email(`Bearer ${ADMIN_KEY}`), 401, 'unauthorized').message, /This is an admin key\. This route takes a server key/);
      assert.match(assertError(await email('Bearer sk_not_a_key'), 401, 'unauthorized').message, /server key is not valid/);
      // A server key is not an admin key either.
      assert.match(assertError(await t.inject({ method: 'GET', url: '/v1/slots', headers: { authorization: `Bearer ${serverKey}` } }), 401).message, /This is a server key/);
    });

    it('takes the write key in a text/plain body, as the collection API does', async () => {
      const res = await t.inject({ method: 'POST', url: '/v1/decide', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ writeKey: WRITE_KEY, slots: ['hero'], anonymousId: 'aid-x' }) });
      assert.equal(ok(res).decisions.hero.rule, 'default');
    });

    it('answers browsers from any origin (CORS)', async () => {
      const res = await t.inject({ method: 'OPTIONS', url: '/v1/decide', headers: { origin: 'https://site.example.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      assert.equal(res.statusCode, 204, res.body);
      assert.equal(res.headers['access-control-allow-origin'], 'https://site.example.test');
    });
  });

  describe('validation', () => {
    it('names every failing field of a bad body', async () => {
      const error = assertError(await post({
        slots: ['hero', 'hero', 7], anonymousId: { a: 1 }, recognition: 5, channel: 'sms', shoe: 1,
        context: { locale: 'not a locale!', recognised: 'login', deviceClass: 'fridge', utm: { source: 'x'.repeat(2001) }, localHour: 25 },
      }), 400, 'invalid_body');
      const fields = error.issues!.map((i) => i.field).sort();
      for (const f of ['slots[1]', 'slots[2]', 'anonymousId', 'recognition', 'channel', 'shoe', 'context.locale', 'context.recognised', 'context.deviceClass', 'context.utm.source', 'context.localHour']) {
        assert.ok(fields.includes(f), `${f} in ${fields.join(', ')}`);
      }
      assertIssue(assertError(await post({ anonymousId: 'a' }), 400), 'slots', /required/);
      assertIssue(assertError(await post({ slots: [] }), 400), 'slots', /1 to 20/);
      assertIssue(assertError(await post({ slots: Array.from({ length: 21 }, (_, i) => `s${i}`) }), 400), 'slots', /1 to 20/);
      assertIssue(assertError(await post({ slots: ['hero'], userId: 'a', email: 'b@example.com' }, asServer()), 400), 'email', /not both/);
      assertIssue(assertError(await post({ slots: ['hero'], email: 'not-an-email' }, asServer()), 400), 'email', /email/);
      assertIssue(assertError(await post([1, 2]), 400), 'body', /object/);
    });

    it('names the GET form\'s parameters as sent', async () => {
      const error = assertError(await t.inject({ method: 'GET', url: `/v1/decide?slot=hero&slot=hero&locale=x!&writeKey=${WRITE_KEY}&timezone=Mars%2FOlympus` }), 400, 'invalid_query');
      const fields = error.issues!.map((i) => i.field);
      for (const f of ['slot[1]', 'locale', 'timezone']) assert.ok(fields.includes(f), `${f} in ${fields.join(', ')}`);
    });
  });

  describe('GET forms', () => {
    it('GET /v1/decide answers as POST does; utm_* come from the url', async () => {
      const answer = ok(await t.inject({ method: 'GET', url: `/v1/decide?slot=hero&writeKey=${WRITE_KEY}&anonymousId=aid-get&url=${encodeURIComponent('https://shop.example.test/pricing?utm_source=news')}&locale=de-DE` }));
      assert.equal(answer.decisions.hero.variant.id, 'pricing', 'the path comes from the url');
      assert.equal(answer.decisions.hero.explanation.locale, 'de');
      const none = ok(await t.inject({ method: 'GET', url: '/v1/decide', headers: { authorization: basicAuth(WRITE_KEY) } }));
      assert.deepEqual(none, { decisions: {}, missing: [] });
    });

    it('GET /v1/decide/email renders the recipient\'s block with the decision on the element and on its links; refused with the write key', async () => {
      const res = await t.inject({ method: 'GET', url: '/v1/decide/email?slot=hero&email=karoline%40example.com', headers: asServer() });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      const id = /data-tessera-decision="(dcs_[^"]+)"/.exec(res.body)?.[1];
      assert.ok(id, res.body);
      assert.match(res.body, /data-tessera-slot="hero"/);
      assert.match(res.body, /Hello Karoline, your plan is ready/);
      const json = ok(await t.inject({ method: 'GET', url: '/v1/decide/email?slot=hero&userId=u-karo&format=json', headers: asServer() }));
      assert.equal(json.decisions.hero.variant.id, 'personal');
      // The default's link and an HTML variant's links carry the decision.
      const general = await t.inject({ method: 'GET', url: '/v1/decide/email?slot=hero&email=someone-new%40example.com', headers: asServer() });
      const generalId = /data-tessera-decision="(dcs_[^"]+)"/.exec(general.body)?.[1]!;
      assert.ok(general.body.includes(`href="https://shop.example.test/start?tsr_decision=${generalId}"`), general.body);
      assertError(await t.inject({ method: 'GET', url: `/v1/decide/email?slot=hero&email=karoline%40example.com&writeKey=${WRITE_KEY}`, headers: { authorization: basicAuth(WRITE_KEY) } }), 401, 'unauthorized');
    });
  });

  describe('GET /why/{decisionId}', () => {
    const whyPath = (decisionId: string, query = '') => `/why/${decisionId}${query}`;
    const hidden = (html: string) => /name="token" value="([^"]+)"/.exec(html)?.[1];

    it('explains the decision as the answer did, in English or German, with the kinds of data and the data page', async () => {
      // Dieter reads three smart-factory articles on his device and consents: the readers' variant (segment depth).
      assertAccepted(await t.collect('/v1/identify', { anonymousId: 'aid-dieter', traits: { plan: 'free' } }));
      for (let i = 0; i < 3; i++) assertAccepted(await t.collect('/v1/page', { anonymousId: 'aid-dieter', messageId: `dieter-page-${i}`, category: 'smart-factory', name: `Article ${i}`, properties: { path: `/articles/${i}`, url: `https://shop.example.test/articles/${i}` } }));
      assert.equal((await t.collect('/v1/consent', { anonymousId: 'aid-dieter', purposes: { personalization: true }, channel: 'banner' })).statusCode, 200);
      const answer = ok(await post({ slots: ['hero'], anonymousId: 'aid-dieter' })).decisions.hero;
      assert.equal(answer.rule, 'r-readers', JSON.stringify(answer));
      const res = await t.inject({ method: 'GET', url: new URL(answer.whyUrl).pathname });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
      assert.ok(res.body.includes(answer.explanation.text.replace(/'/g, '&#39;')), `${answer.explanation.text} in ${res.body}`);
      for (const label of answer.explanation.dataKindLabels) assert.ok(res.body.includes(label), label);
      assert.match(res.body, /Show me general content instead/);
      assert.match(res.body, /contact the operator of this website/, 'no data page configured: the contact sentence');
      assert.ok(hidden(res.body), 'the form carries its token');
      const de = await t.inject({ method: 'GET', url: whyPath(answer.decisionId), headers: { 'accept-language': 'de-DE,de;q=0.9,en;q=0.8' } });
      assert.match(de.body, /<html lang="de">/);
      assert.match(de.body, /Warum sehe ich das\?/);
      assert.match(de.body, /Weil Sie/);
      assert.match((await t.inject({ method: 'GET', url: whyPath(answer.decisionId, '?lang=de') })).body, /Allgemeine Inhalte anzeigen/);
      // A configured data page is linked.
      const settings = await t.inject({ method: 'PUT', url: '/v1/personalization/settings', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify({ quietHours: null, privacyUrl: 'https://shop.example.test/privacy' }) });
      assert.equal(settings.statusCode, 200, settings.body);
      assert.match((await t.inject({ method: 'GET', url: whyPath(answer.decisionId) })).body, /href="https:\/\/shop.example.test\/privacy"/);
    });

    it('answers a 404 page for an unknown, tampered or made-up id', async () => {
      const answer = ok(await post({ slots: ['hero'], anonymousId: 'aid-karo' })).decisions.hero;
      for (const id of [`${answer.decisionId.slice(0, -4)}AAAA`, 'dcs_x.y.z', 'nothing', answer.decisionId.replace(/^dcs_[^.]+/, 'dcs_b3RoZXI')]) {
        const res = await t.inject({ method: 'GET', url: whyPath(encodeURIComponent(id)) });
        assert.equal(res.statusCode, 404, id);
        assert.match(res.body, /This explanation is not available/);
      }
    });

    it('"Show me general content instead" withdraws personalization for the decision\'s person (form token, idempotent); the next decide stays contextual', async () => {
      const before = ok(await post({ slots: ['hero'], anonymousId: 'aid-dieter' })).decisions.hero;
      assert.equal(before.depth, 'segment');
      const page = await t.inject({ method: 'GET', url: whyPath(before.decisionId) });
      const token = hidden(page.body)!;
      const form = (body: string) => t.inject({ method: 'POST', url: whyPath(before.decisionId), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
      const forged = await form('token=forged');
      assert.equal(forged.statusCode, 403, forged.body);
      const other = ok(await post({ slots: ['hero'], anonymousId: 'aid-dieter' })).decisions.hero;
      const otherToken = hidden((await t.inject({ method: 'GET', url: whyPath(other.decisionId) })).body)!;
      assert.equal((await form(`token=${encodeURIComponent(otherToken)}`)).statusCode, 403, 'a token of another decision');
      assert.equal(ok(await post({ slots: ['hero'], anonymousId: 'aid-dieter' })).decisions.hero.depth, 'segment', 'nothing changed yet');

      const done = await form(`token=${encodeURIComponent(token)}`);
      assert.equal(done.statusCode, 200, done.body);
      assert.match(done.body, /General content from now on/);
      const after = ok(await post({ slots: ['hero'], anonymousId: 'aid-dieter' })).decisions.hero;
      assert.ok(['none', 'contextual'].includes(after.depth), after.depth);
      assert.equal(after.variant.id, 'general');
      const again = await form(`token=${encodeURIComponent(token)}`);
      assert.equal(again.statusCode, 200, again.body);
      const ledger = JSON.parse((await t.admin('/v1/profiles/aid-dieter/consent')).body) as Json;
      const withdrawals = ledger.ledger.filter((r: Json) => r.purposes.personalization === false);
      assert.equal(withdrawals.length, 1, JSON.stringify(ledger.ledger));
      assert.equal(ledger.consent.personalization.granted, false);
      assert.match((await t.inject({ method: 'GET', url: whyPath(before.decisionId) })).body, /You chose general content/);
    });

    it('a visitor without a profile has nothing to withdraw: no form', async () => {
      const answer = ok(await post({ slots: ['hero'], anonymousId: 'aid-nobody' })).decisions.hero;
      const res = await t.inject({ method: 'GET', url: whyPath(answer.decisionId) });
      assert.equal(res.statusCode, 200);
      assert.doesNotMatch(res.body, /<form/);
      assert.match(res.body, /keeps no profile of you/);
    });
  });
}
