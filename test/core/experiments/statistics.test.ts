/**
 * The statistics core against independently computed reference values. Reference: SciPy 1.17.1 / NumPy 2.4.6,
 * printed by a script (kept below in comments per case) that does NOT share our formulas where an independent
 * route exists:
 * - z-test p-values from `scipy.stats.chi2_contingency(table, correction=False)` (χ² on the 2×2 table, z² = χ²);
 * - Welch from `scipy.stats.ttest_ind(B, A, equal_var=False)` on the raw data below;
 * - Beta-binomial chance to beat control by `scipy.integrate.quad`, expected loss by `scipy.integrate.dblquad`,
 *   the relative-uplift quantiles by 20,000,000 NumPy draws (`default_rng(7)`) — hence the looser tolerance there;
 * - SRM from `scipy.stats.chisquare(observed, expected)`;
 * - the delta-method intervals by the textbook formula evaluated in NumPy (an arithmetic check).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { twoProportionZTest, welchTTest } from '../../../src/core/experiments/statistics/frequentist.js';
import { bayesianConversion, bayesianMean } from '../../../src/core/experiments/statistics/bayesian.js';
import { checkSampleRatio } from '../../../src/core/experiments/statistics/sample-ratio.js';
import { sampleWarnings } from '../../../src/core/experiments/statistics/sample-warnings.js';
import { simpson } from '../../../src/core/experiments/statistics/integrate.js';
import type { MeanSummary } from '../../../src/core/experiments/statistics/summaries.js';

function close(actual: number | null | undefined, expected: number, tolerance: number, what: string): void {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);
}

const A = [12.1, 9.8, 11.4, 10.2, 13.5, 8.9, 10.7, 11.1, 12.8, 9.4];
const B = [13.2, 11.9, 12.5, 14.1, 10.8, 13.7, 12.2, 15.0, 11.4, 12.9, 13.3, 12.0];
const summarize = (xs: number[]): MeanSummary => ({ units: xs.length, sum: xs.reduce((s, x) => s + x, 0), sumOfSquares: xs.reduce((s, x) => s + x * x, 0) });

describe('frequentist', () => {
  const cases: Array<[[number, number, number, number], number, number, [number, number]]> = [
    // [nA, xA, nB, xB], p-value, z, delta-method 95% interval of the relative uplift
    [[1000, 100, 1000, 130], 0.03548845046647463, 2.1027406056221145, [-0.01917939771358701, 0.6191793977135871]],
    [[5000, 250, 5200, 300], 0.08552608615824338, 1.7194850576159786, [-0.0345655261993775, 0.34225783389168496]],
    [[200, 20, 200, 20], 1.0, 0, [-0.5879891953620162, 0.5879891953620162]],
  ];
  for (const [[nA, xA, nB, xB], p, z, [lo, hi]] of cases) {
    test(`two-proportion z-test ${xA}/${nA} vs ${xB}/${nB}`, () => {
      const r = twoProportionZTest({ units: nA, conversions: xA }, { units: nB, conversions: xB });
      close(r.pValue, p, 1e-9, 'p-value');
      close(r.statistic, z, 1e-9, 'z');
      close(r.uplift, xB / nB / (xA / nA) - 1, 1e-12, 'uplift');
      close(r.upliftInterval?.[0], lo, 1e-8, 'lower');
      close(r.upliftInterval?.[1], hi, 1e-8, 'upper');
    });
  }
  test("Welch's t-test on raw data (scipy ttest_ind equal_var=False)", () => {
    const r = welchTTest(summarize(A), summarize(B));
    close(r.statistic, 3.0164758364199296, 1e-9, 't');
    close(r.degreesOfFreedom, 17.14369416587627, 1e-8, 'df');
    close(r.pValue, 0.007721467267883256, 1e-7, 'p-value');
    close(r.upliftInterval?.[0], 0.03620500801688488, 1e-6, 'lower');
    close(r.upliftInterval?.[1], 0.28408616577747414, 1e-6, 'upper');
  });
  test('no units, or a zero-variance pair, gives no p-value rather than NaN', () => {
    assert.equal(twoProportionZTest({ units: 0, conversions: 0 }, { units: 10, conversions: 1 }).pValue, null);
    assert.equal(twoProportionZTest({ units: 10, conversions: 0 }, { units: 10, conversions: 0 }).pValue, null);
    assert.equal(welchTTest({ units: 3, sum: 3, sumOfSquares: 3 }, { units: 3, sum: 3, sumOfSquares: 3 }).pValue, null);
  });
});

describe('Bayesian', () => {
  const cases: Array<[[number, number, number, number], number, number, number, [number, number]]> = [
    // [nA, xA, nB, xB], chance (quad), loss of choosing B (dblquad), loss of keeping A (dblquad), uplift quantiles (Monte Carlo)
    [[1000, 100, 1000, 130], 0.9821650661163509, 9.237427073449734e-5, 0.03003249423544589, [0.01748089517168328, 0.6609487943997268]],
    [[200, 20, 200, 20], 0.5, 0.012042895482121807, 0.012042895112327156, [-0.4408813899739861, 0.7877309110851332]],
    [[50, 3, 60, 9], 0.9262300789833976, 0.002078173967603056, 0.08644541897620676, [-0.23279329298131218, 6.9711699188103715]],
  ];
  for (const [[nA, xA, nB, xB], chance, lossB, lossA, [lo, hi]] of cases) {
    test(`Beta-binomial ${xA}/${nA} vs ${xB}/${nB}`, () => {
      const r = bayesianConversion({ units: nA, conversions: xA }, { units: nB, conversions: xB });
      close(r.chanceToBeatControl, chance, 1e-7, 'chance to beat control');
      close(r.riskOfChoosingTreatment, lossB, 1e-7, 'risk of choosing the treatment');
      close(r.riskOfChoosingControl, lossA, 1e-7, 'risk of keeping the control');
      // Monte Carlo reference: 2e7 draws give the 2.5% / 97.5% quantiles to about 3 significant digits.
      close(r.upliftInterval?.[0], lo, Math.max(2e-3, Math.abs(lo) * 5e-3), 'lower');
      close(r.upliftInterval?.[1], hi, Math.max(2e-3, Math.abs(hi) * 5e-3), 'upper');
    });
  }
  test('normal posterior for a mean metric (flat prior): chance Φ(δ/σ), risks by quad', () => {
    const r = bayesianMean(summarize(A), summarize(B));
    assert.ok(r);
    close(r.chanceToBeatControl, 0.9987213420033104, 1e-9, 'chance');
    close(r.riskOfChoosingTreatment, 0.0002103412804117707, 1e-9, 'risk B');
    close(r.riskOfChoosingControl, 1.7602103412804153, 1e-9, 'risk A');
  });
  test("Simpson's rule is exact for a cubic", () => {
    close(simpson((x) => x ** 3 - 2 * x, 0, 2, 10), 0, 1e-12, '∫₀² x³ − 2x');
  });
});

describe('sample ratio mismatch', () => {
  const cases: Array<[number[], number[], number, number, boolean]> = [
    [[5000, 5200], [0.5, 0.5], 3.9215686274509802, 0.0476703806561615, false],
    [[1000, 1100, 900], [1, 1, 1], 20.0, 4.539992976248486e-5, true],
    [[4800, 5200], [0.5, 0.5], 16.0, 6.334248366623988e-5, true],
    [[2000, 8300], [0.2, 0.8], 2.1844660194174756, 0.13940940636713936, false],
  ];
  for (const [units, weights, chi, p, mismatch] of cases) {
    test(`${units.join('/')} against ${weights.join('/')}`, () => {
      const r = checkSampleRatio(units, weights);
      close(r.chiSquare, chi, 1e-9, 'χ²');
      close(r.pValue, p, Math.max(1e-12, p * 1e-6), 'p');
      assert.equal(r.mismatch, mismatch);
    });
  }
  test('no units: no mismatch', () => assert.equal(checkSampleRatio([0, 0], [0.5, 0.5]).mismatch, false));
});

describe('minimum sample warnings', () => {
  test('names each arm below the thresholds', () => {
    const w = sampleWarnings([{ units: 99, conversions: 50 }, { units: 500, conversions: 9 }, { units: 500, conversions: 10 }]);
    assert.deepEqual(w.map((x) => [x.variation, x.code]), [[0, 'too_few_units'], [1, 'too_few_conversions']]);
  });
});
