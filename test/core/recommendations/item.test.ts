import assert from 'node:assert/strict';
import { test } from 'node:test';
import { itemIdProblem, parseItem } from '../../../src/core/recommendations/item.js';

test('a full item is parsed as sent; absent fields take their defaults', () => {
  const parsed = parseItem({
    id: 'SKU-1', title: 'Sensor', url: 'https://shop.example/p/1', image: 'http://cdn.example/1.png', type: 'product', categories: ['IoT', 'Sensors'],
    tags: ['new'], price: 0, currency: 'EUR', available: false, publishedAt: '2026-03-01T09:00:00Z', properties: { brand: 'Acme' },
  });
  assert.deepEqual(parsed, { ok: true, item: {
    id: 'SKU-1', title: 'Sensor', url: 'https://shop.example/p/1', image: 'http://cdn.example/1.png', type: 'product', categories: ['IoT', 'Sensors'],
    tags: ['new'], price: 0, currency: 'EUR', available: false, publishedAt: Date.UTC(2026, 2, 1, 9), properties: { brand: 'Acme' },
  } });
  assert.deepEqual(parseItem({ id: 'a' }), { ok: true, item: { id: 'a', categories: [], tags: [], available: true, properties: {} } });
});

test('every failing field is named, with the path prefix of a batch', () => {
  const parsed = parseItem({
    id: 'x', title: 5, url: 'javascript:alert(1)', image: 'https://a.example/x\r\ny', type: 'Product!', categories: ['a', 'a'], tags: 'sale',
    price: -1, currency: 'eur', available: 'yes', publishedAt: 'yesterday', properties: [], colour: 'red',
  }, { path: 'items[2].' });
  assert.equal(parsed.ok, false);
  if (parsed.ok) return;
  assert.deepEqual(parsed.issues.map((i) => i.field).sort(), [
    'items[2].available', 'items[2].categories', 'items[2].colour', 'items[2].currency', 'items[2].image', 'items[2].price', 'items[2].properties',
    'items[2].publishedAt', 'items[2].tags', 'items[2].title', 'items[2].type', 'items[2].url',
  ]);
});

test('ids: required, bounded, no control characters or surrounding spaces; the path id wins and a different body id is refused', () => {
  assert.equal(itemIdProblem('ok-1'), null);
  for (const bad of ['', ' a', 'a\u0000', 'x'.repeat(201), 7]) assert.notEqual(itemIdProblem(bad), null, String(bad));
  assert.deepEqual(parseItem({}), { ok: false, issues: [{ field: 'id', reason: 'is required' }] });
  assert.deepEqual(parseItem({ title: 'T' }, { id: 'p' }), { ok: true, item: { id: 'p', title: 'T', categories: [], tags: [], available: true, properties: {} } });
  assert.deepEqual(parseItem({ id: 'q' }, { id: 'p' }), { ok: false, issues: [{ field: 'id', reason: 'must equal the id in the path (or be left out)' }] });
  assert.deepEqual(parseItem('x'), { ok: false, issues: [{ field: 'body', reason: 'must be a JSON object' }] });
});

test('numbers out of range and oversized or unsafe properties are refused, not changed', () => {
  for (const price of [Infinity, NaN, 1e13]) assert.equal(parseItem({ id: 'a', price }).ok, false, String(price));
  const nested = parseItem({ id: 'a', properties: { a: { b: { c: { d: { e: { f: 1 } } } } } } });
  assert.equal(nested.ok, false);
  assert.equal(parseItem({ id: 'a', properties: { big: 'x'.repeat(17 * 1024) } }).ok, false);
  assert.equal(parseItem({ id: 'a', properties: { n: 'a\u0000b' } }).ok, false);
  const huge = parseItem({ id: 'a', properties: { n: Infinity } });
  assert.deepEqual(huge.ok ? null : huge.issues[0]!.field, 'properties.n');
});
