/**
 * The results of an experiment from its aggregate rows (aggregates.ts): per metric and variation the units and
 * mean; per treatment against the control (variation 0) the fixed-horizon Welch test and the confidence sequence
 * on the relative lift, the Bayesian posterior (statistics/metric-comparison.ts), p-values corrected across all
 * metrics × treatments (Holm–Bonferroni or Benjamini–Hochberg, as the experiment says), guardrail breaches; the
 * sample-ratio check over all units (clean and contaminated) against the weights; minimum-sample warnings; and
 * the cumulative daily series (the rows of days up to each day) for charts.
 */
import { totals, totalsKey, UNITS, emptySums, type AggregateRow, type AggregateSums } from './aggregates.js';
import { metricsOf, type Experiment } from './experiment.js';
import type { Metric, MetricKind } from './metric.js';
import { compareArms, type MetricComparison } from './statistics/metric-comparison.js';
import { cupedEstimate, cupedTheta, meanEstimate, ratioEstimate } from './statistics/arm-estimates.js';
import { liftVariance } from './statistics/relative-lift.js';
import { confidenceSequenceHalfWidth } from './statistics/sequential.js';
import { normalQuantile } from './statistics/distributions.js';
import { benjaminiHochberg, holmBonferroni } from './statistics/corrections.js';
import { FLAT_PRIOR } from './statistics/bayesian-normal.js';
import { checkSampleRatio, type SampleRatioCheck } from './statistics/sample-ratio.js';
import { sampleWarnings, type SampleWarning } from './statistics/sample-warnings.js';
import { quantileArms, type QuantileArms } from './quantile-results.js';
import type { QuantileComparison } from './statistics/quantile-difference.js';

export interface ArmResult {
  index: number;
  id: string;
  units: number;
  /** Σ numerator (conversions, revenue, clicks …). */
  total: number;
  /** Σ denominator (ratio metrics only). */
  denominator?: number;
  /** Mean per unit (ratio: Σ numerator / Σ denominator); null without units. */
  mean: number | null;
  /** Quantile metrics: the arm's quantile of the unit values with its order-statistic interval (null without units). */
  quantile?: { q: number; value: number; interval: [number, number] } | null;
  /** Against the control; absent for the control. */
  comparison?: {
    cuped: boolean;
    frequentist: { lift: number; interval: [number, number]; pValue: number; pValueCorrected: number | null; statistic: number; degreesOfFreedom: number } | null;
    sequential: { lift: number; interval: [number, number]; pValue: number } | null;
    bayesian: { lift: number; interval: [number, number]; chanceToWin: number; riskOfChoosingTreatment: number; riskOfChoosingControl: number } | null;
    /** Quantile metrics (whose mean-based engines are null): the difference of quantiles, treatment − control. */
    quantile?: (QuantileComparison & { pValueCorrected: number | null }) | null;
    /** Guardrail metrics: the treatment is significantly worse (fixed-horizon p < α in the bad direction). */
    guardrailBreached?: boolean;
  };
}

export interface MetricResult {
  id: string;
  name: string;
  kind: MetricKind;
  guardrail: boolean;
  higherIsBetter: boolean;
  variations: ArmResult[];
}

export interface SeriesPoint {
  day: string;
  /** Clean units per variation by the end of the day. */
  units: number[];
  /** Metric id → per variation: mean, and for treatments the lift with its fixed-horizon and sequential intervals. */
  metrics: Record<string, Array<{ mean: number | null; lift?: number | null; interval?: [number, number] | null; sequentialInterval?: [number, number] | null }>>;
}

export interface AnalysedExperiment {
  variations: Array<{ index: number; id: string; name: string; weight: number; units: number; contaminated: number }>;
  metrics: MetricResult[];
  /** Null for bandits, whose weights change over time (a fixed expected ratio does not exist). */
  sampleRatio: SampleRatioCheck | null;
  warnings: Array<SampleWarning | { variation: number; code: 'guardrail_breached' | 'sample_ratio_mismatch'; message: string }>;
  series: SeriesPoint[];
}

const sumsAt = (t: Map<string, AggregateSums>, variation: number, metricId: string): AggregateSums => t.get(totalsKey(variation, metricId)) ?? emptySums();

function mean(metric: Metric, s: AggregateSums): number | null {
  if (metric.kind === 'ratio') return s.den !== 0 ? s.sum / s.den : null;
  return s.units > 0 ? s.sum / s.units : null;
}

/** The metric's sums with the clean unit count (metric rows count units too; the UNITS row is the reference). */
function metricSums(t: Map<string, AggregateSums>, variation: number, metric: Metric): AggregateSums {
  return { ...sumsAt(t, variation, metric.id), units: sumsAt(t, variation, UNITS).units };
}

/** Quantile metrics are compared by their quantiles only (quantile-results.ts): the mean-based engines are left out. */
const QUANTILE_ONLY: MetricComparison = { control: { n: 0, mean: 0, unitVariance: 0 }, treatment: { n: 0, mean: 0, unitVariance: 0 }, cupedApplied: false, frequentist: null, sequential: null, bayesian: null };

export function analyseExperiment(experiment: Experiment, rows: readonly AggregateRow[]): AnalysedExperiment {
  const metrics = metricsOf(experiment);
  const a = experiment.analysis;
  const options = (metric: Metric) => ({ ratio: metric.kind === 'ratio', cuped: a.cupedDays > 0, higherIsBetter: metric.higherIsBetter, alpha: a.alpha, prior: a.prior ?? FLAT_PRIOR, tuningSample: a.expectedUnits });
  const all = totals(rows);
  const vars = experiment.variations.map((v, index) => ({ index, id: v.id, name: v.name, weight: v.weight, units: sumsAt(all, index, UNITS).units, contaminated: sumsAt(all, index, UNITS).sum }));

  const compared: Array<{ metric: Metric; quantiles: QuantileArms | null; arms: Array<{ sums: AggregateSums; comparison: MetricComparison | null }> }> = metrics.map((metric) => {
    const control = metricSums(all, 0, metric);
    const quantiles = metric.kind === 'quantile' ? quantileArms(metric, all, experiment.variations.length, a.alpha) : null;
    return { metric, quantiles, arms: experiment.variations.map((_, index) => {
      const sums = metricSums(all, index, metric);
      return { sums, comparison: index === 0 ? null : quantiles ? QUANTILE_ONLY : compareArms(control, sums, options(metric)) };
    }) };
  });
  const pValues = compared.flatMap((c) => c.arms.map((arm, i) => (c.quantiles ? c.quantiles.comparisons[i]?.pValue ?? null : arm.comparison?.frequentist?.pValue ?? null)));
  const corrected = a.correction === 'holm' ? holmBonferroni(pValues) : a.correction === 'bh' ? benjaminiHochberg(pValues) : pValues;

  const warnings: AnalysedExperiment['warnings'] = [];
  let at = 0;
  const metricResults: MetricResult[] = compared.map(({ metric, quantiles, arms }) => ({
    id: metric.id, name: metric.name, kind: metric.kind, guardrail: metric.guardrail, higherIsBetter: metric.higherIsBetter,
    variations: arms.map(({ sums, comparison }, index) => {
      const pCorrected = corrected[at++] ?? null;
      const arm: ArmResult = { index, id: experiment.variations[index]!.id, units: sums.units, total: sums.sum, ...(metric.kind === 'ratio' ? { denominator: sums.den } : {}), mean: mean(metric, sums) };
      const armQ = quantiles?.arms[index];
      if (quantiles) arm.quantile = armQ ? { q: metric.quantile ?? 0.5, value: armQ.value, interval: armQ.interval } : null;
      if (!comparison) return arm;
      const f = comparison.frequentist;
      const qc = quantiles?.comparisons[index] ?? null;
      const worse = qc
        ? qc.pValue < a.alpha && (metric.higherIsBetter ? qc.difference < 0 : qc.difference > 0)
        : f !== null && f.pValue < a.alpha && (metric.higherIsBetter ? f.lift < 0 : f.lift > 0);
      if (metric.guardrail && worse) warnings.push({ variation: index, code: 'guardrail_breached', message: `variation ${index} makes the guardrail metric "${metric.id}" significantly worse (${qc ? `difference ${qc.difference.toPrecision(3)}, p ${qc.pValue.toPrecision(2)}` : `lift ${(f!.lift * 100).toFixed(1)}%, p ${f!.pValue.toPrecision(2)}`})` });
      arm.comparison = {
        cuped: comparison.cupedApplied,
        frequentist: f ? { lift: f.lift, interval: f.interval, pValue: f.pValue, pValueCorrected: pCorrected, statistic: f.statistic, degreesOfFreedom: f.degreesOfFreedom } : null,
        sequential: comparison.sequential,
        bayesian: comparison.bayesian,
        ...(quantiles ? { quantile: qc ? { ...qc, pValueCorrected: pCorrected } : null } : {}),
        ...(metric.guardrail ? { guardrailBreached: worse } : {}),
      };
      return arm;
    }),
  }));

  const sampleRatio = experiment.bandit ? null : checkSampleRatio(vars.map((v) => v.units + v.contaminated), vars.map((v) => v.weight));
  if (sampleRatio?.mismatch) warnings.push({ variation: 0, code: 'sample_ratio_mismatch', message: `the units per variation do not match the weights (χ² p ${sampleRatio.pValue.toPrecision(2)} < 0.001): the assignment or the exposure tracking is broken, and the results cannot be trusted` });
  const conversion = metrics.find((m) => m.kind === 'conversion');
  warnings.unshift(...sampleWarnings(vars.map((v, index) => (conversion ? { units: v.units, conversions: sumsAt(all, index, conversion.id).sum } : { units: v.units }))));
  return { variations: vars, metrics: metricResults, sampleRatio, warnings, series: dailySeries(experiment, metrics, rows, options) };
}

function dailySeries(experiment: Experiment, metrics: readonly Metric[], rows: readonly AggregateRow[], options: (m: Metric) => Parameters<typeof compareArms>[2]): SeriesPoint[] {
  const days = [...new Set(rows.map((r) => r.day))].sort();
  // Rows sorted by day once; each day adds its rows to running totals (linear in the number of rows).
  const byDay = new Map<string, AggregateRow[]>();
  for (const r of rows) { const list = byDay.get(r.day); if (list) list.push(r); else byDay.set(r.day, [r]); }
  const running = new Map<string, AggregateSums>();
  return days.map((day) => {
    for (const [key, sums] of totals(byDay.get(day)!)) {
      const held = running.get(key);
      if (held) for (const f of Object.keys(sums) as Array<keyof AggregateSums>) held[f] += sums[f];
      else running.set(key, { ...sums });
    }
    const point: SeriesPoint = { day, units: experiment.variations.map((_, i) => sumsAt(running, i, UNITS).units), metrics: {} };
    for (const metric of metrics) {
      if (metric.kind === 'quantile') {
        // The arm's quantile as the day's "mean"; the difference's interval is in the final results.
        const q = quantileArms(metric, running, experiment.variations.length, experiment.analysis.alpha);
        point.metrics[metric.id] = q.arms.map((arm) => ({ mean: arm?.value ?? null }));
        continue;
      }
      const control = metricSums(running, 0, metric);
      point.metrics[metric.id] = experiment.variations.map((_, i) => {
        const s = metricSums(running, i, metric);
        if (i === 0) return { mean: mean(metric, s) };
        return { mean: mean(metric, s), ...seriesLift(control, s, options(metric)) };
      });
    }
    return point;
  });
}

/**
 * The lift of one day of the series with a normal (z) interval and the confidence sequence: for a chart, where a
 * Student t quantile per day and metric would cost more than the rest of the results (the final figures above use
 * the Welch t).
 */
function seriesLift(control: AggregateSums, treatment: AggregateSums, o: Parameters<typeof compareArms>[2]): { lift: number | null; interval: [number, number] | null; sequentialInterval: [number, number] | null } {
  const adjust = o.cuped && !o.ratio ? cupedTheta([control, treatment]) : null;
  const estimate = (s: AggregateSums) => (o.ratio ? ratioEstimate(s) : adjust ? cupedEstimate(s, adjust) : meanEstimate(s));
  const a = estimate(control);
  const b = estimate(treatment);
  const v = liftVariance(a, b);
  if (!v || !(v.variance > 0)) return { lift: null, interval: null, sequentialInterval: null };
  const half = normalQuantile(1 - o.alpha / 2) * Math.sqrt(v.variance);
  const units = a.n + b.n;
  const cs = confidenceSequenceHalfWidth({ units, unitVariance: v.variance * units, alpha: o.alpha, tuningSample: o.tuningSample });
  return { lift: v.lift, interval: [v.lift - half, v.lift + half], sequentialInterval: [v.lift - cs, v.lift + cs] };
}
