/**
 * The serving index (recommendations/serving-index.ts) on a real SQLite store, with a fake clock:
 * neighbour lists held in memory until ingest of this process says it learned about their item;
 * what it is not told of (another process's writes) shows after a background refresh (10 s) and
 * never later than the maximum age (60 s); items are read again after a catalogue write.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileRecommendationSettings, DEFAULT_RECOMMENDATION_SETTINGS } from '../../src/core/recommendations/settings.js';
import { learningParams } from '../../src/ingest/steps/learn-items.js';
import { createCatalogueGenerations } from '../../src/recommendations/list-cache.js';
import { createServingIndex } from '../../src/recommendations/serving-index.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';

const T0 = Date.UTC(2026, 0, 1);
const params = learningParams(compileRecommendationSettings(DEFAULT_RECOMMENDATION_SETTINGS));

test('neighbour lists: held until told; stale-while-revalidate after 10 s; never older than 60 s; items read again after a catalogue write', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-serving-index-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openSqliteStore({ file: join(dir, 'tessera.db'), sync: 'normal', migrate: true });
  t.after(() => store.close());
  await store.workspaces.create({ id: 'w', name: 'w', createdAt: T0 });
  // Pairs written straight through the store's write transaction, as another process's ingest would.
  const buy = (profileId: string, items: string[]) => store.write(async (tx) => tx.apply({
    workspaceId: 'w', newProfiles: [], merges: [], identities: [], events: [], consents: [], counters: [], profiles: [],
    itemLearning: { params, interactions: items.map((itemId, i) => ({ profileId, itemId, kind: 'purchase' as const, family: 'bought' as const, at: T0 + i })) },
  }));
  let clock = T0;
  const generations = createCatalogueGenerations();
  const index = createServingIndex(store.recommendations, { now: () => clock, generations });
  const others = async () => (await index.neighbours('w', 'bought', 'x', 10)).map((n) => n.itemId).sort();

  await buy('a', ['x', 'y']);
  assert.deepEqual(await others(), ['y']);
  await buy('b', ['x', 'z']);
  clock += 5_000;
  assert.deepEqual(await others(), ['y'], 'held: the write was not told');
  index.learned('w', ['z']);
  assert.deepEqual(await others(), ['y'], 'told of another item: still held');
  index.learned('w', ['x']);
  assert.deepEqual(await others(), ['y', 'z'], 'told of x: read again at once');

  await buy('c', ['x', 'v']);
  clock += 10_001;
  assert.deepEqual(await others(), ['y', 'z'], 'older than 10 s: answered from memory while it is read again');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(await others(), ['v', 'y', 'z'], 'the background read replaced it');

  await buy('d', ['x', 'u']);
  clock += 9_000;
  assert.deepEqual(await others(), ['v', 'y', 'z'], 'refreshed 9 s ago: held');
  clock += 60_000;
  assert.deepEqual(await others(), ['u', 'v', 'y', 'z'], 'older than 60 s: never served, read before answering');
  assert.equal((await index.neighbours('w', 'bought', 'x', 2)).length, 2, 'fewer asked: a slice of the held list');

  const item = (title: string) => ({ id: 'x', title, categories: [], tags: [], available: true, properties: {} });
  await store.recommendations.putItems('w', [item('Old')], clock);
  assert.equal((await index.getItem('w', 'x'))?.title, 'Old');
  await store.recommendations.putItems('w', [item('New')], clock);
  assert.equal((await index.getItem('w', 'x'))?.title, 'Old', 'held until the catalogue generation moves');
  generations.bump('w');
  assert.equal((await index.getItem('w', 'x'))?.title, 'New');
  assert.equal(await index.getItem('w', 'nope'), null);
});

test('warm: the lists of the items named are read ahead, then served from memory; a list held already is not read again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-serving-index-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openSqliteStore({ file: join(dir, 'tessera.db'), sync: 'normal', migrate: true });
  t.after(() => store.close());
  await store.workspaces.create({ id: 'w', name: 'w', createdAt: T0 });
  const buy = (profileId: string, items: string[]) => store.write(async (tx) => tx.apply({
    workspaceId: 'w', newProfiles: [], merges: [], identities: [], events: [], consents: [], counters: [], profiles: [],
    itemLearning: { params, interactions: items.map((itemId, i) => ({ profileId, itemId, kind: 'purchase' as const, family: 'bought' as const, at: T0 + i })) },
  }));
  const index = createServingIndex(store.recommendations, { now: () => T0 });
  await buy('a', ['x', 'y']);
  await index.warm('w', 'bought', ['x', 'y'], 10);
  assert.deepEqual(index.size(), { lists: 2, neighbourRows: 20, items: 0 });
  await buy('b', ['x', 'z']);
  assert.deepEqual((await index.neighbours('w', 'bought', 'x', 10)).map((n) => n.itemId), ['y'], 'read by warm, before the second purchase');
  await index.warm('w', 'bought', ['x'], 10);
  assert.deepEqual((await index.neighbours('w', 'bought', 'x', 10)).map((n) => n.itemId), ['y'], 'held: warm does not read it again');
});
