/** The offline evaluation on a generated shop with planted co-purchases (seeded): the right answer is known. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Interaction } from '../../../src/core/recommendations/co-occurrence.js';
import { evaluateLeaveLastOut } from '../../../src/core/recommendations/evaluate.js';
import { seededRandom } from '../../../src/core/seeded-random.js';

const DAY = 86_400_000;
const T = Date.UTC(2026, 0, 1);
const params = { historyWindowMs: 30 * DAY, historyCap: 20, pairCap: 10, halfLifeMs: 90 * DAY, trendingHalfLifeMs: 3 * DAY };

test('leave-last-out: with planted triples (whoever buys two of a-i, b-i, c-i buys the third) item-to-item finds the held-out item, popularity does not', () => {
  const random = seededRandom(11);
  const people: Interaction[][] = [];
  for (let p = 0; p < 600; p++) {
    const triple = Math.floor(random() * 40);
    const at = T + p * 60_000;
    const items = ['a', 'b', 'c'].map((x) => `${x}-${triple}`).sort(() => random() - 0.5);
    // A popular item everyone views first, then the planted triple in a random order.
    people.push([{ itemId: 'hit', kind: 'view', at }, ...items.map((itemId, i) => ({ itemId, kind: 'purchase' as const, at: at + 1 + i }))]);
  }
  const result = evaluateLeaveLastOut({ people, params, minSupport: 2, k: 10 });
  assert.equal(result.people, 600);
  assert.equal(result.catalogue, 121);
  const [itemToItem, popularity] = result.strategies;
  assert.equal(itemToItem!.strategy, 'item-to-item');
  assert.ok(itemToItem!.hitRate > 0.9, JSON.stringify(result));
  assert.ok(popularity!.hitRate < 0.3, JSON.stringify(result));
  assert.ok(itemToItem!.coverage > popularity!.coverage);
});

test('leave-last-out: one item only, or only repeats, is no test person; the held-out item is the last new one', () => {
  const one = evaluateLeaveLastOut({ people: [[{ itemId: 'x', kind: 'view', at: T }, { itemId: 'x', kind: 'view', at: T + 1 }]], params, minSupport: 1, k: 10 });
  assert.equal(one.people, 0);
  assert.deepEqual(one.strategies.map((s) => s.hitRate), [0, 0]);
  // Held out: y (x again after it is not new); trained: x. The other person makes y popular.
  const r = evaluateLeaveLastOut({ people: [
    [{ itemId: 'x', kind: 'view', at: T }, { itemId: 'y', kind: 'view', at: T + 1 }, { itemId: 'x', kind: 'view', at: T + 2 }],
    [{ itemId: 'y', kind: 'view', at: T }],
  ], params, minSupport: 1, k: 1 });
  assert.equal(r.people, 1);
  assert.equal(r.strategies[1]!.hitRate, 1);
});
