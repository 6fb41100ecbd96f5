/**
 * The data of `npm run bench:recommendations`: a shop of `items` products (in 200 categories, each
 * product's id `sku-<n>`) and `profiles` people, each with an anonymous id and what they did in the
 * last 20 days: three to six product views and, for half of them, a purchase of one or two of the
 * viewed products. People browse one "aisle" (50 neighbouring products, the low aisles the popular
 * ones), so co-occurrence has structure to learn.
 *
 * Everything is written through the store's own write transaction (`WriteTx.apply`, the path ingest
 * uses: the same rows, the same learning code — co-occurrence, popularity, histories — on both
 * stores), without events: the bench measures serving and the incremental cost, not a replay.
 * Chunks of CHUNK people, one transaction each; person i is the same in every run (seeded per
 * chunk), so an interrupted generation resumes after the last whole chunk (the live profile count
 * says where), and a finished store is reused as it is.
 */
import { newProfile, type Profile } from '../src/core/profiles/profile.js';
import type { Interaction } from '../src/core/recommendations/co-occurrence.js';
import type { Item } from '../src/core/recommendations/item.js';
import type { LearningParams } from '../src/core/recommendations/co-occurrence.js';
import type { RotationParams } from '../src/core/recommendations/rotation.js';
import type { Store } from '../src/ports/store.js';
import { createRandom, type Random } from './random.js';

export const CHUNK = 2_000;
export const WORKSPACE = 'default';
const DAY = 86_400_000;
const AISLE = 50;
const CATEGORIES = 200;

export const anonymousIdOf = (i: number): string => `bench-rec-${i}`;
const profileIdOf = (i: number): string => `prf_benchrec_${String(i).padStart(9, '0')}`;
export const itemIdOf = (n: number): string => `sku-${n}`;

/** An item id with a long tail: low aisles are browsed most. */
export function skewedItem(random: Random, items: number): number {
  const aisles = Math.max(1, Math.floor(items / AISLE));
  const aisle = Math.floor(Math.pow(random.next(), 2) * aisles);
  return Math.min(items - 1, aisle * AISLE + random.int(AISLE));
}

/** One visit: views in one aisle, sometimes a purchase of what was viewed. */
export function visitOf(random: Random, items: number, start: number): Interaction[] {
  const first = skewedItem(random, items);
  const aisleStart = first - (first % AISLE);
  const views = 3 + random.int(4);
  const out: Interaction[] = [];
  let at = start;
  const viewed: string[] = [];
  for (let v = 0; v < views; v++) {
    const id = itemIdOf(Math.min(items - 1, v === 0 ? first : aisleStart + random.int(AISLE)));
    viewed.push(id);
    out.push({ itemId: id, kind: 'view', at: at += 30_000 });
  }
  if (random.next() < 0.5) for (const id of viewed.slice(0, 1 + random.int(2))) out.push({ itemId: id, kind: 'purchase', at: at += 60_000 });
  return out;
}

/** The catalogue (once) and people up to `total`, resuming after the last whole chunk. */
export async function ensureShop(store: Store, o: { items: number; profiles: number; params: LearningParams & RotationParams; now: number }, progress: (m: string) => void): Promise<{ generated: number; seconds: number }> {
  const started = performance.now();
  if (!(await store.recommendations.getItem(WORKSPACE, itemIdOf(o.items - 1)))) {
    progress(`items: writing ${o.items.toLocaleString('en-US')}…`);
    for (let n = 0; n < o.items; n += 1000) {
      const batch: Item[] = [];
      for (let i = n; i < Math.min(o.items, n + 1000); i++) {
        batch.push({ id: itemIdOf(i), title: `Product ${i}`, type: 'product', categories: [`category-${Math.floor(i / AISLE) % CATEGORIES}`], tags: [`tag-${i % 7}`], price: 5 + (i % 200), currency: 'EUR', available: true, properties: {} });
      }
      await store.recommendations.putItems(WORKSPACE, batch, o.now - 30 * DAY);
    }
  }
  const have = await store.profiles.count(WORKSPACE);
  const start = Math.floor(have / CHUNK) * CHUNK;
  if (start >= o.profiles) return { generated: 0, seconds: Math.round((performance.now() - started) / 100) / 10 };
  progress(`profiles: ${have.toLocaleString('en-US')} stored, generating ${(o.profiles - start).toLocaleString('en-US')} more with their item histories (resumable; chunks of ${CHUNK})…`);
  let lastReport = performance.now();
  for (let from = start; from < o.profiles; from += CHUNK) {
    const random = createRandom(9_000 + from / CHUNK);
    const profiles: Profile[] = [];
    const identities: Array<{ profileId: string; identity: { kind: 'anonymous_id'; value: string; firstSeenAt: number; messageId: null } }> = [];
    const interactions: Array<Interaction & { profileId: string }> = [];
    for (let i = from; i < Math.min(o.profiles, from + CHUNK); i++) {
      const id = profileIdOf(i);
      const at = o.now - random.int(20 * DAY);
      const p = newProfile(id, WORKSPACE, at);
      const identity = { kind: 'anonymous_id' as const, value: anonymousIdOf(i), firstSeenAt: at, messageId: null };
      p.identities = [identity];
      profiles.push(p);
      identities.push({ profileId: id, identity });
      for (const x of visitOf(random, o.items, at)) interactions.push({ ...x, profileId: id });
    }
    // The learning code wants the interactions in time order, as a batch of events would give them.
    interactions.sort((a, b) => a.at - b.at);
    await store.write((tx) => tx.apply({
      workspaceId: WORKSPACE, newProfiles: profiles, merges: [], identities, events: [], profiles: [], consents: [], counters: [],
      itemLearning: { params: o.params, interactions },
    }));
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      progress(`  ${Math.min(o.profiles, from + CHUNK).toLocaleString('en-US')} / ${o.profiles.toLocaleString('en-US')} (${Math.round((from + CHUNK - start) / ((lastReport - started) / 1000)).toLocaleString('en-US')} people/s)`);
    }
  }
  return { generated: o.profiles - start, seconds: Math.round((performance.now() - started) / 100) / 10 };
}
