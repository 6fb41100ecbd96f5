/**
 * The recommendation serving index (issue 15 §4, p99 < 10 ms): what every request reads that is the
 * same for everyone — each item's top neighbours per family (co-occurrence) and the items
 * themselves — kept in the serving process's memory, so that a request reads at most the person's
 * recent items (and the popular rows of list-cache.ts, shared by all) from the store.
 *
 * Loaded lazily, per entry, into two LRU caches bounded by size (`maxNeighbourRows`: neighbour rows
 * over all lists; `maxItems`), with the least recently used entries dropped first; the long tail of
 * a large catalogue is read from the store when it is asked for, then kept.
 *
 * Freshness:
 * - This process's ingest: after a batch committed, the ingest queue tells `learned` the items
 *   whose co-occurrence or popularity the batch changed (ChangeSet.itemLearning.learned); their
 *   lists, in every family, are dropped at once, so that the next request reads them again ("learned
 *   in real time"). A list that merely names such an item keeps that item's old total count (the
 *   denominator of its similarity) until it is refreshed as below: the pair counts, which decide
 *   what is in a list, are never older than the last commit.
 * - This process's catalogue writes (item-service.ts) bump the workspace's catalogue generation
 *   (list-cache.ts CatalogueGenerations), part of an item's key: the next request reads it again.
 * - Everything else (another server's ingest, `tessera items import`, `tessera recommendations
 *   rebuild` switching in its rebuilt state, an item stub learned from events): bounded staleness.
 *   An entry older than `refreshMs` (default 10 s) is read again in the background when asked for,
 *   the request being answered from it meanwhile; an entry older than `maxAgeMs` (default 60 s) is
 *   never served. So what another process wrote shows here within 60 s, within about 10 s for the
 *   lists in demand.
 * An entry is a promise: concurrent requests share one read; a failed read is dropped. A read that
 * started before an invalidation is never stored after it (the entry it would replace is gone).
 */
import { LRUCache } from 'lru-cache';
import { FAMILIES, type Family } from '../core/recommendations/co-occurrence.js';
import type { StoredItem } from '../core/recommendations/item.js';
import type { Neighbour, RecommendationStore } from '../ports/recommendation-store.js';
import { createCatalogueGenerations, type CatalogueGenerations } from './list-cache.js';

export interface ServingIndexOptions {
  /** Neighbour rows kept over all lists (a row is about 100 bytes); default 2,000,000. */
  maxNeighbourRows?: number;
  /** Items kept; default 100,000. */
  maxItems?: number;
  /** An entry older than this is read again in the background when asked for; default 10 s. */
  refreshMs?: number;
  /** An entry older than this is not served; default 60 s. 0: nothing is kept (every read goes to the store). */
  maxAgeMs?: number;
  now?: () => number;
}

export interface ServingIndex {
  /** RecommendationStore.neighbours, from memory. */
  neighbours(workspaceId: string, family: Family, itemId: string, limit: number): Promise<Neighbour[]>;
  /** RecommendationStore.getItems, from memory (absent ids are read each time: a stub may appear). */
  getItems(workspaceId: string, ids: readonly string[]): Promise<Map<string, StoredItem>>;
  getItem(workspaceId: string, id: string): Promise<StoredItem | null>;
  /** Ingest of this process committed changes to these items' co-occurrence or popularity: their lists are read again. */
  learned(workspaceId: string, itemIds: Iterable<string>): void;
  /**
   * Reads the lists of these items (the most popular ones) ahead of their first request, 100 per
   * store read, in the background; resolves when done. Lists held already are left as they are.
   */
  warm(workspaceId: string, family: Family, itemIds: readonly string[], limit: number): Promise<void>;
  /** Drops everything (tests; a rebuild switched in by this process). */
  clear(): void;
  /** Entries held (tests). */
  size(): { lists: number; neighbourRows: number; items: number };
}

interface ListEntry { value: Promise<Neighbour[]>; limit: number; at: number; refreshing: boolean }

export function createServingIndex(recs: Pick<RecommendationStore, 'neighbours' | 'neighboursOfMany' | 'getItems'>, options: ServingIndexOptions & { generations?: CatalogueGenerations } = {}): ServingIndex {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const refreshMs = Math.min(options.refreshMs ?? 10_000, maxAgeMs);
  const generations = options.generations ?? createCatalogueGenerations();
  if (maxAgeMs <= 0) {
    return {
      neighbours: (...a) => recs.neighbours(...a),
      getItems: (...a) => recs.getItems(...a),
      getItem: async (w, id) => (await recs.getItems(w, [id])).get(id) ?? null,
      learned: () => {}, warm: async () => {}, clear: () => {}, size: () => ({ lists: 0, neighbourRows: 0, items: 0 }),
    };
  }
  // Sized when set, before the read resolved, by the rows asked for (an upper bound). The age is
  // checked against `now` on every read; the caches' own ttl (real time) only frees memory sooner.
  const lists = new LRUCache<string, ListEntry>({ maxSize: options.maxNeighbourRows ?? 2_000_000, sizeCalculation: (e) => 1 + e.limit, ttl: maxAgeMs });
  const items = new LRUCache<string, { item: StoredItem; at: number }>({ max: options.maxItems ?? 100_000, ttl: maxAgeMs });
  let invalidations = 0;
  const listKey = (w: string, family: Family, itemId: string) => `${w}\u0000${family}\u0000${itemId}`;

  const fresh = (key: string, w: string, family: Family, itemId: string, limit: number): ListEntry => {
    const entry: ListEntry = { value: recs.neighbours(w, family, itemId, limit), limit, at: now(), refreshing: false };
    entry.value.catch(() => { if (lists.peek(key) === entry) lists.delete(key); });
    lists.set(key, entry);
    return entry;
  };
  const getItems = async (w: string, ids: readonly string[]): Promise<Map<string, StoredItem>> => {
    const out = new Map<string, StoredItem>();
    const generation = generations.of(w);
    const missing: string[] = [];
    const t = now();
    for (const id of ids) {
      const held = items.get(`${w}\u0000${generation}\u0000${id}`);
      if (held && t - held.at <= maxAgeMs) out.set(id, held.item);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const found = await recs.getItems(w, missing);
    // A catalogue write of this process committed during the read: it may hold the old item; keep it out of the cache.
    const keep = generations.of(w) === generation;
    for (const [id, item] of found) {
      out.set(id, item);
      if (keep) items.set(`${w}\u0000${generation}\u0000${id}`, { item, at: t });
    }
    return out;
  };

  return {
    async neighbours(w, family, itemId, limit) {
      const key = listKey(w, family, itemId);
      let entry = lists.get(key);
      if (!entry || entry.limit < limit || now() - entry.at > maxAgeMs) entry = fresh(key, w, family, itemId, Math.max(limit, entry?.limit ?? 0));
      else if (now() - entry.at > refreshMs && !entry.refreshing) {
        // Stale-while-revalidate: this request is answered from the entry, the next ones from the new read.
        const held = entry;
        held.refreshing = true;
        const next: ListEntry = { value: recs.neighbours(w, family, itemId, held.limit), limit: held.limit, at: now(), refreshing: false };
        next.value.then(() => { if (lists.peek(key) === held) lists.set(key, next); }, () => { held.refreshing = false; });
      }
      const rows = await entry.value;
      return rows.length > limit ? rows.slice(0, limit) : rows;
    },
    getItems,
    async getItem(w, id) {
      return (await getItems(w, [id])).get(id) ?? null;
    },
    async warm(w, family, itemIds, limit) {
      // 100 lists per read, one read at a time (on PostgreSQL: one connection of the pool, the others
      // serve requests), with a turn of the event loop between (SQLite reads block it while they run).
      for (let i = 0; i < itemIds.length; i += 100) {
        const wanted = itemIds.slice(i, i + 100).filter((id) => !lists.has(listKey(w, family, id)));
        if (wanted.length === 0) continue;
        const at = now();
        const before = invalidations;
        const read = await recs.neighboursOfMany(w, family, wanted, limit).catch(() => null);
        if (!read) return;
        // Ingest committed something meanwhile: this read may predate it; these lists wait for their first request.
        if (invalidations !== before) continue;
        // A list read meanwhile for a request is left as it is (as new).
        for (const id of wanted) {
          const key = listKey(w, family, id);
          if (!lists.has(key)) lists.set(key, { value: Promise.resolve(read.get(id) ?? []), limit, at, refreshing: false });
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    learned(w, itemIds) {
      invalidations++;
      for (const id of itemIds) for (const family of FAMILIES) lists.delete(listKey(w, family, id));
    },
    clear() { lists.clear(); items.clear(); },
    size: () => ({ lists: lists.size, neighbourRows: lists.calculatedSize - lists.size, items: items.size }),
  };
}
