/**
 * The number of personas, chosen by the Bayesian information criterion (Schwarz, "Estimating the
 * dimension of a model", Annals of Statistics 6(2), 1978):
 *
 *   BIC = −2 ln L̂ + p ln n,   p = k·d (means) + k·d (variances) + (k − 1) (weights)
 *
 * for a diagonal Gaussian mixture with k components in d dimensions fitted to n points; the lowest
 * BIC wins. For every k of the range, `restarts` fits from different k-means++ seeds keep the best
 * log-likelihood (EM finds a local optimum). A fit with a component smaller than `minSize` points
 * (its share N·π_k) is not admissible: a persona too small to report or act on. k is capped by n.
 *
 * Reproducible: every fit draws from one generator seeded with `seed`, in a fixed order.
 */
import { DEFAULT_EM_OPTIONS, fitGaussianMixture, type EmOptions, type GaussianMixture } from './gaussian-mixture.js';
import type { Rows } from './kmeans-plus-plus.js';
import { seededRandom } from '../seeded-random.js';

export interface SelectionOptions {
  minComponents: number;
  maxComponents: number;
  restarts: number;
  /** Smallest admissible persona, in points of the fitted sample. */
  minSize: number;
  seed: number;
  em: EmOptions;
}

export const DEFAULT_SELECTION_OPTIONS: SelectionOptions = { minComponents: 2, maxComponents: 12, restarts: 3, minSize: 20, seed: 1, em: DEFAULT_EM_OPTIONS };

export interface Candidate {
  k: number;
  logLikelihood: number;
  bic: number;
  /** Why no fit with this k was admissible; absent when one was. */
  refused?: string;
}

export type Selection =
  | { ok: true; model: GaussianMixture; k: number; logLikelihood: number; bic: number; candidates: Candidate[] }
  | { ok: false; reason: string; candidates: Candidate[] };

export function parameterCount(k: number, d: number): number {
  return 2 * k * d + (k - 1);
}

export function bic(logLikelihood: number, k: number, d: number, n: number): number {
  return -2 * logLikelihood + parameterCount(k, d) * Math.log(n);
}

/** Fits every k of the range and keeps the admissible model of lowest BIC. */
export function selectComponents(rows: Rows, options: Partial<SelectionOptions> = {}): Selection {
  const o = { ...DEFAULT_SELECTION_OPTIONS, ...options };
  const n = rows.length;
  const candidates: Candidate[] = [];
  if (n === 0) return { ok: false, reason: 'no profiles to fit', candidates };
  const d = rows[0]!.length;
  const random = seededRandom(o.seed);
  let best: { model: GaussianMixture; k: number; logLikelihood: number; bic: number } | null = null;
  for (let k = o.minComponents; k <= Math.min(o.maxComponents, n); k++) {
    let bestFit: { model: GaussianMixture; logLikelihood: number } | null = null;
    let refusedFit: { logLikelihood: number; smallest: number } | null = null;
    for (let r = 0; r < Math.max(1, o.restarts); r++) {
      const fit = fitGaussianMixture(rows, k, random, o.em);
      const smallest = Math.min(...fit.model.weights) * n;
      if (smallest < o.minSize) {
        if (!refusedFit || fit.logLikelihood > refusedFit.logLikelihood) refusedFit = { logLikelihood: fit.logLikelihood, smallest };
        continue;
      }
      if (!bestFit || fit.logLikelihood > bestFit.logLikelihood) bestFit = fit;
    }
    if (!bestFit) {
      const ll = refusedFit!.logLikelihood;
      candidates.push({ k, logLikelihood: ll, bic: bic(ll, k, d, n), refused: `a persona of ${Math.round(refusedFit!.smallest)} < ${o.minSize} profiles` });
      continue;
    }
    const score = bic(bestFit.logLikelihood, k, d, n);
    candidates.push({ k, logLikelihood: bestFit.logLikelihood, bic: score });
    if (!best || score < best.bic) best = { model: bestFit.model, k, logLikelihood: bestFit.logLikelihood, bic: score };
  }
  if (!best) {
    const reason = o.minComponents > n
      ? `${n} profiles are fewer than the ${o.minComponents} personas asked for`
      : `no number of personas from ${o.minComponents} to ${Math.min(o.maxComponents, n)} gives every persona at least ${o.minSize} profiles`;
    return { ok: false, reason, candidates };
  }
  return { ok: true, ...best, candidates };
}
