/** Hit @k and NDCG @k against values computed by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hitAt, ndcgAt } from '../../../src/core/recommendations/ranking-metrics.js';

test('hit @k: the held-out item within the first k', () => {
  assert.equal(hitAt(['a', 'b', 'c'], 'a', 1), 1);
  assert.equal(hitAt(['a', 'b', 'c'], 'c', 2), 0);
  assert.equal(hitAt(['a', 'b', 'c'], 'c', 3), 1);
  assert.equal(hitAt([], 'a', 10), 0);
});

test('NDCG @k: 1 at rank 1, 1/log2(3) ≈ 0.6309 at rank 2, 0.5 at rank 3, 0 past k or absent', () => {
  assert.equal(ndcgAt(['x', 'y', 'z'], 'x', 10), 1);
  assert.ok(Math.abs(ndcgAt(['x', 'y', 'z'], 'y', 10) - 0.6309297535714575) < 1e-12);
  assert.equal(ndcgAt(['x', 'y', 'z'], 'z', 10), 0.5);
  assert.equal(ndcgAt(['x', 'y', 'z'], 'z', 2), 0);
  assert.equal(ndcgAt(['x'], 'q', 10), 0);
  // Rank 10 of 10: 1 / log2(11) ≈ 0.2891.
  assert.ok(Math.abs(ndcgAt([...'abcdefghij'], 'j', 10) - 0.28906482631788766) < 1e-12);
});
