/**
 * Sufficient statistics of one variation for one metric. They are sums, so they can be kept incrementally as
 * events arrive and merged by addition.
 * - conversion (binomial) metric: units exposed and units that converted;
 * - mean (continuous) metric: units, Σ value and Σ value² per unit (a unit without the event counts as 0).
 */
export interface ConversionSummary {
  units: number;
  conversions: number;
}

export interface MeanSummary {
  units: number;
  sum: number;
  sumOfSquares: number;
}

export interface Moments {
  n: number;
  mean: number;
  /** Sample variance (n − 1 denominator); 0 when n < 2. */
  variance: number;
}

export function conversionMoments(s: ConversionSummary): Moments {
  const p = s.units > 0 ? s.conversions / s.units : 0;
  // Bernoulli variance p(1 − p): the MLE used by the two-proportion test and the delta method.
  return { n: s.units, mean: p, variance: p * (1 - p) };
}

export function meanMoments(s: MeanSummary): Moments {
  if (s.units === 0) return { n: 0, mean: 0, variance: 0 };
  const mean = s.sum / s.units;
  const variance = s.units > 1 ? Math.max(0, (s.sumOfSquares - s.units * mean * mean) / (s.units - 1)) : 0;
  return { n: s.units, mean, variance };
}
