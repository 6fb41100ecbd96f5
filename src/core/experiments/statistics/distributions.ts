/**
 * Distribution functions for the experiment statistics, from jstat rather than hand-written special functions:
 * jstat is a maintained, widely used (MIT) numeric library whose normal, Student t, beta and chi-square CDFs and
 * quantiles are tested against published tables, and it has no dependencies. Wrapped here so the rest of the code
 * depends on five named functions, not on the library's shape, and so the library could be swapped in one file.
 */
import jstat from 'jstat';

const { jStat } = jstat;

/** Φ(x), the standard normal CDF. */
export const normalCdf = (x: number): number => jStat.normal.cdf(x, 0, 1);
/** φ(x), the standard normal density. */
export const normalPdf = (x: number): number => jStat.normal.pdf(x, 0, 1);
/** Φ⁻¹(p). */
export const normalQuantile = (p: number): number => jStat.normal.inv(p, 0, 1);
/** CDF of Student's t with (possibly fractional) degrees of freedom. */
export const studentTCdf = (t: number, dof: number): number => jStat.studentt.cdf(t, dof);
export const studentTQuantile = (p: number, dof: number): number => jStat.studentt.inv(p, dof);
export const betaPdf = (x: number, a: number, b: number): number => jStat.beta.pdf(x, a, b);
/** I_x(a, b): the Beta(a, b) CDF at x. */
export const betaCdf = (x: number, a: number, b: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : jStat.ibeta(x, a, b));
/** Upper tail P(X ≥ x) of a chi-square with dof degrees of freedom. */
export const chiSquareSurvival = (x: number, dof: number): number => (x <= 0 ? 1 : Math.max(0, 1 - jStat.chisquare.cdf(x, dof)));
