/**
 * A workspace's scoring and lifecycle configuration as ingest and the API use them: loaded from
 * the store (defaults when never saved), cached for a few seconds and dropped at once when changed
 * through this process (like privacy-context.ts). Another server sees a change within the cache's
 * lifetime.
 */
import { DEFAULT_LIFECYCLE_CONFIG, parseLifecycleConfig, type LifecycleConfig } from '../core/lifecycle/lifecycle-config.js';
import { DEFAULT_SCORING_CONFIG, parseScoringConfig, type ScoringConfig } from '../core/scoring/scoring-config.js';
import type { Store } from '../ports/store.js';

export interface LeadScoringSettings {
  scoring: ScoringConfig;
  lifecycle: LifecycleConfig;
}

export interface LeadScoringSettingsSource {
  get(workspaceId: string): Promise<LeadScoringSettings>;
  invalidate(workspaceId: string): void;
}

const TTL_MS = 5_000;

export async function loadLeadScoringSettings(store: Store, workspaceId: string): Promise<LeadScoringSettings> {
  const [scoringSaved, lifecycleSaved] = await Promise.all([store.configs.get(workspaceId, 'scoring'), store.configs.get(workspaceId, 'lifecycle')]);
  // Saved documents were validated when saved; parsing again fills defaults added since.
  const scoringParsed = scoringSaved === null ? null : parseScoringConfig(scoringSaved);
  const lifecycleParsed = lifecycleSaved === null ? null : parseLifecycleConfig(lifecycleSaved);
  const scoring = scoringParsed?.ok ? scoringParsed.config : DEFAULT_SCORING_CONFIG;
  const lifecycle = lifecycleParsed?.ok ? lifecycleParsed.config : DEFAULT_LIFECYCLE_CONFIG;
  return { scoring, lifecycle };
}

export function createLeadScoringSettings(store: Store, now: () => number): LeadScoringSettingsSource {
  const cache = new Map<string, { settings: Promise<LeadScoringSettings>; until: number }>();
  return {
    get(workspaceId) {
      const t = now();
      const hit = cache.get(workspaceId);
      if (hit && hit.until > t) return hit.settings;
      const settings = loadLeadScoringSettings(store, workspaceId);
      cache.set(workspaceId, { settings, until: t + TTL_MS });
      settings.catch(() => cache.delete(workspaceId));
      return settings;
    },
    invalidate: (workspaceId) => void cache.delete(workspaceId),
  };
}
