/**
 * A Gaussian mixture with diagonal covariances, fitted by expectation–maximisation (Bishop,
 * "Pattern Recognition and Machine Learning", 2006, ch. 9.2, EM for Gaussian mixtures, eq.
 * 9.23–9.28, with the covariance restricted to its diagonal):
 *
 *   E-step  γ(z_nk) = π_k N(x_n | μ_k, Σ_k) / Σ_j π_j N(x_n | μ_j, Σ_j)            (9.23)
 *   M-step  N_k = Σ_n γ(z_nk)                                                       (9.27)
 *           μ_k = (1/N_k) Σ_n γ(z_nk) x_n                                           (9.24)
 *           σ²_kd = (1/N_k) Σ_n γ(z_nk) (x_nd − μ_kd)² + floor                     (9.25, diagonal)
 *           π_k = N_k / N                                                           (9.26)
 *   ln p(X) = Σ_n ln Σ_k π_k N(x_n | μ_k, Σ_k)                                     (9.28)
 *
 * The responsibilities are computed in log space with log-sum-exp, so a point far from every
 * component (densities underflowing to 0) still gets finite probabilities. The variance floor
 * (added to every variance, as scikit-learn's `reg_covar`) keeps a component that collapses onto
 * identical points from a zero variance and an infinite likelihood. A component whose weight drops
 * to (numerically) zero keeps its mean and variances: it is reported with weight 0, never NaN.
 *
 * EM never decreases ln p(X) (Bishop §9.4); the fit stops when the gain per point falls below
 * `tolerance` or after `maxIterations`, and it returns the log-likelihood trace.
 */
import { kmeansPlusPlus, nearestCentre, type Rows } from './kmeans-plus-plus.js';
import type { Random } from '../seeded-random.js';

export interface GaussianMixture {
  weights: number[];
  means: number[][];
  /** Diagonal of each component's covariance. */
  variances: number[][];
}

export interface EmOptions {
  maxIterations: number;
  /** Stop when the log-likelihood gains less than this per point. */
  tolerance: number;
  varianceFloor: number;
}

// A gain below 1e-4 nats per point changes no assignment that matters (scikit-learn stops at 1e-3).
export const DEFAULT_EM_OPTIONS: EmOptions = { maxIterations: 200, tolerance: 1e-4, varianceFloor: 1e-6 };

export interface EmResult {
  model: GaussianMixture;
  logLikelihood: number;
  /** ln p(X) after each iteration's E-step, oldest first (for diagnostics and tests). */
  trace: number[];
  iterations: number;
  converged: boolean;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** ln N(x | μ, diag σ²) of one component. */
export function logDensity(x: readonly number[], mean: readonly number[], variance: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) {
    const diff = x[j]! - mean[j]!;
    s += LOG_2PI + Math.log(variance[j]!) + (diff * diff) / variance[j]!;
  }
  return -0.5 * s;
}

/** ln Σ exp(v_i), without overflow or underflow; −∞ for no terms or all −∞. */
export function logSumExp(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (const v of values) s += Math.exp(v - max);
  return max + Math.log(s);
}

/**
 * What the densities of a model need besides x, computed once per parameter set rather than per
 * point: per component ln π_k − ½(d ln 2π + Σ_j ln σ²_kj) and the inverse variances. (Taking the
 * logarithms per point was most of the cost of an E-step.)
 */
export interface DensityTerms {
  logNorm: Float64Array;
  inverseVariances: Float64Array[];
}

const prepared = new WeakMap<GaussianMixture, DensityTerms>();

export function densityTerms(model: GaussianMixture): DensityTerms {
  const k = model.weights.length;
  const logNorm = new Float64Array(k);
  const inverseVariances: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    const variance = model.variances[c]!;
    let s = variance.length * LOG_2PI;
    const inv = new Float64Array(variance.length);
    for (let j = 0; j < variance.length; j++) { s += Math.log(variance[j]!); inv[j] = 1 / variance[j]!; }
    const w = model.weights[c]!;
    logNorm[c] = w > 0 ? Math.log(w) - 0.5 * s : -Infinity;
    inverseVariances.push(inv);
  }
  return { logNorm, inverseVariances };
}

/**
 * ln(π_k N(x | μ_k, Σ_k)) per component, written into `out`. `terms` defaults to the model's own,
 * remembered per model object for assignment (EM, which changes its model in place, passes fresh
 * terms after every M-step).
 */
export function weightedLogDensities(model: GaussianMixture, x: readonly number[], out: number[], terms: DensityTerms = termsOf(model)): number[] {
  for (let c = 0; c < model.weights.length; c++) {
    const norm = terms.logNorm[c]!;
    if (norm === -Infinity) { out[c] = -Infinity; continue; }
    const mean = model.means[c]!;
    const inv = terms.inverseVariances[c]!;
    let q = 0;
    for (let j = 0; j < x.length; j++) { const diff = x[j]! - mean[j]!; q += diff * diff * inv[j]!; }
    out[c] = norm - 0.5 * q;
  }
  return out;
}

/** The terms of a model object, computed on first use (a fitted model is not changed afterwards). */
function termsOf(model: GaussianMixture): DensityTerms {
  let terms = prepared.get(model);
  if (!terms) prepared.set(model, (terms = densityTerms(model)));
  return terms;
}

/**
 * The posterior probability of each component for x (they sum to 1). A point so far from every
 * component that all densities underflow (or overflow to −∞ in the exponent) carries no evidence:
 * it gets the prior, the weights, never NaN.
 */
export function posterior(model: GaussianMixture, x: readonly number[]): number[] {
  const logs = weightedLogDensities(model, x, new Array<number>(model.weights.length));
  const total = logSumExp(logs);
  if (!Number.isFinite(total)) return [...model.weights];
  return logs.map((l) => Math.exp(l - total));
}

/** ln p(X) of the rows under the model (Bishop 9.28). */
export function logLikelihood(model: GaussianMixture, rows: Rows): number {
  const buffer = new Array<number>(model.weights.length);
  const terms = densityTerms(model);
  let total = 0;
  for (const x of rows) total += logSumExp(weightedLogDensities(model, x, buffer, terms));
  return total;
}

/**
 * Fits k components by EM, starting from k-means++ centres drawn with `random` (hard assignment
 * to the nearest centre gives the first responsibilities). Needs 1 ≤ k ≤ rows.length.
 */
export function fitGaussianMixture(rows: Rows, k: number, random: Random, options: EmOptions = DEFAULT_EM_OPTIONS): EmResult {
  const n = rows.length;
  const centres = kmeansPlusPlus(rows, k, random);
  // Responsibilities, row-major n × k.
  const resp = new Float64Array(n * k);
  rows.forEach((x, i) => { resp[i * k + nearestCentre(x, centres)] = 1; });
  const model: GaussianMixture = { weights: new Array<number>(k).fill(1 / k), means: centres.map((c) => [...c]), variances: centres.map((c) => c.map(() => 1)) };
  maximise(rows, resp, model, options.varianceFloor);
  const trace: number[] = [];
  let previous = -Infinity;
  let converged = false;
  let iterations = 0;
  const logs = new Array<number>(k);
  while (iterations < options.maxIterations) {
    iterations++;
    // E-step (9.23) in log space; its normalisers sum to ln p(X) under the current parameters.
    let ll = 0;
    const terms = densityTerms(model);
    for (let i = 0; i < n; i++) {
      weightedLogDensities(model, rows[i]!, logs, terms);
      const norm = logSumExp(logs);
      ll += norm;
      for (let c = 0; c < k; c++) resp[i * k + c] = Math.exp(logs[c]! - norm);
    }
    trace.push(ll);
    if (ll - previous < options.tolerance * n) { converged = true; break; }
    previous = ll;
    maximise(rows, resp, model, options.varianceFloor);
  }
  // The returned likelihood belongs to the returned parameters: the last E-step saw them, unless
  // the loop ended on the iteration cap after an M-step.
  const logLik = converged ? trace[trace.length - 1]! : logLikelihood(model, rows);
  if (!converged) trace.push(logLik);
  return { model, logLikelihood: logLik, trace, iterations, converged };
}

/** M-step (9.24–9.27), in place. */
function maximise(rows: Rows, resp: Float64Array, model: GaussianMixture, floor: number): void {
  const n = rows.length;
  const k = model.weights.length;
  const d = rows[0]!.length;
  for (let c = 0; c < k; c++) {
    let nk = 0;
    const sum = new Array<number>(d).fill(0);
    for (let i = 0; i < n; i++) {
      const r = resp[i * k + c]!;
      if (r === 0) continue;
      nk += r;
      const x = rows[i]!;
      for (let j = 0; j < d; j++) sum[j]! += r * x[j]!;
    }
    model.weights[c] = nk / n;
    // An emptied component keeps its parameters (weight 0): dividing by N_k ≈ 0 would give NaN.
    if (nk < 1e-10) continue;
    const mean = sum.map((s) => s / nk);
    const sq = new Array<number>(d).fill(0);
    for (let i = 0; i < n; i++) {
      const r = resp[i * k + c]!;
      if (r === 0) continue;
      const x = rows[i]!;
      for (let j = 0; j < d; j++) { const diff = x[j]! - mean[j]!; sq[j]! += r * diff * diff; }
    }
    model.means[c] = mean;
    model.variances[c] = sq.map((s) => s / nk + floor);
  }
}
