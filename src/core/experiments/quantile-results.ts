/**
 * Quantile metrics in the results: each arm's histogram from the summed aggregate rows (quantile-sketch.ts), its
 * quantile with the order-statistic interval, and each treatment's difference from the control
 * (statistics/quantile-difference.ts).
 */
import type { AggregateSums } from './aggregates.js';
import type { Metric } from './metric.js';
import { bucketOfMetricId, histogramOf, type Histogram } from './quantile-sketch.js';
import { armQuantile, compareQuantiles, type ArmQuantile, type QuantileComparison } from './statistics/quantile-difference.js';

/** Per variation, the histogram of the metric's unit values, from totals keyed `variation\u0000metricId` (aggregates.ts `totals`). */
export function histogramsOf(t: ReadonlyMap<string, AggregateSums>, metricId: string, variations: number): Histogram[] {
  const counts = Array.from({ length: variations }, () => new Map<string, number>());
  for (const [id, sums] of t) {
    const cut = id.indexOf('\u0000');
    const bucket = bucketOfMetricId(metricId, id.slice(cut + 1));
    const variation = Number(id.slice(0, cut));
    if (bucket !== null && variation < variations) counts[variation]!.set(bucket, (counts[variation]!.get(bucket) ?? 0) + sums.units);
  }
  return counts.map(histogramOf);
}

export interface QuantileArms {
  arms: Array<ArmQuantile | null>;
  /** Index 0 (the control) is null. */
  comparisons: Array<QuantileComparison | null>;
}

export function quantileArms(metric: Metric, t: ReadonlyMap<string, AggregateSums>, variations: number, alpha: number): QuantileArms {
  const q = metric.quantile ?? 0.5;
  const arms = histogramsOf(t, metric.id, variations).map((h) => armQuantile(h, q, alpha));
  return { arms, comparisons: arms.map((arm, i) => (i === 0 ? null : compareQuantiles(arms[0]!, arm, alpha))) };
}
