import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { projectPersonas, symmetricEigen } from '../../../src/core/personas/persona-projection.js';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≠ ${b}`);

describe('persona projection (weighted PCA of the centroids)', () => {
  test('Jacobi eigen-decomposition: [[2,1],[1,2]] has 3 along (1,1)/√2 and 1 along (1,−1)/√2', () => {
    const { values, vectors } = symmetricEigen([[2, 1], [1, 2]]);
    close(values[0]!, 3); close(values[1]!, 1);
    close(Math.abs(vectors[0]![0]!), Math.SQRT1_2); close(vectors[0]![0]! * vectors[0]![1]!, 0.5);
    close(vectors[1]![0]! * vectors[1]![1]!, -0.5);
  });

  test('two personas lie on the first axis around their weighted centre; the second axis is empty', () => {
    const p = projectPersonas([{ id: 'a', weight: 1, mean: [0, 0] }, { id: 'b', weight: 3, mean: [4, 0] }], ['visits', 'pages']);
    // Weighted centre (3, 0): a at −3, b at +1 (the loading on `visits` is positive).
    close(p.points[0]!.x, -3); close(p.points[1]!.x, 1);
    close(p.points[0]!.y, 0); close(p.points[1]!.y, 0);
    close(p.axes[0]!.explained, 1); close(p.axes[1]!.explained, 0);
    assert.deepEqual(p.axes[0]!.loadings.map((l) => l.feature), ['visits']);
    close(p.axes[0]!.loadings[0]!.loading, 1);
    assert.deepEqual(p.axes[1]!.loadings, []);
  });

  test('three personas keep their distances exactly (they span a plane), the weighted centre is the origin', () => {
    const input = [{ id: 'a', weight: 0.2, mean: [1, 0, 0] }, { id: 'b', weight: 0.3, mean: [0, 1, 0] }, { id: 'c', weight: 0.5, mean: [0, 0, 1] }];
    const { points, axes } = projectPersonas(input, ['f1', 'f2', 'f3']);
    for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) close(Math.hypot(points[i]!.x - points[j]!.x, points[i]!.y - points[j]!.y), Math.SQRT2);
    close(points.reduce((s, q, i) => s + input[i]!.weight * q.x, 0), 0);
    close(points.reduce((s, q, i) => s + input[i]!.weight * q.y, 0), 0);
    close(axes[0]!.explained + axes[1]!.explained, 1);
  });

  test('equals the primal PCA (eigenvectors of the d×d weighted covariance) on four personas in four features', () => {
    const input = [
      { id: 'p1', weight: 10, mean: [2, 0.5, -1, 0] }, { id: 'p2', weight: 30, mean: [-1, 1, 0.5, 0.2] },
      { id: 'p3', weight: 20, mean: [0, -2, 1, 1] }, { id: 'p4', weight: 40, mean: [0.5, 0.3, 0.2, -1.5] },
    ];
    const features = ['a', 'b', 'c', 'd'];
    const { points, axes } = projectPersonas(input, features);
    const w = input.map((p) => p.weight / 100);
    const centre = features.map((_, j) => input.reduce((s, p, i) => s + w[i]! * p.mean[j]!, 0));
    const cov = features.map((_, r) => features.map((_, c) => input.reduce((s, p, i) => s + w[i]! * (p.mean[r]! - centre[r]!) * (p.mean[c]! - centre[c]!), 0)));
    const primal = symmetricEigen(cov);
    const total = primal.values.reduce((s, l) => s + l, 0);
    for (const j of [0, 1]) {
      const v = primal.vectors[j]!;
      const sign = v.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0) < 0 ? -1 : 1;
      input.forEach((p, i) => close((j === 0 ? points[i]!.x : points[i]!.y), sign * p.mean.reduce((s, x, f) => s + (x - centre[f]!) * v[f]!, 0), 1e-7));
      close(axes[j]!.explained, primal.values[j]! / total, 1e-9);
      close(axes[j]!.loadings[0]!.loading, Math.max(...v.map((x) => Math.abs(x))), 1e-7);
    }
  });

  test('one persona sits at the origin with nothing explained', () => {
    const p = projectPersonas([{ id: 'only', weight: 1, mean: [1, 2] }], ['x', 'y']);
    assert.deepEqual(p.points, [{ id: 'only', x: 0, y: 0 }]);
    assert.deepEqual(p.axes.map((a) => a.explained), [0, 0]);
  });
});
