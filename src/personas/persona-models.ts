/**
 * The current persona model of each workspace as ingest uses it for incremental assignment:
 * loaded from the store, prepared once, cached for a few seconds (lru-cache with a TTL) and
 * dropped at once when this process stores a new model. Another server sees a new model within
 * the cache's lifetime. A workspace without a model is cached too (as none).
 */
import { LRUCache } from 'lru-cache';
import { preparePersonaModel, type PreparedPersonaModel } from '../core/personas/persona-link.js';
import type { Store } from '../ports/store.js';

export interface PersonaModelsSource {
  get(workspaceId: string): Promise<PreparedPersonaModel | null>;
  invalidate(workspaceId: string): void;
}

const TTL_MS = 5_000;

export function createPersonaModels(store: Store, now: () => number): PersonaModelsSource {
  const cache = new LRUCache<string, { prepared: PreparedPersonaModel | null }>({ max: 1_000, ttl: TTL_MS, perf: { now } });
  return {
    async get(workspaceId) {
      const hit = cache.get(workspaceId);
      if (hit) return hit.prepared;
      const model = await store.personas.currentModel(workspaceId);
      const entry = { prepared: model ? preparePersonaModel(model) : null };
      cache.set(workspaceId, entry);
      return entry.prepared;
    },
    invalidate(workspaceId) {
      cache.delete(workspaceId);
    },
  };
}
