/**
 * What ingest and the API need to apply a workspace's privacy settings: the settings (cached for a
 * few seconds, dropped at once when changed through this process), the purposes by key, and the
 * keyed hashes built on the workspace's secret (IP addresses with a key that rotates daily;
 * tombstones of erased identifiers).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IdentityKey } from '../core/identity/identity-key.js';
import { DEFAULT_PRIVACY_SETTINGS, purposeMap, type PrivacySettings } from '../core/privacy/privacy-settings.js';
import type { Purpose } from '../core/privacy/purposes.js';
import type { Store } from '../ports/store.js';

export interface PrivacyContext {
  settings: PrivacySettings;
  purposes: ReadonlyMap<string, Purpose>;
  /** Keyed hash of an IP address; the key changes every UTC day. */
  hashIp(ip: string, at: number): string;
  /** Keyed hash of an identifier, kept after erasure to recognise it (never reversible without the secret). */
  tombstone(key: IdentityKey): string;
  /** Keyed, stable hash of a device id (pseudonymous: the same device keeps the same value). */
  hashDeviceId(id: string): string;
  /** Keyed, non-reversible fingerprint of a text, for notes that must not carry identifiers. */
  fingerprint(text: string): string;
}

export interface PrivacyContexts {
  get(workspaceId: string): Promise<PrivacyContext>;
  /** Forget the cached context (after the settings changed). */
  invalidate(workspaceId: string): void;
}

const TTL_MS = 5_000;

export function createPrivacyContexts(store: Store, now: () => number): PrivacyContexts {
  const cache = new Map<string, { context: Promise<PrivacyContext>; until: number }>();
  const load = async (workspaceId: string): Promise<PrivacyContext> => {
    const [saved, secret] = await Promise.all([
      store.privacy.getSettings(workspaceId),
      store.privacy.secret(workspaceId, randomBytes(32).toString('base64url')),
    ]);
    const settings = saved ?? DEFAULT_PRIVACY_SETTINGS;
    const dayKeys = new Map<string, Buffer>();
    return {
      settings,
      purposes: purposeMap(settings),
      hashIp(ip, at) {
        const day = new Date(at).toISOString().slice(0, 10);
        let key = dayKeys.get(day);
        if (!key) {
          key = createHmac('sha256', secret).update(`ip:${day}`).digest();
          if (dayKeys.size > 3) dayKeys.clear();
          dayKeys.set(day, key);
        }
        return `h:${createHmac('sha256', key).update(ip).digest('base64url').slice(0, 22)}`;
      },
      tombstone: (key) => createHmac('sha256', secret).update(`tombstone:${key.kind}:${key.value}`).digest('hex'),
      hashDeviceId: (id) => `h:${createHmac('sha256', secret).update(`device:${id}`).digest('base64url').slice(0, 22)}`,
      fingerprint: (text) => createHmac('sha256', secret).update(`fingerprint:${text}`).digest('base64url').slice(0, 16),
    };
  };
  return {
    get(workspaceId) {
      const t = now();
      const hit = cache.get(workspaceId);
      if (hit && hit.until > t) return hit.context;
      const context = load(workspaceId);
      cache.set(workspaceId, { context, until: t + TTL_MS });
      context.catch(() => cache.delete(workspaceId));
      return context;
    },
    invalidate: (workspaceId) => void cache.delete(workspaceId),
  };
}
