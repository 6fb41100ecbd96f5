/**
 * Confidence intervals for a quantile of each arm and for the difference of two arms' quantiles, without a
 * bootstrap (the results read only the arms' histograms, quantile-sketch.ts):
 *
 * - Each arm: the distribution-free order-statistic interval (Conover, *Practical Nonparametric Statistics*,
 *   3rd ed., §3.2). With n units, the number B of values below the true q-quantile ξ is Binomial(n, q), and
 *   P(x₍l₎ ≤ ξ < x₍u₎) = P(l ≤ B ≤ u − 1); with the normal approximation of B, rounded outwards,
 *     l = ⌊nq − z·√(nq(1 − q))⌋,  u = ⌈nq + z·√(nq(1 − q))⌉ + 1   (clamped to 1..n).
 *   The estimate is the order statistic of rank ⌈nq⌉ (numpy's `inverted_cdf` quantile).
 * - The difference: each arm's standard error from its interval's width, se = (x₍u₎ − x₍l₎) / (2z) — the
 *   McKean–Schrader estimate that Price & Bonett (*Distribution-free confidence intervals for difference and
 *   ratio of medians*, J. Stat. Comput. Simul. 72, 2002) use for the difference of medians, here for any
 *   quantile — and a normal interval Δ ± z·√(se_c² + se_t²), with its two-sided p-value. The relative lift
 *   (q_t / q_c − 1) gets the delta-method variance se_t²/q_c² + q_t²·se_c²/q_c⁴.
 * Values come from the sketch, so each is within its relative error (1%) of the exact order statistic.
 */
import { normalCdf, normalQuantile } from './distributions.js';
import { valueAtRank, type Histogram } from '../quantile-sketch.js';

export interface ArmQuantile {
  /** The estimated q-quantile of the arm's unit values. */
  value: number;
  /** The order-statistic confidence interval. */
  interval: [number, number];
  /** Its standard error estimate, (upper − lower) / (2z). */
  standardError: number;
  units: number;
}

export function orderStatisticRanks(n: number, q: number, alpha: number): { estimate: number; lower: number; upper: number } {
  const z = normalQuantile(1 - alpha / 2);
  const centre = n * q;
  const spread = z * Math.sqrt(n * q * (1 - q));
  const clamp = (k: number) => Math.min(n, Math.max(1, k));
  return { estimate: clamp(Math.ceil(centre)), lower: clamp(Math.floor(centre - spread)), upper: clamp(Math.ceil(centre + spread) + 1) };
}

/** The arm's q-quantile with its interval; null without units. */
export function armQuantile(h: Histogram, q: number, alpha: number): ArmQuantile | null {
  if (h.total === 0) return null;
  const ranks = orderStatisticRanks(h.total, q, alpha);
  const lower = valueAtRank(h, ranks.lower)!;
  const upper = valueAtRank(h, ranks.upper)!;
  return { value: valueAtRank(h, ranks.estimate)!, interval: [lower, upper], standardError: (upper - lower) / (2 * normalQuantile(1 - alpha / 2)), units: h.total };
}

export interface QuantileComparison {
  /** Treatment quantile − control quantile. */
  difference: number;
  interval: [number, number];
  /** q_t / q_c − 1 (null when the control's quantile is 0). */
  lift: number | null;
  liftInterval: [number, number] | null;
  pValue: number;
}

/** The difference of the treatment's and the control's quantile; null when either has too few units to say. */
export function compareQuantiles(control: ArmQuantile | null, treatment: ArmQuantile | null, alpha: number): QuantileComparison | null {
  if (!control || !treatment || control.units < 2 || treatment.units < 2) return null;
  const z = normalQuantile(1 - alpha / 2);
  const difference = treatment.value - control.value;
  const se = Math.sqrt(control.standardError ** 2 + treatment.standardError ** 2);
  const pValue = se > 0 ? 2 * (1 - normalCdf(Math.abs(difference) / se)) : difference === 0 ? 1 : 0;
  let lift: number | null = null;
  let liftInterval: [number, number] | null = null;
  if (control.value !== 0) {
    lift = treatment.value / control.value - 1;
    const c = control.value;
    const liftSe = Math.sqrt(treatment.standardError ** 2 / c ** 2 + (treatment.value ** 2 * control.standardError ** 2) / c ** 4);
    liftInterval = [lift - z * liftSe, lift + z * liftSe];
  }
  return { difference, interval: [difference - z * se, difference + z * se], lift, liftInterval, pValue };
}
