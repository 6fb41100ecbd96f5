/**
 * The link settings in effect for a workspace: the allow list of click-redirect domains is the
 * configured one (`links.allowedDomains`), plus the workspace's own (`PUT /v1/links/settings`),
 * plus the host of Tessera's public URL; scanner networks are the workspace's. Cached for a few
 * seconds (clicks are frequent), dropped at once when saved through this process.
 */
import { LRUCache } from 'lru-cache';
import { normaliseDomain } from '../core/links/allowed-domains.js';
import type { LinkSettings } from '../ports/email-store.js';
import type { Store } from '../ports/store.js';

const TTL_MS = 5_000;

export interface EffectiveLinkSettings {
  allowedDomains: string[];
  scannerNetworks: string[];
  /** What the workspace saved itself (what the admin API shows and replaces). */
  saved: LinkSettings;
}

export interface LinkSettingsService {
  get(workspaceId: string): Promise<EffectiveLinkSettings>;
  put(workspaceId: string, settings: LinkSettings): Promise<EffectiveLinkSettings>;
}

export function createLinkSettings(deps: { store: Store; now: () => number; configuredDomains: readonly string[]; publicUrl?: string }): LinkSettingsService {
  const cache = new LRUCache<string, EffectiveLinkSettings>({ max: 1_000, ttl: TTL_MS, perf: { now: deps.now } });
  const base = [...deps.configuredDomains, ...(deps.publicUrl ? [new URL(deps.publicUrl).hostname] : [])].map(normaliseDomain);
  const effective = (saved: LinkSettings): EffectiveLinkSettings => ({
    allowedDomains: [...new Set([...base, ...saved.allowedDomains.map(normaliseDomain)])],
    scannerNetworks: saved.scannerNetworks,
    saved,
  });
  return {
    async get(workspaceId) {
      const hit = cache.get(workspaceId);
      if (hit) return hit;
      const value = effective((await deps.store.emails.getLinkSettings(workspaceId)) ?? { allowedDomains: [], scannerNetworks: [] });
      cache.set(workspaceId, value);
      return value;
    },
    async put(workspaceId, settings) {
      await deps.store.emails.putLinkSettings(workspaceId, settings, deps.now());
      cache.delete(workspaceId);
      return effective(settings);
    },
  };
}
