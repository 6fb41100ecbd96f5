/**
 * Contract: the experiment aggregates kept at ingest (ingest/steps/update-experiment-metrics.ts, ChangeSet.experiments)
 * equal a direct recomputation over the raw events of the same data — written here from the generated inputs
 * with plain loops, sharing no code with the step — including contamination by a merge, a unit moving with a
 * merge, events before the exposure (CUPED covariate) and after the window, in several batches; the per-person
 * state is on the profile (export, erasure); a changed metric starts a new generation.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { totals, totalsKey, UNITS, type AggregateSums } from '../../core/experiments/aggregates.js';
import type { Experiment } from '../../core/experiments/experiment.js';
import type { Metric } from '../../core/experiments/metric.js';
import { plansOf } from '../../core/experiments/plans.js';
import { createIdentityGuard } from '../../core/identity/identity-key.js';
import { seededRandom } from '../../core/seeded-random.js';
import { createProcessBatch } from '../../ingest/process-batch.js';
import { recomputeExperiment } from '../../experiments/recompute-experiment.js';
import { updateBanditWeights } from '../../experiments/bandit-update.js';
import type { Store } from '../../ports/store.js';
import { T0, events, newWorkspace, privacyContexts, profileOf, type StoreSubject } from './contract-fixtures.js';
import { experimentFixture } from './experiment-contract.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const event = (name: string, properties: Record<string, string> = {}) => ({ event: name, properties, valueProperty: null, scale: 1 });
export const aggregateMetrics: Metric[] = [
  { id: 'revenue', name: 'Revenue', kind: 'sum', numerator: { ...event('Order Completed'), valueProperty: 'revenue' }, denominator: null, windowHours: 72, guardrail: false, higherIsBetter: true },
  { id: 'ctr', name: 'Click-through', kind: 'ratio', numerator: event('Slot Clicked'), denominator: event('Slot Viewed'), windowHours: 72, guardrail: false, higherIsBetter: true },
  { id: 'pro-orders', name: 'Pro orders', kind: 'count', numerator: event('Order Completed', { plan: 'pro' }), denominator: null, windowHours: 72, guardrail: false, higherIsBetter: true },
];

/** Ingest as the server runs it, with the experiments' plans read from the store on every batch. */
export async function sendWithExperiments(store: Store, workspaceId: string, inputs: Parameters<typeof events>[1]) {
  const processBatch = createProcessBatch({
    guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId: () => `tessera-${randomUUID()}`,
    experiments: { plans: async (ws) => plansOf(await store.experiments.list(ws)) },
  });
  const privacy = await privacyContexts(store).get(workspaceId);
  return store.write((tx) => processBatch(tx, workspaceId, events(workspaceId, inputs), privacy));
}

type Input = Record<string, unknown> & { at: number };
interface Person { ids: Array<Record<string, string>>; inputs: Input[] }

const viewed = (variation: string) => ({ type: 'track', event: 'Experiment Viewed', properties: { experiment_id: 'agg', variation_id: variation } });

/** Seeded people: events before exposure, an exposure, orders / views / clicks in and after the window. */
export function generatePeople(seed: number, count: number): Person[] {
  const random = seededRandom(seed);
  const people: Person[] = [];
  for (let i = 0; i < count; i++) {
    const id = { anonymousId: `anon-${seed}-${i}` };
    const exposedAt = T0 + 20 * DAY + Math.floor(random() * 5 * DAY);
    const variation = random() < 0.5 ? 'control' : 'treatment';
    const inputs: Input[] = [];
    const order = (at: number) => inputs.push({ ...id, type: 'track', event: 'Order Completed', properties: { revenue: Math.round(random() * 100), plan: random() < 0.5 ? 'pro' : 'basic' }, at });
    if (random() < 0.5) order(exposedAt - Math.floor(random() * 13 * DAY) - 1);
    if (random() < 0.2) order(exposedAt - 20 * DAY);
    inputs.push({ ...id, ...viewed(variation), at: exposedAt });
    if (random() < 0.3) inputs.push({ ...id, ...viewed(variation), at: exposedAt + HOUR });
    const views = Math.floor(random() * 4);
    for (let v = 0; v < views; v++) {
      inputs.push({ ...id, type: 'track', event: 'Slot Viewed', properties: { slot: 'hero', variant: 'a' }, at: exposedAt + (v + 1) * HOUR });
      if (random() < 0.4) inputs.push({ ...id, type: 'track', event: 'Slot Clicked', properties: { slot: 'hero' }, at: exposedAt + (v + 1) * HOUR + 60_000 });
    }
    if (random() < 0.4) order(exposedAt + Math.floor(random() * 70 * HOUR));
    if (random() < 0.3) order(exposedAt + 80 * HOUR);
    people.push({ ids: [id], inputs });
  }
  return people;
}

/** The direct recomputation: per person (all their ids), from their raw events. */
export function expectedTotals(people: readonly Person[], metrics: readonly Metric[], cupedDays: number): Map<string, AggregateSums> {
  const out = new Map<string, AggregateSums>();
  const at = (variation: number, metric: string) => {
    const k = totalsKey(variation, metric);
    if (!out.has(k)) out.set(k, { units: 0, sum: 0, sumSq: 0, den: 0, denSq: 0, cross: 0, pre: 0, preSq: 0, preCross: 0 });
    return out.get(k)!;
  };
  for (const person of people) {
    const sorted = [...person.inputs].sort((a, b) => a.at - b.at);
    const exposures = sorted.filter((e) => e.event === 'Experiment Viewed');
    if (exposures.length === 0) continue;
    const arms = new Set(exposures.map((e) => (e.properties as Record<string, string>).variation_id));
    const first = exposures[0]!;
    const variation = (first.properties as Record<string, string>).variation_id === 'control' ? 0 : 1;
    if (arms.size > 1) { at(variation, UNITS).sum++; continue; }
    at(variation, UNITS).units++;
    for (const m of metrics) {
      const side = (s: Metric['numerator'] | null, from: number, to: number) => {
        if (!s || !('event' in s)) return 0;
        let v = 0;
        for (const e of sorted) {
          if (e.at < from || e.at >= to || e.event !== s.event) continue;
          const props = (e.properties ?? {}) as Record<string, unknown>;
          if (Object.entries(s.properties).some(([k, want]) => props[k] !== want)) continue;
          v += s.valueProperty ? Number(props[s.valueProperty]) : 1;
        }
        return m.kind === 'conversion' ? Math.min(1, v) : v;
      };
      const y = side(m.numerator, first.at, first.at + m.windowHours * HOUR);
      const d = side(m.denominator, first.at, first.at + m.windowHours * HOUR);
      const x = m.kind === 'ratio' || cupedDays === 0 ? 0 : side(m.numerator, first.at - cupedDays * DAY, first.at);
      const t = at(variation, m.id);
      t.units++; t.sum += y; t.sumSq += y * y; t.den += d; t.denSq += d * d; t.cross += y * d; t.pre += x; t.preSq += x * x; t.preCross += x * y;
    }
  }
  return out;
}

function assertTotals(actual: Map<string, AggregateSums>, expected: Map<string, AggregateSums>): void {
  for (const [k, want] of expected) {
    const got = actual.get(k);
    assert.ok(got, `a row for ${k.replace('\u0000', ' ')}`);
    for (const field of Object.keys(want) as Array<keyof AggregateSums>) assert.ok(Math.abs(got[field] - want[field]) < 1e-6, `${k.replace('\u0000', ' ')} ${field}: ${got[field]} ≠ ${want[field]}`);
  }
}

export const aggregateExperiment = (over: Partial<Experiment> = {}): Experiment => experimentFixture('agg', { goal: { event: 'Order Completed', properties: {}, windowHours: 24 }, metrics: aggregateMetrics, ...over });

export function experimentAggregatesContract(subject: () => StoreSubject): void {
  test('aggregates kept at ingest equal a direct recomputation over the raw events (merges, windows, CUPED covariate)', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const experiment = aggregateExperiment();
    await store.experiments.create({ workspaceId: ws, experiment, createdAt: T0, updatedAt: T0, metricsGeneration: 0 });
    const people = generatePeople(21, 40);
    // Two people in different arms who turn out to be one (contaminated), and one whose unit moves with a merge.
    const mixed: Person = { ids: [{ anonymousId: 'mix-laptop' }, { anonymousId: 'mix-phone' }], inputs: [
      { anonymousId: 'mix-laptop', ...viewed('control'), at: T0 + 21 * DAY },
      { anonymousId: 'mix-laptop', type: 'track', event: 'Order Completed', properties: { revenue: 30, plan: 'pro' }, at: T0 + 21 * DAY + HOUR },
      { anonymousId: 'mix-phone', ...viewed('treatment'), at: T0 + 21 * DAY + 2 * HOUR },
      { anonymousId: 'mix-phone', type: 'identify', userId: 'mix-user', at: T0 + 21 * DAY + 3 * HOUR },
      { anonymousId: 'mix-laptop', type: 'identify', userId: 'mix-user', at: T0 + 21 * DAY + 4 * HOUR },
      { userId: 'mix-user', type: 'track', event: 'Order Completed', properties: { revenue: 50, plan: 'pro' }, at: T0 + 21 * DAY + 5 * HOUR },
    ] };
    const moved: Person = { ids: [{ anonymousId: 'move-anon' }, { userId: 'move-user' }], inputs: [
      { userId: 'move-user', type: 'page', name: 'Home', at: T0 + 22 * DAY },
      { anonymousId: 'move-anon', ...viewed('treatment'), at: T0 + 22 * DAY + HOUR },
      { anonymousId: 'move-anon', type: 'track', event: 'Slot Viewed', properties: { slot: 'hero', variant: 'a' }, at: T0 + 22 * DAY + 2 * HOUR },
      { anonymousId: 'move-anon', type: 'identify', userId: 'move-user', at: T0 + 22 * DAY + 3 * HOUR },
      { userId: 'move-user', type: 'track', event: 'Slot Clicked', properties: { slot: 'hero' }, at: T0 + 22 * DAY + 4 * HOUR },
      { userId: 'move-user', type: 'track', event: 'Order Completed', properties: { revenue: 12, plan: 'pro' }, at: T0 + 22 * DAY + 5 * HOUR },
    ] };
    const everyone = [...people, mixed, moved];
    const all = everyone.flatMap((p) => p.inputs).sort((a, b) => a.at - b.at);
    for (let i = 0; i < all.length; i += 37) await sendWithExperiments(store, ws, all.slice(i, i + 37));

    const rows = await store.experiments.aggregates(ws, 'agg', 0);
    assertTotals(totals(rows), expectedTotals(everyone, [{ ...aggregateMetrics[0]!, id: 'goal', kind: 'conversion', numerator: event('Order Completed'), windowHours: 24 }, ...aggregateMetrics], 14));
    assert.equal(totals(rows).get(totalsKey(0, UNITS))!.sum + (totals(rows).get(totalsKey(1, UNITS))?.sum ?? 0), 1, 'one contaminated unit');
    assert.ok(rows.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.day)) && new Set(rows.map((r) => r.day)).size > 3, 'rows by day, for the daily series');

    const mover = await store.profiles.get(ws, await profileOf(store, ws, 'move-user'));
    assert.deepEqual(mover?.experiments?.agg?.m.ctr, [1, 1], 'the moved unit keeps counting after the merge');
    assert.equal(mover?.experiments?.agg?.v, 1);
    const mix = await store.profiles.get(ws, await profileOf(store, ws, 'mix-user'));
    assert.equal(mix?.experiments?.agg?.x, true, 'the merged person is contaminated');
  });

  test('a metrics generation other than the current one is neither read nor updated; events without experiments cost nothing', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await sendWithExperiments(store, ws, [{ anonymousId: 'x', ...viewed('control'), at: T0 }]);
    assert.deepEqual(await store.experiments.aggregates(ws, 'agg', 0), [], 'no experiment: nothing kept');
    await store.experiments.create({ workspaceId: ws, experiment: aggregateExperiment(), createdAt: T0, updatedAt: T0, metricsGeneration: 0 });
    await sendWithExperiments(store, ws, [{ anonymousId: 'y', ...viewed('control'), at: T0 + HOUR }, { anonymousId: 'y', type: 'track', event: 'Order Completed', properties: { revenue: 5 }, at: T0 + 2 * HOUR }]);
    await store.experiments.update({ workspaceId: ws, experiment: aggregateExperiment(), createdAt: T0, updatedAt: T0, metricsGeneration: 1 });
    await sendWithExperiments(store, ws, [{ anonymousId: 'y', type: 'track', event: 'Order Completed', properties: { revenue: 7 }, at: T0 + 3 * HOUR }]);
    assert.equal(totals(await store.experiments.aggregates(ws, 'agg', 0)).get(totalsKey(0, 'revenue'))!.sum, 5, 'generation 0 stopped at the change');
    assert.deepEqual(await store.experiments.aggregates(ws, 'agg', 1), [], 'the old unit is not counted in generation 1 until recomputed');
    await store.experiments.dropOlderAggregates(ws, 'agg', 1);
    assert.deepEqual(await store.experiments.aggregates(ws, 'agg', 0), []);
  });

  test('a recompute from stored events equals the direct recomputation under changed metrics; interrupted, it resumes', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await store.experiments.create({ workspaceId: ws, experiment: aggregateExperiment({ goal: null }), createdAt: T0, updatedAt: T0, metricsGeneration: 0 });
    const people = generatePeople(22, 30);
    const all = people.flatMap((p) => p.inputs).sort((a, b) => a.at - b.at);
    for (let i = 0; i < all.length; i += 50) await sendWithExperiments(store, ws, all.slice(i, i + 50));
    // Assignments are how a recompute finds people (POST /assign stores them).
    for (const p of people) {
      const profileId = await profileOf(store, ws, p.ids[0]!.anonymousId!);
      const first = p.inputs.find((e) => e.event === 'Experiment Viewed')!;
      await store.experiments.assign({ workspaceId: ws, experimentKey: 'agg', profileId, variation: (first.properties as Record<string, string>).variation_id === 'control' ? 0 : 1, unitValue: p.ids[0]!.anonymousId!, assignedAt: first.at, contaminated: false });
    }
    // The metrics change: revenue only from basic-plan orders, within 24 hours; CUPED over 7 days.
    const changed = [{ ...aggregateMetrics[0]!, numerator: { ...event('Order Completed', { plan: 'basic' }), valueProperty: 'revenue' }, windowHours: 24 }, aggregateMetrics[1]!];
    const stored = (await store.experiments.get(ws, 'agg'))!;
    await store.experiments.update({ ...stored, experiment: { ...stored.experiment, metrics: changed, analysis: { ...stored.experiment.analysis, cupedDays: 7 } } });
    const interrupt = new AbortController();
    const seen: number[] = [];
    const first = await recomputeExperiment({ store, now: () => T0 }, ws, 'agg', { chunk: 7, signal: interrupt.signal, onProgress: (p) => { seen.push(p.processed); if (p.processed >= 14) interrupt.abort(); } });
    assert.equal(first.done, false);
    assert.equal(first.progress.processed, 14);
    assert.equal((await store.experiments.recomputeOf(ws, 'agg'))?.cursor, first.progress.cursor, 'the cursor was saved with the page');
    const second = await recomputeExperiment({ store, now: () => T0 + 1 }, ws, 'agg', { chunk: 7 });
    assert.equal(second.done, true);
    assert.equal(second.progress.generation, first.progress.generation, 'resumed, not restarted');
    assert.equal(second.progress.processed, 30);
    assert.equal(second.progress.finishedAt, T0 + 1);
    assertTotals(totals(await store.experiments.aggregates(ws, 'agg', second.progress.generation)), expectedTotals(people, changed, 7));
    assert.deepEqual(await store.experiments.aggregates(ws, 'agg', 0), [], 'the old generation is dropped');
    assert.deepEqual(seen.slice(0, 3), [0, 7, 14]);
  });

  test('a bandit moves its weights on its cadence once every arm has its minimum, keeps the history, and assignment would use them', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const bandit = { cadenceHours: 24, floor: 0.01, minUnits: 30, beta: 0.9 };
    await store.experiments.create({ workspaceId: ws, experiment: aggregateExperiment({ bandit, analysis: { ...aggregateExperiment().analysis, cupedDays: 0 } }), createdAt: T0, updatedAt: T0, metricsGeneration: 0 });
    const deps = { store, now: () => T0 + 30 * DAY };
    const inputs: Input[] = [];
    for (let i = 0; i < 60; i++) {
      const who = { anonymousId: `bandit-${i}` };
      const arm = i % 2 === 0 ? 'control' : 'treatment';
      inputs.push({ ...who, ...viewed(arm), at: T0 + i * 60_000 });
      if (i < 40 && (arm === 'treatment' ? i % 4 !== 3 : i % 8 === 0)) inputs.push({ ...who, type: 'track', event: 'Order Completed', properties: { revenue: 1 }, at: T0 + i * 60_000 + 1 });
    }
    await sendWithExperiments(store, ws, inputs.filter((e) => Number(String(e.anonymousId).split('-')[1]) < 40));
    assert.deepEqual(await updateBanditWeights(deps, ws, 'agg'), { updated: false, reason: 'too_few_units' }, '20 per arm are fewer than 30');
    await sendWithExperiments(store, ws, inputs.filter((e) => Number(String(e.anonymousId).split('-')[1]) >= 40));
    const moved = await updateBanditWeights(deps, ws, 'agg');
    // 10 of 30 against 5 of 30 conversions: P(treatment best) ≈ 0.93, so with β 0.9 it gets about 0.9·0.93 + 0.1·0.07 ≈ 0.84.
    assert.ok(moved.updated && moved.weights[1]! > 0.8 && moved.weights[0]! >= 0.01, JSON.stringify(moved));
    assert.deepEqual((await store.experiments.get(ws, 'agg'))!.experiment.variations.map((v) => v.weight), moved.updated ? moved.weights : [], 'the definition carries the new weights');
    assert.deepEqual(await updateBanditWeights({ store, now: () => T0 + 30 * DAY + HOUR }, ws, 'agg'), { updated: false, reason: 'too_early' });
    const history = await store.experiments.weightHistory(ws, 'agg');
    assert.deepEqual(history.map((h) => h.reason), ['definition', 'bandit']);
    assert.deepEqual(history[0]!.weights, [0.5, 0.5]);
  });
}
