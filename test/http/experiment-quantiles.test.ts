/**
 * A quantile metric (median dwell time) through the API on SQLite: defined and read back as sent, kept at ingest
 * from the tracker's `Page Left` events, answered per arm as the bucket of the exact median with its interval and
 * a difference of quantiles, in JSON and CSV. (Both stores keep the histogram alike: the storage contract
 * experiment-quantile-contract.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { bucketOf, bucketValue } from '../../src/core/experiments/quantile-sketch.js';
import { ADMIN_KEY, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, type Json } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => { t = await startTessera({ segmentScheduler: false }); });
after(async () => { await t.close(); });
const call = (method: 'POST' | 'GET', url: string, payload?: unknown) =>
  t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });
const json = (res: { statusCode: number; body: string }, status = 200): Json => { assert.equal(res.statusCode, status, res.body); return JSON.parse(res.body); };

const experiment = (metrics: Json[]) => ({
  key: 'dwell-q', name: 'Dwell', status: 'running', variations: [{ id: 'control', name: 'Control', weight: 0.5 }, { id: 'calm', name: 'Calm', weight: 0.5 }], goal: null, metrics,
  analysis: { cupedDays: 0 },
});

it('refuses a bad quantile metric naming each field', async () => {
  const error = assertError(await call('POST', '/v1/experiments', experiment([{ id: 'q', kind: 'quantile', quantile: 2, of: 'mean' }])), 400, 'invalid_body');
  assertIssue(error, 'metrics[0].quantile', /above 0 and below 1/);
  assertIssue(error, 'metrics[0].of', /duration, sum, count/);
});

it('answers each arm\'s median dwell time and the difference of medians', async () => {
  const created = json(await call('POST', '/v1/experiments', experiment([{ id: 'median-dwell', kind: 'quantile', quantile: 0.5 }])), 201);
  assert.deepEqual([created.metrics[0].kind, created.metrics[0].quantile, created.metrics[0].of, created.metrics[0].event], ['quantile', 0.5, 'duration', 'Page Left']);
  const seconds: number[][] = [[], []];
  for (let i = 0; i < 60; i++) {
    const anonymousId = `q-${i}`;
    const arm = json(await call('POST', '/v1/experiments/dwell-q/assign', { anonymousId })).variation.index as number;
    const value = arm === 1 ? 20 + i : 5 + i / 2;
    assertAccepted(await t.collect('/v1/track', { anonymousId, event: 'Page Left', properties: { visibleMs: value * 500 } }));
    assertAccepted(await t.collect('/v1/track', { anonymousId, event: 'Page Left', properties: { visibleMs: value * 500 } }));
    seconds[arm]!.push(value);
  }
  const r = json(await call('GET', '/v1/experiments/dwell-q/results'));
  const metric = r.metrics[0];
  for (const arm of [0, 1]) {
    const sorted = [...seconds[arm]!].sort((a, b) => a - b);
    const median = sorted[Math.ceil(sorted.length * 0.5) - 1]!;
    assert.equal(metric.variations[arm].quantile.value, bucketValue(bucketOf(median)), `arm ${arm}: the bucket of the exact median ${median}`);
    assert.ok(metric.variations[arm].quantile.interval[0] <= metric.variations[arm].quantile.value && metric.variations[arm].quantile.value <= metric.variations[arm].quantile.interval[1]);
  }
  const c = metric.variations[1].comparison;
  assert.equal(c.frequentist, null);
  assert.ok(c.quantile.difference > 0 && c.quantile.interval[0] > 0 && c.quantile.pValue < 0.05, JSON.stringify(c.quantile));
  const csv = await call('GET', '/v1/experiments/dwell-q/results?format=csv');
  assert.equal(csv.statusCode, 200);
  const lines = csv.body.trim().split('\r\n').map((l: string) => l.split(','));
  assert.equal(lines.length, 1 + 2);
  const col = (name: string) => lines[0]!.indexOf(name);
  for (const arm of [0, 1]) {
    assert.equal(Number(lines[1 + arm]![col('quantile_value')]), metric.variations[arm].quantile.value, `arm ${arm}: the quantile in the CSV`);
    assert.equal(Number(lines[1 + arm]![col('quantile_lower')]), metric.variations[arm].quantile.interval[0]);
  }
  assert.equal(lines[1]![col('quantile_difference')], '', 'the control has no difference');
  assert.equal(Number(lines[2]![col('quantile_difference')]), c.quantile.difference);
  assert.equal(Number(lines[2]![col('quantile_difference_upper')]), c.quantile.interval[1]);
});
