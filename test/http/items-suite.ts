/**
 * The item catalogue through the API (run against both stores: items*.test.ts): create, replace,
 * batch (all or nothing, every bad field named by index), paged list with filters, delete, and
 * answers in the documented shape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError, assertIssue, type Json } from './api-helpers.js';

export function itemsSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  describe('items API', () => {
    let t: TesseraUnderTest;
    before(async () => { t = await start({}); });
    after(async () => { await t.close(); });

    const call = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
      t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
    const ok = (res: { statusCode: number; body: string }, status = 200) => { assert.equal(res.statusCode, status, res.body); return JSON.parse(res.body) as Json; };

    it('puts an item (201, then 200 on replace), reads it back, deletes it', async () => {
      const created = ok(await call('PUT', '/v1/items/sku%2F1', { title: 'Sensor X', url: 'https://shop.example/p/1', type: 'product', categories: ['IoT'], price: 49.5, currency: 'EUR', publishedAt: '2026-01-02T03:04:05Z', properties: { brand: 'Acme' } }), 201);
      assert.equal(created.id, 'sku/1');
      assert.equal(created.source, 'catalogue');
      assert.equal(created.publishedAt, '2026-01-02T03:04:05.000Z');
      assert.equal(created.available, true);
      const replaced = ok(await call('PUT', '/v1/items/sku%2F1', { id: 'sku/1', title: 'Sensor Y', available: false }));
      assert.deepEqual([replaced.title, replaced.available, replaced.price, replaced.categories], ['Sensor Y', false, undefined, []]);
      assert.equal(ok(await call('GET', '/v1/items/sku%2F1')).title, 'Sensor Y');
      assert.deepEqual(ok(await call('DELETE', '/v1/items/sku%2F1')), { deleted: true, id: 'sku/1' });
      assertError(await call('GET', '/v1/items/sku%2F1'), 404, 'not_found');
      assertError(await call('DELETE', '/v1/items/sku%2F1'), 404, 'not_found');
    });

    it('refuses a bad item naming every failing field, and stores nothing', async () => {
      const error = assertError(await call('PUT', '/v1/items/bad', { id: 'other', price: -3, currency: 'euro', categories: 'IoT', colour: 'red' }), 400, 'invalid_body');
      for (const field of ['id', 'price', 'currency', 'categories', 'colour']) assertIssue(error, field, /./);
      assertError(await call('GET', '/v1/items/bad'), 404, 'not_found');
      assertIssue(assertError(await call('PUT', '/v1/items/%20padded', {}), 400), 'id', /whitespace/);
    });

    it('a batch is all or nothing; bad entries are named by index', async () => {
      const error = assertError(await call('POST', '/v1/items/batch', { items: [{ id: 'b1' }, { id: 'b2', price: 'free' }, { title: 'no id' }] }), 400, 'invalid_body');
      assertIssue(error, 'items[1].price', /number/);
      assertIssue(error, 'items[2].id', /required/);
      assertError(await call('GET', '/v1/items/b1'), 404);
      assertIssue(assertError(await call('POST', '/v1/items/batch', { items: [] }), 400), 'items', /1–1000/);
      assertIssue(assertError(await call('POST', '/v1/items/batch', { things: [] }), 400), 'things', /not a field/);
      const items = Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, type: i < 2 ? 'article' : 'product', categories: [i % 2 === 0 ? 'Even' : 'Odd'] }));
      assert.deepEqual(ok(await call('POST', '/v1/items/batch', { items })), { created: 5, replaced: 0 });
      assert.deepEqual(ok(await call('POST', '/v1/items/batch', { items: items.slice(0, 2) })), { created: 0, replaced: 2 });
    });

    it('lists items in id order, paged, filtered by category and type', async () => {
      const first = ok(await call('GET', '/v1/items?limit=2'));
      assert.deepEqual(first.items.map((i: Json) => i.id), ['b0', 'b1']);
      const second = ok(await call('GET', `/v1/items?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`));
      assert.deepEqual(second.items.map((i: Json) => i.id), ['b2', 'b3']);
      assert.deepEqual(ok(await call('GET', '/v1/items?category=Even&type=product')).items.map((i: Json) => i.id), ['b2', 'b4']);
      assert.deepEqual(ok(await call('GET', '/v1/items?source=event')).items, []);
      assertIssue(assertError(await call('GET', '/v1/items?source=shop'), 400), 'source', /./);
      assertIssue(assertError(await call('GET', '/v1/items?limit=0'), 400), 'limit', /./);
    });

    it('learns stubs from tracked events and from pages by a configured URL pattern; the catalogue then names them', async () => {
      assertIssue(assertError(await call('PUT', '/v1/recommendations/settings', { urlPatterns: ['/wissen/:slug'] }), 400, 'invalid_body'), 'urlPatterns[0]', /:id/);
      const settings = ok(await call('PUT', '/v1/recommendations/settings', { urlPatterns: ['/wissen/:id'] }));
      assert.equal(settings.historyCap, 20);
      assert.deepEqual(ok(await call('GET', '/v1/recommendations/settings')).urlPatterns, ['/wissen/:id']);
      const sent = await t.collect('/v1/batch', { batch: [
        { type: 'track', event: 'Product Viewed', anonymousId: 'shopper', properties: { product_id: 'ev-1', name: 'Drill', price: 99, category: 'Tools' } },
        { type: 'page', anonymousId: 'shopper', name: 'Edge computing', properties: { path: '/wissen/edge-computing' } },
        { type: 'track', event: 'Product Viewed', anonymousId: 'shopper', properties: { product_id: ['not', 'an', 'id'] } },
      ] });
      assert.equal(sent.statusCode, 200, sent.body);
      let stubs: Json[] = [];
      for (let i = 0; i < 50 && stubs.length < 2; i++) {
        stubs = ok(await call('GET', '/v1/items?source=event')).items;
        if (stubs.length < 2) await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(stubs.map((i: Json) => [i.id, i.title, i.type]), [['edge-computing', 'Edge computing', 'article'], ['ev-1', 'Drill', 'product']]);
      const exported = ok(await call('GET', '/v1/profiles/shopper/export'));
      assert.deepEqual(exported.itemHistory[0].items.map((r: Json) => [r.item, r.kind, r.family]), [['edge-computing', 'read', 'read'], ['ev-1', 'view', 'viewed']], 'the recent items are in the person\'s export');
      assert.match(exported.itemHistory[0].items[0].at, /^\d{4}-\d\d-\d\dT/);
      const named = ok(await call('PUT', '/v1/items/ev-1', { title: 'Cordless drill', categories: ['Tools', 'Outdoor'] }));
      assert.deepEqual([named.source, named.title], ['catalogue', 'Cordless drill']);
    });

    it('needs the admin key', async () => {
      assertError(await t.inject({ method: 'GET', url: '/v1/items' }), 401, 'unauthorized');
    });
  });
}
