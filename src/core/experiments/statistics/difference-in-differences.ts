/**
 * Before/after of a personalization measure switched on at a time T without an experiment (issue 16 §4), from four
 * cells of per-person KPI values: the people who get personalization ("treated") and the global holdout, each in
 * the period before T and the period after it (core/experiments/holdout.ts decides who is held out).
 *
 * - Naive before/after (treated people only): Δ = ȳ_after − ȳ_before with the normal (Welch, large-sample)
 *   interval Δ ± z·√(s²_a/n_a + s²_b/n_b).
 * - Difference-in-differences (Angrist & Pischke, *Mostly Harmless Econometrics*, §5.2):
 *     DiD = (ȳ_T,after − ȳ_T,before) − (ȳ_H,after − ȳ_H,before)
 *   with Var = Σ over the four cells of s²/n. Whatever changed for everyone between the periods (season,
 *   campaigns, a price change) moves both groups and cancels; what is left is the measure's effect, under the
 *   parallel-trends assumption (both groups would have moved alike without the measure), which a random holdout
 *   makes plausible.
 * The cells are treated as independent samples. A person active in both periods is in two cells of their group;
 * their before and after values are positively correlated as a rule, which makes the true variance of a period
 * difference smaller than the sum used here: the intervals are then conservative, not too narrow.
 *
 * A conversion KPI (every value 0 or 1) takes the adjusted interval of Price & Bonett (2004, "An improved
 * confidence interval for a linear function of binomial proportions"): each of the m proportions in the contrast
 * gets 2/m successes and 4/m people added (m = 2 is Agresti & Caffo's 2000 interval for a difference, m = 4 the
 * DiD's), and interval and p-value come from the adjusted proportions. Wald's variance p(1−p)/n is 0 when a cell is
 * all 0% or all 100%, which a small holdout often is: its interval would then claim a certainty the data do not hold.
 * The estimate shown stays the plain difference of the observed rates.
 */
import { normalCdf, normalQuantile } from './distributions.js';

/** The per-person values of one cell: count, Σy, Σy². */
export interface CellSums {
  n: number;
  sum: number;
  sumSq: number;
}

export interface CellSummary {
  n: number;
  mean: number | null;
}

export interface Difference {
  estimate: number;
  interval: [number, number];
  pValue: number;
  /** Relative to the baseline mean (null when the baseline is 0). */
  relative: number | null;
}

const mean = (c: CellSums): number => c.sum / c.n;
/** The sample variance of the mean, s²/n (0 for one value). */
function varianceOfMean(c: CellSums): number {
  if (c.n < 2) return 0;
  const m = mean(c);
  return Math.max(0, (c.sumSq - c.n * m * m) / (c.n - 1)) / c.n;
}

/** What the values of the cells are: any numbers, or 0/1 conversions (then the adjusted interval above). */
export interface DifferenceOptions {
  proportions?: boolean;
}

/** Σ coefficient·mean over the cells, with its interval; `centre` and `variance` are the ones the interval uses. */
function contrast(terms: [number, CellSums][], alpha: number, baseline: number, options: DifferenceOptions): Difference {
  const estimate = terms.reduce((s, [c, cell]) => s + c * mean(cell), 0);
  let centre = estimate;
  let variance = terms.reduce((s, [, cell]) => s + varianceOfMean(cell), 0);
  if (options.proportions) {
    const m = terms.length;
    const adjusted = terms.map(([c, cell]) => { const n = cell.n + 4 / m; return { c, n, p: (cell.sum + 2 / m) / n }; });
    centre = adjusted.reduce((s, a) => s + a.c * a.p, 0);
    variance = adjusted.reduce((s, a) => s + (a.p * (1 - a.p)) / a.n, 0);
  }
  const z = normalQuantile(1 - alpha / 2);
  const se = Math.sqrt(variance);
  const pValue = se > 0 ? 2 * (1 - normalCdf(Math.abs(centre) / se)) : centre === 0 ? 1 : 0;
  return { estimate, interval: [centre - z * se, centre + z * se], pValue, relative: baseline !== 0 ? estimate / baseline : null };
}

/** After − before of one group; null when a period has fewer than 2 people. */
export function beforeAfter(before: CellSums, after: CellSums, alpha: number, options: DifferenceOptions = {}): Difference | null {
  if (before.n < 2 || after.n < 2) return null;
  return contrast([[1, after], [-1, before]], alpha, mean(before), options);
}

export interface DidCells {
  treatedBefore: CellSums;
  treatedAfter: CellSums;
  holdoutBefore: CellSums;
  holdoutAfter: CellSums;
}

/** The difference-in-differences; null when a cell has fewer than 2 people. Relative to the treated group's baseline. */
export function differenceInDifferences(cells: DidCells, alpha: number, options: DifferenceOptions = {}): Difference | null {
  const all = [cells.treatedBefore, cells.treatedAfter, cells.holdoutBefore, cells.holdoutAfter];
  if (all.some((c) => c.n < 2)) return null;
  const terms: [number, CellSums][] = [[1, cells.treatedAfter], [-1, cells.treatedBefore], [-1, cells.holdoutAfter], [1, cells.holdoutBefore]];
  return contrast(terms, alpha, mean(cells.treatedBefore), options);
}

export const summary = (c: CellSums): CellSummary => ({ n: c.n, mean: c.n > 0 ? mean(c) : null });
