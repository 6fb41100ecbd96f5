/**
 * Slot experiments and the global holdout through the API on a real store (issue 16 §1; run against both stores,
 * slot-experiments*.test.ts):
 * - a slot names an experiment (validated at save: unknown experiment, a variation without a variant → 400 naming
 *   `experiment`);
 * - decide assigns every visitor exactly as the real `@growthbook/growthbook` SDK does, and those outside the
 *   experiment (coverage) get the slot's rules; decide writes nothing;
 * - the exposure (`Slot Viewed` with the decisionId) records the sticky assignment and one `Experiment Viewed`;
 *   a second decide keeps the arm after the weights changed; the results count the slot's exposures and
 *   conversions;
 * - targeting: people outside it get the slot's rules;
 * - the global holdout: default variant, depth none, "Shown to everyone", and a `holdout` entry in the preview.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GrowthBook } from '@growthbook/growthbook';
import type { Config } from '../../src/config.js';
import { isInHoldout } from '../../src/core/experiments/holdout.js';
import { EXPERIMENT_TTL_MS } from '../../src/decisions/slot-experiments.js';
import { ADMIN_KEY, basicAuth, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, timelineOf, type Json } from './api-helpers.js';

const EXPERIMENT = {
  key: 'hero-test', name: 'Hero copy', status: 'running', coverage: 0.8,
  variations: [{ id: 'calm', name: 'Calm', weight: 0.5 }, { id: 'bold', name: 'Bold', weight: 0.5 }],
  goal: { event: 'Demo Requested', windowHours: 24 },
};

const SLOT = {
  id: 'hero', name: 'Hero', channel: 'any', defaultVariantId: 'general', explain: true, experiment: 'hero-test',
  variants: [
    { id: 'general', body: 'Software for smart factories', format: 'text' },
    { id: 'calm', body: 'Plan your factory calmly', format: 'text' },
    { id: 'bold', body: 'Double your output', format: 'text' },
    { id: 'everyone', body: 'Welcome to everyone', format: 'text' },
  ],
  // What visitors outside the experiment see: the slot's own rules.
  rules: [{ id: 'r-all', variantId: 'everyone', depth: 'none' }],
};

/** Anonymous ids of the shapes the tracker makes (UUID-like), from a fixed LCG seed. */
function visitorIds(count: number, seed: number): string[] {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  return Array.from({ length: count }, () => `${next().toString(16)}-${next().toString(16)}-4${(next() % 4096).toString(16)}`);
}

export function slotExperimentsSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  const call = (method: 'POST' | 'PUT' | 'GET', url: string, payload?: unknown) =>
    t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });
  const json = (res: { statusCode: number; body: string }, status = 200): Json => {
    assert.equal(res.statusCode, status, res.body);
    return JSON.parse(res.body);
  };
  const decide = async (anonymousId: string, slots = ['hero']): Promise<Json> =>
    json(await t.inject({ method: 'POST', url: '/v1/decide', headers: { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' }, payload: JSON.stringify({ slots, anonymousId }) })).decisions;
  /** Waits for cached experiment definitions and holdout settings to expire (decide reads them at most this stale). */
  const definitionsSeen = () => sleep(EXPERIMENT_TTL_MS + 100);
  const view = async (anonymousId: string, d: Json) => {
    assertAccepted(await t.collect('/v1/track', { anonymousId, event: 'Slot Viewed', properties: { slot: d.slot, variant: d.variant.id, decisionId: d.decisionId, ruleId: d.rule, depth: d.depth, ...(d.experiment ? { experiment: d.experiment, variation: d.variation } : {}) } }));
    await t.tessera.slotExposures.idle();
  };
  const profileIdOf = async (id: string): Promise<string | null> => {
    const res = await t.admin(`/v1/profiles/${encodeURIComponent(id)}`);
    return res.statusCode === 200 ? (JSON.parse(res.body) as Json).id : null;
  };

  before(async () => {
    t = await start({ segmentScheduler: false });
    json(await call('PUT', '/v1/experiment-settings', { holdoutShare: 0 }));
    json(await call('POST', '/v1/experiments', EXPERIMENT), 201);
    json(await call('POST', '/v1/slots', SLOT), 201);
  });
  after(async () => { await t.close(); });

  describe('the slot names its experiment', () => {
    it('refuses an unknown experiment, a variation without a variant, and a malformed key, naming the field', async () => {
      assertIssue(assertError(await call('POST', '/v1/slots', { ...SLOT, id: 'hero-2', experiment: 'no-such' }), 400, 'invalid_body'), 'experiment', /no experiment "no-such"/);
      const fewer = { ...SLOT, id: 'hero-3', variants: SLOT.variants.filter((v) => v.id !== 'bold') };
      assertIssue(assertError(await call('POST', '/v1/slots', fewer), 400, 'invalid_body'), 'experiment', /no variant for "bold"/);
      assertIssue(assertError(await call('PUT', '/v1/slots/hero', { ...SLOT, experiment: 42 }), 400, 'invalid_body'), 'experiment', /key of an experiment/);
      assert.equal(json(await call('GET', '/v1/slots/hero')).experiment, 'hero-test');
    });
  });

  describe('decide assigns as GrowthBook does, and writes nothing', () => {
    it('300 visitors: the arm of each is the SDK\'s variation; those outside the coverage get the slot\'s rules', async () => {
      const gb = new GrowthBook({ attributes: {} });
      const ids = visitorIds(300, 20261207);
      let inside = 0;
      let outside = 0;
      for (const id of ids) {
        gb.setAttributes({ id });
        const theirs = gb.run({ key: EXPERIMENT.key, variations: ['calm', 'bold'], weights: [0.5, 0.5], coverage: EXPERIMENT.coverage, hashVersion: 2 });
        const hero = (await decide(id)).hero;
        if (theirs.inExperiment) {
          inside++;
          assert.equal(hero.variant.id, theirs.value, id);
          assert.equal(hero.experiment, 'hero-test');
          assert.equal(hero.variation, theirs.value);
          assert.equal(hero.rule, 'experiment');
          assert.match(hero.explanation.text, /random share of visitors/);
        } else {
          outside++;
          assert.equal(hero.variant.id, 'everyone', id);
          assert.equal(hero.rule, 'r-all');
          assert.equal(hero.experiment, undefined);
        }
      }
      gb.destroy();
      assert.ok(inside > 150 && outside > 20, `both sides must be met for the comparison to mean anything (${inside} in, ${outside} out)`);
      assert.equal(await profileIdOf(ids[0]!), null, 'decide made no profile');
      assert.deepEqual(json(await call('GET', '/v1/experiments/hero-test/results')).variations.map((v: Json) => v.units), [0, 0], 'decide recorded no assignment');
    });
  });

  describe('the exposure records the assignment', () => {
    it('Slot Viewed records the sticky assignment and one Experiment Viewed; the arm stays after the weights change; the results count slot views and conversions', async () => {
      const gb = new GrowthBook({ attributes: {} });
      const ids = visitorIds(40, 42).filter((id) => {
        gb.setAttributes({ id });
        return gb.run({ key: EXPERIMENT.key, variations: ['calm', 'bold'], weights: [0.5, 0.5], coverage: EXPERIMENT.coverage, hashVersion: 2 }).inExperiment;
      }).slice(0, 20);
      gb.destroy();
      const arms = new Map<string, string>();
      for (const id of ids) {
        const hero = (await decide(id)).hero;
        arms.set(id, hero.variation);
        await view(id, hero);
      }
      const first = ids[0]!;
      // The same person sees the slot again (a new decision): still one exposure event.
      await view(first, (await decide(first)).hero);
      const viewed = (await timelineOf(t, first)).filter((e) => e.event === 'Experiment Viewed');
      assert.equal(viewed.length, 1, JSON.stringify(viewed));
      assert.equal(viewed[0]!.properties.experiment_id, 'hero-test');
      assert.equal(viewed[0]!.properties.variation_id, arms.get(first));
      const profileId = (await profileIdOf(first))!;
      const stored = await t.tessera.store.experiments.assignmentOf('default', 'hero-test', profileId);
      assert.equal(stored?.variation, EXPERIMENT.variations.findIndex((v) => v.id === arms.get(first)));
      assert.equal(stored?.unitValue, first);

      // A forged or foreign decision id records nothing.
      assertAccepted(await t.collect('/v1/track', { anonymousId: 'forger', event: 'Slot Viewed', properties: { slot: 'hero', variant: 'bold', decisionId: 'dcs_ZGVmYXVsdA.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', experiment: 'hero-test', variation: 'bold' } }));
      await t.tessera.slotExposures.idle();
      assert.equal((await timelineOf(t, 'forger')).filter((e) => e.event === 'Experiment Viewed').length, 0);
      // A real decision id whose event claims another arm (or another variant) records nothing either.
      const sneaky = visitorIds(40, 42).find((id) => !ids.includes(id) && arms.size > 0 && (() => { const g = new GrowthBook({ attributes: { id } }); const r = g.run({ key: 'hero-test', variations: ['calm', 'bold'], weights: [0.5, 0.5], coverage: 0.8, hashVersion: 2 }); g.destroy(); return r.inExperiment; })());
      assert.ok(sneaky, 'a visitor in the experiment not yet exposed');
      {
        const d = (await decide(sneaky)).hero;
        const wrong = d.variation === 'calm' ? 'bold' : 'calm';
        for (const properties of [{ variation: wrong }, { variant: wrong }]) {
          assertAccepted(await t.collect('/v1/track', { anonymousId: sneaky, event: 'Slot Viewed', properties: { slot: 'hero', variant: d.variant.id, decisionId: d.decisionId, experiment: 'hero-test', variation: d.variation, ...properties } }));
        }
        await t.tessera.slotExposures.idle();
        assert.equal((await timelineOf(t, sneaky)).filter((e) => e.event === 'Experiment Viewed').length, 0);
        assert.equal(await t.tessera.store.experiments.assignmentOf('default', 'hero-test', (await profileIdOf(sneaky))!), null);
      }

      // Everyone's arm moves to the other one by weight; the exposed person keeps theirs (read, not written, by decide).
      const other = arms.get(first) === 'calm' ? 'bold' : 'calm';
      json(await call('PUT', '/v1/experiments/hero-test', { ...EXPERIMENT, key: undefined, variations: EXPERIMENT.variations.map((v) => ({ ...v, weight: v.id === other ? 1 : 0 })) }));
      await definitionsSeen();
      assert.equal((await decide(first)).hero.variation, arms.get(first), 'sticky after the weights changed');
      const newcomer = visitorIds(400, 7).find((id) => { const g = new GrowthBook({ attributes: { id } }); const r = g.run({ key: 'hero-test', variations: ['calm', 'bold'], weights: [0.5, 0.5], coverage: 0.8, hashVersion: 2 }); g.destroy(); return r.inExperiment; })!;
      assert.equal((await decide(newcomer)).hero.variation, other, 'a person never exposed follows the new weights');

      // Every third exposed person requests a demo: the results show the slot's exposures and conversions.
      const converting = ids.filter((_, i) => i % 3 === 0);
      for (const id of converting) assertAccepted(await t.collect('/v1/track', { anonymousId: id, event: 'Demo Requested' }));
      const results = json(await call('GET', '/v1/experiments/hero-test/results'));
      for (const [index, v] of EXPERIMENT.variations.entries()) {
        const row = results.variations[index];
        assert.equal(row.units, ids.filter((id) => arms.get(id) === v.id).length, v.id);
        assert.equal(row.conversions, converting.filter((id) => arms.get(id) === v.id).length, v.id);
      }
      json(await call('PUT', '/v1/experiments/hero-test', { ...EXPERIMENT, key: undefined }));
    });
  });

  describe('targeting of the experiment', () => {
    it('people outside the targeting get the slot\'s rules', async () => {
      json(await call('POST', '/v1/experiments', { ...EXPERIMENT, key: 'pros-only', coverage: 1, targeting: { trait: { key: 'plan', op: 'equals', value: 'pro' } } }), 201);
      json(await call('POST', '/v1/slots', { ...SLOT, id: 'pros', experiment: 'pros-only' }), 201);
      await definitionsSeen();
      assertAccepted(await t.collect('/v1/identify', { anonymousId: 'aid-pro', traits: { plan: 'pro' } }));
      assertAccepted(await t.collect('/v1/identify', { anonymousId: 'aid-free', traits: { plan: 'free' } }));
      const pro = (await decide('aid-pro', ['pros'])).pros;
      assert.equal(pro.experiment, 'pros-only');
      assert.ok(['calm', 'bold'].includes(pro.variant.id));
      for (const id of ['aid-free', 'aid-nobody']) {
        const d = (await decide(id, ['pros'])).pros;
        assert.equal(d.variant.id, 'everyone', id);
        assert.equal(d.experiment, undefined);
      }
    });
  });

  describe('the global holdout', () => {
    it('people in the holdout get the default at depth none, "Shown to everyone", and the preview shows why', async () => {
      json(await call('PUT', '/v1/experiment-settings', { holdoutShare: 0.3 }));
      await definitionsSeen();
      const ids = visitorIds(60, 99);
      const held = ids.filter((id) => isInHoldout({ holdoutShare: 0.3 }, id));
      assert.ok(held.length >= 5 && held.length < ids.length, `${held.length} of ${ids.length} held out`);
      for (const id of ids) {
        const hero = (await decide(id)).hero;
        if (held.includes(id)) {
          assert.equal(hero.variant.id, 'general', id);
          assert.equal(hero.depth, 'none');
          assert.equal(hero.rule, 'default');
          assert.equal(hero.explanation.text, 'Shown to everyone.');
          assert.equal(hero.experiment, undefined);
        } else assert.notEqual(hero.variant.id, 'general', id);
      }
      // A known person in the holdout (held out by their user id): the preview's trace says so.
      const person = visitorIds(200, 5).find((id) => isInHoldout({ holdoutShare: 0.3 }, `user-${id}`))!;
      assertAccepted(await t.collect('/v1/identify', { userId: `user-${person}`, anonymousId: `aid-${person}`, traits: { plan: 'pro' } }));
      const preview = json(await call('POST', '/v1/slots/hero/preview', { profile: `aid-${person}` }));
      assert.equal(preview.decision.variant.id, 'general');
      assert.equal(preview.decision.depth, 'none');
      assert.equal(preview.decision.holdout, true);
      assert.ok(preview.decision.trace.some((e: Json) => e.source === 'holdout' && e.outcome === 'holdout'), JSON.stringify(preview.decision.trace));
      // Beside it, what the rules (here: the experiment's arm) would show them outside the holdout, and the share.
      assert.equal(preview.holdoutShare, 0.3);
      assert.equal(preview.outsideHoldout.holdout, undefined);
      assert.ok(['calm', 'bold', 'everyone'].includes(preview.outsideHoldout.variant.id), JSON.stringify(preview.outsideHoldout.trace));
      assert.ok(!preview.outsideHoldout.trace.some((e: Json) => e.source === 'holdout'), JSON.stringify(preview.outsideHoldout.trace));
      const notHeld = visitorIds(200, 5).find((id) => !isInHoldout({ holdoutShare: 0.3 }, `user-${id}`))!;
      assertAccepted(await t.collect('/v1/identify', { userId: `user-${notHeld}`, anonymousId: `aid-${notHeld}`, traits: { plan: 'pro' } }));
      const ordinary = json(await call('POST', '/v1/slots/hero/preview', { profile: `aid-${notHeld}` }));
      assert.equal(ordinary.decision.holdout, undefined);
      assert.equal(ordinary.outsideHoldout, undefined, 'no second decision for a person who is not held out');
      assert.equal((await decide(`aid-${person}`)).hero.variant.id, 'general', 'decide holds out the same person on their device');
      json(await call('PUT', '/v1/experiment-settings', { holdoutShare: 0 }));
    });
  });
}
