import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosineOf, emptyLearned, learnFrom, mergeHistories, type LearningParams } from '../../../src/core/recommendations/co-occurrence.js';
import { addLogScores, logScore, weightAt } from '../../../src/core/recommendations/decay.js';
import type { StoredItem } from '../../../src/core/recommendations/item.js';
import { applyRules, reasonText, type ScoredCandidate } from '../../../src/core/recommendations/recommend.js';

const DAY = 86_400_000;
const T = Date.UTC(2026, 0, 1);
const params: LearningParams = { historyWindowMs: 30 * DAY, historyCap: 3, halfLifeMs: 90 * DAY, trendingHalfLifeMs: 3 * DAY };

test('decay in log space: weights add, halve per half-life, and stay finite for short half-lives decades ahead', () => {
  const h = 10 * DAY;
  const s = addLogScores(logScore(1, T, h), logScore(3, T, h));
  assert.ok(Math.abs(weightAt(s, T, h) - 4) < 1e-9);
  assert.ok(Math.abs(weightAt(s, T + h, h) - 2) < 1e-9);
  const far = logScore(1, Date.UTC(2090, 0, 1), 3_600_000);
  assert.ok(Number.isFinite(far) && Math.abs(weightAt(far, Date.UTC(2090, 0, 1), 3_600_000) - 1) < 1e-6);
  // cosine = C / sqrt(N1 N2), whatever the moment: 2 / sqrt(4 · 9) = 1/3.
  assert.ok(Math.abs(cosineOf(logScore(2, T, h), logScore(4, T, h), logScore(9, T, h)) - 1 / 3) < 1e-12);
});

test('learnFrom: pairs with the recent items of the same family only, once per new item; the cap and the window bound the history', () => {
  const learned = emptyLearned();
  const history = learnFrom(null, [
    { itemId: 'a', kind: 'view', at: T }, { itemId: 'b', kind: 'click', at: T + 1 }, { itemId: 'a', kind: 'view', at: T + 2 },
    { itemId: 'x', kind: 'purchase', at: T + 3 }, { itemId: 'c', kind: 'cart', at: T + 4 }, { itemId: 'd', kind: 'view', at: T + 5 },
  ], params, learned);
  const pairs = [...learned.pairs.values()].map((p) => `${p.family}:${p.itemId}>${p.otherId}`).sort();
  // The repeat of a refreshed it; x (bought) takes a place in the capped history but pairs with no view;
  // b, the oldest, left the history (cap 3) before d came.
  assert.deepEqual(pairs, ['viewed:a>b', 'viewed:a>c', 'viewed:a>d', 'viewed:b>a', 'viewed:b>c', 'viewed:c>a', 'viewed:c>b', 'viewed:c>d', 'viewed:d>a', 'viewed:d>c']);
  assert.deepEqual(history.items.map((r) => r.itemId), ['d', 'c', 'x']);
  assert.equal([...learned.stats.values()].find((s) => s.itemId === 'a')!.long, logScore(1, T, params.halfLifeMs), 'the repeat of a counts nothing');
  const later = emptyLearned();
  learnFrom(history, [{ itemId: 'e', kind: 'view', at: T + 31 * DAY }], params, later);
  assert.equal(later.pairs.size, 0, 'nothing within the window any more');
});

test('mergeHistories keeps the newest entry per item and family and the strongest kind', () => {
  const merged = mergeHistories(
    { items: [{ itemId: 'a', kind: 'purchase', family: 'bought', at: T }, { itemId: 'b', kind: 'view', family: 'viewed', at: T + 5 }] },
    { items: [{ itemId: 'b', kind: 'cart', family: 'viewed', at: T + 1 }, { itemId: 'c', kind: 'read', family: 'read', at: T + 9 }] }, 10);
  assert.deepEqual(merged.items.map((r) => [r.itemId, r.kind, r.at - T]), [['c', 'read', 9], ['b', 'cart', 5], ['a', 'purchase', 0]]);
});

test('applyRules: exclusions, filters, diversity per first category, best first with ties by id', () => {
  const item = (id: string, over: Partial<StoredItem> = {}): StoredItem => ({ id, workspaceId: 'w', source: 'catalogue', createdAt: 0, updatedAt: 0, categories: ['A'], tags: [], available: true, properties: {}, price: 10, ...over });
  const items = new Map([
    ['p1', item('p1')], ['p2', item('p2')], ['p3', item('p3', { categories: ['B'] })], ['p4', item('p4', { available: false })],
    ['p5', item('p5', { categories: ['B'], price: 50, tags: ['sale'] })], ['p6', item('p6')],
  ]);
  const c = (itemId: string, score: number): ScoredCandidate => ({ itemId, score, reason: { kind: 'popular' }, evidence: {} });
  const candidates = [c('p1', 5), c('p2', 5), c('p3', 4), c('p4', 9), c('p5', 3), c('p6', 1), c('gone', 8), c('p1', 2)];
  const pick = (over: Partial<Parameters<typeof applyRules>[0]>) => applyRules({ candidates, items, exclude: new Set(), filters: {}, maxPerCategory: 10, limit: 10, ...over }).map((p) => p.item.id);
  assert.deepEqual(pick({}), ['p1', 'p2', 'p3', 'p5', 'p6']);
  assert.deepEqual(pick({ maxPerCategory: 1 }), ['p1', 'p3']);
  assert.deepEqual(pick({ exclude: new Set(['p1']), limit: 2 }), ['p2', 'p3']);
  assert.deepEqual(pick({ filters: { minPrice: 20 } }), ['p5']);
  assert.deepEqual(pick({ filters: { tag: 'sale', category: 'B' } }), ['p5']);
});

test('reasons in English and German', () => {
  const title = (id: string) => ({ x: 'Drill' })[id] ?? id;
  assert.equal(reasonText({ kind: 'because-you', itemId: 'x', interaction: 'purchase' }, 'de', title), 'Weil Sie „Drill“ gekauft haben');
  assert.equal(reasonText({ kind: 'because-you', itemId: 'x', interaction: 'read' }, 'en', title), 'Because you read "Drill"');
  assert.equal(reasonText({ kind: 'popular', category: 'Smart Factory' }, 'en', title), 'Popular in Smart Factory');
  assert.equal(reasonText({ kind: 'read-with', itemId: 'y' }, 'de', title), 'Wer „y“ gelesen hat, las auch das');
});
