/**
 * What the person already bought is left out before an also-bought list is cut to the top-K
 * neighbours, not after: with K = 3 and X's best neighbours A, B, C, D, E, a person who bought X, A
 * and B gets C, D and E as "also bought" with X (before, the cut kept A, B, C and the exclusion left
 * C alone). For-you (which cuts before excluding, see recommendation-service.ts) still recommends
 * nothing bought and fills its list. Learned through the ingest pipeline into a real SQLite store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Interaction } from '../../src/core/recommendations/co-occurrence.js';
import { evaluateServing } from '../../src/recommendations/evaluate-serving.js';
import { createRecommendationService } from '../../src/recommendations/recommendation-service.js';
import { createRecommendationSettings } from '../../src/recommendations/recommendation-settings.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 2, 1);

test('the person\'s purchases are excluded before the top-K cut: also-bought stays full', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-exclude-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openSqliteStore({ file: join(dir, 'tessera.db'), sync: 'normal', migrate: true });
  t.after(() => store.close());
  let hour = 0;
  const buy = (itemId: string): Interaction => ({ itemId, kind: 'purchase', at: start + hour++ * HOUR });
  const people: Interaction[][] = [];
  // X is bought with A by 7 people, with B by 6, C by 5, D by 4, E by 3 (above the minimum support of 2 however it decays; each person's last purchase is
  // held out by the evaluation, so never learned).
  for (const [item, times] of [['a', 7], ['b', 6], ['c', 5], ['d', 4], ['e', 3]] as const) {
    for (let n = 0; n < times; n++) people.push([buy('x'), buy(item), buy(`held-${item}-${n}`)]);
  }
  // The person: bought X, A and B.
  people.push([buy('x'), buy('a'), buy('b'), buy('held-person')]);
  await evaluateServing(store, { workspaceId: 'shop', people, items: [], strategies: [], k: 10 });
  const now = start + (hour + 1) * HOUR;
  const settings = createRecommendationSettings({ store, now: () => now });
  await settings.put('shop', { neighbours: 3 });
  const service = createRecommendationService({ store, settings });
  const profileId = await store.profiles.resolve('shop', `person-${people.length - 1}`);
  assert.ok(profileId, 'the person was learned');
  const list = async (kind: 'also-bought' | 'for-you', who: string | null) => (await service.recommend({
    workspaceId: 'shop', kind, profileId: who, ...(kind === 'also-bought' ? { itemId: 'x' } : {}), filters: {}, limit: 3, maxPerCategory: 3, locale: 'en', now,
  })).map((r) => `${r.item.id}:${r.reason.kind}`);

  // Someone who bought nothing: X's three best neighbours.
  assert.deepEqual(await list('also-bought', null), ['a:bought-with', 'b:bought-with', 'c:bought-with']);
  // The person who bought A and B: the next three, still a full list.
  assert.deepEqual(await list('also-bought', profileId), ['c:bought-with', 'd:bought-with', 'e:bought-with']);
  const forYou = await list('for-you', profileId);
  assert.equal(forYou.length, 3, forYou.join(', '));
  assert.ok(forYou.every((r) => !/^(x|a|b):/.test(r)), `nothing bought is recommended: ${forYou.join(', ')}`);
  assert.ok(forYou.includes('c:because-you'), `C, X's best neighbour not bought, because of what they bought: ${forYou.join(', ')}`);
});
