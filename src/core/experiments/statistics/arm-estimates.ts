/**
 * Per-arm estimates from aggregate sums: the metric's mean in the arm, the variance of one unit's value (so the
 * variance of the mean is variance / n), and n. The three kinds of metric reduce to this one shape, so that the
 * relative-lift tests (relative-lift.ts, sequential.ts, bayesian-normal.ts) need not know the kind:
 *
 * - mean metrics (conversion, count, sum, duration): x̄ = Σy/n, s² = (Σy² − n x̄²)/(n − 1);
 * - ratio metrics: R = Σy/Σd, and by the delta method (Deng, Knoblich & Lu, "Applying the Delta Method in Metric
 *   Analytics", KDD 2018, eq. 3) Var(R̂) ≈ (s_y² − 2R s_yd + R² s_d²) / (n μ_d²); reported as a per-unit variance
 *   n·Var(R̂) so that it divides by n like the others;
 * - CUPED (Deng, Xu, Kohavi & Walker, "Improving the Sensitivity of Online Controlled Experiments by Utilizing
 *   Pre-Experiment Data", WSDM 2013): ỹ = ȳ − θ(x̄ − μ_x) with θ = cov(y, x)/var(x) pooled over the arms being
 *   compared and μ_x their pooled covariate mean; the unit variance becomes s_y² − 2θ s_xy + θ² s_x² (= s_y²(1 − ρ²)
 *   at the optimal θ). Applies to mean metrics only.
 */
import type { AggregateSums } from '../aggregates.js';

export interface ArmEstimate {
  n: number;
  mean: number;
  /** Variance of one unit's value (the variance of the mean is unitVariance / n). */
  unitVariance: number;
}

const sampleCov = (n: number, sxy: number, sx: number, sy: number): number => (n > 1 ? (sxy - (sx * sy) / n) / (n - 1) : 0);

export function meanEstimate(s: AggregateSums): ArmEstimate {
  const n = s.units;
  if (n <= 0) return { n: 0, mean: 0, unitVariance: 0 };
  return { n, mean: s.sum / n, unitVariance: Math.max(0, sampleCov(n, s.sumSq, s.sum, s.sum)) };
}

export function ratioEstimate(s: AggregateSums): ArmEstimate {
  const n = s.units;
  if (n <= 0 || s.den === 0) return { n, mean: 0, unitVariance: 0 };
  const r = s.sum / s.den;
  const muD = s.den / n;
  const vy = sampleCov(n, s.sumSq, s.sum, s.sum);
  const vd = sampleCov(n, s.denSq, s.den, s.den);
  const cyd = sampleCov(n, s.cross, s.sum, s.den);
  return { n, mean: r, unitVariance: Math.max(0, (vy - 2 * r * cyd + r * r * vd) / (muD * muD)) };
}

/** θ = Σ_arms cov(y, x) / Σ_arms var(x) (each weighted by n − 1), and the pooled covariate mean; null when var(x) is 0. */
export function cupedTheta(arms: readonly AggregateSums[]): { theta: number; preMean: number } | null {
  let cov = 0;
  let varX = 0;
  let pre = 0;
  let n = 0;
  for (const s of arms) {
    if (s.units < 2) return null;
    cov += (s.units - 1) * sampleCov(s.units, s.preCross, s.pre, s.sum);
    varX += (s.units - 1) * sampleCov(s.units, s.preSq, s.pre, s.pre);
    pre += s.pre;
    n += s.units;
  }
  if (!(varX > 0)) return null;
  return { theta: cov / varX, preMean: pre / n };
}

export function cupedEstimate(s: AggregateSums, adjust: { theta: number; preMean: number }): ArmEstimate {
  const n = s.units;
  if (n <= 1) return meanEstimate(s);
  const { theta, preMean } = adjust;
  const vy = sampleCov(n, s.sumSq, s.sum, s.sum);
  const vx = sampleCov(n, s.preSq, s.pre, s.pre);
  const cxy = sampleCov(n, s.preCross, s.pre, s.sum);
  return { n, mean: s.sum / n - theta * (s.pre / n - preMean), unitVariance: Math.max(0, vy - 2 * theta * cxy + theta * theta * vx) };
}
