import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { centroidDistance, matchPersonas } from '../../../src/core/personas/match-personas.js';

const UNIT = { variances: [1, 1] };

describe('stable persona ids across refits (Hungarian matching)', () => {
  test('components in a new order keep their ids; the optimal assignment beats the greedy one', () => {
    const previous = [{ id: 'p1', centroid: [0, 0] }, { id: 'p2', centroid: [1, 0] }];
    const next = [[1.05, 0], [0.02, 0]];
    const match = matchPersonas({ previous, next, scaling: UNIT, usedIds: ['p1', 'p2'] });
    assert.deepEqual(match.ids, ['p2', 'p1']);
    assert.deepEqual(match.born, []);
    assert.deepEqual(match.vanished, []);
  });

  test('the assignment minimises the summed distance, not each distance greedily', () => {
    const previous = [{ id: 'a', centroid: [0, 0] }, { id: 'b', centroid: [2, 0] }];
    // Component 0 is nearest to a (0.9 < 1.1) but giving it a would leave component 1 (at −0.2)
    // with b at 2.2 (sum 3.1); the optimum gives component 0 to b (1.1) and 1 to a (0.2): sum 1.3.
    const next = [[0.9, 0], [-0.2, 0]];
    const match = matchPersonas({ previous, next, scaling: { variances: [1, 1] }, usedIds: ['a', 'b'], maxDistance: 10 });
    assert.deepEqual(match.ids, ['b', 'a']);
  });

  test('a far component is born with a fresh id, never a used one; an unmatched old persona vanished', () => {
    const previous = [{ id: 'p1', centroid: [0, 0] }, { id: 'p3', centroid: [50, 50] }];
    const next = [[0.1, 0], [-40, 0]];
    const match = matchPersonas({ previous, next, scaling: UNIT, usedIds: ['p1', 'p2', 'p3'] });
    assert.deepEqual(match.ids, ['p1', 'p4']);
    assert.deepEqual(match.born, ['p4']);
    assert.deepEqual(match.vanished, ['p3']);
    assert.deepEqual(match.splits, []);
  });

  test('a persona that splits in two is reported as a split', () => {
    const previous = [{ id: 'p1', centroid: [0, 0] }, { id: 'p2', centroid: [10, 10] }];
    const next = [[-0.8, 0], [0.9, 0], [10, 10]];
    const match = matchPersonas({ previous, next, scaling: UNIT, usedIds: ['p1', 'p2'] });
    assert.equal(match.ids[2], 'p2');
    assert.deepEqual(match.born, ['p3']);
    assert.deepEqual(match.splits, [{ from: 'p1', into: ['p1', 'p3'] }]);
  });

  test('distances are in the new model\'s standard deviations per feature (root mean square)', () => {
    assert.equal(centroidDistance([0, 0], [2, 4], [4, 16]), 1);
    // A constant feature (variance 0) counts in raw units rather than dividing by zero.
    assert.equal(centroidDistance([0], [3], [0]), 3);
  });

  test('the first fit: everything is born', () => {
    const match = matchPersonas({ previous: [], next: [[0], [1]], scaling: { variances: [1] }, usedIds: [] });
    assert.deepEqual(match.ids, ['p1', 'p2']);
  });
});
