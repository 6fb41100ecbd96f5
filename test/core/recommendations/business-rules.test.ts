/** Feedback events, rotation, content similarity, segment filters and the rules that use them (pure). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrackedEvent } from '../../../src/core/events/event.js';
import { jaccard, labelsOf, mostSimilar } from '../../../src/core/recommendations/content-similarity.js';
import { emptyLearned, learnFrom, mergeHistories, type ItemHistory } from '../../../src/core/recommendations/co-occurrence.js';
import { weightAt } from '../../../src/core/recommendations/decay.js';
import { feedbackOf } from '../../../src/core/recommendations/feedback.js';
import type { StoredItem } from '../../../src/core/recommendations/item.js';
import { applyRules, reasonText, type ScoredCandidate } from '../../../src/core/recommendations/recommend.js';
import { recordClicked, recordShown, rotatedItems, SHOWN_CAP } from '../../../src/core/recommendations/rotation.js';
import { parseRecommendationSettings } from '../../../src/core/recommendations/settings.js';

const DAY = 86_400_000;
const AT = Date.UTC(2026, 0, 1);
const event = (over: Partial<TrackedEvent>): TrackedEvent => ({
  workspaceId: 'w', messageId: 'm', type: 'track', name: null, category: null, anonymousId: 'a', userId: null, previousId: null, groupId: null,
  properties: {}, traits: {}, context: {}, integrations: {}, timestamp: AT, originalTimestamp: null, sentAt: null, receivedAt: AT, ...over,
});
const item = (id: string, over: Partial<StoredItem> = {}): StoredItem => ({
  id, workspaceId: 'w', source: 'catalogue', categories: [], tags: [], available: true, properties: {}, createdAt: 0, updatedAt: 0, ...over,
});

test('feedback: Recommendation Viewed/Clicked and a slot\'s view naming its item; labels that are not plain are refused', () => {
  assert.deepEqual(feedbackOf(event({ name: 'Recommendation Viewed', properties: { list_id: 'home', strategy: 'for-you', items: [{ item_id: 'a' }, { item_id: 'b', position: 7 }, { item_id: 'a' }, 'x', { item_id: '' }] } })),
    { action: 'viewed', listId: 'home', strategy: 'for-you', source: 'tracker', items: [{ itemId: 'a', position: 1 }, { itemId: 'b', position: 7 }], at: AT });
  assert.deepEqual(feedbackOf(event({ name: 'Recommendation Clicked', properties: { list_id: 'pdp:1', item_id: 42, position: 3, source: 'server' } })),
    { action: 'clicked', listId: 'pdp:1', strategy: 'unknown', source: 'server', items: [{ itemId: '42', position: 3 }], at: AT });
  assert.deepEqual(feedbackOf(event({ name: 'Slot Viewed', properties: { slot: 'home-teaser', variant: 'v', item_id: 'drill' } }))?.items, [{ itemId: 'drill' }]);
  assert.equal(feedbackOf(event({ name: 'Slot Viewed', properties: { slot: 'home-teaser', variant: 'v' } })), null, 'a slot view naming no item is no recommendation view');
  for (const properties of [{ list_id: 'eve@example.test', item_id: 'a' }, { list_id: 'a list', item_id: 'a' }, { item_id: 'a' }, { list_id: 'l', item_id: 'a', strategy: 'x'.repeat(41) }, { list_id: 'l' }]) {
    assert.equal(feedbackOf(event({ name: 'Recommendation Clicked', properties })), null, JSON.stringify(properties));
  }
  assert.equal(feedbackOf(event({ type: 'page', name: 'Recommendation Viewed', properties: { list_id: 'l', item_id: 'a' } })), null);
});

test('rotation: views add up and decay with the half-life, a click resets, a merge adds, the cap keeps the most shown', () => {
  const p = { rotationHalfLifeMs: 7 * DAY };
  let h: ItemHistory = { items: [] };
  for (let i = 0; i < 5; i++) h = recordShown(h, ['a', 'b'], AT + i, p);
  h = recordShown(h, ['c', 'c'], AT, p);
  const weight = (x: ItemHistory, id: string, at: number) => weightAt(x.shown!.find((s) => s.itemId === id)!.score, at, p.rotationHalfLifeMs);
  assert.ok(Math.abs(weight(h, 'a', AT + 4) - 5) < 1e-6 && Math.abs(weight(h, "c", AT) - 1) < 1e-6, 'an item twice in one view counts once');
  assert.deepEqual([...rotatedItems(h, AT + 4, { ...p, threshold: 5 })].sort(), ['a', 'b']);
  assert.deepEqual([...rotatedItems(h, AT + 3 * DAY, { ...p, threshold: 5 })].sort(), ['a', 'b'], 'rotated for a half-life after the last view, though the count decays');
  assert.deepEqual([...rotatedItems(h, AT + 4 + 7 * DAY, { ...p, threshold: 5 })], [], 'after a half-life the items come back');
  const again = recordShown(h, ['b'], AT + 4 + 7 * DAY, p);
  assert.deepEqual([...rotatedItems(again, AT + 4 + 7 * DAY, { ...p, threshold: 5 })], [], 'one more view: 2.5 + 1 < 5');
  h = recordClicked(h, 'a');
  assert.deepEqual([...rotatedItems(h, AT + 4, { ...p, threshold: 5 })], ['b']);
  assert.equal(recordClicked(h, 'zz'), h, 'a click on an item never shown changes nothing');
  // learnFrom keeps the shown counts; a purchase (not a view) resets the item's.
  const learned = learnFrom(h, [{ itemId: 'b', kind: 'view', at: AT + 5 }, { itemId: 'c', kind: 'purchase', at: AT + 6 }], { historyWindowMs: 30 * DAY, historyCap: 5, halfLifeMs: 90 * DAY, trendingHalfLifeMs: 3 * DAY }, emptyLearned());
  assert.deepEqual(learned.shown!.map((s) => s.itemId), ['b']);
  const merged = mergeHistories(learned, recordShown<ItemHistory>({ items: [] }, ['b', 'd'], AT, p), 10);
  assert.ok(Math.abs(weight(merged, "b", AT + 4) - 6) < 1e-6 && Math.abs(weight(merged, 'd', AT) - 1) < 1e-9);
  let many: ItemHistory = { items: [] };
  many = recordShown(many, Array.from({ length: SHOWN_CAP + 5 }, (_, i) => `i${i}`), AT, p);
  many = recordShown(many, ['i0'], AT, p);
  assert.equal(many.shown!.length, SHOWN_CAP);
  assert.equal(many.shown![0]!.itemId, 'i0');
});

test('content similarity: Jaccard over categories and tags (computed by hand), a category and a tag of one word differ', () => {
  const drill = item('drill', { categories: ['Tools'], tags: ['cordless', '18V'] });
  const driver = item('driver', { categories: ['Tools'], tags: ['cordless'] });
  const saw = item('saw', { categories: ['Tools'], tags: ['corded'] });
  const socks = item('socks', { categories: ['Clothing'], tags: ['Tools'] });
  assert.equal(jaccard(labelsOf(drill), labelsOf(driver)), 2 / 3); // {Tools, cordless} of {Tools, cordless, 18V}
  assert.equal(jaccard(labelsOf(drill), labelsOf(saw)), 1 / 4); // {Tools} of {Tools, cordless, 18V, corded}
  assert.equal(jaccard(labelsOf(drill), labelsOf(socks)), 0);
  assert.equal(jaccard(new Set(), new Set()), 0);
  assert.deepEqual(mostSimilar(drill, [saw, drill, socks, driver], 5).map((s) => [s.item.id, s.similarity, s.shared]), [['driver', 2 / 3, 2], ['saw', 1 / 4, 1]]);
  assert.equal(reasonText({ kind: 'similar-to', itemId: 'drill' }, 'de', () => 'Bohrer'), 'Ähnlich wie „Bohrer“');
});

test('rules: segment filters apply too; rotated items come after every fresh one; diversity still caps', () => {
  const items = new Map([
    ['a', item('a', { categories: ['X'], type: 'whitepaper' })], ['b', item('b', { categories: ['X'], type: 'whitepaper' })],
    ['c', item('c', { categories: ['Y'], type: 'product' })], ['d', item('d', { categories: ['Y'], type: 'whitepaper', price: 5 })],
  ]);
  const candidates: ScoredCandidate[] = ['a', 'b', 'c', 'd'].map((id, i) => ({ itemId: id, score: 10 - i, reason: { kind: 'popular' }, evidence: {} }));
  const ids = (over: Partial<Parameters<typeof applyRules>[0]>) => applyRules({ candidates, items, exclude: new Set(), filters: {}, maxPerCategory: 5, limit: 4, ...over }).map((c) => c.itemId);
  assert.deepEqual(ids({}), ['a', 'b', 'c', 'd']);
  assert.deepEqual(ids({ segmentFilters: [{ type: 'whitepaper' }] }), ['a', 'b', 'd']);
  assert.deepEqual(ids({ segmentFilters: [{ type: 'whitepaper' }, { maxPrice: 10 }] }), ['d'], 'every applying filter holds');
  assert.deepEqual(ids({ rotated: new Set(['a']) }), ['b', 'c', 'd', 'a'], 'rotated: only when the list has room');
  assert.deepEqual(ids({ rotated: new Set(['a']), limit: 2 }), ['b', 'c']);
  assert.deepEqual(ids({ rotated: new Set(['b']), maxPerCategory: 1 }), ['a', 'c']);
});

test('settings: rotation and segment filters, every bad field named', () => {
  const ok = parseRecommendationSettings({ rotationImpressions: 0, rotationHalfLife: '2d', segmentFilters: [{ segment: 'b2b', type: 'whitepaper', maxPrice: 0 }] });
  assert.ok(ok.ok);
  assert.deepEqual(ok.settings.segmentFilters, [{ segment: 'b2b', type: 'whitepaper', maxPrice: 0 }]);
  const bad = parseRecommendationSettings({ rotationImpressions: -1, rotationHalfLife: 'soon', segmentFilters: [{ type: 'x' }, { segment: 'b', colour: 'red' }, { segment: 'c' }, 'x', { segment: ' s', minPrice: 5, maxPrice: 1 }] });
  assert.ok(!bad.ok);
  assert.deepEqual(bad.issues.map((i) => i.field).sort(), [
    'rotationHalfLife', 'rotationImpressions', 'segmentFilters[0].segment', 'segmentFilters[1].colour', 'segmentFilters[2]', 'segmentFilters[3]', 'segmentFilters[4].segment',
  ].sort());
  assert.ok(!parseRecommendationSettings({ segmentFilters: Array.from({ length: 21 }, () => ({ segment: 's', type: 't' })) }).ok);
});

test('pairCap: a new item pairs only with the newest recent items of its family', () => {
  const params = { historyWindowMs: 30 * DAY, historyCap: 10, halfLifeMs: 90 * DAY, trendingHalfLifeMs: 3 * DAY };
  const views = ['a', 'b', 'c', 'd'].map((itemId, i) => ({ itemId, kind: 'view' as const, at: AT + i }));
  const pairsOf = (pairCap?: number) => {
    const learned = emptyLearned();
    learnFrom(null, views, { ...params, ...(pairCap !== undefined ? { pairCap } : {}) }, learned);
    return [...learned.pairs.values()].filter((p) => p.itemId === 'd').map((p) => p.otherId).sort();
  };
  assert.deepEqual(pairsOf(), ['a', 'b', 'c']);
  assert.deepEqual(pairsOf(2), ['b', 'c']);
});
