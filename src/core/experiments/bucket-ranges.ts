/**
 * Bucket ranges: which slice of [0, 1) belongs to each variation, given weights and coverage.
 *
 * Matches GrowthBook's `getBucketRanges(n, coverage, weights)` and `chooseVariation(n, ranges)`:
 * - coverage is clamped to [0, 1];
 * - weights that are missing, of the wrong length or that do not sum to 1 within ±0.01 fall back to equal weights;
 * - variation i owns [start_i, start_i + coverage × w_i) where start_i is the sum of the earlier weights, so
 *   lowering the coverage shrinks every range from its right end and nobody moves to another variation;
 * - a range includes its start and excludes its end; a position in no range is not in the experiment (-1).
 */

export type BucketRange = readonly [start: number, end: number];

export function equalWeights(count: number): number[] {
  if (!(count >= 1)) return [];
  return new Array<number>(count).fill(1 / count);
}

export function bucketRanges(count: number, coverage = 1, weights?: readonly number[]): BucketRange[] {
  const cover = coverage < 0 ? 0 : coverage > 1 ? 1 : coverage;
  const equal = equalWeights(count);
  let chosen: readonly number[] = weights ?? equal;
  if (chosen.length !== count) chosen = equal;
  const total = chosen.reduce((sum, w) => sum + w, 0);
  if (total < 0.99 || total > 1.01) chosen = equal;
  let cumulative = 0;
  return chosen.map((weight) => {
    const start = cumulative;
    cumulative += weight;
    return [start, start + cover * weight] as const;
  });
}

export function inRange(position: number, range: BucketRange): boolean {
  return position >= range[0] && position < range[1];
}

/** Index of the first range containing the position, or -1 when none does. */
export function chooseVariation(position: number, ranges: readonly BucketRange[]): number {
  for (let i = 0; i < ranges.length; i++) if (inRange(position, ranges[i]!)) return i;
  return -1;
}
