import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assignPersona } from '../../../src/core/personas/assign-persona.js';
import { fitGaussianMixture, logLikelihood, logSumExp, posterior } from '../../../src/core/personas/gaussian-mixture.js';
import { kmeansPlusPlus } from '../../../src/core/personas/kmeans-plus-plus.js';
import { normalDraw, seededRandom } from '../../../src/core/seeded-random.js';
import { bic, parameterCount, selectComponents } from '../../../src/core/personas/select-components.js';

const TRUE_MEANS = [[0, 0, 0], [8, 8, 0], [-8, 6, 5]];
const TRUE_SD = [1, 0.5, 1.5];

/** 3 well-separated spherical clusters of 150, 100 and 50 points in 3 dimensions, seed 7. */
function threeClusters(): { rows: number[][]; labels: number[] } {
  const random = seededRandom(7);
  const rows: number[][] = [];
  const labels: number[] = [];
  [150, 100, 50].forEach((size, c) => {
    for (let i = 0; i < size; i++) {
      rows.push(TRUE_MEANS[c]!.map((m) => m + TRUE_SD[c]! * normalDraw(random)));
      labels.push(c);
    }
  });
  return { rows, labels };
}

describe('Gaussian mixture (EM, diagonal covariances)', () => {
  test('the seeded generator is reproducible and uniform-looking', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 10_000 }, () => a());
    assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => b()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  });

  test('log-sum-exp is exact where the naive sum is, and finite where it under- or overflows', () => {
    assert.ok(Math.abs(logSumExp([Math.log(1), Math.log(2), Math.log(3)]) - Math.log(6)) < 1e-12);
    assert.ok(Math.abs(logSumExp([-1000, -1000]) - (-1000 + Math.log(2))) < 1e-12);
    assert.ok(Math.abs(logSumExp([1000, 1000]) - (1000 + Math.log(2))) < 1e-12);
    assert.equal(logSumExp([-Infinity, -Infinity]), -Infinity);
  });

  test('hand-computed: two points, one component — mean, variance and log-likelihood exact', () => {
    // x = 0 and 2: μ = 1, σ² = ((0−1)² + (2−1)²)/2 = 1; ln L = 2 · ln N(0 | 1, 1) = −(ln 2π + 1).
    const fit = fitGaussianMixture([[0], [2]], 1, seededRandom(1), { maxIterations: 50, tolerance: 1e-9, varianceFloor: 0 });
    assert.deepEqual(fit.model.means, [[1]]);
    assert.deepEqual(fit.model.variances, [[1]]);
    assert.deepEqual(fit.model.weights, [1]);
    assert.ok(Math.abs(fit.logLikelihood - -(Math.log(2 * Math.PI) + 1)) < 1e-12);
    // The floor is added to the variance.
    const floored = fitGaussianMixture([[0], [2]], 1, seededRandom(1), { maxIterations: 50, tolerance: 1e-9, varianceFloor: 0.5 });
    assert.deepEqual(floored.model.variances, [[1.5]]);
  });

  test('the log-likelihood never decreases over EM iterations', () => {
    const { rows } = threeClusters();
    for (const k of [2, 3, 5]) {
      const fit = fitGaussianMixture(rows, k, seededRandom(k), { maxIterations: 100, tolerance: 0, varianceFloor: 1e-6 });
      assert.ok(fit.trace.length >= 2);
      if (k === 5) assert.ok(fit.trace.length > 10, 'a misspecified k takes many iterations: the check has something to check');
      for (let i = 1; i < fit.trace.length; i++) {
        assert.ok(fit.trace[i]! >= fit.trace[i - 1]! - 1e-9 * Math.abs(fit.trace[i - 1]!), `k=${k} iteration ${i}: ${fit.trace[i - 1]} → ${fit.trace[i]}`);
      }
    }
  });

  test('recovers 3 well-separated clusters: BIC picks 3, means and weights within tolerance', () => {
    const { rows } = threeClusters();
    const selection = selectComponents(rows, { minComponents: 1, maxComponents: 6, minSize: 10, seed: 3 });
    assert.ok(selection.ok);
    assert.equal(selection.k, 3);
    const bics = selection.candidates.map((c) => c.bic);
    assert.equal(Math.min(...bics), selection.bic);
    for (const [c, trueMean] of TRUE_MEANS.entries()) {
      const k = selection.model.means.findIndex((m) => m.every((v, j) => Math.abs(v - trueMean[j]!) < 0.5));
      assert.ok(k >= 0, `no component near ${trueMean}: ${JSON.stringify(selection.model.means)}`);
      assert.ok(Math.abs(selection.model.weights[k]! - [0.5, 1 / 3, 1 / 6][c]!) < 0.01);
      for (const v of selection.model.variances[k]!) assert.ok(Math.abs(Math.sqrt(v) - TRUE_SD[c]!) < 0.3 * TRUE_SD[c]!);
    }
  });

  test('the same data and seed give the same model', () => {
    const { rows } = threeClusters();
    const a = selectComponents(rows, { maxComponents: 4, minSize: 10, seed: 9 });
    const b = selectComponents(rows, { maxComponents: 4, minSize: 10, seed: 9 });
    assert.deepEqual(a, b);
  });

  test('BIC counts 2kd + k − 1 parameters', () => {
    assert.equal(parameterCount(3, 2), 14);
    assert.equal(bic(-100, 3, 2, 50), 200 + 14 * Math.log(50));
  });

  test('soft assignment: probabilities sum to 1; the persona is the most probable above the threshold', () => {
    const { rows, labels } = threeClusters();
    const fit = fitGaussianMixture(rows, 3, seededRandom(5));
    const ids = ['p1', 'p2', 'p3'];
    let agree = 0;
    const byLabel = new Map<number, string>();
    rows.forEach((x, i) => {
      const a = assignPersona({ mixture: fit.model, personaIds: ids }, x);
      const sum = Object.values(a.probabilities).reduce((s, p) => s + p, 0);
      assert.ok(Math.abs(sum - 1) < 1e-9);
      if (!byLabel.has(labels[i]!) && a.personaId) byLabel.set(labels[i]!, a.personaId);
      if (a.personaId === byLabel.get(labels[i]!)) agree++;
    });
    assert.equal(agree, rows.length);
    // Halfway between two equal components: 0.5 each, below 0.6 → unassigned.
    const twin = { mixture: { weights: [0.5, 0.5], means: [[-1], [1]], variances: [[1], [1]] }, personaIds: ['a', 'b'] };
    const mid = assignPersona(twin, [0]);
    assert.equal(mid.personaId, null);
    assert.ok(Math.abs(mid.probability - 0.5) < 1e-12);
    assert.notEqual(assignPersona(twin, [0], 0.4).personaId, null);
    // Far from everything: densities underflow, probabilities stay finite.
    const far = assignPersona(twin, [1e6]);
    assert.equal(far.personaId, 'b');
    assert.ok(Object.values(far.probabilities).every(Number.isFinite));
    // So far that the exponent overflows: no evidence either way, the prior (the weights).
    assert.deepEqual(posterior(twin.mixture, [1e200]), [0.5, 0.5]);
    assert.equal(assignPersona(twin, [1e200]).personaId, null);
  });

  test('degenerate: all identical points give finite parameters and a finite likelihood', () => {
    const rows = Array.from({ length: 50 }, () => [3, -1]);
    for (const k of [1, 2, 4]) {
      const fit = fitGaussianMixture(rows, k, seededRandom(1));
      const numbers = [...fit.model.weights, ...fit.model.means.flat(), ...fit.model.variances.flat(), fit.logLikelihood];
      assert.ok(numbers.every(Number.isFinite), JSON.stringify(fit.model));
      assert.ok(Math.abs(fit.model.weights.reduce((s, w) => s + w, 0) - 1) < 1e-9);
    }
    const selection = selectComponents(rows, { minComponents: 1, maxComponents: 3, minSize: 1 });
    assert.ok(selection.ok);
    assert.equal(selection.k, 1, 'identical points are one persona: more components only add parameters');
    assert.ok(Number.isFinite(logLikelihood(selection.model, rows)));
  });

  test('degenerate: fewer points than personas, and no points, are refused with a reason', () => {
    assert.throws(() => kmeansPlusPlus([[1], [2]], 3, seededRandom(1)), RangeError);
    const few = selectComponents([[1], [2]], { minComponents: 3, maxComponents: 5, minSize: 1 });
    assert.deepEqual(few.ok ? null : few.reason, '2 profiles are fewer than the 3 personas asked for');
    const none = selectComponents([], {});
    assert.equal(none.ok, false);
    // k is capped by n: three points can still give up to three personas.
    const capped = selectComponents([[0], [10], [20]], { minComponents: 1, maxComponents: 12, minSize: 1 });
    assert.ok(capped.ok);
    assert.deepEqual(capped.candidates.map((c) => c.k), [1, 2, 3]);
  });

  test('a persona below the minimum size is not admissible', () => {
    const { rows } = threeClusters();
    const selection = selectComponents(rows, { minComponents: 3, maxComponents: 3, minSize: 60 });
    assert.equal(selection.ok, false);
    assert.match(selection.candidates[0]!.refused ?? '', /< 60 profiles/);
  });
});
