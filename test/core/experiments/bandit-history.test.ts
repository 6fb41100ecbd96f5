import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_WEIGHT_HISTORY, recentWeightHistory } from '../../../src/core/experiments/bandit.js';

describe('a bandit weight history as answered', () => {
  it('is answered whole up to the bound', () => {
    const all = Array.from({ length: MAX_WEIGHT_HISTORY }, (_, i) => i);
    assert.deepEqual(recentWeightHistory(all), { history: all, omitted: 0 });
  });

  it('beyond it keeps the starting weights and the latest updates, and says how many were left out', () => {
    const all = Array.from({ length: 10 }, (_, i) => i);
    assert.deepEqual(recentWeightHistory(all, 4), { history: [0, 7, 8, 9], omitted: 6 });
    const long = Array.from({ length: 8784 }, (_, i) => i);
    const answered = recentWeightHistory(long);
    assert.equal(answered.history.length, MAX_WEIGHT_HISTORY);
    assert.deepEqual([answered.history[0], answered.history[1], answered.history.at(-1)], [0, 8784 - 499, 8783]);
    assert.equal(answered.omitted + answered.history.length, long.length);
  });
});
