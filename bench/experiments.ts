/**
 * `npm run bench:experiments [-- events rounds units]`: three figures of the experiments capability, on a real
 * SQLite file:
 * 1. assignment: µs per GrowthBook-compatible assignment (hash, bucket ranges, namespace, coverage) — the cost a
 *    decide adds per experiment, without the store;
 * 2. ingest: batches of 500 events (as the ingest queue writes them) with no experiment, and with 10 running
 *    experiments × 5 metrics (conversion, revenue, click-through ratio, dwell time, count; CUPED on, 14 days),
 *    every person exposed to all 10; the two alternate for ROUNDS rounds (the machine is shared: medians);
 * 3. results latency (GET /results's service: read the aggregate rows, analyse 6 metrics × 2 arms with both
 *    engines, corrections, SRM and the 30-day series) for UNITS exposed people (default 1,000,000). Generating
 *    1,000,000 people through ingest takes too long on a shared 2-core machine, so their aggregate rows are
 *    computed from simulated people and written as ingest writes them (ChangeSet.experiments); the rows do not
 *    grow with the people (variations × metrics × days), which part 2's ingest exercises for real.
 * Prints a table and, last, one JSON line. Not a test: figures vary with the machine.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregateDeltas, UNITS, contribution, emptySums } from '../src/core/experiments/aggregates.js';
import { assignVariation } from '../src/core/experiments/assign-variation.js';
import type { Experiment } from '../src/core/experiments/experiment.js';
import type { Metric } from '../src/core/experiments/metric.js';
import { DEFAULT_ANALYSIS } from '../src/core/experiments/validate-metrics.js';
import { createIdentityGuard } from '../src/core/identity/identity-key.js';
import { normalDraw, seededRandom } from '../src/core/seeded-random.js';
import { createExperimentPlans } from '../src/experiments/experiment-plans.js';
import { experimentResults } from '../src/experiments/experiment-results.js';
import { createProcessBatch } from '../src/ingest/process-batch.js';
import { createPrivacyContexts } from '../src/privacy/privacy-context.js';
import { events } from '../src/storage/contract/contract-fixtures.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';

const TOTAL = Number(process.argv[2] ?? 40_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const UNITS_FOR_RESULTS = Number(process.argv[4] ?? 1_000_000);
const BATCH = 500;
const T0 = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const EXPERIMENTS = 10;

const source = (event: string, valueProperty: string | null = null, scale = 1) => ({ event, properties: {}, valueProperty, scale });
const METRICS: Metric[] = [
  { id: 'orders', name: 'Orders', kind: 'conversion', numerator: source('Order Completed'), denominator: null, windowHours: 72, guardrail: false, higherIsBetter: true },
  { id: 'revenue', name: 'Revenue', kind: 'sum', numerator: source('Order Completed', 'revenue'), denominator: null, windowHours: 72, guardrail: false, higherIsBetter: true },
  { id: 'ctr', name: 'Click-through', kind: 'ratio', numerator: source('Slot Clicked'), denominator: source('Slot Viewed'), windowHours: 72, guardrail: false, higherIsBetter: true },
  { id: 'dwell', name: 'Dwell time', kind: 'duration', numerator: source('Page Left', 'visibleMs', 0.001), denominator: null, windowHours: 72, guardrail: false, higherIsBetter: true },
  { id: 'views', name: 'Slot views', kind: 'count', numerator: source('Slot Viewed'), denominator: null, windowHours: 72, guardrail: true, higherIsBetter: true },
];
const experiment = (key: string): Experiment => ({
  key, name: key, description: '', status: 'running', variations: [{ id: 'control', name: 'Control', weight: 0.5 }, { id: 'treatment', name: 'Treatment', weight: 0.5 }],
  coverage: 1, targeting: null, hashAttribute: 'anonymousId', hashVersion: 2, seed: key, namespace: null, startAt: null, stopAt: null,
  goal: { event: 'Order Completed', properties: {}, windowHours: 72 }, metrics: METRICS, analysis: DEFAULT_ANALYSIS, bandit: null,
});

function assignmentMicros(): number {
  const n = 1_000_000;
  const weights = [0.5, 0.5];
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const a = assignVariation({ key: 'exp', seed: 'exp', hashVersion: 2, weights, coverage: 1, namespace: { id: 'ns', start: 0, end: 0.7 } }, `visitor-${i}`);
    if (a.inExperiment) sink += a.variation;
  }
  const micros = ((performance.now() - started) * 1000) / n;
  if (sink < 0) console.log(sink);
  return Math.round(micros * 1000) / 1000;
}

function traffic(workspaceId: string, run: string): ReturnType<typeof events> {
  const random = seededRandom(7);
  const people = Math.max(1, Math.floor(TOTAL / 25));
  const inputs: Array<Record<string, unknown> & { at: number }> = [];
  for (let p = 0; p < people && inputs.length < TOTAL; p++) {
    const who = { anonymousId: `${run}-${p}` };
    let at = T0 + p * 60_000;
    for (let e = 0; e < EXPERIMENTS; e++) inputs.push({ ...who, type: 'track', event: 'Experiment Viewed', properties: { experiment_id: `exp-${e}`, variation_id: random() < 0.5 ? 'control' : 'treatment' }, at: at++ });
    for (let v = 0; v < 5; v++) {
      inputs.push({ ...who, type: 'page', name: 'Article', properties: { url: `https://x.test/${v}` }, at: at++ });
      inputs.push({ ...who, type: 'track', event: 'Slot Viewed', properties: { slot: 'hero', variant: 'a' }, at: at++ });
      if (random() < 0.2) inputs.push({ ...who, type: 'track', event: 'Slot Clicked', properties: { slot: 'hero' }, at: at++ });
      inputs.push({ ...who, type: 'track', event: 'Page Left', properties: { visibleMs: Math.round(random() * 60_000) }, at: at++ });
    }
    if (random() < 0.1) inputs.push({ ...who, type: 'track', event: 'Order Completed', properties: { revenue: Math.round(random() * 100) }, at: at++ });
  }
  return events(workspaceId, inputs.slice(0, TOTAL));
}

/** The aggregate rows `units` simulated people would leave: 30 days, 2 arms, 6 metrics (goal + 5). */
function simulatedRows(units: number) {
  const random = seededRandom(16);
  const deltas = new AggregateDeltas();
  const metrics = ['goal', ...METRICS.map((m) => m.id)];
  for (let u = 0; u < units; u++) {
    const variation = random() < 0.5 ? 0 : 1;
    const day = new Date(T0 + Math.floor(random() * 30) * DAY).toISOString().slice(0, 10);
    const key = (metricId: string) => ({ experimentKey: 'big', generation: 0, variation, metricId, day });
    deltas.add(key(UNITS), { ...emptySums(), units: 1 });
    const converted = random() < (variation === 1 ? 0.11 : 0.1) ? 1 : 0;
    const views = Math.floor(random() * 6);
    const clicks = Math.floor(views * random() * 0.4);
    const values: Record<string, [number, number]> = {
      goal: [converted, 0], orders: [converted, 0], revenue: [converted * Math.round(50 + 20 * normalDraw(random)), 0], ctr: [clicks, views],
      dwell: [Math.max(0, 60 + 30 * normalDraw(random)), 0], views: [views, 0],
    };
    for (const m of metrics) {
      const pre = m === 'ctr' ? 0 : values[m]![0] * 0.5 + random();
      deltas.add(key(m), contribution(values[m]!, pre));
    }
  }
  return deltas.list;
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-experiments-'));
const store = openSqliteStore({ file: join(dir, 'bench.db'), sync: 'normal' });
try {
  const micros = assignmentMicros();
  process.stderr.write(`[bench] assignment: ${micros} µs\n`);

  const newMessageId = () => `tessera-${randomUUID()}`;
  const processBatch = createProcessBatch({ guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId, experiments: createExperimentPlans(store) });
  const privacy = createPrivacyContexts(store, Date.now);
  // CPU seconds of this process besides wall seconds: on a shared machine other jobs stretch the wall time of
  // one run and not the other, while the CPU a run takes stays close to its own cost.
  const runs: Array<{ scenario: string; events: number; seconds: number; eventsPerSecond: number; cpuSeconds: number; eventsPerCpuSecond: number }> = [];
  const scenarios = ['plain', `${EXPERIMENTS} experiments × ${METRICS.length} metrics`];
  for (let round = 0; round < ROUNDS; round++) for (const scenario of scenarios) {
    const ws = `ws_${randomUUID()}`;
    await store.workspaces.create({ id: ws, name: scenario, createdAt: T0 });
    if (scenario !== 'plain') for (let e = 0; e < EXPERIMENTS; e++) await store.experiments.create({ workspaceId: ws, experiment: experiment(`exp-${e}`), createdAt: T0, updatedAt: T0, metricsGeneration: 0 });
    const all = traffic(ws, `${scenario.slice(0, 5)}${round}`);
    const context = await privacy.get(ws);
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < all.length; i += BATCH) await store.write((tx) => processBatch(tx, ws, all.slice(i, i + BATCH), context));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    runs.push({ scenario, events: all.length, seconds: Math.round(seconds * 100) / 100, eventsPerSecond: Math.round(all.length / seconds), cpuSeconds: Math.round(cpuSeconds * 100) / 100, eventsPerCpuSecond: Math.round(all.length / cpuSeconds) });
    process.stderr.write(`[bench] ${scenario}: ${Math.round(all.length / seconds)} events/s, ${Math.round(all.length / cpuSeconds)} events per CPU second\n`);
    if (scenario !== 'plain' && round === 0) {
      const r = await experimentResults(store, ws, 'exp-0');
      process.stderr.write(`[bench] exp-0 after ingest: ${r.variations.map((v) => v.units).join(' / ')} units, ${r.metrics.length} metrics\n`);
    }
  }
  const median = (scenario: string) => {
    const mine = runs.filter((r) => r.scenario === scenario).sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
    return mine[Math.floor(mine.length / 2)]!;
  };
  const ingest = scenarios.map(median);
  const ratio = ingest[1]!.eventsPerSecond / ingest[0]!.eventsPerSecond;
  const medianCpu = (scenario: string) => runs.filter((r) => r.scenario === scenario).map((r) => r.eventsPerCpuSecond).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
  const cpuRatio = medianCpu(scenarios[1]!) / medianCpu(scenarios[0]!);

  const ws = `ws_${randomUUID()}`;
  await store.workspaces.create({ id: ws, name: 'results', createdAt: T0 });
  await store.experiments.create({ workspaceId: ws, experiment: experiment('big'), createdAt: T0, updatedAt: T0, metricsGeneration: 0 });
  const generated = performance.now();
  const rows = simulatedRows(UNITS_FOR_RESULTS);
  await store.write(async (tx) => tx.apply({ workspaceId: ws, newProfiles: [], merges: [], identities: [], events: [], profiles: [], consents: [], counters: [], experiments: { aggregates: rows } }));
  process.stderr.write(`[bench] ${UNITS_FOR_RESULTS} simulated units → ${rows.length} aggregate rows in ${Math.round(performance.now() - generated)} ms\n`);
  const latencies: number[] = [];
  let units = 0;
  for (let i = 0; i < 21; i++) {
    const started = performance.now();
    const r = await experimentResults(store, ws, 'big');
    latencies.push(performance.now() - started);
    units = r.variations.reduce((s, v) => s + v.units, 0);
  }
  latencies.sort((a, b) => a - b);
  const resultsMs = Math.round(latencies[10]! * 100) / 100;

  console.log(`assignment (core, hash + ranges + namespace): ${micros} µs per assignment`);
  console.log(`ingest, median of ${ROUNDS} alternating runs each`);
  console.log('scenario                            events   seconds   events/s');
  for (const r of ingest) console.log(`${r.scenario.padEnd(34)} ${String(r.events).padStart(7)} ${String(r.seconds).padStart(9)} ${String(r.eventsPerSecond).padStart(10)}`);
  console.log(`with experiments: ${(ratio * 100).toFixed(0)} % of plain (wall time); by CPU time ${(cpuRatio * 100).toFixed(0)} % (median events per CPU second ${medianCpu(scenarios[1]!)} against ${medianCpu(scenarios[0]!)})`);
  console.log(`results for ${units.toLocaleString('en-US')} exposed people (${rows.length} aggregate rows): median ${resultsMs} ms of 21`);
  console.log(JSON.stringify({ bench: 'experiments', assignmentMicros: micros, ingest, runs, ingestRatio: Math.round(ratio * 1000) / 1000, ingestCpuRatio: Math.round(cpuRatio * 1000) / 1000, results: { units, rows: rows.length, medianMs: resultsMs } }));
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
