/**
 * Personalization slots through the admin API on a real store (issue 14): definitions validated
 * naming the bad node (a sensitive trait refused), CRUD with versions, the preview for a person
 * (any identifier), a made-up typical member of a persona or a made-up visit with the rule that
 * fired and the trace, exposure counters fed by `Slot Viewed` events capping the fourth impression,
 * decision settings, the transparency notice, and the counters in the person's export and gone
 * after erasure. Run against both stores (slots*.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, type Json } from './api-helpers.js';
import { DEFAULT_FEATURE_DEFINITION, definitionVersion } from '../../src/core/personas/feature-definition.js';

export function slotsSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  before(async () => { t = await start({ segmentScheduler: false }); });
  after(async () => { await t.close(); });

  const send = async (path: string, body: Json) => assertAccepted(await t.collect(path, body));
  const call = (method: 'POST' | 'PUT' | 'DELETE' | 'GET', url: string, payload?: unknown) =>
    t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });
  const json = (res: { statusCode: number; body: string }, status = 200): Json => {
    assert.equal(res.statusCode, status, res.body);
    return JSON.parse(res.body);
  };

  const hero = {
    id: 'hero', name: 'Hero banner', channel: 'web', defaultVariantId: 'general',
    variants: [
      { id: 'general', body: 'Welcome', format: 'text' },
      { id: 'pro', body: 'Hello {{traits.firstName | "there"}}, see what is new for Pro', format: 'text' },
      { id: 'pricing', body: 'Plans for teams', format: 'text' },
    ],
    rules: [
      { id: 'r-pro', condition: { trait: { key: 'plan', op: 'equals', value: 'pro' } }, variantId: 'pro', depth: 'segment' },
      { id: 'r-pricing', context: { field: 'path', op: 'equals', value: '/pricing' }, variantId: 'pricing', depth: 'contextual' },
    ],
  };
  const cta = {
    id: 'cta', name: 'Call to action', channel: 'any', defaultVariantId: 'plain',
    variants: [{ id: 'plain', body: 'Contact us', format: 'text' }, { id: 'promo', body: 'Spring offer', format: 'text' }],
    rules: [{ id: 'r-spring', variantId: 'promo', depth: 'contextual', caps: [{ max: 3, window: '1d' }], tags: ['spring'] }],
  };

  describe('slot definitions', () => {
    it('refuses bad definitions, naming every failing node', async () => {
      const bad = {
        ...hero,
        rules: [
          { id: 'r1', condition: { trait: { key: 'plan', op: 'bogus', value: 1 } }, variantId: 'nope', depth: 'deep' },
          { id: 'r1', context: { field: 'shoeSize', op: 'equals', value: 1 }, variantId: 'pro', depth: 'segment' },
        ],
      };
      const error = assertError(await call('POST', '/v1/slots', bad), 400, 'invalid_body');
      const fields = error.issues!.map((i) => i.field);
      for (const f of ['rules[0].variantId', 'rules[0].depth', 'rules[1].id']) assert.ok(fields.includes(f), `${f} in ${fields.join(', ')}`);
      assert.ok(fields.some((f) => f.startsWith('rules[0].condition')), fields.join(', '));
      assert.ok(fields.some((f) => f.startsWith('rules[1].context')), fields.join(', '));
      assertIssue(assertError(await call('POST', '/v1/slots', { ...hero, defaultVariantId: 'missing' }), 400), 'defaultVariantId', /variants/);
      assertIssue(assertError(await call('POST', '/v1/slots', { ...hero, variants: [{ id: 'general', body: 'x', format: 'text', linkUrl: 'javascript:alert(1)' }] }), 400), 'variants[0].linkUrl', /http/);
      assertError(await call('POST', '/v1/slots', 'just text'), 400, 'invalid_body');
      assertError(await call('POST', '/v1/slots', [hero]), 400, 'invalid_body');
      assert.deepEqual(json(await call('GET', '/v1/slots')).slots, [], 'nothing was created');
    });

    it('refuses a rule on a trait the data schema marks sensitive (Art. 9), naming the node', async () => {
      const current = json(await call('GET', '/v1/privacy/settings'));
      const traits = { ...current.schema.traits, health_condition: { purposes: ['analytics'], type: 'string', personal: true, sensitive: 'health' } };
      json(await call('PUT', '/v1/privacy/settings', { schema: { ...current.schema, traits } }));
      const sensitive = { ...hero, id: 'sensitive', rules: [{ id: 'r-health', condition: { trait: { key: 'health_condition', op: 'equals', value: 'diabetes' } }, variantId: 'pro', depth: 'segment' }] };
      assertIssue(assertError(await call('POST', '/v1/slots', sensitive), 400, 'invalid_body'), 'rules[0].condition.trait.key', /sensitive/);
    });

    it('creates, refuses a duplicate, reads, replaces with a new version, lists and deletes; audited', async () => {
      const created = json(await call('POST', '/v1/slots', hero), 201);
      assert.equal(created.version, 1);
      assert.equal(created.name, 'Hero banner');
      assert.equal(created.strategy.kind, 'rules', 'defaults applied');
      assert.match(created.createdAt, /^\d{4}-\d\d-\d\dT/);
      assertIssue(assertError(await call('POST', '/v1/slots', hero), 409, 'conflict'), 'id', /taken/);
      assert.deepEqual(json(await call('GET', '/v1/slots/hero')), created);
      const { id: _id, ...withoutId } = hero;
      const replaced = json(await call('PUT', '/v1/slots/hero', { ...withoutId, name: 'Hero' }));
      assert.equal(replaced.version, 2);
      assert.equal(replaced.name, 'Hero');
      assert.equal(replaced.createdAt, created.createdAt);
      assertIssue(assertError(await call('PUT', '/v1/slots/hero', { ...hero, id: 'other' }), 400), 'id', /hero/);
      assertError(await call('PUT', '/v1/slots/nope', hero), 404, 'not_found');
      json(await call('POST', '/v1/slots', { ...hero, id: 'temp' }), 201);
      assert.deepEqual(json(await call('GET', '/v1/slots')).slots.map((s: Json) => s.id), ['hero', 'temp']);
      assert.deepEqual(json(await call('DELETE', '/v1/slots/temp')), { deleted: true, id: 'temp' });
      assertError(await call('DELETE', '/v1/slots/temp'), 404, 'not_found');
      assertError(await call('GET', '/v1/slots/temp'), 404, 'not_found');
      const audit = json(await call('GET', '/v1/privacy/audit?limit=50'));
      const actions = JSON.stringify(audit);
      for (const a of ['slot.create', 'slot.update', 'slot.delete']) assert.ok(actions.includes(a), a);
      assert.equal((await t.inject({ method: 'GET', url: '/v1/slots' })).statusCode, 401, 'the admin key is required');
    });
  });

  describe('preview', () => {
    it('shows the rule that fired for a person found by any identifier, with the trace', async () => {
      await send('/v1/identify', { userId: 'pv-ann', traits: { email: 'ann@example.com', plan: 'pro', firstName: 'Ann' } });
      assert.equal((await t.collect('/v1/consent', { userId: 'pv-ann', purposes: { personalization: true }, channel: 'api' })).statusCode, 200);
      const byEmail = json(await call('POST', '/v1/slots/hero/preview', { profile: 'ann@example.com', context: { path: '/pricing' } }));
      assert.equal(byEmail.decision.ruleId, 'r-pro');
      assert.equal(byEmail.decision.variant.id, 'pro');
      assert.equal(byEmail.decision.variant.body, 'Hello Ann, see what is new for Pro');
      assert.equal(byEmail.decision.depth, 'individual', 'the variant greets by first name, a personal trait');
      assert.deepEqual(byEmail.decision.trace.at(-1), { source: 'r-pro', outcome: 'chosen', variantId: 'pro' });
      assert.ok(byEmail.profileId);
      const byUserId = json(await call('POST', '/v1/slots/hero/preview', { profile: 'pv-ann' }));
      assert.equal(byUserId.profileId, byEmail.profileId);
      assert.ok(typeof byEmail.decision.explanation.text === 'string' && byEmail.decision.explanation.text.length > 0);
    });

    it('without consent the guard refuses the segment rule and the trace says why', async () => {
      await send('/v1/identify', { userId: 'pv-bob', traits: { plan: 'pro' } });
      const preview = json(await call('POST', '/v1/slots/hero/preview', { profile: 'pv-bob', context: { path: '/pricing' } }));
      assert.equal(preview.decision.ruleId, 'r-pricing', 'the contextual rule still applies');
      assert.equal(preview.decision.trace[0].source, 'r-pro');
      assert.equal(preview.decision.trace[0].outcome, 'too-deep');
      assert.ok(preview.decision.limitedBy.includes('consent'), JSON.stringify(preview.decision.limitedBy));
    });

    it('a rule counting events matches once the person read three articles on the topic (slot conditions get event trackers)', async () => {
      const topic = {
        id: 'topic-cta', name: 'Topic CTA', channel: 'web', defaultVariantId: 'plain',
        variants: [{ id: 'plain', body: 'Read more', format: 'text' }, { id: 'factory', body: 'Get the smart factory guide', format: 'text' }],
        rules: [{ id: 'r-readers', variantId: 'factory', depth: 'segment', condition: { event: { name: 'Article Read', where: [{ property: 'topic', op: 'equals', value: 'smart factory' }], atLeast: 3, within: '30d' } } }],
      };
      json(await call('POST', '/v1/slots', topic), 201);
      assert.equal((await t.collect('/v1/consent', { userId: 'ev-dan', purposes: { personalization: true }, channel: 'api' })).statusCode, 200);
      const read = (i: number) => send('/v1/track', { userId: 'ev-dan', event: 'Article Read', messageId: `ev-dan-${i}`, properties: { topic: 'smart factory' } });
      await read(0);
      await read(1);
      const two = json(await call('POST', '/v1/slots/topic-cta/preview', { profile: 'ev-dan' }));
      assert.equal(two.decision.ruleId, 'default');
      assert.deepEqual(two.decision.trace[0], { source: 'r-readers', outcome: 'no-match', detail: 'profile', reasons: two.decision.trace[0].reasons });
      assert.ok(two.decision.trace[0].reasons.length > 0, 'the full trace says which clause failed');
      await read(2);
      const three = json(await call('POST', '/v1/slots/topic-cta/preview', { profile: 'ev-dan' }));
      assert.equal(three.decision.ruleId, 'r-readers');
      assert.equal(three.decision.variant.body, 'Get the smart factory guide');
      json(await call('DELETE', '/v1/slots/topic-cta'));
    });

    it('decides for a made-up visit without a profile', async () => {
      const pricing = json(await call('POST', '/v1/slots/hero/preview', { context: { path: '/pricing', deviceClass: 'mobile', locale: 'de-DE' } }));
      assert.equal(pricing.profileId, null);
      assert.equal(pricing.decision.ruleId, 'r-pricing');
      assert.deepEqual(pricing.decision.trace[0], { source: 'r-pro', outcome: 'too-deep', detail: 'individual > allowed contextual (consent, recognition)' });
      const home = json(await call('POST', '/v1/slots/hero/preview', { context: { path: '/' }, at: '2026-03-01T09:00:00Z' }));
      assert.equal(home.decision.ruleId, 'default');
      assert.equal(home.decision.variant.body, 'Welcome');
      assert.equal(home.at, '2026-03-01T09:00:00.000Z');
      assert.equal(json(await call('POST', '/v1/slots/hero/preview')).decision.ruleId, 'default', 'no body: an empty visit');
      // A replaced slot is compiled anew (the cache keys on the version), at once.
      const changed = { ...hero, variants: hero.variants.map((v) => (v.id === 'general' ? { ...v, body: 'Welcome back' } : v)) };
      json(await call('PUT', '/v1/slots/hero', changed));
      assert.equal(json(await call('POST', '/v1/slots/hero/preview', { context: { path: '/' } })).decision.variant.body, 'Welcome back');
      json(await call('PUT', '/v1/slots/hero', hero));
    });

    it('refuses a bad preview request, naming every failing field', async () => {
      const error = assertError(await call('POST', '/v1/slots/hero/preview', {
        profile: 'x'.repeat(2001), channel: 'fax', at: 'yesterday', extra: 1,
        context: { localHour: 99, weekday: 1.5, deviceClass: 'toaster', recognised: 'psychic', country: 'germany', timezone: 'Mars/Base', url: 'x'.repeat(2001), utm: { campaign: 5, x: 'y' }, locale: '1e400' },
      }), 400, 'invalid_body');
      const fields = error.issues!.map((i) => i.field).sort();
      assert.deepEqual(fields, [
        'at', 'channel', 'context.country', 'context.deviceClass', 'context.localHour', 'context.locale', 'context.recognised', 'context.timezone',
        'context.url', 'context.utm.campaign', 'context.utm.x', 'context.weekday', 'extra', 'profile',
      ]);
      assertIssue(assertError(await call('POST', '/v1/slots/hero/preview', { profile: 'a\u0007b' }), 400), 'profile', /control/);
      assertIssue(assertError(await call('POST', '/v1/slots/hero/preview', { profile: 'a\u0000b' }), 400), 'profile', /NUL/);
      assertIssue(assertError(await call('POST', '/v1/slots/hero/preview', { context: { recognised: 'login' } }), 400), 'context.recognised', /without a profile/);
      assertError(await call('POST', '/v1/slots/hero/preview', { profile: 'nobody-knows-me' }), 404, 'not_found');
      assertError(await call('POST', '/v1/slots/nope/preview', {}), 404, 'not_found');
      assertError(await call('POST', '/v1/slots/hero/preview', '[1e400]'), 400);
    });

    it('decides for a made-up typical member of a persona: its persona rules fire, another persona sees the default; a bad persona is named', async () => {
      const noModel = assertError(await call('POST', '/v1/slots/hero/preview', { persona: 'p2' }), 400, 'invalid_body');
      assertIssue(noModel, 'persona', /no fitted persona model/);
      // A fitted model of three personas, saved through the store's port (a fit would need a hundred visitors).
      const persona = (id: string, name: string) => ({ id, name, description: '', pinned: false, weight: 1 / 3, size: 40, mean: [0], variances: [1], distinguishing: [] });
      await t.tessera.store.personas.saveModel({
        workspaceId: 'default', fittedAt: Date.now(), definition: DEFAULT_FEATURE_DEFINITION, definitionVersion: definitionVersion(DEFAULT_FEATURE_DEFINITION),
        scaling: { means: [0], variances: [1] }, features: ['activity:sessions'], personas: [persona('p1', 'Night owls'), persona('p2', 'Planners'), persona('p3', 'Bargain hunters')],
        threshold: 0.5, sampleSize: 120, logLikelihood: -100, bic: 210, changes: { born: ['p1', 'p2', 'p3'], vanished: [], splits: [] },
      });
      const byPersona = {
        id: 'by-persona', name: 'By persona', channel: 'web', defaultVariantId: 'plain',
        variants: [{ id: 'plain', body: 'Hello', format: 'text' }, { id: 'plan', body: 'Plan ahead', format: 'text' }, { id: 'deal', body: 'Today only', format: 'text' }],
        rules: [
          { id: 'r-planners', condition: { persona: { id: 'p2' } }, variantId: 'plan', depth: 'persona' },
          { id: 'r-hunters', condition: { persona: { id: 'p3', minProbability: 0.8 } }, variantId: 'deal', depth: 'persona' },
        ],
      };
      json(await call('POST', '/v1/slots', byPersona), 201);
      const planner = json(await call('POST', '/v1/slots/by-persona/preview', { persona: 'p2' }));
      assert.equal(planner.decision.ruleId, 'r-planners');
      assert.equal(planner.decision.variant.body, 'Plan ahead');
      assert.equal(planner.decision.depth, 'persona');
      assert.equal(planner.profileId, null, 'the typical member is made up, never stored');
      assert.equal(planner.persona, 'p2');
      const hunter = json(await call('POST', '/v1/slots/by-persona/preview', { persona: 'p3' }));
      assert.equal(hunter.decision.ruleId, 'r-hunters', 'probability 1 reaches any minimum');
      assert.deepEqual(hunter.decision.trace[0], { source: 'r-planners', outcome: 'no-match', detail: 'profile', reasons: hunter.decision.trace[0].reasons });
      const owl = json(await call('POST', '/v1/slots/by-persona/preview', { persona: 'p1' }));
      assert.equal(owl.decision.ruleId, 'default', 'another persona: no persona rule holds');
      assert.equal(owl.decision.variant.body, 'Hello');
      const cookie = json(await call('POST', '/v1/slots/by-persona/preview', { persona: 'p2', context: { recognised: 'cookie' } }));
      assert.equal(cookie.decision.ruleId, 'default', 'recognised by a cookie only: persona depth is not allowed');
      assert.equal(cookie.decision.trace[0].outcome, 'too-deep');
      assert.equal(json(await call('POST', '/v1/slots/hero/preview', { persona: 'p2', context: { path: '/pricing' } })).decision.ruleId, 'r-pricing', 'nothing else is known: the trait rule does not hold');

      assertIssue(assertError(await call('POST', '/v1/slots/by-persona/preview', { persona: 'p9' }), 400, 'invalid_body'), 'persona', /no persona "p9".*p1, p2, p3/);
      assertIssue(assertError(await call('POST', '/v1/slots/by-persona/preview', { persona: 'planners' }), 400, 'invalid_body'), 'persona', /persona id/);
      assertIssue(assertError(await call('POST', '/v1/slots/by-persona/preview', { persona: 2 }), 400, 'invalid_body'), 'persona', /persona id/);
      assertIssue(assertError(await call('POST', '/v1/slots/by-persona/preview', { persona: 'p2', profile: 'pv-ann' }), 400, 'invalid_body'), 'persona', /not both/);
      json(await call('DELETE', '/v1/slots/by-persona'));
    });
  });

  describe('exposure counters', () => {
    it('Slot Viewed events count impressions: the fourth is capped and the default shows', async () => {
      json(await call('POST', '/v1/slots', cta), 201);
      await send('/v1/identify', { userId: 'ex-cat', traits: { email: 'cat@example.com' } });
      assert.equal(json(await call('POST', '/v1/slots/cta/preview', { profile: 'ex-cat' })).decision.ruleId, 'r-spring');
      const viewed = (i: number) => send('/v1/track', { userId: 'ex-cat', event: 'Slot Viewed', messageId: `ex-cat-${i}`, properties: { slot: 'cta', variant: 'promo', ruleId: 'r-spring', tags: ['spring'] } });
      for (let i = 0; i < 2; i++) await viewed(i);
      await send('/v1/track', { userId: 'ex-cat', event: 'Slot Viewed', messageId: 'ex-cat-default', properties: { slot: 'cta', variant: 'plain', ruleId: 'default' } });
      await send('/v1/track', { userId: 'ex-cat', event: 'Slot Viewed', messageId: 'ex-cat-junk', properties: { slot: 'cta\u0000', variant: 5 } });
      assert.equal(json(await call('POST', '/v1/slots/cta/preview', { profile: 'ex-cat' })).decision.ruleId, 'r-spring', 'two impressions (the default\'s and a malformed one count nothing)');
      await viewed(2);
      const capped = json(await call('POST', '/v1/slots/cta/preview', { profile: 'cat@example.com' }));
      assert.equal(capped.decision.ruleId, 'default');
      assert.equal(capped.decision.variant.id, 'plain');
      assert.deepEqual(capped.decision.trace.map((e: Json) => [e.source, e.outcome]), [['r-spring', 'capped'], ['default', 'chosen']]);
      const tomorrow = new Date(Date.now() + 86_400_000 + 60_000).toISOString();
      assert.equal(json(await call('POST', '/v1/slots/cta/preview', { profile: 'ex-cat', at: tomorrow })).decision.ruleId, 'r-spring', 'the window rolls');
    });

    it('the counters are in the person\'s export and gone after erasure', async () => {
      const exported = json(await call('GET', '/v1/profiles/cat@example.com/export'));
      assert.equal(exported.exposureCounters.length, 1);
      assert.equal(exported.exposureCounters[0].exposures['s:cta'].length, 3);
      assert.match(exported.exposureCounters[0].exposures['s:cta'][0], /^\d{4}-\d\d-\d\dT/);
      const profileId = exported.profile.id;
      json(await call('DELETE', '/v1/profiles/cat@example.com'));
      assert.deepEqual(await t.tessera.store.decisions.countersOf('default', [profileId]), []);
    });
  });

  describe('settings and notice', () => {
    it('settings: defaults, a bad replacement names every field, a good one is kept and used', async () => {
      const defaults = json(await call('GET', '/v1/personalization/settings'));
      assert.equal(defaults.minSegmentSize, 20);
      const error = assertError(await call('PUT', '/v1/personalization/settings', { minSegmentSize: 0, salutation: 'rude', timezone: 'Nowhere/City', bogus: 1 }), 400, 'invalid_body');
      assert.deepEqual(error.issues!.map((i) => i.field).sort(), ['bogus', 'minSegmentSize', 'salutation', 'timezone']);
      const saved = json(await call('PUT', '/v1/personalization/settings', { depthCeiling: 'contextual', salutation: 'informal' }));
      assert.equal(saved.depthCeiling, 'contextual');
      assert.deepEqual(json(await call('GET', '/v1/personalization/settings')), saved);
      const preview = json(await call('POST', '/v1/slots/hero/preview', { profile: 'pv-ann' }));
      assert.equal(preview.decision.ruleId, 'default', 'the workspace ceiling now stops the segment rule');
      json(await call('PUT', '/v1/personalization/settings', {}));
    });

    it('the transparency notice describes every slot in the asked language', async () => {
      const en = json(await call('GET', '/v1/personalization/notice'));
      assert.equal(en.locale, 'en');
      assert.deepEqual(en.slots.map((s: Json) => s.slotId).sort(), ['cta', 'hero']);
      assert.ok(en.slots.find((s: Json) => s.slotId === 'hero').text.includes('"Hero banner"'));
      const de = json(await call('GET', '/v1/personalization/notice?locale=de'));
      assert.ok(de.slots.find((s: Json) => s.slotId === 'hero').text.includes('„Hero banner“'));
      assertError(await call('GET', '/v1/personalization/notice?locale=fr'), 400);
    });
  });
}
