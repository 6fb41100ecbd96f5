/**
 * The adjusted Rand index against values computed independently:
 * - [0,0,1,1] vs [0,0,1,2]: 4/7 = 0.5714285714285714, the example of scikit-learn's
 *   `adjusted_rand_score` documentation (sklearn.metrics.adjusted_rand_score), and by hand below;
 * - [0,0,0,1,1,1,2,2,2] vs [0,0,1,1,1,2,2,2,2]: 5/14, a 3×3 contingency table worked by hand below;
 * - [0,0,0,0] vs [0,1,2,3]: 0.0 and [0,0,1,1] vs [0,1,0,1]: −0.5, both examples of the same
 *   scikit-learn documentation (user guide, "Adjusted Rand index"), and by hand below.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adjustedRandIndex } from '../../../src/core/personas/adjusted-rand-index.js';

describe('adjusted Rand index', () => {
  test('identical partitions score 1 whatever the labels are called', () => {
    assert.equal(adjustedRandIndex(['a', 'a', 'b', 'b', 'c'], [2, 2, 0, 0, 1]), 1);
    assert.equal(adjustedRandIndex(['x', 'x', 'x'], ['y', 'y', 'y']), 1, 'one group each: identical');
  });

  test('scikit-learn\'s documented example: [0,0,1,1] vs [0,0,1,2] = 4/7', () => {
    // By hand: n = 4; cells (0,0)=2, (1,1)=1, (1,2)=1 → index = C(2,2) = 1; rows 2,2 → 2; columns 2,1,1 → 1;
    // expected = 2·1 / C(4,2) = 1/3; max = (2 + 1)/2 = 3/2; ARI = (1 − 1/3) / (3/2 − 1/3) = (2/3)/(7/6) = 4/7.
    assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]) - 4 / 7) < 1e-12);
    assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]) - 4 / 7) < 1e-12, 'symmetric');
  });

  test('a 3×3 table by hand', () => {
    // truth    0 0 0 1 1 1 2 2 2
    // fitted   0 0 1 1 1 2 2 2 2
    // cells: (0,0)=2 (0,1)=1 (1,1)=2 (1,2)=1 (2,2)=3 → index = 1 + 0 + 1 + 0 + 3 = 5
    // rows 3,3,3 → 3+3+3 = 9; columns 2,3,4 → 1+3+6 = 10; C(9,2) = 36
    // expected = 9·10/36 = 2.5; max = (9 + 10)/2 = 9.5; ARI = (5 − 2.5)/(9.5 − 2.5) = 2.5/7 = 5/14.
    assert.ok(Math.abs(adjustedRandIndex([0, 0, 0, 1, 1, 1, 2, 2, 2], [0, 0, 1, 1, 1, 2, 2, 2, 2]) - 5 / 14) < 1e-12);
  });

  test('one group against one per item shares no pair: 0; worse than chance is negative', () => {
    assert.equal(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3]), 0);
    // [0,0,1,1] vs [0,1,0,1]: index 0; rows → 2, columns → 2; expected = 4/6; max = 2 → ARI = −(2/3)/(4/3) = −1/2.
    assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]) + 0.5) < 1e-12);
  });

  test('null is a label like any other (unassigned people form their own group)', () => {
    assert.equal(adjustedRandIndex(['a', 'a', 'b', 'b'], ['p1', 'p1', null, null]), 1);
  });

  test('refuses partitions of different lengths', () => {
    assert.throws(() => adjustedRandIndex([0, 1], [0]), RangeError);
  });
});
