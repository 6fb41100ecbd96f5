/**
 * Always-valid (sequential) inference: an asymptotic confidence sequence for the relative lift, which holds at
 * every sample size at once, so the results may be looked at every day without inflating the error rate.
 *
 * Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas, "Time-uniform central limit theory and asymptotic confidence
 * sequences" (Annals of Statistics, 2024; arXiv 2103.06476), Theorem 2.2, the normal-mixture boundary:
 *   θ̂_t ± √( 2(tσ̂²ρ² + 1) / (t²ρ²) · ln( √(tσ̂²ρ² + 1) / α ) )
 * where t is the number of units (both arms), σ̂² the per-unit variance of the estimate (t·Var(Δ̂)), and ρ > 0 a
 * tuning constant. GrowthBook's engine uses the same boundary; it tunes ρ for an expected sample size N*; we do too,
 * choosing ρ so the boundary is narrowest at t = N*: ρ² = (−2 ln α + ln(−2 ln α + 1)) / (N* σ̂²) (the paper's eq.
 * below Theorem 2.2, with the variance made explicit so the width does not depend on the metric's unit).
 * The always-valid p-value is the smallest α whose sequence (with ρ fixed as tuned for the experiment's α) excludes
 * 0, found by bisection: with ρ fixed the width falls as α grows.
 */
import type { ArmEstimate } from './arm-estimates.js';
import { liftVariance } from './relative-lift.js';

export const DEFAULT_TUNING_SAMPLE = 5_000;

export interface SequentialResult {
  lift: number;
  interval: [number, number];
  /** Always-valid p-value. */
  pValue: number;
}

/** ρ² tuned for level α at N* units (the α of the experiment; the p-value keeps this ρ, so it stays always valid). */
export function tunedRho2(options: { unitVariance: number; alpha: number; tuningSample: number }): number {
  const l = -2 * Math.log(options.alpha);
  return (l + Math.log(l + 1)) / (options.tuningSample * options.unitVariance);
}

export function confidenceSequenceHalfWidth(options: { units: number; unitVariance: number; alpha: number; tuningSample: number; rho2?: number }): number {
  const { units: t, unitVariance: s2, alpha } = options;
  if (!(s2 > 0) || t <= 0) return Infinity;
  const rho2 = options.rho2 ?? tunedRho2(options);
  const u = t * s2 * rho2;
  return Math.sqrt(((2 * (u + 1)) / (t * t * rho2)) * Math.log(Math.sqrt(u + 1) / alpha));
}

export function sequentialLiftTest(control: ArmEstimate, treatment: ArmEstimate, options: { alpha?: number; tuningSample?: number } = {}): SequentialResult | null {
  const alpha = options.alpha ?? 0.05;
  const tuningSample = options.tuningSample ?? DEFAULT_TUNING_SAMPLE;
  const v = liftVariance(control, treatment);
  if (!v || !(v.variance > 0)) return null;
  const units = control.n + treatment.n;
  const unitVariance = v.variance * units;
  const rho2 = tunedRho2({ unitVariance, alpha, tuningSample });
  const half = (a: number) => confidenceSequenceHalfWidth({ units, unitVariance, alpha: a, tuningSample, rho2 });
  const h = half(alpha);
  // Bisection on α ∈ (0, 1): the half-width decreases in α; p is where it equals |lift|.
  let pValue = 1;
  if (half(1 - 1e-12) < Math.abs(v.lift)) {
    let lo = 1e-300;
    let hi = 1 - 1e-12;
    if (half(lo) < Math.abs(v.lift)) pValue = 0;
    else {
      for (let i = 0; i < 200 && hi / lo > 1 + 1e-9; i++) {
        const mid = Math.sqrt(lo * hi);
        if (half(mid) < Math.abs(v.lift)) hi = mid; else lo = mid;
      }
      pValue = hi;
    }
  }
  return { lift: v.lift, interval: [v.lift - h, v.lift + h], pValue };
}
