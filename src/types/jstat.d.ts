/**
 * The part of jstat (https://github.com/jstat/jstat, MIT) that the experiment statistics use. jstat ships no
 * types; these follow its documented signatures (doc/md/distribution.md, doc/md/special-functions.md).
 */
declare module 'jstat' {
  interface ContinuousDistribution<P extends unknown[]> {
    pdf(x: number, ...params: P): number;
    cdf(x: number, ...params: P): number;
    inv(p: number, ...params: P): number;
  }
  const jstat: { jStat: {
    normal: ContinuousDistribution<[mean: number, std: number]>;
    studentt: ContinuousDistribution<[dof: number]>;
    beta: ContinuousDistribution<[alpha: number, beta: number]>;
    chisquare: ContinuousDistribution<[dof: number]>;
    /** Regularized incomplete beta function I_x(a, b). */
    ibeta(x: number, a: number, b: number): number;
  } };
  /** CommonJS module: `module.exports` is an object whose `jStat` property holds the library. */
  export default jstat;
}
