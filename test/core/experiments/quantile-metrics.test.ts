/**
 * Quantile metrics: the log-bucket sketch (core/experiments/quantile-sketch.ts), the order-statistic intervals and
 * the difference of quantiles (statistics/quantile-difference.ts), the histogram kept through the unit steps
 * (unit-metrics.ts, which ingest and the recompute share), the results, and the metric's validation.
 *
 * Reference values: computed independently with NumPy 2.4 / SciPy 1.17 on the same data (control
 * x_i = exp(2·sin(0.7i) + 0.001i), i = 1..1001; treatment y_i = 1.3·exp(2·sin(0.37i) + 0.5), i = 1..801):
 *   z = scipy.stats.norm.ppf(0.975); estimate np.quantile(x, q, method='inverted_cdf');
 *   l = max(1, floor(nq − z√(nq(1−q)))), u = min(n, ceil(nq + z√(nq(1−q))) + 1), interval (x₍l₎, x₍u₎) of np.sort(x);
 *   se = (x₍u₎ − x₍l₎)/(2z); difference ± z·√(se_c² + se_t²), p = 2·norm.sf(|Δ|/se).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AggregateDeltas, totals } from '../../../src/core/experiments/aggregates.js';
import type { TrackedEvent } from '../../../src/core/events/event.js';
import type { Metric } from '../../../src/core/experiments/metric.js';
import type { ExperimentPlan } from '../../../src/core/experiments/plans.js';
import { bucketOf, bucketValue, SKETCH_RELATIVE_ERROR, type Histogram } from '../../../src/core/experiments/quantile-sketch.js';
import { histogramsOf } from '../../../src/core/experiments/quantile-results.js';
import { armQuantile, compareQuantiles } from '../../../src/core/experiments/statistics/quantile-difference.js';
import { contaminate, mergeUnits, replayUnit, startUnit, updateUnit } from '../../../src/core/experiments/unit-metrics.js';
import { emptyBehaviour } from '../../../src/core/profiles/behaviour.js';
import { validateMetrics, metricInput } from '../../../src/core/experiments/validate-metrics.js';
import { analyseExperiment } from '../../../src/core/experiments/analyse-experiment.js';
import { DEFAULT_ANALYSIS } from '../../../src/core/experiments/validate-metrics.js';
import type { Experiment } from '../../../src/core/experiments/experiment.js';
import { normalDraw, seededRandom } from '../../../src/core/seeded-random.js';
import type { FieldIssue } from '../../../src/core/errors.js';

const control = Array.from({ length: 1001 }, (_, k) => Math.exp(2 * Math.sin(0.7 * (k + 1)) + 0.001 * (k + 1)));
const treatment = Array.from({ length: 801 }, (_, k) => 1.3 * Math.exp(2 * Math.sin(0.37 * (k + 1)) + 0.5));
const REFERENCE = {
  0.5: { control: [1.627746854653503, 1.3656826403946032, 1.9881530098545286], treatment: [2.222077033818857, 1.7393246664311064, 2.700794227672074],
    difference: [0.5943301791653541, 0.021640673837974522, 1.1670196844927339], p: 0.041948903244937524, lift: [0.3651244525315753, -0.029027551500342752, 0.7592764565634934] },
  0.9: { control: [11.346902719514409, 10.49475460971004, 12.104058402370583], treatment: [14.267485595987814, 13.716990166130355, 14.885924394928397],
    difference: [2.9205828764734054, 1.926064660410059, 3.9151010925367515], p: 8.623792276645507e-9, lift: [0.2573903159891011, 0.1544155409577641, 0.3603650910204381] },
} as const;

const exact = (values: number[]): Histogram => { const v = [...values].sort((a, b) => a - b); return { values: v, counts: v.map(() => 1), total: v.length }; };
function sketched(values: number[]): Histogram {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(bucketOf(v), (counts.get(bucketOf(v)) ?? 0) + 1);
  const entries = [...counts].map(([b, n]) => [bucketValue(b), n] as const).sort((a, b) => a[0] - b[0]);
  return { values: entries.map((e) => e[0]), counts: entries.map((e) => e[1]), total: values.length };
}
const close = (actual: number, expected: number, tolerance: number, what: string) => assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (±${tolerance})`);

describe('quantile sketch', () => {
  test('every value is answered within the stated relative error; zero and negatives have their buckets', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 20_000; i++) {
      const v = Math.exp(normalDraw(random) * 6) * (random() < 0.2 ? -1 : 1);
      if (Math.abs(v) < 1e-9) { assert.equal(bucketOf(v), 'z'); continue; }
      assert.ok(Math.abs(bucketValue(bucketOf(v)) - v) <= SKETCH_RELATIVE_ERROR * Math.abs(v) * (1 + 1e-12), `value ${v}`);
    }
    assert.equal(bucketOf(0), 'z');
    assert.equal(bucketValue('z'), 0);
    assert.ok(bucketValue(bucketOf(-5)) < 0);
  });
});

describe('quantile intervals against NumPy/SciPy', () => {
  for (const q of [0.5, 0.9] as const) {
    const ref = REFERENCE[q];
    test(`q ${q}: exact order statistics match the reference`, () => {
      const a = armQuantile(exact(control), q, 0.05)!;
      const b = armQuantile(exact(treatment), q, 0.05)!;
      for (const [i, x] of [a.value, ...a.interval].entries()) close(x, ref.control[i]!, 1e-12, 'control');
      for (const [i, x] of [b.value, ...b.interval].entries()) close(x, ref.treatment[i]!, 1e-12, 'treatment');
      const c = compareQuantiles(a, b, 0.05)!;
      for (const [i, x] of [c.difference, ...c.interval].entries()) close(x, ref.difference[i]!, 1e-12, 'difference');
      close(c.pValue, ref.p, 1e-12, 'p');
      for (const [i, x] of [c.lift!, ...c.liftInterval!].entries()) close(x, ref.lift[i]!, 1e-12, 'lift');
    });
    test(`q ${q}: through the sketch, each figure within the sketch's relative error of the reference`, () => {
      const a = armQuantile(sketched(control), q, 0.05)!;
      const b = armQuantile(sketched(treatment), q, 0.05)!;
      const e = SKETCH_RELATIVE_ERROR;
      for (const [i, x] of [a.value, ...a.interval].entries()) close(x, ref.control[i]!, e * ref.control[i]!, 'control');
      for (const [i, x] of [b.value, ...b.interval].entries()) close(x, ref.treatment[i]!, e * ref.treatment[i]!, 'treatment');
      const c = compareQuantiles(a, b, 0.05)!;
      // Δ moves by at most e·(q_c + q_t); each end also by z·δse, δse ≤ e·(upper + lower)/(2z) per arm.
      const shift = e * (ref.control[0] + ref.treatment[0]);
      const seShift = e * (ref.control[1] + ref.control[2] + ref.treatment[1] + ref.treatment[2]) / 2;
      close(c.difference, ref.difference[0], shift, 'Δ');
      close(c.interval[0], ref.difference[1], shift + seShift, 'Δ lower');
      close(c.interval[1], ref.difference[2], shift + seShift, 'Δ upper');
    });
  }

  test('the interval on the difference covers the true difference in about 95% of 1,000 seeded experiments', () => {
    // Log-normal dwell times, true medians e^1 and e^1.2 (difference e^1.2 − e), 400 units per arm.
    const random = seededRandom(16);
    const truth = Math.exp(1.2) - Math.exp(1);
    let covered = 0;
    for (let s = 0; s < 1000; s++) {
      const arm = (mu: number) => sketched(Array.from({ length: 400 }, () => Math.exp(mu + 0.8 * normalDraw(random))));
      const c = compareQuantiles(armQuantile(arm(1), 0.5, 0.05), armQuantile(arm(1.2), 0.5, 0.05), 0.05)!;
      if (c.interval[0] <= truth && truth <= c.interval[1]) covered++;
    }
    assert.ok(covered >= 935 && covered <= 985, `covered ${covered} of 1000`);
  });
});

const HOUR = 3_600_000;
const T = Date.UTC(2026, 0, 10);
const ev = (name: string, at: number, properties: Record<string, unknown> = {}) => ({ type: 'track', name, timestamp: at, properties }) as unknown as TrackedEvent;
const dwell: Metric = { id: 'dwell-median', name: 'Median dwell', kind: 'quantile', quantile: 0.5, of: 'duration', numerator: { event: 'Page Left', properties: {}, valueProperty: 'visibleMs', scale: 0.001 }, denominator: null, windowHours: 24, guardrail: false, higherIsBetter: true };
const plan: ExperimentPlan = { key: 'e', generation: 0, variationIds: ['a', 'b'], metrics: [dwell], cupedDays: 0 };
const histogram = (d: AggregateDeltas, variation: number) => histogramsOf(totals(d.list), 'dwell-median', 2)[variation]!;
const bucketsOf = (values: number[]) => sketched(values);

describe('the histogram kept by the unit steps', () => {
  test('each unit counts once, in the bucket of its current value; contamination takes it out; a same-arm merge adds values', () => {
    const d = new AggregateDeltas();
    const a = startUnit({ plan, variation: 1, at: T, pre: undefined, behaviour: emptyBehaviour(), deltas: d });
    const b = startUnit({ plan, variation: 1, at: T, pre: undefined, behaviour: emptyBehaviour(), deltas: d });
    const c = startUnit({ plan, variation: 1, at: T, pre: undefined, behaviour: emptyBehaviour(), deltas: d });
    startUnit({ plan, variation: 1, at: T, pre: undefined, behaviour: emptyBehaviour(), deltas: d });
    updateUnit(plan, a, ev('Page Left', T + HOUR, { visibleMs: 30_000 }), d);
    updateUnit(plan, a, ev('Page Left', T + 2 * HOUR, { visibleMs: 12_000 }), d);
    updateUnit(plan, b, ev('Page Left', T + HOUR, { visibleMs: 5_000 }), d);
    updateUnit(plan, c, ev('Page Left', T + HOUR, { visibleMs: 9_000 }), d);
    assert.deepEqual(histogram(d, 1), bucketsOf([42, 5, 9, 0]));
    contaminate(plan, c, T + 3 * HOUR, d);
    assert.deepEqual(histogram(d, 1), bucketsOf([42, 5, 0]));
    mergeUnits(plan, a, b, T + 4 * HOUR, d);
    assert.deepEqual(histogram(d, 1), bucketsOf([47, 0]));
    assert.equal(histogram(d, 0).total, 0);
  });

  test('replaying stored events (the recompute) rebuilds the same histogram as the live steps', () => {
    const live = new AggregateDeltas();
    const replayed = new AggregateDeltas();
    const random = seededRandom(5);
    for (let p = 0; p < 50; p++) {
      const events = [ev('Experiment Viewed', T + p, { experiment_id: 'e', variation_id: p % 2 ? 'b' : 'a' })];
      for (let k = 0; k < 4; k++) events.push(ev('Page Left', T + p + (k + 1) * HOUR, { visibleMs: Math.round(random() * 60_000) }));
      const unit = startUnit({ plan, variation: p % 2, at: T + p, pre: undefined, behaviour: emptyBehaviour(), deltas: live });
      for (const e of events.slice(1)) updateUnit(plan, unit, e, live);
      replayUnit(plan, events, emptyBehaviour(), replayed);
    }
    for (const v of [0, 1]) assert.deepEqual(histogram(replayed, v), histogram(live, v));
    assert.equal(histogram(live, 0).total + histogram(live, 1).total, 50);
  });

  test('the results answer each arm\'s quantile and the difference, with the mean-based engines off', () => {
    const d = new AggregateDeltas();
    const random = seededRandom(9);
    for (let p = 0; p < 400; p++) {
      const v = p % 2;
      const u = startUnit({ plan, variation: v, at: T, pre: undefined, behaviour: emptyBehaviour(), deltas: d });
      updateUnit(plan, u, ev('Page Left', T + HOUR, { visibleMs: Math.round(1000 * Math.exp((v ? 3.5 : 3) + 0.5 * normalDraw(random))) }), d);
    }
    const experiment = { key: 'e', variations: [{ id: 'a', name: 'A', weight: 0.5 }, { id: 'b', name: 'B', weight: 0.5 }], goal: null, metrics: [dwell], analysis: { ...DEFAULT_ANALYSIS, cupedDays: 0 }, bandit: null } as unknown as Experiment;
    const unitsRows = d.list;
    const r = analyseExperiment(experiment, unitsRows);
    const [a, b] = r.metrics[0]!.variations;
    assert.ok(a!.quantile && Math.abs(a!.quantile.value - Math.exp(3)) / Math.exp(3) < 0.15, `control median ${a!.quantile?.value}`);
    const c = b!.comparison!;
    assert.equal(c.frequentist, null);
    assert.ok(c.quantile && c.quantile.interval[0] > 0 && c.quantile.pValue < 0.001 && c.quantile.pValueCorrected !== null, JSON.stringify(c.quantile));
    assert.equal(typeof r.series.at(-1)!.metrics['dwell-median']![1]!.mean, 'number');
  });
});

describe('validation of quantile metrics', () => {
  test('defaults to the dwell time; round-trips through metricInput', () => {
    const issues: FieldIssue[] = [];
    const [m] = validateMetrics([{ id: 'median-dwell', kind: 'quantile', quantile: 0.5 }], issues, []);
    assert.deepEqual(issues, []);
    assert.deepEqual({ of: m!.of, q: m!.quantile, n: m!.numerator }, { of: 'duration', q: 0.5, n: { event: 'Page Left', properties: {}, valueProperty: 'visibleMs', scale: 0.001 } });
    const again = validateMetrics([metricInput(m!)], issues, []);
    assert.deepEqual(issues, []);
    assert.deepEqual(again[0], m);
    const [sum] = validateMetrics([{ id: 'p90-revenue', kind: 'quantile', quantile: 0.9, of: 'sum', event: 'Order Completed', valueProperty: 'revenue' }], issues, []);
    assert.deepEqual(issues, []);
    assert.deepEqual(validateMetrics([metricInput(sum!)], issues, [])[0], sum);
  });

  test('names every bad field', () => {
    const issues: FieldIssue[] = [];
    validateMetrics([{ id: 'q', kind: 'quantile', quantile: 1, of: 'ratio' }, { id: 'r', kind: 'quantile' }, { id: 's', kind: 'quantile', quantile: 0.5, of: 'sum', event: 'Buy' }, { id: 't', kind: 'quantile', quantile: 0.5, of: 'count', event: 'Buy', valueProperty: 'x' }], issues, []);
    assert.deepEqual(issues.map((i) => i.field).sort(), ['metrics[0].of', 'metrics[0].quantile', 'metrics[1].quantile', 'metrics[2].valueProperty', 'metrics[3].valueProperty']);
  });
});
