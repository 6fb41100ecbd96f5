/**
 * Contract: a quantile metric's histogram (core/experiments/quantile-sketch.ts), kept at ingest as aggregate rows,
 * equals the histogram of each clean unit's value computed here directly from the raw events (plain loops, no
 * shared code with the step); a recompute under a changed quantile metric rebuilds it from the stored events.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { totals } from '../../core/experiments/aggregates.js';
import type { Metric } from '../../core/experiments/metric.js';
import { bucketOf } from '../../core/experiments/quantile-sketch.js';
import { histogramsOf } from '../../core/experiments/quantile-results.js';
import { seededRandom } from '../../core/seeded-random.js';
import { recomputeExperiment } from '../../experiments/recompute-experiment.js';
import { T0, newWorkspace, profileOf, type StoreSubject } from './contract-fixtures.js';
import { experimentFixture } from './experiment-contract.js';
import { sendWithExperiments } from './experiment-aggregates-contract.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const median = (windowHours: number, quantile: number): Metric => ({
  id: 'dwell-q', name: 'Dwell quantile', kind: 'quantile', quantile, of: 'duration', numerator: { event: 'Page Left', properties: {}, valueProperty: 'visibleMs', scale: 0.001 },
  denominator: null, windowHours, guardrail: false, higherIsBetter: true,
});

interface Person { anonymousId: string; variation: string; exposedAt: number; leaves: Array<{ at: number; visibleMs: number }> }

function people(seed: number, count: number): Person[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const exposedAt = T0 + DAY + Math.floor(random() * 3 * DAY);
    const leaves = Array.from({ length: Math.floor(random() * 4) }, () => ({ at: exposedAt + 1 + Math.floor(random() * 60 * HOUR), visibleMs: Math.floor(random() * 90_000) }));
    return { anonymousId: `q-${seed}-${i}`, variation: random() < 0.5 ? 'control' : 'treatment', exposedAt, leaves };
  });
}

const inputsOf = (list: Person[]) => list.flatMap((p) => [
  { anonymousId: p.anonymousId, type: 'track', event: 'Experiment Viewed', properties: { experiment_id: 'quant', variation_id: p.variation }, at: p.exposedAt },
  { anonymousId: p.anonymousId, type: 'track', event: 'Page Left', properties: { visibleMs: 5_000 }, at: p.exposedAt - HOUR },
  ...p.leaves.map((l) => ({ anonymousId: p.anonymousId, type: 'track', event: 'Page Left', properties: { visibleMs: l.visibleMs }, at: l.at })),
]).sort((a, b) => a.at - b.at);

/** Per variation, bucket → units, directly from the people. */
function expected(list: Person[], windowHours: number): Array<Map<string, number>> {
  const out = [new Map<string, number>(), new Map<string, number>()];
  for (const p of list) {
    const seconds = p.leaves.filter((l) => l.at < p.exposedAt + windowHours * HOUR).reduce((s, l) => s + l.visibleMs * 0.001, 0);
    const arm = out[p.variation === 'control' ? 0 : 1]!;
    arm.set(bucketOf(seconds), (arm.get(bucketOf(seconds)) ?? 0) + 1);
  }
  return out;
}

function assertHistograms(rows: Parameters<typeof totals>[0], want: Array<Map<string, number>>): void {
  const got = histogramsOf(totals(rows), 'dwell-q', 2);
  for (const v of [0, 1]) {
    const total = [...want[v]!.values()].reduce((s, n) => s + n, 0);
    assert.equal(got[v]!.total, total, `units of variation ${v}`);
    assert.deepEqual(got[v]!.counts.reduce((s, n) => s + n, 0), total);
  }
  const sketchOf = (m: Map<string, number>) => histogramsOf(new Map([...m].map(([b, n]) => [`0\u0000dwell-q~${b}`, { units: n, sum: 0, sumSq: 0, den: 0, denSq: 0, cross: 0, pre: 0, preSq: 0, preCross: 0 }])), 'dwell-q', 1)[0]!;
  for (const v of [0, 1]) assert.deepEqual(got[v], sketchOf(want[v]!), `histogram of variation ${v}`);
}

export function experimentQuantileContract(subject: () => StoreSubject): void {
  test('a quantile metric kept at ingest equals the histogram of the units\' values; a recompute rebuilds it under a changed metric', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const experiment = experimentFixture('quant', { goal: null, metrics: [median(72, 0.5)] });
    await store.experiments.create({ workspaceId: ws, experiment, createdAt: T0, updatedAt: T0, metricsGeneration: 0 });
    const list = people(31, 40);
    const inputs = inputsOf(list);
    for (let i = 0; i < inputs.length; i += 23) await sendWithExperiments(store, ws, inputs.slice(i, i + 23));
    assertHistograms(await store.experiments.aggregates(ws, 'quant', 0), expected(list, 72));

    for (const p of list) {
      const profileId = await profileOf(store, ws, p.anonymousId);
      await store.experiments.assign({ workspaceId: ws, experimentKey: 'quant', profileId, variation: p.variation === 'control' ? 0 : 1, unitValue: p.anonymousId, assignedAt: p.exposedAt, contaminated: false });
    }
    const stored = (await store.experiments.get(ws, 'quant'))!;
    await store.experiments.update({ ...stored, experiment: { ...stored.experiment, metrics: [median(24, 0.9)] }, metricsGeneration: 1 });
    const done = await recomputeExperiment({ store, now: () => T0 }, ws, 'quant', { chunk: 9 });
    assert.equal(done.done, true);
    assertHistograms(await store.experiments.aggregates(ws, 'quant', done.progress.generation), expected(list, 24));
  });
}
