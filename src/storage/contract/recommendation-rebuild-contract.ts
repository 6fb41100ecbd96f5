/**
 * Contract: a rebuild from the stored events (recommendations/rebuild-recommendations.ts) ends with
 * the state ingest built (neighbours, popularity, histories with rotation counts, stubs), also when
 * interrupted half-way and resumed; until its last page, what is served is the state before it
 * (atomic: built in a new generation, switched in one transaction); the erasure of the person its
 * cursor names leaves no trace of them in the progress and changes nothing of the resumed result;
 * an erasure between a page's read and its write leaves nothing of the person in the rebuilt state.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { createIdentityGuard } from '../../core/identity/identity-key.js';
import { compileRecommendationSettings, DEFAULT_RECOMMENDATION_SETTINGS } from '../../core/recommendations/settings.js';
import { seededRandom } from '../../core/seeded-random.js';
import { weightAt } from '../../core/recommendations/decay.js';
import { createProcessBatch } from '../../ingest/process-batch.js';
import { rebuildRecommendations } from '../../recommendations/rebuild-recommendations.js';
import type { Family } from '../../core/recommendations/co-occurrence.js';
import type { Store } from '../../ports/store.js';
import { T0, events, newWorkspace, privacyContexts, type StoreSubject } from './contract-fixtures.js';

const settings = compileRecommendationSettings({ ...DEFAULT_RECOMMENDATION_SETTINGS, urlPatterns: ['/blog/:id'] });
const source = { get: async () => settings };
const learning = createProcessBatch({
  guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId: () => `tessera-${randomUUID()}`, recommendations: source,
});

/** A seeded shop: 30 people view products, buy some, read articles, see and click recommended lists. */
function shop(seed: number): Array<Array<Record<string, unknown> & { at: number }>> {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const batches: Array<Array<Record<string, unknown> & { at: number }>> = [];
  let at = T0;
  for (let b = 0; b < 12; b++) {
    const batch: Array<Record<string, unknown> & { at: number }> = [];
    for (let e = 0; e < 25; e++) {
      at += 60_000;
      const anonymousId = `p${pick(30)}`;
      const product = `sku-${pick(15)}`;
      const r = random();
      if (r < 0.5) batch.push({ type: 'track', event: 'Product Viewed', anonymousId, properties: { product_id: product, name: `Product ${product}`, category: `c${pick(3)}` }, at });
      else if (r < 0.7) batch.push({ type: 'track', event: 'Order Completed', anonymousId, properties: { products: [{ product_id: product }, { product_id: `sku-${pick(15)}` }] }, at });
      else if (r < 0.85) batch.push({ type: 'page', anonymousId, properties: { path: `/blog/post-${pick(8)}` }, at });
      else if (r < 0.95) batch.push({ type: 'track', event: 'Recommendation Viewed', anonymousId, properties: { list_id: 'home', strategy: 'for-you', items: [{ item_id: product, position: 1 }, { item_id: `sku-${pick(15)}`, position: 2 }] }, at });
      else batch.push({ type: 'track', event: 'Recommendation Clicked', anonymousId, properties: { list_id: 'home', strategy: 'for-you', item_id: product, position: 1 }, at });
    }
    batches.push(batch);
  }
  return batches;
}

async function ingest(store: Store, ws: string, batches: ReturnType<typeof shop>): Promise<void> {
  const privacy = await privacyContexts(store).get(ws);
  for (const batch of batches) await store.write((tx) => learning(tx, ws, events(ws, batch), privacy));
}

const FAMILIES: Family[] = ['viewed', 'bought', 'read'];
const round = (score: number) => Math.round(weightAt(score, T0 + 86_400_000, settings.halfLifeMs) * 1e6) / 1e6;

/** What was learned, read through the port: neighbours and popularity per family, histories, stubs, the list report. */
async function snapshot(store: Store, ws: string): Promise<unknown> {
  const items = (await store.recommendations.listItems(ws, { limit: 100 })).items;
  // A stub's fields are what the first event replayed told (people in id order), not the first to arrive: ids and sources only.
  const out: Record<string, unknown> = { items: items.map((i) => [i.id, i.source]) };
  for (const family of FAMILIES) {
    out[`popular:${family}`] = (await store.recommendations.popular(ws, family, { limit: 100 })).map((s) => [s.itemId, round(s.longScore)]).sort();
    for (const i of items) {
      const n = await store.recommendations.neighbours(ws, family, i.id, 100);
      if (n.length > 0) out[`${family}:${i.id}`] = n.map((x) => [x.itemId, round(x.pairScore)]).sort();
    }
  }
  const ids = await store.segments.profileIds(ws, { limit: 1000 });
  for (const id of ids) {
    const h = await store.recommendations.history(ws, id);
    if (h) out[`history:${id}`] = { items: h.items.map((r) => [r.itemId, r.family, r.kind, r.at]), shown: (h.shown ?? []).map((s) => JSON.stringify(s)).sort() };
  }
  out.report = await store.recommendations.listReport(ws, { fromDay: 0, toDay: 100_000 });
  return out;
}

export function recommendationRebuildContract(subject: () => StoreSubject): void {
  test('a rebuild from the stored events reproduces the state ingest built; interrupted half-way, it resumes and ends the same', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await ingest(store, ws, shop(15));
    const built = await snapshot(store, ws);
    assert.ok(Object.keys(built as object).some((k) => k.startsWith('bought:')), 'the shop taught co-purchases');
    assert.ok(Object.keys(built as object).some((k) => k.startsWith('history:')));

    const now = () => T0 + 86_400_000;
    const deps = { store, settings: source, now };
    const full = await rebuildRecommendations(deps, ws, { chunk: 7 });
    assert.equal(full.done, true);
    assert.equal(full.progress.processed, full.total);
    assert.deepEqual(await snapshot(store, ws), built, 'a full rebuild ends with the state ingest built');

    const seen: number[] = [];
    const half = await rebuildRecommendations(deps, ws, { chunk: 7, stopAfterPages: 2, onProgress: (p) => seen.push(p.processed) });
    assert.equal(half.done, false);
    assert.equal(half.progress.processed, 14);
    assert.deepEqual(seen, [0, 7, 14]);
    assert.deepEqual(await snapshot(store, ws), built, 'half-way, the state before the rebuild is served whole (nothing half-built)');
    assert.deepEqual(await store.recommendations.rebuildProgress(ws), { ...half.progress });

    const rest = await rebuildRecommendations(deps, ws, { chunk: 7 });
    assert.equal(rest.resumed, true, 'the unfinished rebuild continues');
    assert.equal(rest.done, true);
    assert.equal(rest.progress.processed, full.progress.processed);
    assert.deepEqual(await snapshot(store, ws), built, 'the resumed rebuild ends with the same state');
    assert.equal((await rebuildRecommendations(deps, ws, { chunk: 7, stopAfterPages: 0 })).resumed, false, 'a finished rebuild is not resumed: a new one starts');
  });

  test('erasing the person the rebuild\'s cursor names: the cursor moves back to the live profile before them; resumed, it replays everyone after them once', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await ingest(store, ws, shop(15));
    const deps = { store, settings: source, now: () => T0 + 86_400_000 };
    const ids = await store.segments.profileIds(ws, { limit: 1000 });
    const half = await rebuildRecommendations(deps, ws, { chunk: 7, stopAfterPages: 2 });
    const named = half.progress.cursor;
    assert.equal(named, ids[13]);
    await store.privacy.erase(ws, named, { tombstone: null, at: T0 + 86_400_000 });
    const moved = await store.recommendations.rebuildProgress(ws);
    assert.deepEqual(moved, { ...half.progress, cursor: ids[12] }, 'the erased person\'s id is gone from the progress; the count stays');
    const rest = await rebuildRecommendations(deps, ws, { chunk: 7 });
    assert.equal(rest.resumed, true);
    assert.equal(rest.done, true);
    assert.equal(rest.progress.processed, ids.length, 'the 14 replayed before, then everyone after the erased person');
    // Everyone's history as a full rebuild without the person learns it (the aggregates keep what the
    // person added before the erasure, as ingest's do: they hold no person).
    const personal = (state: unknown) => Object.entries(state as object).filter(([k]) => k.startsWith('history:') || k === 'items');
    const resumed = personal(await snapshot(store, ws));
    assert.ok(resumed.length > 20);
    await rebuildRecommendations(deps, ws, { chunk: 7, restart: true });
    assert.deepEqual(resumed, personal(await snapshot(store, ws)), 'the same histories as a full rebuild without the person');
    // A finished rebuild's cursor names the last person: erased, it moves back too.
    const last = (await store.recommendations.rebuildProgress(ws))!.cursor;
    assert.equal(last, ids.at(-1));
    await store.privacy.erase(ws, last, { tombstone: null, at: T0 + 86_400_000 });
    assert.equal((await store.recommendations.rebuildProgress(ws))!.cursor, ids.at(-2));
    // The first person, with nobody before them: the cursor is cleared.
    await rebuildRecommendations(deps, ws, { chunk: 1, restart: true, stopAfterPages: 1 });
    assert.equal((await store.recommendations.rebuildProgress(ws))!.cursor, ids[0]);
    await store.privacy.erase(ws, ids[0]!, { tombstone: null, at: T0 + 86_400_000 });
    assert.equal((await store.recommendations.rebuildProgress(ws))!.cursor, '');
  });

  test('events received during a rebuild are learned by ingest once, not replayed', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const view = (anonymousId: string, product: string, at: number) => ({ type: 'track', event: 'Product Viewed', anonymousId, properties: { product_id: product }, at });
    await ingest(store, ws, [[view('a', 'x', T0), view('a', 'y', T0 + 1000), view('b', 'x', T0 + 2000)]]);
    const deps = { store, settings: source, now: () => T0 + 5000 };
    await rebuildRecommendations(deps, ws, { chunk: 1, stopAfterPages: 0 });
    await ingest(store, ws, [[view('a', 'z', T0 + 10_000), view('b', 'y', T0 + 11_000)]]);
    const done = await rebuildRecommendations(deps, ws, { chunk: 1 });
    assert.equal(done.done, true);
    const popular = (await store.recommendations.popular(ws, 'viewed', { limit: 10 })).map((s) => [s.itemId, Math.round(weightAt(s.longScore, T0, settings.halfLifeMs) * 1000) / 1000]).sort();
    assert.deepEqual(popular, [['x', 2], ['y', 2], ['z', 1]], 'each person counted once per item');
    const ids = await store.segments.profileIds(ws, { limit: 10 });
    const histories = await Promise.all(ids.map((id) => store.recommendations.history(ws, id)));
    assert.deepEqual(histories.map((h) => h!.items.map((r) => r.itemId).sort()).sort(), [['x', 'y'], ['x', 'y', 'z']], 'histories hold the replayed and the new items');
  });

  test('atomic: a rebuild that changes the state serves the old state until its last page, then the new one whole', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await ingest(store, ws, shop(15));
    const built = await snapshot(store, ws);
    // Other learning settings (a history cap of 2): the rebuilt state differs from what ingest built.
    const capped = compileRecommendationSettings({ ...DEFAULT_RECOMMENDATION_SETTINGS, urlPatterns: ['/blog/:id'], historyCap: 2, pairCap: 1 });
    const deps = { store, settings: { get: async () => capped }, now: () => T0 + 86_400_000 };
    const halfway = await rebuildRecommendations(deps, ws, { chunk: 4, stopAfterPages: 3 });
    assert.equal(halfway.done, false);
    assert.deepEqual(await snapshot(store, ws), built, 'half-way, the state before the rebuild is served unchanged');
    assert.equal((await rebuildRecommendations(deps, ws, { chunk: 4 })).done, true);
    const rebuilt = await snapshot(store, ws);
    assert.notDeepEqual(rebuilt, built, 'the capped rebuild learned fewer pairs, and it is what is served now');
    // Back to the default settings, stopped half-way: the capped generation is still served whole.
    const back = { store, settings: source, now: () => T0 + 86_400_000 };
    await rebuildRecommendations(back, ws, { chunk: 4, restart: true, stopAfterPages: 3 });
    assert.deepEqual(await snapshot(store, ws), rebuilt, 'half-way, the previous generation is served unchanged');
    await rebuildRecommendations(back, ws, { chunk: 4 });
    assert.deepEqual(await snapshot(store, ws), built, 'the last page switches the whole new generation in');
  });

  test('an erasure between a page\'s read and its write: the person is left out of the rebuilt state, as if they had never been', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await ingest(store, ws, shop(15));
    const deps = { store, settings: source, now: () => T0 + 86_400_000 };
    const ids = await store.segments.profileIds(ws, { limit: 1000 });
    const victim = ids[9]!;
    assert.ok(await store.recommendations.history(ws, victim), 'the person has a history to lose');
    let erased = false;
    const raced = await rebuildRecommendations(deps, ws, {
      chunk: 7,
      beforeWrite: async (page) => {
        if (erased || !page.includes(victim)) return;
        erased = true;
        await store.privacy.erase(ws, victim, { tombstone: null, at: T0 + 86_400_000 });
      },
    });
    assert.equal(erased, true);
    assert.equal(raced.done, true);
    assert.equal(await store.recommendations.history(ws, victim), null, 'no history of the erased person');
    const afterRace = await snapshot(store, ws);
    assert.ok(!Object.keys(afterRace as object).includes(`history:${victim}`));
    // A rebuild started after the erasure (the person's events are gone) ends with the same state, aggregates included.
    await rebuildRecommendations(deps, ws, { chunk: 7, restart: true });
    assert.deepEqual(afterRace, await snapshot(store, ws), 'the raced rebuild holds nothing of the erased person');
  });
}
