/**
 * Frequentist test of the relative lift Δ = μ_B/μ_A − 1 of a treatment over the control (GrowthBook's default
 * frequentist engine tests the relative effect this way):
 *   Var(Δ̂) ≈ c_A + c_B,  c_A = μ_B² v_A / (μ_A⁴ n_A),  c_B = v_B / (μ_A² n_B)    (delta method; Casella & Berger §5.5.4)
 *   t = Δ̂ / √Var(Δ̂), two-sided p = 2(1 − F_ν(|t|)),  Δ̂ ± F_ν⁻¹(1 − α/2)·√Var(Δ̂)
 * with ν by Welch–Satterthwaite on the two variance components, ν = (c_A + c_B)² / (c_A²/(n_A − 1) + c_B²/(n_B − 1))
 * (Satterthwaite 1946; for the absolute difference it is Welch's 1947 formula).
 */
import { studentTCdf, studentTQuantile } from './distributions.js';
import type { ArmEstimate } from './arm-estimates.js';

export interface LiftTest {
  /** Relative lift of the treatment (0.1 = +10%). */
  lift: number;
  /** Standard error of the lift (delta method). */
  standardError: number;
  degreesOfFreedom: number;
  statistic: number;
  pValue: number;
  interval: [number, number];
}

/** Null when not defined: fewer than 2 units in an arm, or a control mean of 0. */
export function liftVariance(control: ArmEstimate, treatment: ArmEstimate): { lift: number; variance: number; cA: number; cB: number } | null {
  if (control.n < 2 || treatment.n < 2 || control.mean === 0) return null;
  const mA = control.mean;
  const mB = treatment.mean;
  const cA = (mB * mB * control.unitVariance) / (mA ** 4 * control.n);
  const cB = treatment.unitVariance / (mA * mA * treatment.n);
  return { lift: mB / mA - 1, variance: cA + cB, cA, cB };
}

export function relativeLiftTTest(control: ArmEstimate, treatment: ArmEstimate, alpha = 0.05): LiftTest | null {
  const v = liftVariance(control, treatment);
  if (!v || !(v.variance > 0)) return null;
  const se = Math.sqrt(v.variance);
  const dof = v.variance ** 2 / (v.cA ** 2 / (control.n - 1) + v.cB ** 2 / (treatment.n - 1));
  const statistic = v.lift / se;
  const pValue = Math.min(1, 2 * (1 - studentTCdf(Math.abs(statistic), dof)));
  const q = studentTQuantile(1 - alpha / 2, dof);
  return { lift: v.lift, standardError: se, degreesOfFreedom: dof, statistic, pValue, interval: [v.lift - q * se, v.lift + q * se] };
}
