import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrackedEvent } from '../../../src/core/events/event.js';
import { compileUrlPattern, interactionsOf } from '../../../src/core/recommendations/interactions.js';
import { parseRecommendationSettings } from '../../../src/core/recommendations/settings.js';

const AT = Date.UTC(2026, 0, 1);
const event = (over: Partial<TrackedEvent>): TrackedEvent => ({
  workspaceId: 'w', messageId: 'm', type: 'track', name: null, category: null, anonymousId: 'a', userId: null, previousId: null, groupId: null,
  properties: {}, traits: {}, context: {}, integrations: {}, timestamp: AT, originalTimestamp: null, sentAt: null, receivedAt: AT, ...over,
});

test('Segment e-commerce events: kind by name, id from product_id else sku, hints that would pass the catalogue only', () => {
  assert.deepEqual(interactionsOf(event({ name: 'Product Viewed', properties: { product_id: 'p1', sku: 's1', name: 'P', price: 2, currency: 'EUR', category: 'C', url: 'https://x.example/p1', image_url: 'ftp://nope' } }), []),
    [{ itemId: 'p1', kind: 'view', at: AT, hints: { title: 'P', price: 2, currency: 'EUR', categories: ['C'], url: 'https://x.example/p1', type: 'product' } }]);
  assert.deepEqual(interactionsOf(event({ name: 'Product Clicked', properties: { sku: 42 } }), []).map((i) => [i.itemId, i.kind]), [['42', 'click']]);
  assert.deepEqual(interactionsOf(event({ name: 'Product Added', properties: { product_id: 'p', price: -1, currency: 'euro' } }), [])[0]!.hints, { type: 'product' });
  assert.deepEqual(interactionsOf(event({ name: 'Order Completed', properties: { currency: 'USD', products: [{ product_id: 'a', price: 1 }, { sku: 'b' }, { product_id: 'a' }, null, { product_id: '' }] } }), [])
    .map((i) => [i.itemId, i.kind, i.hints.currency]), [['a', 'purchase', 'USD'], ['b', 'purchase', 'USD']]);
  assert.deepEqual(interactionsOf(event({ name: 'Order Completed', properties: { products: 'x' } }), []), []);
  assert.deepEqual(interactionsOf(event({ name: 'Signed Up', properties: { product_id: 'p' } }), []), []);
  assert.deepEqual(interactionsOf(event({ name: 'Product Viewed', properties: { product_id: 1.5 } }), []), [], 'a fractional number is no id');
});

test('pages: properties.item_id, else the first URL pattern that matches the path', () => {
  const patterns = ['/blog/:id', '/de/artikel/:id/*'].map((p) => compileUrlPattern(p)!);
  const page = (properties: Record<string, unknown>, context: Record<string, unknown> = {}) => interactionsOf(event({ type: 'page', name: 'Title', properties, context }), patterns).map((i) => [i.itemId, i.kind, i.hints.title]);
  assert.deepEqual(page({ item_id: 'wp-7' }), [['wp-7', 'read', 'Title']]);
  assert.deepEqual(page({ path: '/blog/smart-factory' }), [['smart-factory', 'read', 'Title']]);
  assert.deepEqual(page({ path: '/blog/smart-factory/' }), [['smart-factory', 'read', 'Title']]);
  assert.deepEqual(page({ path: '/blog/a/b' }), []);
  assert.deepEqual(page({}, { page: { path: '/de/artikel/k%C3%A4se/seite-2?x=1' } }), [['käse', 'read', 'Title']]);
  assert.deepEqual(page({ url: 'https://x.example/blog/from-url' }), [['from-url', 'read', 'Title']]);
  assert.deepEqual(page({ path: '/blog/%E0%A4' }), [], 'an undecodable id teaches nothing');
  assert.deepEqual(page({ path: '/pricing' }), []);
});

test('URL patterns: one :id segment, an optional final /*; anything else is refused', () => {
  for (const good of ['/blog/:id', '/:id', '/a/:id/*', '/a.b/:id']) assert.notEqual(compileUrlPattern(good), null, good);
  for (const bad of ['blog/:id', '/blog', '/:id/:id', '/:slug', '/a//:id', '/a/*/:id', '/a/:id?x', '/a/:id\n']) assert.equal(compileUrlPattern(bad), null, bad);
  assert.equal(compileUrlPattern('/a.b/:id')!.regex.test('/axb/1'), false, 'literal parts are escaped');
});

test('settings: defaults, and every bad field named', () => {
  assert.deepEqual(parseRecommendationSettings({}), { ok: true, settings: { urlPatterns: [], urlPatternType: 'article', historyWindow: '30d', historyCap: 20, pairCap: 10, halfLife: '90d', trendingHalfLife: '3d', neighbours: 20, minSupport: 2, rotationImpressions: 5, rotationHalfLife: '7d', segmentFilters: [] } });
  const bad = parseRecommendationSettings({ urlPatterns: ['/ok/:id', 'nope'], historyCap: 0, halfLife: '3 days', neighbours: 1.5, colour: 1 });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual(bad.issues.map((i) => i.field).sort(), ['colour', 'halfLife', 'historyCap', 'neighbours', 'urlPatterns[1]']);
  const order = parseRecommendationSettings({ halfLife: '2d', trendingHalfLife: '3d' });
  assert.equal(order.ok ? null : order.issues[0]!.field, 'trendingHalfLife');
});
