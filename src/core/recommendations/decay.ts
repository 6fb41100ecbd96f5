/**
 * Exponentially decayed weights kept in log space as of a fixed origin (the epoch).
 *
 * A weight w added at time t, with half-life h, is worth w·2^(−(now − t)/h) at `now`. Storing
 * s = ln w + t·ln2/h instead ("log score") makes decay implicit: the weight now is
 * exp(s − now·ln2/h), the same factor for every row, so `ORDER BY score` is the order of the
 * weights now without rewriting any row as time passes, and adding a new contribution is a
 * log-sum-exp of two scores (numerically safe: no 2^(t/h) overflow, which a plain scaled weight
 * would reach within years for a half-life of days).
 *
 * Ratios of weights with the same half-life do not depend on `now` (the factors cancel); the
 * cosine similarity (co-occurrence.ts) is such a ratio.
 */
import type { EpochMs } from '../time.js';

/** The log score of weight `w` (> 0) added at `at`. */
export function logScore(w: number, at: EpochMs, halfLifeMs: number): number {
  return Math.log(w) + (at * Math.LN2) / halfLifeMs;
}

/** ln(e^a + e^b): two contributions together. */
export function addLogScores(a: number, b: number): number {
  const hi = Math.max(a, b);
  return hi + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** The decayed weight of a log score at `now`. */
export function weightAt(score: number, now: EpochMs, halfLifeMs: number): number {
  return Math.exp(score - (now * Math.LN2) / halfLifeMs);
}
