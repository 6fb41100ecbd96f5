/** The list cache (list-cache.ts), on a real SQLite store: popular rows read once within the TTL; catalogue pages until the catalogue generation is bumped. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cachedCatalogueReads, cachedPopularReads, createCatalogueGenerations } from '../../src/recommendations/list-cache.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';

test('popular rows: one read shared within the TTL (per workspace, family, limit and category); TTL 0: a read per call', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-list-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openSqliteStore({ file: join(dir, 'tessera.db'), sync: 'normal', migrate: true });
  t.after(() => store.close());
  await store.workspaces.create({ id: 'w', name: 'w', createdAt: Date.UTC(2026, 0, 1) });
  const cached = cachedPopularReads(store.recommendations, { ttlMs: 60_000 });
  const first = cached.popular('w', 'bought', { limit: 5 });
  assert.equal(cached.popular('w', 'bought', { limit: 5 }), first);
  assert.notEqual(cached.popular('w', 'bought', { limit: 5, category: 'shoes' }), first);
  assert.notEqual(cached.popular('w', 'viewed', { limit: 5 }), first);
  assert.deepEqual(await first, []);
  const fresh = cachedPopularReads(store.recommendations, { ttlMs: 0 });
  assert.notEqual(fresh.popular('w', 'bought', { limit: 5 }), fresh.popular('w', 'bought', { limit: 5 }));
});

test('catalogue pages: cached within the TTL until the generation is bumped; a paged or filtered query is never cached', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-list-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openSqliteStore({ file: join(dir, 'tessera.db'), sync: 'normal', migrate: true });
  t.after(() => store.close());
  const at = Date.UTC(2026, 0, 1);
  await store.workspaces.create({ id: 'w', name: 'w', createdAt: at });
  const item = (id: string) => ({ id, title: id, categories: ['shoes'], tags: [], available: true, properties: {} });
  await store.recommendations.putItems('w', [item('a')], at);
  const generations = createCatalogueGenerations();
  const cached = cachedCatalogueReads(store.recommendations, { ttlMs: 60_000, generations });
  const ids = async (query: Parameters<typeof cached.listItems>[1]) => (await cached.listItems('w', query)).items.map((i) => i.id).sort();
  assert.deepEqual(await ids({ limit: 10, category: 'shoes' }), ['a']);
  await store.recommendations.putItems('w', [item('b')], at + 1);
  assert.deepEqual(await ids({ limit: 10, category: 'shoes' }), ['a'], 'not bumped: the cached page');
  assert.deepEqual(await ids({ limit: 10, category: 'shoes', source: 'catalogue' }), ['a', 'b'], 'another query: the store');
  generations.bump('w');
  assert.deepEqual(await ids({ limit: 10, category: 'shoes' }), ['a', 'b'], 'bumped: read again');
});
