/**
 * The before/after report through the API on a real store: generated people (seeded) whose conversion rate rises
 * with the season after T in every group, and by a planted effect only for people outside the global holdout;
 * the difference-in-differences finds the planted effect within its interval, the naive before/after does not.
 * Every bad parameter is named. Run against both stores (before-after.test.ts, before-after-postgres.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { isInHoldout } from '../../src/core/experiments/holdout.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError, type Json } from './api-helpers.js';

const DAY = 86_400_000;

export function beforeAfterSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  before(async () => { t = await start({ segmentScheduler: false }); });
  after(async () => { await t.close(); });
  const call = (method: 'GET' | 'PUT', url: string, payload?: unknown) =>
    t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });

  describe('before/after with difference-in-differences', () => {
    const at = Date.UTC(2026, 9, 1);
    const people = 3000;
    const share = 0.3;

    it('recovers a planted effect that a seasonal change hides from the naive before/after', async () => {
      assert.equal((await call('PUT', '/v1/experiment-settings', { holdoutShare: share })).statusCode, 200);
      // Before: 20% convert in both groups. After: the season adds 15 points to everyone, the measure 15 more to the treated.
      const random = seededRandom(16_04);
      const inputs: Json[] = [];
      let held = 0;
      for (let p = 0; p < people; p++) {
        const userId = `ba-${p}`;
        const inHoldout = isInHoldout({ holdoutShare: share }, userId);
        if (inHoldout) held++;
        for (const period of [-1, 1]) {
          const t0 = at + (period < 0 ? -10 * DAY : 2 * DAY) + p * 1000;
          inputs.push({ type: 'page', userId, name: 'Home', timestamp: new Date(t0).toISOString() });
          const rate = period < 0 ? 0.2 : inHoldout ? 0.35 : 0.5;
          if (random() < rate) inputs.push({ type: 'track', userId, event: 'Order Completed', properties: { revenue: 10 }, timestamp: new Date(t0 + 60_000).toISOString() });
        }
      }
      for (let i = 0; i < inputs.length; i += 2000) {
        const res = await t.collect('/v1/batch', { batch: inputs.slice(i, i + 2000) });
        assert.ok(res.statusCode < 300, res.body);
      }
      const res = await call('GET', `/v1/measures/before-after?at=${new Date(at).toISOString()}&days=14&event=Order%20Completed`);
      assert.equal(res.statusCode, 200, res.body);
      const report = JSON.parse(res.body) as Json;
      assert.equal(report.holdout.before.n, held);
      assert.equal(report.treated.before.n + report.holdout.before.n, people);
      const did = report.differenceInDifferences;
      assert.ok(did.interval[0] <= 0.15 && 0.15 <= did.interval[1] && did.interval[0] > 0, `DiD ${JSON.stringify(did)} covers the planted 0.15`);
      assert.ok(report.treated.change.interval[0] > 0.15, `naive ${JSON.stringify(report.treated.change)} takes the season for the effect`);
      assert.deepEqual(report.warnings, []);

      const revenue = JSON.parse((await call('GET', `/v1/measures/before-after?at=${new Date(at).toISOString()}&event=Order%20Completed&kind=sum&valueProperty=revenue&alpha=0.01`)).body) as Json;
      assert.ok(Math.abs(revenue.differenceInDifferences.estimate - 10 * did.estimate) < 1e-9, 'revenue 10 per order: ten times the conversion change');
    });

    it('names every bad parameter; an unknown experiment or metric is named too', async () => {
      const bad = assertError(await call('GET', '/v1/measures/before-after?at=soon&days=100&kind=ratio&event=X&alpha=2'), 400, 'invalid_query') as Json;
      assert.deepEqual(bad.issues.map((i: Json) => i.field).sort(), ['alpha', 'at', 'days', 'kind']);
      const extra = assertError(await call('GET', '/v1/measures/before-after?at=2026-10-01&event=X&colour=red'), 400, 'invalid_query') as Json;
      assert.ok(extra.issues.some((i: Json) => /colour/.test(i.field)), JSON.stringify(extra));
      const missing = assertError(await call('GET', '/v1/measures/before-after?at=2026-10-01&experiment=nope&metric=goal'), 400, 'invalid_query') as Json;
      assert.deepEqual(missing.issues.map((i: Json) => i.field), ['experiment']);
      assertError(await t.inject({ method: 'GET', url: '/v1/measures/before-after?at=2026-10-01&event=X' }), 401, 'unauthorized');
    });
  });
}
