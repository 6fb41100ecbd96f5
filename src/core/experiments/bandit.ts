/**
 * Bandit weights by top-two Thompson sampling (Russo, "Simple Bayesian Algorithms for Best Arm Identification",
 * Operations Research 2020): each arm's mean has the normal posterior N(x̄, s²/n) (flat prior, as the Bayesian engine
 * uses). TTTS plays the arm I with the highest sampled mean with probability β; otherwise it samples again until
 * another arm J leads, and plays J. The share of traffic that gives each arm is
 *   ψ_i = β p_i + (1 − β) Σ_{j ≠ i} p_j · p_i / (1 − p_j),      p_i = P(arm i is best)
 * (the second draw is independent of the first, so P(i leads | j does not) = p_i / (1 − p_j)). p is estimated from
 * `draws` posterior draws; when some p_j is about 1 the conditional is taken from the runner-up of the draws j led.
 * Then every arm gets at least `floor` (default 1%): w_i = floor + (1 − k·floor) · ψ_i.
 * With two arms ψ tends to (β, 1 − β): β = 0.5 (Russo's default) explores evenly, a higher β exploits.
 * Draws come from a seeded generator (core/seeded-random.ts), so one input gives one answer.
 *
 * Weights change only when every arm has at least `minUnits` analysed units (`ready`), so early noise does not
 * starve an arm.
 */
import { normalDraw, seededRandom } from '../seeded-random.js';
import type { ArmEstimate } from './statistics/arm-estimates.js';

export interface BanditSettings {
  /** Hours between weight updates. */
  cadenceHours: number;
  /** Each arm's minimum share. */
  floor: number;
  /** Units every arm needs before the first update. */
  minUnits: number;
  /** The leader's share of each draw's credit (Russo's β; 0.5 by default). */
  beta: number;
}

export const DEFAULT_BANDIT: BanditSettings = { cadenceHours: 24, floor: 0.01, minUnits: 100, beta: 0.5 };

export const banditReady = (arms: readonly ArmEstimate[], minUnits: number): boolean => arms.every((a) => a.n >= minUnits);

export function topTwoThompsonWeights(arms: readonly ArmEstimate[], options: { floor: number; beta: number; draws?: number; seed?: number; higherIsBetter?: boolean }): number[] {
  const k = arms.length;
  const draws = options.draws ?? 10_000;
  const random = seededRandom(options.seed ?? 16);
  const sign = options.higherIsBetter === false ? -1 : 1;
  const sds = arms.map((a) => (a.n > 0 ? Math.sqrt(a.unitVariance / a.n) : 1e6));
  const best = new Array<number>(k).fill(0);
  /** second[j][i]: draws led by j in which i came second. */
  const second = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const sample = new Array<number>(k).fill(0);
  for (let d = 0; d < draws; d++) {
    let first = 0;
    for (let i = 0; i < k; i++) {
      sample[i] = sign * (arms[i]!.mean + sds[i]! * normalDraw(random));
      if (sample[i]! > sample[first]!) first = i;
    }
    let runnerUp = first === 0 ? 1 : 0;
    for (let i = 0; i < k; i++) if (i !== first && sample[i]! > sample[runnerUp]!) runnerUp = i;
    best[first]!++;
    second[first]![runnerUp]!++;
  }
  const p = best.map((b) => b / draws);
  const psi = p.map((pi, i) => {
    let challenger = 0;
    for (let j = 0; j < k; j++) {
      if (j === i || p[j] === 0) continue;
      challenger += p[j]! * (1 - p[j]! > 1e-3 ? pi / (1 - p[j]!) : second[j]![i]! / best[j]!);
    }
    return options.beta * pi + (1 - options.beta) * challenger;
  });
  const floor = Math.min(options.floor, 1 / k);
  return psi.map((x) => floor + (1 - k * floor) * x);
}

/** The most weight changes a results answer carries (hourly updates: about three weeks). */
export const MAX_WEIGHT_HISTORY = 500;

/**
 * A bandit's weight history as answered: the weights it started from (the first entry) and the
 * latest `max − 1` updates, with how many in between were left out, so that the answer stays small
 * however long a bandit runs (the store keeps them all).
 */
export function recentWeightHistory<T>(history: readonly T[], max = MAX_WEIGHT_HISTORY): { history: T[]; omitted: number } {
  if (history.length <= max) return { history: [...history], omitted: 0 };
  return { history: [history[0]!, ...history.slice(history.length - (max - 1))], omitted: history.length - max };
}
