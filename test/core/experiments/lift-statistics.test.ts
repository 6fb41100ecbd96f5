/**
 * The relative-lift statistics against values computed independently with SciPy 1.17.1 / NumPy 2.4.6
 * (script /tmp/exp/ref.py at the time of writing; each case states the route):
 * - Welch on the relative lift: the delta-method variance as gradientᵀ·Σ·gradient of g(m_A, m_B) = m_B/m_A − 1
 *   (matrix form, not our expanded terms), `scipy.stats.t.sf` / `t.ppf` for p and the interval;
 * - ratio: the unit variance as gradientᵀ·np.cov([y, d])·gradient;
 * - CUPED: the treatment coefficient of the OLS fit y ~ 1 + T + (x − x̄) by `np.linalg.lstsq` equals the
 *   difference of the CUPED-adjusted means (θ pooled within arms), and its slope equals θ;
 * - BH: `scipy.stats.false_discovery_control(ps, method='bh')`; Holm: its step-down definition in Python;
 * - Bayesian risks: `scipy.integrate.quad` of max(∓x, 0) under the normal posterior;
 * - the confidence-sequence boundary: Waudby-Smith et al. Theorem 2.2 evaluated in NumPy;
 * - top-two Thompson shares: P(best) by `scipy.integrate.quad`, then Russo's allocation formula.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contribution, addSums, emptySums, type AggregateSums } from '../../../src/core/experiments/aggregates.js';
import { cupedEstimate, cupedTheta, meanEstimate, ratioEstimate } from '../../../src/core/experiments/statistics/arm-estimates.js';
import { relativeLiftTTest } from '../../../src/core/experiments/statistics/relative-lift.js';
import { benjaminiHochberg, holmBonferroni } from '../../../src/core/experiments/statistics/corrections.js';
import { bayesianLift } from '../../../src/core/experiments/statistics/bayesian-normal.js';
import { confidenceSequenceHalfWidth, sequentialLiftTest, tunedRho2 } from '../../../src/core/experiments/statistics/sequential.js';
import { topTwoThompsonWeights } from '../../../src/core/experiments/bandit.js';

const close = (actual: number | null | undefined, expected: number, tolerance: number, what: string) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);

const sums = (ys: number[], ds: number[] = [], xs: number[] = []): AggregateSums =>
  ys.reduce((s, y, i) => addSums(s, contribution([y, ds[i] ?? 0], xs[i] ?? 0)), emptySums());

const A = [12.1, 9.8, 11.4, 10.2, 13.5, 8.9, 10.7, 11.1, 12.8, 9.4];
const B = [13.2, 11.9, 12.5, 14.1, 10.8, 13.7, 12.2, 15.0, 11.4, 12.9, 13.3, 12.0];

describe('relative lift (Welch, delta method)', () => {
  test('lift, standard error, Satterthwaite dof, p and interval equal the SciPy reference', () => {
    const r = relativeLiftTTest(meanEstimate(sums(A)), meanEstimate(sums(B)))!;
    close(r.lift, 0.1601455868971795, 1e-12, 'lift');
    close(r.standardError, 0.058782254847637584, 1e-12, 'se');
    close(r.degreesOfFreedom, 15.527476013494853, 1e-9, 'dof');
    close(r.pValue, 0.015307285645699895, 1e-7, 'p');
    close(r.interval[0], 0.03522386332651625, 1e-7, 'lower');
    close(r.interval[1], 0.2850673104678427, 1e-7, 'upper');
  });
  test('undefined without two units per arm or with a control mean of 0', () => {
    assert.equal(relativeLiftTTest(meanEstimate(sums([1])), meanEstimate(sums(B))), null);
    assert.equal(relativeLiftTTest(meanEstimate(sums([0, 0, 0])), meanEstimate(sums(B))), null);
  });
});

describe('ratio metrics (delta method)', () => {
  test('R and the unit variance equal gradientᵀ Σ gradient from np.cov', () => {
    const r = ratioEstimate(sums([1, 0, 2, 0, 1, 3, 0, 1, 1, 0], [3, 1, 4, 2, 2, 5, 1, 3, 2, 1]));
    close(r.mean, 0.375, 1e-15, 'R');
    close(r.unitVariance, 0.051239390432098755, 1e-12, 'unit variance');
  });
});

describe('CUPED', () => {
  const xa = [14.082, 4.889, 10.836, 8.864, 9.095, 9.569, 5.96, 9.536, 8.27, 16.646, 10.452, 9.295, 9.437, 8.664, 7.89, 9.218, 10.964, 9.523, 11.916, 9.6, 10.049, 13.092, 11.09, 8.99, 9.634, 11.081, 13.87, 9.461, 9.513, 12.005, 8.227, 9.417, 11.765, 11.161, 10.183, 11.34, 4.344, 12.043, 8.081, 6.663];
  const ya = [11.542, 4.611, 8.224, 6.015, 7.302, 7.602, 6.174, 8.376, 6.809, 14.428, 8.156, 6.51, 8.134, 7.514, 6.097, 6.592, 9.0, 5.124, 10.223, 8.172, 6.4, 10.535, 7.908, 7.949, 5.673, 7.95, 11.806, 8.725, 5.452, 9.106, 6.91, 6.924, 11.003, 7.737, 8.501, 8.024, 4.881, 9.612, 6.092, 3.612];
  const xb = [13.364, 11.506, 11.507, 12.276, 10.698, 8.722, 8.4, 8.4, 12.74, 7.079, 8.807, 9.358, 10.449, 11.151, 7.502, 6.54, 9.991, 12.427, 11.514, 10.431, 9.366, 10.586, 9.513, 11.634, 8.411, 10.268, 9.778, 11.087, 10.449, 15.1, 12.997, 12.993, 5.921, 9.319, 8.783, 11.065, 5.442, 12.349, 12.134, 7.396, 8.043, 8.398, 10.087, 11.282, 14.096, 9.605, 11.535, 10.311, 13.52, 11.484];
  const yb = [12.559, 8.627, 9.513, 9.507, 10.564, 8.135, 6.914, 6.767, 11.177, 5.462, 6.615, 8.467, 11.323, 9.174, 5.946, 4.561, 7.158, 10.967, 10.562, 8.854, 8.325, 9.085, 8.249, 8.281, 6.771, 8.826, 7.54, 8.893, 8.04, 12.247, 11.751, 10.488, 5.083, 8.769, 8.171, 11.048, 2.763, 11.236, 9.725, 6.551, 7.772, 8.301, 9.609, 9.681, 13.386, 7.901, 9.587, 9.548, 10.765, 11.848];
  test('θ and the adjusted difference equal the OLS fit y ~ 1 + T + (x − x̄); the variance shrinks', () => {
    const a = sums(ya, [], xa);
    const b = sums(yb, [], xb);
    const adjust = cupedTheta([a, b])!;
    close(adjust.theta, 0.8625414282195133, 1e-9, 'θ');
    const ea = cupedEstimate(a, adjust);
    const eb = cupedEstimate(b, adjust);
    close(eb.mean - ea.mean, 0.7330741822902027, 1e-9, 'adjusted difference');
    assert.ok(ea.unitVariance < meanEstimate(a).unitVariance / 2, 'x explains most of y, so the variance falls by more than half');
  });
  test('no adjustment without covariate variance', () => {
    assert.equal(cupedTheta([sums([1, 2, 3]), sums([2, 3, 4])]), null);
  });
});

describe('multiple comparisons', () => {
  const ps = [0.01, 0.04, 0.03, 0.2, 0.005];
  test('Benjamini–Hochberg equals scipy false_discovery_control', () => {
    benjaminiHochberg(ps).forEach((p, i) => close(p, [0.025, 0.05, 0.05, 0.2, 0.025][i]!, 1e-12, `bh[${i}]`));
  });
  test('Holm equals its step-down definition', () => {
    holmBonferroni(ps).forEach((p, i) => close(p, [0.04, 0.09, 0.09, 0.2, 0.025][i]!, 1e-12, `holm[${i}]`));
  });
  test('nulls stay null and do not count', () => {
    assert.deepEqual(holmBonferroni([null, 0.01, 0.02]), [null, 0.02, 0.02]);
    assert.deepEqual(benjaminiHochberg([0.01, null]), [0.01, null]);
  });
});

describe('Bayesian normal on the relative lift', () => {
  const a = meanEstimate(sums(A));
  const b = meanEstimate(sums(B));
  test('flat prior: chance to win and risks equal the normal integrals by quad', () => {
    const r = bayesianLift(a, b)!;
    close(r.lift, 0.1601455868971795, 1e-12, 'posterior mean');
    close(r.chanceToWin, 0.9967789474636302, 1e-9, 'chance');
    close(r.riskOfChoosingTreatment, 5.752369835784022e-05, 1e-9, 'risk of treatment');
    close(r.riskOfChoosingControl, 0.16020311059553735, 1e-8, 'risk of control');
  });
  test('a proper prior N(0, 0.05²) shrinks toward 0 (conjugate update in NumPy)', () => {
    const r = bayesianLift(a, b, { prior: { mean: 0, sd: 0.05 } })!;
    close(r.lift, 0.0672275740228021, 1e-12, 'posterior mean');
    close(r.chanceToWin, 0.9612318639211292, 1e-9, 'chance');
  });
  test('lower is better mirrors the chance', () => {
    close(bayesianLift(a, b, { higherIsBetter: false })!.chanceToWin, 1 - 0.9967789474636302, 1e-9, 'chance');
  });
});

describe('confidence sequence', () => {
  test('the boundary equals Theorem 2.2 evaluated in NumPy', () => {
    close(confidenceSequenceHalfWidth({ units: 1000, unitVariance: 4, alpha: 0.05, tuningSample: 5000 }), 0.21275094013115006, 1e-12, 'half width');
  });
  test('wider than the fixed-horizon interval; its p-value is where the sequence touches 0', () => {
    const a = meanEstimate(sums(A));
    const b = meanEstimate(sums(B));
    const s = sequentialLiftTest(a, b)!;
    const f = relativeLiftTTest(a, b)!;
    assert.ok(s.interval[0] < f.interval[0] && s.interval[1] > f.interval[1]);
    const units = a.n + b.n;
    const unitVariance = (s.lift / f.statistic) ** 2 * units;
    const rho2 = tunedRho2({ unitVariance, alpha: 0.05, tuningSample: 5000 });
    const at = (alpha: number) => confidenceSequenceHalfWidth({ units, unitVariance, alpha, tuningSample: 5000, rho2 });
    assert.ok(s.pValue > 0.015 && s.pValue < 1, `always-valid p ${s.pValue} is above the fixed-horizon one`);
    assert.ok(at(s.pValue * 1.001) < s.lift, 'just above p the sequence excludes 0');
    assert.ok(at(s.pValue * 0.999) > s.lift, 'just below p it includes 0');
  });
});

describe('top-two Thompson weights', () => {
  test('a clear winner gets about β, the runner-up the rest, the loser the floor; same seed, same weights', () => {
    const arms = [{ n: 5000, mean: 0.10, unitVariance: 0.09 }, { n: 5000, mean: 0.13, unitVariance: 0.11 }, { n: 5000, mean: 0.05, unitVariance: 0.05 }];
    const w = topTwoThompsonWeights(arms, { floor: 0.01, beta: 0.5 });
    close(w.reduce((s, x) => s + x, 0), 1, 1e-12, 'sum');
    close(w[1], 0.01 + 0.97 * 0.5, 0.01, 'leader');
    close(w[0], 0.01 + 0.97 * 0.5, 0.01, 'challenger');
    close(w[2], 0.01, 1e-3, 'floor');
    assert.deepEqual(topTwoThompsonWeights(arms, { floor: 0.01, beta: 0.5 }), w);
  });
  test('close arms: the TTTS shares equal P(best) by quad and Russo\'s formula in SciPy (± Monte Carlo error)', () => {
    // Reference: p_i = ∫ φ_i(x) Π_{j≠i} Φ_j(x) dx by scipy.integrate.quad = [0.02271, 0.18151, 0.79578];
    // ψ_i = β p_i + (1 − β) Σ_{j≠i} p_j p_i/(1 − p_j); with the 1% floor: [0.06637, 0.44312, 0.49051].
    const arms = [0.10, 0.105, 0.11].map((mean) => ({ n: 1000, mean, unitVariance: 0.004 ** 2 * 1000 }));
    const w = topTwoThompsonWeights(arms, { floor: 0.01, beta: 0.5, draws: 40_000 });
    [0.06637132437174625, 0.4431166261544665, 0.49051204947379].forEach((want, i) => close(w[i], want, 0.01, `w[${i}]`));
  });
});
