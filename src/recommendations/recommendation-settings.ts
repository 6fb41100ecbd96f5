/**
 * A workspace's recommendation settings, read from the config store and compiled, cached for ingest
 * (a few seconds, so that a change on another server arrives soon; a change here is seen at once).
 * A saved document that no longer validates (it never should) falls back to the defaults rather
 * than stopping ingest.
 */
import { LRUCache } from 'lru-cache';
import { TesseraError } from '../core/errors.js';
import {
  compileRecommendationSettings, DEFAULT_RECOMMENDATION_SETTINGS, parseRecommendationSettings,
  type CompiledRecommendationSettings, type RecommendationSettings,
} from '../core/recommendations/settings.js';
import type { Store } from '../ports/store.js';

const TTL_MS = 5_000;

export interface RecommendationSettingsSource {
  get(workspaceId: string): Promise<CompiledRecommendationSettings>;
}

export interface RecommendationSettingsService extends RecommendationSettingsSource {
  read(workspaceId: string): Promise<RecommendationSettings>;
  /** Validates and saves; throws invalid_body naming every bad field. */
  put(workspaceId: string, body: unknown): Promise<RecommendationSettings>;
}

export function createRecommendationSettings(deps: { store: Store; now: () => number }): RecommendationSettingsService {
  const cache = new LRUCache<string, { value: Promise<CompiledRecommendationSettings> }>({ max: 10_000, ttl: TTL_MS });
  const read = async (workspaceId: string): Promise<RecommendationSettings> => {
    const saved = await deps.store.configs.get(workspaceId, 'recommendations');
    if (saved === null || saved === undefined) return DEFAULT_RECOMMENDATION_SETTINGS;
    const parsed = parseRecommendationSettings(saved);
    return parsed.ok ? parsed.settings : DEFAULT_RECOMMENDATION_SETTINGS;
  };
  return {
    read,
    get(workspaceId) {
      let hit = cache.get(workspaceId);
      if (!hit) {
        hit = { value: read(workspaceId).then(compileRecommendationSettings) };
        hit.value.catch(() => cache.delete(workspaceId));
        cache.set(workspaceId, hit);
      }
      return hit.value;
    },
    async put(workspaceId, body) {
      const parsed = parseRecommendationSettings(body);
      if (!parsed.ok) throw new TesseraError('invalid_body', { message: 'The recommendation settings are invalid; nothing was changed.', issues: parsed.issues });
      await deps.store.configs.put(workspaceId, 'recommendations', parsed.settings, deps.now());
      cache.delete(workspaceId);
      return parsed.settings;
    },
  };
}
