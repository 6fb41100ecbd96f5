/**
 * Flag experiments through the API on a real store: definitions with validation naming every field, assignment
 * for server code (GrowthBook-compatible, sticky, one deduplicated `Experiment Viewed` exposure per person through
 * ingest), live results with both engines and SRM, the holdout setting, and hostile input on every route (never a
 * 5xx). Run against both stores (experiments.test.ts, experiments-postgres.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GrowthBook } from '@growthbook/growthbook';
import type { Config } from '../../src/config.js';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, timelineOf, type Json } from './api-helpers.js';

export function experimentsSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  before(async () => { t = await start({ segmentScheduler: false }); });
  after(async () => { await t.close(); });

  const call = (method: 'POST' | 'PUT' | 'DELETE' | 'GET', url: string, payload?: unknown, raw = false) =>
    t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: raw ? String(payload) : JSON.stringify(payload) } : {}) });
  const json = (res: { statusCode: number; body: string }, status = 200): Json => {
    assert.equal(res.statusCode, status, res.body);
    return JSON.parse(res.body);
  };
  const experiment = (key: string, over: Json = {}): Json => ({
    key, name: `Experiment ${key}`, status: 'running',
    variations: [{ id: 'control', name: 'Control', weight: 0.5 }, { id: 'green', name: 'Green button', weight: 0.5 }],
    goal: { event: 'Order Completed', windowHours: 24 }, ...over,
  });

  describe('definitions', () => {
    it('creates, refuses a duplicate key, reads, lists, updates and deletes', async () => {
      const created = json(await call('POST', '/v1/experiments', experiment('crud', { status: 'draft', startAt: '2026-01-01T00:00:00Z' })), 201);
      assert.equal(created.key, 'crud');
      assert.equal(created.hashVersion, 2);
      assert.equal(created.startAt, '2026-01-01T00:00:00.000Z');
      assertIssue(assertError(await call('POST', '/v1/experiments', experiment('crud')), 409, 'conflict'), 'key', /another experiment/);
      assert.equal(json(await call('GET', '/v1/experiments/crud')).name, 'Experiment crud');
      assert.ok(json(await call('GET', '/v1/experiments')).experiments.some((e: Json) => e.key === 'crud'));
      const updated = json(await call('PUT', '/v1/experiments/crud', { ...experiment('crud'), key: undefined, coverage: 0.5 }));
      assert.equal(updated.coverage, 0.5);
      assert.equal(updated.createdAt, created.createdAt);
      assert.deepEqual(json(await call('DELETE', '/v1/experiments/crud')), { deleted: true, key: 'crud' });
      assertError(await call('GET', '/v1/experiments/crud'), 404, 'not_found');
      assertError(await call('DELETE', '/v1/experiments/crud'), 404, 'not_found');
      assertError(await call('PUT', '/v1/experiments/crud', experiment('crud')), 404, 'not_found');
    });

    it('names every failing field', async () => {
      const error = assertError(await call('POST', '/v1/experiments', {
        key: 'ok-key', name: '', coverage: 2, hashVersion: 7, variations: [{ id: 'a', weight: 0.9 }, { id: 'b', weight: 'half' }], goal: { event: 'X', windowHours: 1e9 },
      }), 400, 'invalid_body');
      for (const field of ['name', 'coverage', 'hashVersion', 'variations[1].weight', 'goal.windowHours']) assertIssue(error, field, /./);
    });

    it('requires the admin key', async () => {
      const res = await t.inject({ method: 'GET', url: '/v1/experiments' });
      assertError(res, 401, 'unauthorized');
    });
  });

  describe('assignment', () => {
    it('assigns as the GrowthBook SDK does, keeps the arm (sticky) and records one exposure per person', async () => {
      json(await call('POST', '/v1/experiments', experiment('checkout', { coverage: 0.8 })), 201);
      const gb = new GrowthBook({ attributes: {} });
      for (let i = 0; i < 40; i++) {
        const anonymousId = `visitor-${i}`;
        const answer = json(await call('POST', '/v1/experiments/checkout/assign', { anonymousId }));
        gb.setAttributes({ id: anonymousId });
        const theirs = gb.run({ key: 'checkout', variations: [0, 1], weights: [0.5, 0.5], coverage: 0.8, hashVersion: 2, seed: 'checkout' });
        assert.equal(answer.inExperiment, theirs.inExperiment, anonymousId);
        if (theirs.inExperiment) assert.equal(answer.variation.index, theirs.variationId, anonymousId);
        else assert.equal(answer.reason, 'outside_coverage');
      }
      gb.destroy();
      // Sticky: the weights change, the people already assigned keep their arm.
      const first = json(await call('POST', '/v1/experiments/checkout/assign', { anonymousId: 'visitor-sticky' }));
      assert.equal(first.inExperiment, true);
      const flipped = first.variation.index === 0 ? [0, 1] : [1, 0];
      json(await call('PUT', '/v1/experiments/checkout', experiment('checkout', { coverage: 1, variations: [{ id: 'control', weight: flipped[0] }, { id: 'green', weight: flipped[1] }] })));
      const again = json(await call('POST', '/v1/experiments/checkout/assign', { anonymousId: 'visitor-sticky' }));
      assert.equal(again.variation.index, first.variation.index);
      assert.equal(again.sticky, true);
      const viewed = (await timelineOf(t, 'visitor-sticky')).filter((e: Json) => e.event === 'Experiment Viewed');
      assert.equal(viewed.length, 1, 'one exposure per person per experiment');
      assert.deepEqual(viewed[0].properties, { experiment_id: 'checkout', experiment_name: 'Experiment checkout', variation_id: first.variation.id, variation_name: first.variation.index === 0 ? 'Control' : 'Green button' });
    });

    it('a person known by userId keeps the arm on another device (hashAttribute userId)', async () => {
      json(await call('POST', '/v1/experiments', experiment('by-user', { hashAttribute: 'userId' })), 201);
      const a = json(await call('POST', '/v1/experiments/by-user/assign', { userId: 'u-1', anonymousId: 'laptop-1' }));
      const b = json(await call('POST', '/v1/experiments/by-user/assign', { userId: 'u-1', anonymousId: 'phone-1' }));
      assert.equal(a.variation.index, b.variation.index);
    });

    it('a sticky arm removed by an edit is answered, not a 5xx', async () => {
      const three = { variations: [{ id: 'a', weight: 0.2 }, { id: 'b', weight: 0.2 }, { id: 'c', weight: 0.6 }] };
      json(await call('POST', '/v1/experiments', experiment('shrinks', three)), 201);
      let inC = '';
      for (let i = 0; i < 50 && !inC; i++) if (json(await call('POST', '/v1/experiments/shrinks/assign', { anonymousId: `shrink-${i}` })).variation.index === 2) inC = `shrink-${i}`;
      assert.ok(inC, 'someone was assigned to the third arm');
      json(await call('PUT', '/v1/experiments/shrinks', experiment('shrinks')));
      assert.equal(json(await call('POST', '/v1/experiments/shrinks/assign', { anonymousId: inC })).reason, 'variation_removed');
      assert.equal(json(await call('GET', '/v1/experiments/shrinks/results')).variations.length, 2);
    });

    it('does not assign while not running, and says why', async () => {
      json(await call('POST', '/v1/experiments', experiment('paused', { status: 'draft' })), 201);
      assert.deepEqual(json(await call('POST', '/v1/experiments/paused/assign', { anonymousId: 'x' })), { experiment: 'paused', inExperiment: false, reason: 'not_running' });
      json(await call('POST', '/v1/experiments', experiment('anon-only')), 201);
      assert.equal(json(await call('POST', '/v1/experiments/anon-only/assign', { userId: 'u-9' })).reason, 'no_unit');
      assertError(await call('POST', '/v1/experiments/nope/assign', { anonymousId: 'x' }), 404, 'not_found');
    });
  });

  describe('results', () => {
    it('counts exposures and conversions live, compares the arms with both engines, checks the sample ratio', async () => {
      json(await call('POST', '/v1/experiments', experiment('results')), 201);
      const arms: number[] = [];
      for (let i = 0; i < 30; i++) {
        const a = json(await call('POST', '/v1/experiments/results/assign', { anonymousId: `buyer-${i}` }));
        arms.push(a.variation.index);
      }
      // Every third person in the treatment and every sixth in the control converts.
      const converting = arms.map((arm, i) => (arm === 1 ? i % 3 === 0 : i % 6 === 0));
      for (const [i, yes] of converting.entries()) {
        if (yes) assertAccepted(await t.collect('/v1/track', { anonymousId: `buyer-${i}`, event: 'Order Completed' }));
      }
      assertAccepted(await t.collect('/v1/track', { anonymousId: 'buyer-0', event: 'Order Completed' })); // a second order is the same unit
      const r = json(await call('GET', '/v1/experiments/results/results'));
      for (const arm of [0, 1]) {
        const v = r.variations[arm];
        assert.equal(v.units, arms.filter((a) => a === arm).length);
        assert.equal(v.conversions, converting.filter((yes, i) => yes && arms[i] === arm).length);
      }
      assert.equal(typeof r.variations[1].frequentist.pValue, 'number');
      assert.ok(r.variations[1].bayesian.chanceToBeatControl >= 0 && r.variations[1].bayesian.chanceToBeatControl <= 1);
      assert.equal(r.sampleRatio.degreesOfFreedom, 1);
      assert.ok(r.warnings.some((w: Json) => w.code === 'too_few_units'), 'thirty people are too few');
      assertError(await call('GET', '/v1/experiments/none/results'), 404, 'not_found');
    });
  });

  describe('concluding by hand', () => {
    it('rolls out the winner chosen: concluded, evidence kept, audited, assignment shows the winner; refusals name the field or say why', async () => {
      json(await call('POST', '/v1/experiments', experiment('by-hand')), 201);
      const arms: number[] = [];
      for (let i = 0; i < 20; i++) arms.push(json(await call('POST', '/v1/experiments/by-hand/assign', { anonymousId: `hand-${i}` })).variation.index);
      for (const [i, arm] of arms.entries()) if (arm === 1 ? i % 2 === 0 : i % 5 === 0) assertAccepted(await t.collect('/v1/track', { anonymousId: `hand-${i}`, event: 'Order Completed' }));
      assertIssue(assertError(await call('POST', '/v1/experiments/by-hand/conclude', { winner: 'purple' }), 400, 'invalid_body'), 'winner', /no variation "purple".*control, green/);
      assertIssue(assertError(await call('POST', '/v1/experiments/by-hand/conclude', { winner: 3 }), 400, 'invalid_body'), 'winner', /id of one of the experiment's variations/);
      assertIssue(assertError(await call('POST', '/v1/experiments/by-hand/conclude', { winner: 'green', when: 'now' }), 400, 'invalid_body'), 'when', /not a field/);
      assertError(await call('POST', '/v1/experiments/by-hand/conclude', {}), 400);
      assertError(await call('POST', '/v1/experiments/nope/conclude', { winner: 'green' }), 404, 'not_found');

      const { conclusion } = json(await call('POST', '/v1/experiments/by-hand/conclude', { winner: 'green' }));
      const results = json(await call('GET', '/v1/experiments/by-hand/results'));
      const green = results.metrics.find((m: Json) => m.id === 'goal').variations[1].comparison;
      assert.deepEqual({ ...conclusion, at: undefined }, {
        winner: { index: 1, id: 'green' }, decidedBy: 'manual', metric: 'goal', lift: green.sequential.lift,
        evidence: { interval: green.sequential.interval, pValue: green.sequential.pValue, chanceToWin: green.bayesian.chanceToWin },
        at: undefined, applied: { kind: 'rollout', slots: [] },
      });
      assert.equal(results.status, 'concluded');
      assert.deepEqual(results.conclusion, conclusion);
      // Everyone the experiment reaches now gets the winner, a newcomer too.
      const newcomer = json(await call('POST', '/v1/experiments/by-hand/assign', { anonymousId: 'hand-new' }));
      assert.equal(newcomer.reason, 'concluded');
      assert.equal(newcomer.variation.id, 'green');
      const audit = json(await call('GET', '/v1/privacy/audit?limit=20'));
      assert.ok(audit.entries.some((e: Json) => e.action === 'experiment.concluded' && e.details?.experiment === 'by-hand' && e.details?.decidedBy === 'manual'), JSON.stringify(audit.entries));
      assertError(await call('POST', '/v1/experiments/by-hand/conclude', { winner: 'control' }), 409, 'conflict');
      json(await call('POST', '/v1/experiments', experiment('still-draft', { status: 'draft' })), 201);
      assertError(await call('POST', '/v1/experiments/still-draft/conclude', { winner: 'green' }), 409, 'conflict');
    });
  });

  describe('metrics', () => {
    const metrics = [
      { id: 'revenue', kind: 'sum', event: 'Order Completed', valueProperty: 'revenue' },
      { id: 'ctr', kind: 'ratio', numerator: { event: 'Slot Clicked' }, denominator: { event: 'Slot Viewed' } },
      { id: 'dwell', kind: 'duration' },
      { id: 'bounce-rate', kind: 'ratio', numerator: { counter: 'bounces' }, denominator: { counter: 'sessions' }, higherIsBetter: false, guardrail: true },
    ];

    it('validation names every failing field of metrics, analysis and bandit', async () => {
      const error = assertError(await call('POST', '/v1/experiments', experiment('bad-metrics', {
        metrics: [{ id: 'goal', kind: 'count', event: 'x' }, { id: 'm2', kind: 'sum', event: 'Order Completed' }, { id: 'm3', kind: 'ratio', numerator: { counter: 'visits' }, denominator: 5 }, { id: 'm4', kind: 'median' }],
        analysis: { alpha: 0.5, correction: 'bonferroni', prior: { mean: 0, sd: -1 }, cupedDays: 1e400 },
        bandit: { floor: 0.9, beta: 0.2 },
      })), 400, 'invalid_body');
      for (const field of ['metrics[0].id', 'metrics[1].valueProperty', 'metrics[2].numerator.counter', 'metrics[2].denominator', 'metrics[3].kind', 'analysis.alpha', 'analysis.correction', 'analysis.prior.sd', 'analysis.cupedDays', 'bandit.floor', 'bandit.beta']) assertIssue(error, field, /./);
    });

    it('results per metric and variation from the aggregates: both engines, corrected p-values, daily series, CSV; a metric change asks for a recompute', async () => {
      const created = json(await call('POST', '/v1/experiments', experiment('metrics', { metrics })), 201);
      assert.deepEqual(created.metrics.map((m: Json) => m.id), ['revenue', 'ctr', 'dwell', 'bounce-rate']);
      assert.equal(created.metrics[2].event, 'Page Left', 'duration reads the tracker\'s Page Left by default');
      const arms: number[] = [];
      for (let i = 0; i < 40; i++) arms.push(json(await call('POST', '/v1/experiments/metrics/assign', { anonymousId: `m-${i}` })).variation.index);
      for (let i = 0; i < 40; i++) {
        const who = { anonymousId: `m-${i}` };
        assertAccepted(await t.collect('/v1/track', { ...who, event: 'Slot Viewed', properties: { slot: 'hero', variant: 'a' } }));
        if (i % (arms[i] === 1 ? 2 : 4) === 0) assertAccepted(await t.collect('/v1/track', { ...who, event: 'Slot Clicked', properties: { slot: 'hero' } }));
        if (i % 3 === 0) assertAccepted(await t.collect('/v1/track', { ...who, event: 'Order Completed', properties: { revenue: 10 + i } }));
        assertAccepted(await t.collect('/v1/track', { ...who, event: 'Page Left', properties: { visibleMs: 1000 * (i + 1) } }));
      }
      const r = json(await call('GET', '/v1/experiments/metrics/results'));
      assert.deepEqual(r.metrics.map((m: Json) => m.id), ['goal', 'revenue', 'ctr', 'dwell', 'bounce-rate']);
      const byId = (id: string) => r.metrics.find((m: Json) => m.id === id);
      const inArm = (arm: number) => arms.map((a, i) => [a, i] as const).filter(([a]) => a === arm).map(([, i]) => i);
      for (const arm of [0, 1]) {
        const people = inArm(arm);
        assert.equal(byId('revenue').variations[arm].units, people.length);
        assert.equal(byId('revenue').variations[arm].total, people.filter((i) => i % 3 === 0).reduce((s, i) => s + 10 + i, 0));
        assert.equal(byId('ctr').variations[arm].denominator, people.length);
        assert.equal(byId('ctr').variations[arm].total, people.filter((i) => i % (arm === 1 ? 2 : 4) === 0).length);
        assert.ok(Math.abs(byId('dwell').variations[arm].total - people.reduce((s, i) => s + i + 1, 0)) < 1e-9, 'dwell in seconds');
      }
      const ctr = byId('ctr').variations[1].comparison;
      assert.ok(ctr.frequentist.lift > 0 && ctr.frequentist.pValueCorrected >= ctr.frequentist.pValue);
      assert.ok(ctr.sequential.interval[0] <= ctr.frequentist.interval[0], 'the confidence sequence is wider');
      assert.ok(ctr.bayesian.chanceToWin > 0.5);
      assert.equal(typeof byId('bounce-rate').variations[1].comparison.guardrailBreached, 'boolean');
      assert.ok(r.series.length >= 1 && r.series.at(-1).units.reduce((s: number, n: number) => s + n, 0) === 40, 'the last day of the series has every unit');
      assert.equal(r.aggregates.recomputeNeeded, false);
      const csv = await call('GET', '/v1/experiments/metrics/results?format=csv');
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      const lines = csv.body.trim().split('\r\n');
      assert.equal(lines.length, 1 + 5 * 2);
      assert.match(lines[0]!, /^metric,kind,guardrail,variation,units/);
      // Changing a metric starts a new generation; until a recompute, the results say so.
      const changed = json(await call('PUT', '/v1/experiments/metrics', { ...experiment('metrics'), key: undefined, metrics: metrics.slice(0, 2) }));
      assert.equal(changed.metricsGeneration, 1);
      const after = json(await call('GET', '/v1/experiments/metrics/results'));
      assert.equal(after.aggregates.recomputeNeeded, true);
      assert.ok(after.warnings.some((w: Json) => w.code === 'recompute_needed'));
      assert.equal(json(await call('PUT', '/v1/experiments/metrics', { ...experiment('metrics'), key: undefined, metrics: metrics.slice(0, 2), coverage: 0.9 })).metricsGeneration, 1, 'other changes keep the generation');
    });
  });

  describe('settings', () => {
    it('the global holdout is 5% unless set', async () => {
      assert.deepEqual(json(await call('GET', '/v1/experiment-settings')), { holdoutShare: 0.05 });
      assert.deepEqual(json(await call('PUT', '/v1/experiment-settings', { holdoutShare: 0.1 })), { holdoutShare: 0.1 });
      assert.deepEqual(json(await call('GET', '/v1/experiment-settings')), { holdoutShare: 0.1 });
    });
  });

  describe('hostile input: 4xx JSON naming the field, never a 5xx', () => {
    const hostileBodies: Array<[string, unknown, boolean]> = [
      ['NUL in the key', { ...experiment('x'), key: 'a\u0000b' }, false],
      ['control characters in the name', { ...experiment('ctl'), name: 'a\u0007b' }, false],
      ['1e400 as coverage', '{"key":"big","name":"n","variations":[{"id":"a","weight":0.5},{"id":"b","weight":0.5}],"coverage":1e400}', true],
      ['Infinity (not JSON)', '{"key":"inf","coverage":Infinity}', true],
      ['wrong types', { key: 5, name: [], variations: 'ab', coverage: '1', status: true, namespace: 'x', goal: 7 }, false],
      ['a string body', '"just text"', true],
      ['an array body', [1, 2], false],
      ['a huge name', { ...experiment('huge'), name: 'x'.repeat(100_000) }, false],
      ['too many variations', { ...experiment('many'), variations: Array.from({ length: 1000 }, (_, i) => ({ id: `v${i}`, weight: 0.001 })) }, false],
      ['a weight of 1e-400 and a NaN-like string', { ...experiment('tiny'), variations: [{ id: 'a', weight: 1e-400 }, { id: 'b', weight: 'NaN' }] }, false],
      ['a huge goal window', { ...experiment('win'), goal: { event: 'E', windowHours: 1e308 } }, false],
      ['NUL in a goal property', { ...experiment('prop'), goal: { event: 'E', properties: { plan: 'a\u0000' } } }, false],
    ];
    for (const [name, body, raw] of hostileBodies) {
      it(`create: ${name}`, async () => {
        const res = await call('POST', '/v1/experiments', body, raw);
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode}: ${res.body}`);
        assertError(res, res.statusCode);
      });
      it(`update: ${name}`, async () => {
        json(await call('POST', '/v1/experiments', experiment('target-of-update')), 201).key;
        const res = await call('PUT', '/v1/experiments/target-of-update', body, raw);
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode}: ${res.body}`);
        await call('DELETE', '/v1/experiments/target-of-update');
      });
    }
    it('1e400 is refused as a field, not read as Infinity or changed', async () => {
      const error = assertError(await call('POST', '/v1/experiments', '{"key":"big","name":"n","variations":[{"id":"a","weight":0.5},{"id":"b","weight":0.5}],"coverage":1e400}', true), 400);
      assert.ok(error.code === 'invalid_json' || error.issues?.some((i) => i.field === 'coverage'), JSON.stringify(error));
    });
    const badKeys = ['%00', 'a%00b', '%07x', 'UPPER', 'x'.repeat(65), '%E2%80%AE', '..', '-x'];
    for (const key of badKeys) {
      for (const [method, suffix, body] of [['GET', '', undefined], ['PUT', '', experiment('k')], ['DELETE', '', undefined], ['POST', '/assign', { anonymousId: 'a' }], ['GET', '/results', undefined]] as const) {
        it(`${method} /v1/experiments/${key.slice(0, 12)}${suffix}`, async () => {
          const res = await call(method, `/v1/experiments/${key}${suffix}`, body);
          assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode}: ${res.body}`);
          assertError(res, res.statusCode);
        });
      }
    }
    const assignBodies: Array<[string, unknown, string]> = [
      ['no ids', {}, 'userId'],
      ['NUL in anonymousId', { anonymousId: 'a\u0000' }, 'anonymousId'],
      ['a number userId', { userId: 1e400 }, 'userId'],
      ['an object anonymousId', { anonymousId: { $gt: '' } }, 'anonymousId'],
      ['a huge id', { anonymousId: 'x'.repeat(10_000) }, 'anonymousId'],
      ['an unknown field', { anonymousId: 'a', traits: {} }, 'traits'],
      ['an array', ['a'], 'body'],
    ];
    for (const [name, body, field] of assignBodies) {
      it(`assign: ${name}`, async () => {
        await call('POST', '/v1/experiments', experiment('hostile-assign'));
        assertIssue(assertError(await call('POST', '/v1/experiments/hostile-assign/assign', body), 400), field, /./);
      });
    }
    it('settings: out of range, wrong type, unknown field', async () => {
      assertIssue(assertError(await call('PUT', '/v1/experiment-settings', { holdoutShare: 0.9 }), 400), 'holdoutShare', /0\.5/);
      assertIssue(assertError(await call('PUT', '/v1/experiment-settings', { holdoutShare: '0.1' }), 400), 'holdoutShare', /number/);
      assertIssue(assertError(await call('PUT', '/v1/experiment-settings', { holdoutShare: 0.1, extra: 1 }), 400), 'extra', /setting/);
      assertError(await call('PUT', '/v1/experiment-settings', '{"holdoutShare":1e400}', true), 400);
      assert.deepEqual(json(await call('GET', '/v1/experiment-settings')).holdoutShare, 0.1, 'nothing was changed');
    });
  });
}
