/**
 * Frequentist comparison of a treatment against the control.
 *
 * - Conversion metrics: two-proportion z-test with the pooled proportion under H0,
 *   z = (p_B − p_A) / √(p̂(1 − p̂)(1/n_A + 1/n_B)), p̂ = (x_A + x_B)/(n_A + n_B); two-sided p = 2(1 − Φ(|z|)).
 *   (Agresti, "Categorical Data Analysis", 3rd ed., §2.1.2; equals scipy/statsmodels `proportions_ztest`.)
 * - Mean metrics: Welch's unequal-variance t-test, t = (m_B − m_A) / √(s_A²/n_A + s_B²/n_B) with
 *   Welch–Satterthwaite degrees of freedom (Welch 1947; equals scipy `ttest_ind(equal_var=False)`).
 * - Relative uplift Δ = m_B/m_A − 1 with a confidence interval by the delta method:
 *   Var(m_B/m_A) ≈ v_B/m_A² + m_B² v_A/m_A⁴ with v = s²/n (Casella & Berger, "Statistical Inference", §5.5.4;
 *   the same approximation GrowthBook documents for its relative effects). The interval uses z for proportions and
 *   the Welch t quantile for means.
 */
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './distributions.js';
import { conversionMoments, meanMoments, type ConversionSummary, type MeanSummary, type Moments } from './summaries.js';

export interface FrequentistResult {
  /** Relative uplift of the treatment mean over the control mean (0.1 = +10%); null when the control mean is 0. */
  uplift: number | null;
  /** Two-sided confidence interval of the relative uplift; null when not defined. */
  upliftInterval: [number, number] | null;
  /** Test statistic (z or t). */
  statistic: number | null;
  pValue: number | null;
  /** Welch degrees of freedom (mean metrics only). */
  degreesOfFreedom?: number;
}

const EMPTY: FrequentistResult = { uplift: null, upliftInterval: null, statistic: null, pValue: null };

/** Delta-method interval of m_B/m_A − 1, with the critical value given. */
export function relativeUpliftInterval(control: Moments, treatment: Moments, critical: number): { uplift: number; interval: [number, number] } | null {
  if (control.n === 0 || treatment.n === 0 || control.mean === 0) return null;
  const vA = control.variance / control.n;
  const vB = treatment.variance / treatment.n;
  const uplift = treatment.mean / control.mean - 1;
  const variance = vB / control.mean ** 2 + (treatment.mean ** 2 * vA) / control.mean ** 4;
  const half = critical * Math.sqrt(variance);
  return { uplift, interval: [uplift - half, uplift + half] };
}

export function twoProportionZTest(control: ConversionSummary, treatment: ConversionSummary, options: { alpha?: number } = {}): FrequentistResult {
  const alpha = options.alpha ?? 0.05;
  if (control.units === 0 || treatment.units === 0) return EMPTY;
  const a = conversionMoments(control);
  const b = conversionMoments(treatment);
  const pooled = (control.conversions + treatment.conversions) / (control.units + treatment.units);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / control.units + 1 / treatment.units));
  const statistic = se > 0 ? (b.mean - a.mean) / se : null;
  const pValue = statistic === null ? null : 2 * (1 - normalCdf(Math.abs(statistic)));
  const relative = relativeUpliftInterval(a, b, normalQuantile(1 - alpha / 2));
  return { uplift: relative?.uplift ?? null, upliftInterval: relative?.interval ?? null, statistic, pValue };
}

export function welchTTest(control: MeanSummary, treatment: MeanSummary, options: { alpha?: number } = {}): FrequentistResult {
  const alpha = options.alpha ?? 0.05;
  if (control.units < 2 || treatment.units < 2) return EMPTY;
  const a = meanMoments(control);
  const b = meanMoments(treatment);
  const vA = a.variance / a.n;
  const vB = b.variance / b.n;
  const se = Math.sqrt(vA + vB);
  if (!(se > 0)) return { ...EMPTY, uplift: a.mean !== 0 ? b.mean / a.mean - 1 : null };
  const statistic = (b.mean - a.mean) / se;
  // Welch–Satterthwaite: ν = (v_A + v_B)² / (v_A²/(n_A − 1) + v_B²/(n_B − 1)).
  const dof = (vA + vB) ** 2 / (vA ** 2 / (a.n - 1) + vB ** 2 / (b.n - 1));
  const pValue = 2 * (1 - studentTCdf(Math.abs(statistic), dof));
  const relative = relativeUpliftInterval(a, b, studentTQuantile(1 - alpha / 2, dof));
  return { uplift: relative?.uplift ?? null, upliftInterval: relative?.interval ?? null, statistic, pValue, degreesOfFreedom: dof };
}
