/**
 * The webhooks of a workspace as ingest's outbox step uses them, cached for a few seconds and
 * dropped at once when changed through this process. A webhook created on another server starts
 * receiving changes within the cache's lifetime.
 */
import type { Webhook } from '../core/webhooks/webhook.js';
import type { Store } from '../ports/store.js';

export interface WebhookListSource {
  /** The workspace's active webhooks. */
  get(workspaceId: string): Promise<Webhook[]>;
  invalidate(workspaceId: string): void;
}

const TTL_MS = 5_000;

export function createWebhookList(store: Store, now: () => number): WebhookListSource {
  const cache = new Map<string, { webhooks: Promise<Webhook[]>; until: number }>();
  return {
    get(workspaceId) {
      const t = now();
      const hit = cache.get(workspaceId);
      if (hit && hit.until > t) return hit.webhooks;
      const webhooks = store.webhooks.list(workspaceId).then((all) => all.filter((w) => w.active));
      cache.set(workspaceId, { webhooks, until: t + TTL_MS });
      webhooks.catch(() => cache.delete(workspaceId));
      return webhooks;
    },
    invalidate: (workspaceId) => void cache.delete(workspaceId),
  };
}
