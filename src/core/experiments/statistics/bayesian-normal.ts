/**
 * Bayesian engine on the relative lift, as GrowthBook's documents it: the lift estimate Δ̂ with its delta-method
 * variance V (relative-lift.ts) is the likelihood N(Δ̂, V); the prior on Δ is N(μ₀, τ²) — flat (τ = ∞) by default,
 * or proper when given. The posterior is normal (conjugate; Gelman et al., "Bayesian Data Analysis", 3rd ed., §2.5):
 *   precision = 1/V + 1/τ²,  mean m = (Δ̂/V + μ₀/τ²) / precision,  sd s = precision^(−1/2).
 * From it, for a metric where higher is better (mirrored otherwise):
 *   chance to beat control P(Δ > 0) = Φ(m/s); credible interval m ± Φ⁻¹(1 − α/2)·s;
 *   risk of choosing the treatment E[max(−Δ, 0)] = s·φ(m/s) − m·Φ(−m/s);
 *   risk of keeping the control  E[max(Δ, 0)]  = s·φ(m/s) + m·Φ(m/s)   (relative units).
 */
import { normalCdf, normalPdf, normalQuantile } from './distributions.js';
import type { ArmEstimate } from './arm-estimates.js';
import { liftVariance } from './relative-lift.js';

export interface NormalPrior {
  mean: number;
  /** Standard deviation of the prior on the relative lift; Infinity: flat. */
  sd: number;
}

export const FLAT_PRIOR: NormalPrior = { mean: 0, sd: Infinity };

export interface BayesianLift {
  /** Posterior mean of the relative lift. */
  lift: number;
  interval: [number, number];
  chanceToWin: number;
  /** Expected relative loss if the treatment is chosen. */
  riskOfChoosingTreatment: number;
  /** Expected relative loss if the control is kept. */
  riskOfChoosingControl: number;
}

export function normalPosterior(estimate: number, variance: number, prior: NormalPrior): { mean: number; sd: number } {
  const priorPrecision = Number.isFinite(prior.sd) ? 1 / (prior.sd * prior.sd) : 0;
  const precision = 1 / variance + priorPrecision;
  return { mean: (estimate / variance + prior.mean * priorPrecision) / precision, sd: Math.sqrt(1 / precision) };
}

export function bayesianLift(control: ArmEstimate, treatment: ArmEstimate, options: { prior?: NormalPrior; alpha?: number; higherIsBetter?: boolean } = {}): BayesianLift | null {
  const v = liftVariance(control, treatment);
  if (!v || !(v.variance > 0)) return null;
  const { mean: m, sd: s } = normalPosterior(v.lift, v.variance, options.prior ?? FLAT_PRIOR);
  const q = normalQuantile(1 - (options.alpha ?? 0.05) / 2);
  const z = m / s;
  const lossIfTreatment = s * normalPdf(z) - m * normalCdf(-z);
  const lossIfControl = s * normalPdf(z) + m * normalCdf(z);
  const better = options.higherIsBetter ?? true;
  return {
    lift: m,
    interval: [m - q * s, m + q * s],
    chanceToWin: better ? normalCdf(z) : normalCdf(-z),
    riskOfChoosingTreatment: better ? lossIfTreatment : lossIfControl,
    riskOfChoosingControl: better ? lossIfControl : lossIfTreatment,
  };
}
