/**
 * Bayesian comparison of a treatment (B) against the control (A).
 *
 * Conversion metrics — Beta-binomial model with a uniform Beta(1, 1) prior, so each arm's posterior is
 * Beta(1 + x, 1 + n − x) (Gelman et al., "Bayesian Data Analysis", 3rd ed., §2.4). All quantities are
 * one-dimensional integrals, computed by Simpson's rule on the interval holding the posteriors' mass
 * (mean ± 12 sd, clipped to [0, 1]), deterministic and without sampling:
 * - chance to beat control P(p_B > p_A) = ∫ f_B(x) F_A(x) dx;
 * - expected loss (risk) of choosing B, E[max(p_A − p_B, 0)] = ∫ f_B(b) [m_A(1 − I_b(α_A + 1, β_A)) − b(1 − I_b(α_A, β_A))] db,
 *   using ∫_b^1 a f_A(a) da = m_A(1 − I_b(α_A + 1, β_A)) for a Beta(α_A, β_A) density (and the mirror for A);
 * - credible interval of the relative uplift p_B/p_A − 1 from its CDF P(p_B/p_A − 1 ≤ t) = ∫ f_A(a) F_B((1 + t)a) da,
 *   inverted by bisection.
 *
 * Mean metrics — with a flat prior and the central limit theorem, each arm's mean has a normal posterior
 * N(m, s²/n), so the difference D = m_B − m_A is N(δ, σ²) (the Gaussian approximation GrowthBook's Bayesian engine
 * documents): chance to beat = Φ(δ/σ); risk of choosing B = E[max(−D, 0)] = σφ(δ/σ) − δ(1 − Φ(δ/σ)); the relative
 * uplift's credible interval by the delta method (equal to the frequentist one with z).
 */
import { betaCdf, betaPdf, normalCdf, normalPdf, normalQuantile } from './distributions.js';
import { simpson } from './integrate.js';
import { relativeUpliftInterval } from './frequentist.js';
import { meanMoments, type ConversionSummary, type MeanSummary } from './summaries.js';

export interface BayesianResult {
  /** P(treatment better than control). */
  chanceToBeatControl: number;
  /** Expected loss in metric units if the treatment is chosen and the control is in fact better. */
  riskOfChoosingTreatment: number;
  /** Expected loss if the control is kept and the treatment is in fact better. */
  riskOfChoosingControl: number;
  /** Posterior mean of the relative uplift, null when undefined. */
  uplift: number | null;
  /** Central credible interval of the relative uplift, null when undefined. */
  upliftInterval: [number, number] | null;
}

interface BetaPosterior {
  a: number;
  b: number;
  mean: number;
  sd: number;
}

const INTERVALS = 800;

function posterior(s: ConversionSummary): BetaPosterior {
  const a = 1 + s.conversions;
  const b = 1 + s.units - s.conversions;
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  return { a, b, mean, sd };
}

function support(...posteriors: BetaPosterior[]): [number, number] {
  const lo = Math.max(0, Math.min(...posteriors.map((p) => p.mean - 12 * p.sd)));
  const hi = Math.min(1, Math.max(...posteriors.map((p) => p.mean + 12 * p.sd)));
  return [lo, hi];
}

/** E[max(X − Y, 0)] for independent X ~ Beta(x), Y ~ Beta(y). */
function expectedShortfall(x: BetaPosterior, y: BetaPosterior): number {
  const [lo, hi] = support(x, y);
  const value = simpson((v) => betaPdf(v, y.a, y.b) * (x.mean * (1 - betaCdf(v, x.a + 1, x.b)) - v * (1 - betaCdf(v, x.a, x.b))), lo, hi, INTERVALS);
  return Math.max(0, value);
}

function upliftCdf(control: BetaPosterior, treatment: BetaPosterior, t: number): number {
  const [lo, hi] = support(control);
  return simpson((a) => betaPdf(a, control.a, control.b) * betaCdf((1 + t) * a, treatment.a, treatment.b), lo, hi, INTERVALS);
}

function upliftQuantile(control: BetaPosterior, treatment: BetaPosterior, p: number): number {
  let lo = -1;
  let hi = 1;
  while (upliftCdf(control, treatment, hi) < p && hi < 1e6) hi *= 2;
  for (let i = 0; i < 60 && hi - lo > 1e-7; i++) {
    const mid = (lo + hi) / 2;
    if (upliftCdf(control, treatment, mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function bayesianConversion(control: ConversionSummary, treatment: ConversionSummary, options: { credibility?: number } = {}): BayesianResult {
  const level = options.credibility ?? 0.95;
  const A = posterior(control);
  const B = posterior(treatment);
  const [lo, hi] = support(A, B);
  const chance = simpson((x) => betaPdf(x, B.a, B.b) * betaCdf(x, A.a, A.b), lo, hi, INTERVALS);
  const tail = (1 - level) / 2;
  // E[p_B/p_A] = m_B · E[1/p_A] = m_B (α_A + β_A − 1)/(α_A − 1), defined for α_A > 1.
  const uplift = A.a > 1 ? (B.mean * (A.a + A.b - 1)) / (A.a - 1) - 1 : null;
  return {
    chanceToBeatControl: Math.min(1, Math.max(0, chance)),
    riskOfChoosingTreatment: expectedShortfall(A, B),
    riskOfChoosingControl: expectedShortfall(B, A),
    uplift,
    upliftInterval: [upliftQuantile(A, B, tail), upliftQuantile(A, B, 1 - tail)],
  };
}

export function bayesianMean(control: MeanSummary, treatment: MeanSummary, options: { credibility?: number } = {}): BayesianResult | null {
  const level = options.credibility ?? 0.95;
  if (control.units < 2 || treatment.units < 2) return null;
  const a = meanMoments(control);
  const b = meanMoments(treatment);
  const delta = b.mean - a.mean;
  const sigma = Math.sqrt(a.variance / a.n + b.variance / b.n);
  const relative = relativeUpliftInterval(a, b, normalQuantile(1 - (1 - level) / 2));
  if (!(sigma > 0)) {
    return { chanceToBeatControl: delta > 0 ? 1 : delta < 0 ? 0 : 0.5, riskOfChoosingTreatment: Math.max(0, -delta), riskOfChoosingControl: Math.max(0, delta), uplift: relative?.uplift ?? null, upliftInterval: relative?.interval ?? null };
  }
  const z = delta / sigma;
  // E[max(X, 0)] for X ~ N(μ, σ²) is σφ(μ/σ) + μΦ(μ/σ).
  const riskOfChoosingTreatment = sigma * normalPdf(-z) - delta * normalCdf(-z);
  const riskOfChoosingControl = sigma * normalPdf(z) + delta * normalCdf(z);
  return { chanceToBeatControl: normalCdf(z), riskOfChoosingTreatment, riskOfChoosingControl, uplift: relative?.uplift ?? null, upliftInterval: relative?.interval ?? null };
}
