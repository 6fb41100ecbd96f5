/** Contract: the item catalogue (ports/recommendation-store.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stubItem, type Item } from '../../core/recommendations/item.js';
import { randomUUID } from 'node:crypto';
import { createIdentityGuard } from '../../core/identity/identity-key.js';
import { compileRecommendationSettings, DEFAULT_RECOMMENDATION_SETTINGS } from '../../core/recommendations/settings.js';
import { createProcessBatch } from '../../ingest/process-batch.js';
import { cosineOf } from '../../core/recommendations/co-occurrence.js';
import { weightAt } from '../../core/recommendations/decay.js';
import { parseDuration } from '../../core/segments/duration.js';
import type { Store } from '../../ports/store.js';
import { T0, events, newWorkspace, privacyContexts, profileOf, timeline, type StoreSubject } from './contract-fixtures.js';

const learning = createProcessBatch({
  guard: createIdentityGuard(),
  newProfileId: () => `prf_${randomUUID()}`,
  newMessageId: () => `tessera-${randomUUID()}`,
  recommendations: { get: async () => compileRecommendationSettings({ ...DEFAULT_RECOMMENDATION_SETTINGS, urlPatterns: ['/blog/:id'] }) },
});

/** Ingests through a pipeline that learns items (the fixtures' own pipeline does not). */
async function sendLearning(store: Store, workspaceId: string, inputs: ReadonlyArray<Record<string, unknown> & { at?: number }>) {
  const privacy = await privacyContexts(store).get(workspaceId);
  return store.write((tx) => learning(tx, workspaceId, events(workspaceId, inputs), privacy));
}

const item = (id: string, over: Partial<Item> = {}): Item => ({ ...stubItem(id, {}), ...over });

export function recommendationContract(subject: () => StoreSubject): void {
  test('items are created, replaced whole, read back with every field, and deleted', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    const full: Item = {
      id: 'SKU-1/ä', title: 'Drehmomentschlüssel «Pro»', url: 'https://shop.example/p/1', image: 'https://cdn.example/1.jpg', type: 'product',
      categories: ['Tools', 'Smart Factory'], tags: ['sale'], price: 129.9, currency: 'EUR', available: false, publishedAt: T0 - 5000,
      properties: { brand: 'Acme', dims: { w: 3, h: [1, 2] } },
    };
    assert.deepEqual(await store.recommendations.putItems(ws, [full, item('b')], T0), { created: 2, replaced: 0 });
    assert.deepEqual(await store.recommendations.getItem(ws, full.id), { ...full, workspaceId: ws, source: 'catalogue', createdAt: T0, updatedAt: T0 });
    assert.equal(await store.recommendations.getItem(other, full.id), null, 'items are per workspace');

    assert.deepEqual(await store.recommendations.putItems(ws, [item(full.id, { title: 'New' }), item('c')], T0 + 10), { created: 1, replaced: 1 });
    const replaced = await store.recommendations.getItem(ws, full.id);
    assert.deepEqual(replaced, { ...item(full.id, { title: 'New' }), workspaceId: ws, source: 'catalogue', createdAt: T0, updatedAt: T0 + 10 }, 'a put replaces every field and keeps createdAt');
    assert.equal((await store.recommendations.listItems(ws, { limit: 10, category: 'Tools' })).items.length, 0, 'its old categories are gone');

    assert.equal(await store.recommendations.deleteItem(ws, 'b'), true);
    assert.equal(await store.recommendations.deleteItem(ws, 'b'), false);
    assert.equal(await store.recommendations.getItem(ws, 'b'), null);
    assert.deepEqual([...(await store.recommendations.getItems(ws, ['c', 'b', full.id])).keys()].sort(), ['SKU-1/ä', 'c']);
    assert.equal((await store.recommendations.getItems(ws, [])).size, 0);
  });

  test('the same id twice in one put: the last wins', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    assert.deepEqual(await store.recommendations.putItems(ws, [item('x', { title: 'first' }), item('x', { title: 'second' })], T0), { created: 1, replaced: 0 });
    assert.equal((await store.recommendations.getItem(ws, 'x'))?.title, 'second');
  });

  test('items are listed in id order, paged, and filtered by category, type and source', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const ids = Array.from({ length: 7 }, (_, i) => `item-${i}`);
    await store.recommendations.putItems(ws, ids.map((id, i) => item(id, { type: i % 2 === 0 ? 'article' : 'product', categories: i < 3 ? ['IoT'] : ['Cloud'] })), T0);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await store.recommendations.listItems(ws, { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.deepEqual(seen, ids);
    assert.deepEqual((await store.recommendations.listItems(ws, { limit: 10, category: 'IoT' })).items.map((i) => i.id), ['item-0', 'item-1', 'item-2']);
    assert.deepEqual((await store.recommendations.listItems(ws, { limit: 10, category: 'IoT', type: 'article' })).items.map((i) => i.id), ['item-0', 'item-2']);
    assert.deepEqual((await store.recommendations.listItems(ws, { limit: 10, source: 'event' })).items, []);
    assert.equal((await store.recommendations.listItems(ws, { limit: 10, category: 'iot' })).items.length, 0, 'categories match exactly');
    // A category paged with its cursor (the category's index drives the read), and only this workspace's items.
    const other = await newWorkspace(store);
    await store.recommendations.putItems(other, [item('item-35', { categories: ['Cloud'] })], T0);
    const cloud: string[] = [];
    cursor = undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await store.recommendations.listItems(ws, { limit: 2, category: 'Cloud', ...(cursor ? { cursor } : {}) });
      cloud.push(...page.items.map((i) => i.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.deepEqual(cloud, ['item-3', 'item-4', 'item-5', 'item-6']);
    assert.deepEqual((await store.recommendations.listItems(ws, { limit: 10, category: 'Cloud', type: 'product', source: 'catalogue' })).items.map((i) => i.id), ['item-3', 'item-5']);
  });
}

export function itemLearningContract(subject: () => StoreSubject): void {
  test('items named by events become stubs; the catalogue\'s word wins and is never overwritten by events', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await store.recommendations.putItems(ws, [item('known', { title: 'From the catalogue', categories: ['Tools'] })], T0);
    const outcome = await sendLearning(store, ws, [
      { type: 'track', event: 'Product Viewed', anonymousId: 'a1', properties: { product_id: 'p-1', name: 'Widget', price: 9.5, currency: 'EUR', category: 'Gadgets', url: 'https://shop.example/p-1' }, at: T0 + 1000 },
      { type: 'track', event: 'Product Viewed', anonymousId: 'a1', properties: { product_id: 'known', name: 'Told by an event' }, at: T0 + 2000 },
      { type: 'track', event: 'Order Completed', anonymousId: 'a1', properties: { currency: 'EUR', products: [{ sku: 'p-2', price: 3 }, { product_id: 'p-1' }, { product_id: 'bad\u0000id' }, 'junk'] }, at: T0 + 3000 },
      { type: 'page', anonymousId: 'a1', name: 'How to', properties: { path: '/blog/how-to', title: 'How to' }, at: T0 + 4000 },
      { type: 'track', event: 'Product Added', anonymousId: 'a1', properties: { product_id: { not: 'an id' } }, at: T0 + 5000 },
    ]);
    assert.equal(outcome.stored, 5, 'every event is stored, also those naming bad or unknown ids');
    assert.equal((await timeline(store, ws, await profileOf(store, ws, 'a1'))).length, 5);
    const stub = await store.recommendations.getItem(ws, 'p-1');
    assert.deepEqual(stub && { ...stub, createdAt: 0, updatedAt: 0 }, {
      id: 'p-1', workspaceId: ws, source: 'event', title: 'Widget', price: 9.5, currency: 'EUR', categories: ['Gadgets'], url: 'https://shop.example/p-1', type: 'product',
      tags: [], available: true, properties: {}, createdAt: 0, updatedAt: 0,
    });
    assert.deepEqual(await store.recommendations.getItem(ws, 'p-2').then((i) => i && [i.source, i.price, i.currency]), ['event', 3, 'EUR']);
    assert.deepEqual(await store.recommendations.getItem(ws, 'how-to').then((i) => i && [i.source, i.type, i.title]), ['event', 'article', 'How to']);
    assert.equal((await store.recommendations.getItem(ws, 'known'))?.title, 'From the catalogue');
    assert.deepEqual((await store.recommendations.listItems(ws, { limit: 10, category: 'Gadgets' })).items.map((i) => i.id), ['p-1'], 'a stub\'s categories are indexed');
    assert.deepEqual((await store.recommendations.listItems(ws, { limit: 10, source: 'event' })).items.map((i) => i.id), ['how-to', 'p-1', 'p-2']);

    await store.recommendations.putItems(ws, [item('p-1', { title: 'Widget Pro', categories: ['Tools'] })], T0 + 10_000);
    await sendLearning(store, ws, [{ type: 'track', event: 'Product Viewed', anonymousId: 'a2', properties: { product_id: 'p-1', name: 'Stale name', category: 'Gadgets' }, at: T0 + 11_000 }]);
    const named = await store.recommendations.getItem(ws, 'p-1');
    assert.deepEqual([named?.source, named?.title, named?.categories, named?.createdAt], ['catalogue', 'Widget Pro', ['Tools'], stub!.createdAt], 'the catalogue enriches the stub and keeps it');
    assert.deepEqual((await store.recommendations.listItems(ws, { limit: 10, category: 'Gadgets' })).items, []);
  });
}

export function itemModelContract(subject: () => StoreSubject): void {
  const HOUR = 3_600_000;
  const bought = (anonymousId: string, ids: string[], at: number) => ({ type: 'track', event: 'Order Completed', anonymousId, properties: { products: ids.map((product_id) => ({ product_id })) }, at });
  const viewed = (anonymousId: string, id: string, at: number) => ({ type: 'track', event: 'Product Viewed', anonymousId, properties: { product_id: id }, at });

  test('co-purchases are counted once per person, both ways; cosine and popularity come out as computed by hand', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    // A with B: 3 people (one in two orders); A with C: 1 person; A alone: 1 person.
    await sendLearning(store, ws, [
      bought('u1', ['A', 'B'], T0), bought('u2', ['A'], T0), bought('u2', ['B'], T0), bought('u3', ['B', 'A', 'B'], T0),
      bought('u4', ['A', 'C'], T0), bought('u5', ['A'], T0),
    ]);
    // Repeats within the window teach nothing new.
    await sendLearning(store, ws, [bought('u1', ['A', 'B'], T0), viewed('u1', 'A', T0), viewed('u1', 'A', T0)]);
    const halfLife = parseDuration(DEFAULT_RECOMMENDATION_SETTINGS.halfLife)!;
    const at = (score: number) => Math.round(weightAt(score, T0, halfLife) * 1e9) / 1e9;
    const fromA = await store.recommendations.neighbours(ws, 'bought', 'A', 10);
    assert.deepEqual(fromA.map((n) => [n.itemId, at(n.pairScore), at(n.itemScore), at(n.otherScore)]), [['B', 3, 5, 3], ['C', 1, 5, 1]]);
    assert.ok(Math.abs(cosineOf(fromA[0]!.pairScore, fromA[0]!.itemScore, fromA[0]!.otherScore) - 3 / Math.sqrt(15)) < 1e-9);
    assert.deepEqual((await store.recommendations.neighbours(ws, 'bought', 'B', 10)).map((n) => [n.itemId, at(n.pairScore)]), [['A', 3]]);
    assert.deepEqual((await store.recommendations.neighbours(ws, 'viewed', 'A', 10)), [], 'families are apart');
    // Many items in one read (the serving index's warm): the same lists, each at most `limit` long; unknown items have none.
    const many = await store.recommendations.neighboursOfMany(ws, 'bought', ['A', 'B', 'nope'], 1);
    assert.deepEqual([...many.keys()].sort(), ['A', 'B']);
    assert.deepEqual(many.get('A'), fromA.slice(0, 1));
    assert.deepEqual(many.get('B'), await store.recommendations.neighbours(ws, 'bought', 'B', 1));
    assert.deepEqual(await store.recommendations.neighboursOfMany(ws, 'bought', [], 5), new Map());
    assert.deepEqual((await store.recommendations.popular(ws, 'bought', { limit: 10 })).map((s) => [s.itemId, at(s.longScore)]), [['A', 5], ['B', 3], ['C', 1]]);
    assert.deepEqual((await store.recommendations.popular(ws, 'viewed', { limit: 10 })).map((s) => s.itemId), ['A']);
    const u1 = await profileOf(store, ws, 'u1');
    assert.deepEqual((await store.recommendations.history(ws, u1))?.items.map((r) => [r.itemId, r.family, r.kind]).sort(), [['A', 'bought', 'purchase'], ['A', 'viewed', 'view'], ['B', 'bought', 'purchase']]);
  });

  test('old co-occurrences fade: half the weight after a half-life; the window bounds what co-occurs', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const halfLife = parseDuration(DEFAULT_RECOMMENDATION_SETTINGS.halfLife)!;
    const windowMs = parseDuration(DEFAULT_RECOMMENDATION_SETTINGS.historyWindow)!;
    await sendLearning(store, ws, [bought('old', ['X', 'Y'], T0), bought('new', ['X', 'Z'], T0 + halfLife)]);
    const n = await store.recommendations.neighbours(ws, 'bought', 'X', 10);
    assert.deepEqual(n.map((x) => [x.itemId, Math.round(weightAt(x.pairScore, T0 + halfLife, halfLife) * 1e9) / 1e9]), [['Z', 1], ['Y', 0.5]]);
    await sendLearning(store, ws, [viewed('w', 'P', T0), viewed('w', 'Q', T0 + windowMs + HOUR)]);
    assert.deepEqual(await store.recommendations.neighbours(ws, 'viewed', 'P', 10), [], 'Q came after the window');
  });

  test('a merge folds the recent items into the survivor; popular filters by category', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await store.recommendations.putItems(ws, [item('K', { categories: ['Tools'] })], T0);
    await sendLearning(store, ws, [viewed('anon-m', 'K', T0), viewed('anon-m', 'L', T0 + 1), { type: 'identify', userId: 'user-m', traits: {}, at: T0 + 2 }]);
    await sendLearning(store, ws, [{ type: 'identify', userId: 'user-m', anonymousId: 'anon-m', traits: {}, at: T0 + 3 }, viewed('anon-m', 'M', T0 + 4)]);
    const live = await profileOf(store, ws, 'user-m');
    assert.deepEqual((await store.recommendations.history(ws, live))?.items.map((r) => r.itemId), ['M', 'L', 'K']);
    // The person and their history in one read, by any identifier; someone without history; nobody.
    for (const key of [live, 'anon-m', 'user-m']) {
      const found = await store.recommendations.historyOf(ws, key);
      assert.equal(found?.profileId, live, key);
      assert.deepEqual(found?.history, await store.recommendations.history(ws, live), key);
    }
    await sendLearning(store, ws, [{ type: 'identify', userId: 'user-quiet', traits: {}, at: T0 + 5 }]);
    assert.deepEqual(await store.recommendations.historyOf(ws, 'user-quiet'), { profileId: await profileOf(store, ws, 'user-quiet'), history: null });
    assert.equal(await store.recommendations.historyOf(ws, 'nobody'), null);
    assert.deepEqual((await store.recommendations.popular(ws, 'viewed', { limit: 10, category: 'Tools' })).map((s) => s.itemId), ['K']);
    assert.deepEqual((await store.recommendations.neighbours(ws, 'viewed', 'M', 10)).map((x) => x.itemId).sort(), ['K', 'L']);
  });

  test('the aggregates hold no profile id and no identifier', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await sendLearning(store, ws, [{ type: 'identify', userId: 'user-4712', anonymousId: 'anon-4712', traits: { email: 'eve@example.test' } }, bought('anon-4712', ['S1', 'S2'], T0)]);
    const profileId = await profileOf(store, ws, 'user-4712');
    const aggregates = JSON.stringify([await store.recommendations.neighbours(ws, 'bought', 'S1', 10), await store.recommendations.popular(ws, 'bought', { limit: 10 })]);
    for (const secret of [profileId, 'user-4712', 'anon-4712', 'eve@example.test']) assert.ok(!aggregates.includes(secret), `the aggregates hold ${secret}`);
  });

  test('views and clicks of recommended lists: shown counts in the person\'s history (reset by a click, merged), sums per list and day', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const DAY = 86_400_000;
    const shown = (anonymousId: string, listId: string, ids: string[], at: number, extra: Record<string, unknown> = {}) => ({
      type: 'track', event: 'Recommendation Viewed', anonymousId, at, properties: { list_id: listId, strategy: 'for-you', items: ids.map((item_id) => ({ item_id })), ...extra },
    });
    const clicked = (anonymousId: string, listId: string, id: string, position: number, at: number) => ({
      type: 'track', event: 'Recommendation Clicked', anonymousId, at, properties: { list_id: listId, strategy: 'for-you', item_id: id, position },
    });
    await sendLearning(store, ws, [
      shown('v1', 'home', ['A', 'B', 'C'], T0), shown('v1', 'home', ['A', 'B'], T0 + 1), clicked('v1', 'home', 'B', 2, T0 + 2),
      shown('v2', 'home', ['A'], T0 + DAY, { source: 'server' }), shown('v2', 'pdp', ['A', 'D'], T0 + DAY, { strategy: 'also-bought' }), clicked('v2', 'pdp', 'D', 2, T0 + DAY),
      { type: 'track', event: 'Recommendation Viewed', anonymousId: 'v2', at: T0, properties: { list_id: 'eve@example.test', items: [{ item_id: 'A' }] } },
    ]);
    const v1 = await profileOf(store, ws, 'v1');
    const rotationHalfLife = parseDuration(DEFAULT_RECOMMENDATION_SETTINGS.rotationHalfLife)!;
    const counts = async (profileId: string, at: number) => Object.fromEntries(((await store.recommendations.history(ws, profileId))?.shown ?? []).map((x) => [x.itemId, Math.round(weightAt(x.score, at, rotationHalfLife) * 1e6) / 1e6]));
    assert.deepEqual(await counts(v1, T0 + 2), { A: 2, C: 1 }, 'B was clicked: its count starts again');
    assert.deepEqual(await counts(v1, T0 + rotationHalfLife), { A: 1, C: 0.5 }, 'counts halve in the rotation half-life');
    await sendLearning(store, ws, [{ type: 'track', event: 'Order Completed', anonymousId: 'v1', at: T0 + 3, properties: { products: [{ product_id: 'A' }] } }]);
    assert.deepEqual(await counts(v1, T0 + 3), { C: 1 }, 'a purchase of a shown item is a click on it');

    const report = (fromDay: number, toDay: number) => store.recommendations.listReport(ws, { fromDay, toDay });
    const day0 = Math.floor(T0 / DAY);
    assert.deepEqual(await report(day0, day0 + 1), [
      { listId: 'home', strategy: 'for-you', source: 'server', views: 1, impressions: 1, clicks: 0, clickPositions: 0, clickPositionSum: 0 },
      { listId: 'home', strategy: 'for-you', source: 'tracker', views: 2, impressions: 5, clicks: 1, clickPositions: 1, clickPositionSum: 2 },
      { listId: 'pdp', strategy: 'also-bought', source: 'tracker', views: 1, impressions: 2, clicks: 0, clickPositions: 0, clickPositionSum: 0 },
      { listId: 'pdp', strategy: 'for-you', source: 'tracker', views: 0, impressions: 0, clicks: 1, clickPositions: 1, clickPositionSum: 2 },
    ], 'a list id that is not a plain label (an e-mail address) is not counted');
    assert.deepEqual((await report(day0, day0)).map((r) => [r.listId, r.source, r.views]), [['home', 'tracker', 2]], 'the range is by day');

    // A merge adds the merged person's counts to the survivor's.
    await sendLearning(store, ws, [shown('m1', 'home', ['A'], T0), shown('m2', 'home', ['A', 'C'], T0), { type: 'identify', userId: 'user-m', anonymousId: 'm1', traits: {}, at: T0 + 1 }]);
    await sendLearning(store, ws, [{ type: 'identify', userId: 'user-m', anonymousId: 'm2', traits: {}, at: T0 + 2 }]);
    assert.deepEqual(await counts(await profileOf(store, ws, 'user-m'), T0), { A: 2, C: 1 });
  });
}
