/**
 * How served lists score co-occurrence (recommendation-service.ts), chosen on a validation split by
 * `npm run eval:recommendations` (recommendations/select-serving-model.ts; docs/recommendations.md).
 *
 * - `similarity`: how a neighbour Y of item X is scored from the decayed counts C(X, Y) (people who
 *   had both) and N(X), N(Y) (people who had each), all with the same half-life:
 *     cosine       C / √(N(X)·N(Y))                       (symmetric; Linden, Smith, York 2003)
 *     conditional  C / (N(X) + shrinkage)                 (asymmetric: P(Y | X), damped so that an
 *                                                          X seen by few people does not score 1.0)
 *     jaccard      C / (N(X) + N(Y) − C)                  (symmetric; penalises a popular Y most)
 * - `recencyDivisor`: for-you weighs each recent item by 2^(−age / (historyWindow / divisor));
 *   0 weighs every item in the window alike.
 * - `backfill`: a list shorter than asked is filled, ranked after everything else, with the popular
 *   items of the item's (also-*) or the person's (for-you) first categories, then the popular items.
 *   Off: for-you falls back to them only for a person with few neighbours; also-* never does.
 * - `popularityWeight` β (absent: 0, off): popularity-blended neighbours. Every candidate's score
 *   gets β·N(Y)/N(top), its popularity relative to the most popular item (0–1, so β is on the
 *   scale of the similarities, whatever the number of people), and the popular items themselves are
 *   candidates, with that term only. also-*: sim(X, Y) + β·prior(Y), the popularity of X's family;
 *   for-you: the recency- and strength-weighted MEAN of the recent items' similarities (a sum would
 *   grow with the number of recent items) + β·prior(Y), popularity over all families as `popular`
 *   ranks it. A neighbour with strong co-occurrence still comes first; among weak ones, and
 *   against items without enough co-occurrence to be neighbours, the popular one wins.
 */
import { weightAt } from './decay.js';

export type SimilarityMeasure = 'cosine' | 'conditional' | 'jaccard';

export interface ServingModel {
  similarity: SimilarityMeasure;
  /** `conditional` only: people added to N(X) (a damping term); in decayed people. */
  shrinkage: number;
  recencyDivisor: number;
  backfill: boolean;
  /** β of the popularity blend; absent or 0: no blend. */
  popularityWeight?: number;
}

/** The configuration before the validation-split selection (cosine, recency halving every quarter window, no backfill). */
export const PREVIOUS_SERVING_MODEL: ServingModel = { similarity: 'cosine', shrinkage: 0, recencyDivisor: 4, backfill: false };

/** The configuration served (the winner on validation on both data sets; docs/recommendations.md). */
export const DEFAULT_SERVING_MODEL: ServingModel = PREVIOUS_SERVING_MODEL;

export function servingModelName(m: ServingModel): string {
  const sim = m.similarity === 'conditional' ? `conditional(λ=${m.shrinkage})` : m.similarity;
  return `${sim} recency=${m.recencyDivisor === 0 ? 'off' : `w/${m.recencyDivisor}`} backfill=${m.backfill ? 'on' : 'off'}${m.popularityWeight ? ` popularity=${m.popularityWeight}` : ''}`;
}

/**
 * The similarity of neighbour Y to X from log scores (decay.ts) of the pair and both items; `now`
 * and the half-life turn them into weights (only the shrinkage needs it: the ratios do not).
 */
export function similarityOf(model: ServingModel, pairScore: number, itemScore: number, otherScore: number, now: number, halfLifeMs: number): number {
  switch (model.similarity) {
    case 'cosine': return Math.exp(pairScore - (itemScore + otherScore) / 2);
    case 'conditional': {
      const c = weightAt(pairScore, now, halfLifeMs);
      return c / (weightAt(itemScore, now, halfLifeMs) + model.shrinkage);
    }
    case 'jaccard': {
      // Relative to the pair score, so the ratio is exact whatever the weights' scale.
      const a = Math.exp(itemScore - pairScore), b = Math.exp(otherScore - pairScore);
      return 1 / Math.max(1, a + b - 1);
    }
  }
}

/** The popularity prior of the blend: N(Y) / N(top), both decayed weights at the same moment (0–1). */
export function popularityPrior(people: number, topPeople: number): number {
  return topPeople > 0 ? Math.min(1, people / topPeople) : 0;
}
