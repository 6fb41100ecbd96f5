/**
 * The offline evaluation of what is served (npm run eval:recommendations), on a small generated shop
 * with planted co-purchases (fixed seed): for-you and also-bought, learned through the real ingest
 * pipeline into a real SQLite store, must beat the popularity baseline; so must they on every run of
 * the command (eval/recommendations.ts), on the public data set too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateServing } from '../../src/recommendations/evaluate-serving.js';
import { plantedShop } from '../../src/recommendations/planted-shop.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';

test('planted co-purchases: for-you and also-bought find the held-out bundle product far more often than popularity (hit rate and NDCG @10)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-eval-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openSqliteStore({ file: join(dir, 'tessera.db'), sync: 'normal', migrate: true });
  t.after(() => store.close());
  const shop = plantedShop({ seed: 7, people: 400, bundles: 12, start: Date.UTC(2026, 0, 1) });
  const result = await evaluateServing(store, { workspaceId: 'eval', people: shop.people, items: shop.items, strategies: ['for-you', 'also-bought', 'popular', 'similar'], k: 10 });
  assert.equal(result.people, 400);
  const by = Object.fromEntries(result.strategies.map((s) => [s.strategy, s]));
  const popular = by.popular!, forYou = by['for-you']!, alsoBought = by['also-bought']!;
  assert.equal(popular.started, 400);
  // The baseline ranks the best-selling fillers first; a bundle product rarely makes its top 10.
  assert.ok(popular.hitRate < 0.3, JSON.stringify(result));
  for (const s of [forYou, alsoBought]) {
    assert.ok(s.hitRate > 0.8, `${s.strategy}: ${JSON.stringify(result)}`);
    assert.ok(s.hitRate > popular.hitRate + 0.5 && s.ndcg > popular.ndcg + 0.3, `${s.strategy}: ${JSON.stringify(result)}`);
  }
  // Content similarity knows the category, not the bundle: between the two.
  assert.ok(by.similar!.hitRate < forYou.hitRate, JSON.stringify(result));
});
