/**
 * The sketch behind quantile metrics (median dwell time): per experiment × variation × metric, a histogram of the
 * units' values over fixed logarithmic buckets — the bucket mapping of DDSketch (Masson, Rim & Lee, *DDSketch: a
 * fast and fully-mergeable quantile sketch with relative-error guarantees*, VLDB 2019, §2: bucket i holds
 * (γ^(i−1), γ^i] with γ = (1 + ε)/(1 − ε), answered as 2γ^i/(γ + 1)), with ε = 1% relative error.
 *
 * Why this and not a t-digest (the `tdigest` package is installed) or a library DDSketch: a unit's value changes as
 * its events arrive (its dwell time grows with every `Page Left`), so the sketch must *remove* the unit's old value
 * and add the new one, and a merge or contamination must take a unit out again. A t-digest cannot delete; a
 * histogram over fixed buckets can (a count goes down by one), is exactly mergeable (counts add), and keeps no
 * identifier. Its buckets are stored as ordinary aggregate rows (aggregates.ts), the row's `units` being the count
 * of units whose value falls in the bucket, under the metric id `<metric>~<bucket>` (`~` is not allowed in metric
 * ids, so the names cannot collide). Day rows sum to the histogram at the end of each day, as for every aggregate,
 * and the recompute rebuilds them through the same functions. Values whose magnitude is below 1e-9 (a unit that
 * never had the event: 0) share the bucket `z`; negative values mirror the positive buckets (`n<i>`).
 */

/** Relative accuracy of every answered quantile (of the value of the rank found). */
export const SKETCH_RELATIVE_ERROR = 0.01;
const GAMMA = (1 + SKETCH_RELATIVE_ERROR) / (1 - SKETCH_RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
const MIN_MAGNITUDE = 1e-9;
const SEPARATOR = '~';

/** The bucket of a value: `z` (zero), `p<i>` (positive) or `n<i>` (negative). */
export function bucketOf(value: number): string {
  const magnitude = Math.abs(value);
  if (!(magnitude >= MIN_MAGNITUDE)) return 'z';
  const index = Math.ceil(Math.log(magnitude) / LOG_GAMMA);
  return `${value > 0 ? 'p' : 'n'}${index}`;
}

/** The value a bucket stands for: within SKETCH_RELATIVE_ERROR of every value in it. */
export function bucketValue(bucket: string): number {
  if (bucket === 'z') return 0;
  const index = Number(bucket.slice(1));
  const magnitude = (2 * GAMMA ** index) / (GAMMA + 1);
  return bucket[0] === 'n' ? -magnitude : magnitude;
}

/** The aggregate metric id of a bucket of a quantile metric. */
export const bucketMetricId = (metricId: string, bucket: string): string => `${metricId}${SEPARATOR}${bucket}`;

/** The bucket of an aggregate metric id of this metric, or null when the id is not one of its buckets. */
export function bucketOfMetricId(metricId: string, aggregateId: string): string | null {
  return aggregateId.length > metricId.length + 1 && aggregateId.startsWith(metricId) && aggregateId[metricId.length] === SEPARATOR ? aggregateId.slice(metricId.length + 1) : null;
}

/** A histogram: bucket values in ascending order with their unit counts (counts ≤ 0 are left out). */
export interface Histogram {
  values: number[];
  counts: number[];
  total: number;
}

/** The histogram from bucket → count (as summed from the aggregate rows). */
export function histogramOf(counts: ReadonlyMap<string, number>): Histogram {
  const entries = [...counts].filter(([, n]) => n > 0.5).map(([bucket, n]) => [bucketValue(bucket), Math.round(n)] as const).sort((a, b) => a[0] - b[0]);
  return { values: entries.map((e) => e[0]), counts: entries.map((e) => e[1]), total: entries.reduce((s, e) => s + e[1], 0) };
}

/** The value of the k-th smallest unit (1-based; clamped to 1..total); null for an empty histogram. */
export function valueAtRank(h: Histogram, k: number): number | null {
  if (h.total === 0) return null;
  const rank = Math.min(h.total, Math.max(1, k));
  let seen = 0;
  for (let i = 0; i < h.values.length; i++) {
    seen += h.counts[i]!;
    if (seen >= rank) return h.values[i]!;
  }
  return h.values[h.values.length - 1]!;
}
