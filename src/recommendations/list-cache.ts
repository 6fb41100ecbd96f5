/**
 * A short-lived cache of the popular / trending rows per workspace, family and category, the store
 * read that is the same for every person (recommendation-service.ts; for-you falls back on it too).
 *
 * Invalidation: a TTL (default 1 s in the server: src/http/app.ts), not a generation counter. Why:
 * these lists move slowly by construction (popularity decays with a 90-day half-life, trending with
 * 3 days), so a list a second old differs from the fresh one by at most that second's events; a
 * per-process generation counter would not see the events another server ingests, and under steady
 * ingest it would be bumped by every batch, so the cache would rarely hit when it matters. Rows are
 * cached, not weighted scores: the service weighs them at the request's moment. Each entry is a
 * promise, so concurrent requests for the same list share one read; a failed read is dropped.
 *
 * The catalogue pages content similarity reads (content-candidates.ts: a category's or type's
 * first items) are cached too, but an item put into the catalogue must be recommendable as similar
 * at once (test/http/recommendations-suite.ts): so their key carries the workspace's catalogue
 * generation (CatalogueGenerations), bumped by every write through the item service of this
 * process; the TTL bounds what it cannot see (an import by the CLI, another server's write, an
 * item stub learned from events).
 */
import { LRUCache } from 'lru-cache';
import type { RecommendationStore } from '../ports/recommendation-store.js';

export type PopularReads = Pick<RecommendationStore, 'popular'>;
export type CatalogueReads = Pick<RecommendationStore, 'listItems'>;

/** Per workspace, a number bumped by every catalogue write of this process (item-service.ts). */
export interface CatalogueGenerations {
  bump(workspaceId: string): void;
  of(workspaceId: string): number;
}

export function createCatalogueGenerations(): CatalogueGenerations {
  const generations = new Map<string, number>();
  return { bump: (w) => { generations.set(w, (generations.get(w) ?? 0) + 1); }, of: (w) => generations.get(w) ?? 0 };
}

/** Category / type pages (content candidates), keyed by the catalogue generation; any other query goes to the store. */
export function cachedCatalogueReads(recs: RecommendationStore, options: { ttlMs: number; generations: CatalogueGenerations; max?: number }): CatalogueReads {
  if (options.ttlMs <= 0) return { listItems: (...a) => recs.listItems(...a) };
  const cache = new LRUCache<string, { value: ReturnType<RecommendationStore['listItems']> }>({ max: options.max ?? 500, ttl: options.ttlMs });
  return {
    listItems(workspaceId, query) {
      const keys = Object.entries(query).filter(([, v]) => v !== undefined).map(([k]) => k);
      if (!keys.every((k) => k === 'limit' || k === 'category' || k === 'type')) return recs.listItems(workspaceId, query);
      const key = JSON.stringify([workspaceId, options.generations.of(workspaceId), query.limit, query.category ?? null, query.type ?? null]);
      let hit = cache.get(key);
      if (!hit) {
        hit = { value: recs.listItems(workspaceId, query) };
        hit.value.catch(() => cache.delete(key));
        cache.set(key, hit);
      }
      return hit.value;
    },
  };
}

export function cachedPopularReads(recs: RecommendationStore, options: { ttlMs: number; max?: number }): PopularReads {
  if (options.ttlMs <= 0) return { popular: (...a) => recs.popular(...a) };
  const cache = new LRUCache<string, { value: ReturnType<RecommendationStore['popular']> }>({ max: options.max ?? 5_000, ttl: options.ttlMs });
  return {
    popular(workspaceId, family, query) {
      const key = JSON.stringify([workspaceId, family, query.limit, query.category ?? null]);
      let hit = cache.get(key);
      if (!hit) {
        hit = { value: recs.popular(workspaceId, family, query) };
        hit.value.catch(() => cache.delete(key));
        cache.set(key, hit);
      }
      return hit.value;
    },
  };
}
