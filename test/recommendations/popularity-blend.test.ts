/**
 * Popularity-blended neighbours (serving-model.ts `popularityWeight`), served from a real SQLite
 * store learned through the ingest pipeline: a weak neighbour of X against a best-seller never
 * bought with X. Without the blend the best-seller is not an also-bought candidate at all; a small β
 * keeps the co-occurring neighbour first and adds the best-seller after it (reason: popular); a
 * large β puts the best-seller first. For-you blends the same way.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Interaction } from '../../src/core/recommendations/co-occurrence.js';
import { PREVIOUS_SERVING_MODEL, type ServingModel } from '../../src/core/recommendations/serving-model.js';
import { evaluateServing } from '../../src/recommendations/evaluate-serving.js';
import { createRecommendationService } from '../../src/recommendations/recommendation-service.js';
import { createRecommendationSettings } from '../../src/recommendations/recommendation-settings.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 2, 1);

test('popularity blend: off, a small β and a large β on also-bought and for-you', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-blend-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openSqliteStore({ file: join(dir, 'tessera.db'), sync: 'normal', migrate: true });
  t.after(() => store.close());
  const buy = (itemId: string, hours: number): Interaction => ({ itemId, kind: 'purchase', at: start + hours * HOUR });
  const people: Interaction[][] = [
    // Three people buy X and Y (C(X, Y) = 3, above the minimum support of 2 however it decays): Y is X's only neighbour.
    [buy('x', 0), buy('y', 1), buy('held-a', 2)],
    [buy('x', 3), buy('y', 4), buy('held-b', 5)],
    [buy('x', 6), buy('y', 7), buy('held-c', 8)],
    // Ten people buy the best-seller, never with X.
    ...Array.from({ length: 10 }, (_, n) => [buy('best-seller', 10 + n), buy(`held-${n}`, 30 + n)]),
    // The for-you person: bought X only (their held-out item is W).
    [buy('x', 50), buy('w', 51)],
  ];
  // Learns every person's training part (the held-out items are never learned).
  await evaluateServing(store, { workspaceId: 'blend', people, items: [], strategies: [], k: 10 });
  const settings = createRecommendationSettings({ store, now: () => start });
  const now = start + 60 * HOUR;
  const serve = async (model: ServingModel, kind: 'also-bought' | 'for-you') => {
    const service = createRecommendationService({ store, settings, model });
    const profileId = kind === 'for-you' ? await store.profiles.resolve('blend', `person-${people.length - 1}`) : null;
    const list = await service.recommend({ workspaceId: 'blend', kind, profileId, ...(kind === 'also-bought' ? { itemId: 'x' } : {}), filters: {}, limit: 3, maxPerCategory: 3, locale: 'en', now });
    return list.map((r) => `${r.item.id}:${r.reason.kind}`);
  };
  const model = (popularityWeight: number): ServingModel => ({ ...PREVIOUS_SERVING_MODEL, popularityWeight });

  assert.deepEqual(await serve(PREVIOUS_SERVING_MODEL, 'also-bought'), ['y:bought-with']);
  // N(X) = 4, N(Y) = 3, N(best-seller) = 10. β = 0.1: Y scores 1 + cos 3/√12 + 0.1 × 3/10; the best-seller 1 + 0.1 × 1.
  assert.deepEqual((await serve(model(0.1), 'also-bought')).slice(0, 2), ['y:bought-with', 'best-seller:popular']);
  // β = 2: the best-seller (1 + 2) before Y (1 + 0.87 + 2 × 0.3).
  assert.deepEqual((await serve(model(2), 'also-bought')).slice(0, 2), ['best-seller:popular', 'y:bought-with']);

  // For-you of the person who bought X (X itself is excluded): Y because of X, then the best-seller; a large β swaps them.
  assert.deepEqual((await serve(model(0.1), 'for-you')).slice(0, 2), ['y:because-you', 'best-seller:popular']);
  assert.deepEqual((await serve(model(2), 'for-you')).slice(0, 2), ['best-seller:popular', 'y:because-you']);
});
