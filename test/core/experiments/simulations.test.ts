/**
 * Property tests of the frequentist engine by simulation, from fixed seeds so every run sees the same numbers:
 * - A/A: 1,000 simulated experiments with no true difference → the share with p < 0.05 must be within 3.5–6.5%
 *   (the nominal 5% ± about two standard errors of a proportion over 1,000 trials);
 * - a planted uplift (10% → 12% conversion, 5,000 units per arm) is found at the power the normal approximation
 *   predicts: Φ(0.02 / √(0.1·0.9/5000 + 0.12·0.88/5000) − 1.96) ≈ 0.892, so between 0.86 and 0.92.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom as rng } from '../../../src/core/seeded-random.js';
import { twoProportionZTest, welchTTest } from '../../../src/core/experiments/statistics/frequentist.js';
import type { MeanSummary } from '../../../src/core/experiments/statistics/summaries.js';


const conversions = (random: () => number, n: number, p: number) => {
  let x = 0;
  for (let i = 0; i < n; i++) if (random() < p) x++;
  return x;
};

describe('simulations (fixed seeds)', () => {
  test('A/A: two-proportion z-test false-positive rate within 3.5–6.5% at α 0.05', () => {
    const random = rng(16);
    let positives = 0;
    for (let s = 0; s < 1000; s++) {
      const r = twoProportionZTest({ units: 1000, conversions: conversions(random, 1000, 0.1) }, { units: 1000, conversions: conversions(random, 1000, 0.1) });
      if (r.pValue !== null && r.pValue < 0.05) positives++;
    }
    assert.ok(positives >= 35 && positives <= 65, `${positives} of 1000`);
  });

  test("A/A: Welch's t-test false-positive rate within 3.5–6.5% at α 0.05 (skewed, unequal-variance data)", () => {
    const random = rng(1947);
    const sample = (n: number, scale: number): MeanSummary => {
      let sum = 0;
      let sumOfSquares = 0;
      for (let i = 0; i < n; i++) {
        const x = -Math.log(1 - random()) * scale; // exponential: skewed like revenue or dwell time
        sum += x;
        sumOfSquares += x * x;
      }
      return { units: n, sum, sumOfSquares };
    };
    let positives = 0;
    for (let s = 0; s < 1000; s++) {
      // Same mean, different spread is not an A/A for Welch; same distribution, unequal sizes is.
      const r = welchTTest(sample(300, 2), sample(500, 2));
      if (r.pValue !== null && r.pValue < 0.05) positives++;
    }
    assert.ok(positives >= 35 && positives <= 65, `${positives} of 1000`);
  });

  test('a planted 20% relative uplift is detected at the predicted power (≈ 0.89)', () => {
    const random = rng(2026);
    let detected = 0;
    let covered = 0;
    for (let s = 0; s < 1000; s++) {
      const r = twoProportionZTest({ units: 5000, conversions: conversions(random, 5000, 0.1) }, { units: 5000, conversions: conversions(random, 5000, 0.12) });
      if (r.pValue !== null && r.pValue < 0.05 && (r.uplift ?? 0) > 0) detected++;
      if (r.upliftInterval && r.upliftInterval[0] <= 0.2 && 0.2 <= r.upliftInterval[1]) covered++;
    }
    assert.ok(detected >= 860 && detected <= 920, `power ${detected / 1000}`);
    // The delta-method 95% interval of the relative uplift covers the true 20% about 95% of the time.
    assert.ok(covered >= 930 && covered <= 970, `coverage ${covered / 1000}`);
  });
});
