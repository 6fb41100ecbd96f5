/** How scores, lifecycle stages, webhooks and deliveries read through the API: ISO times, labels, no secrets. */
import type { LifecycleConfig } from '../../core/lifecycle/lifecycle-config.js';
import type { ProfileLifecycle } from '../../core/lifecycle/lifecycle.js';
import { lastMove } from '../../core/lifecycle/transitions.js';
import { toIso } from '../../core/time.js';
import { deliveryErrorCategory } from '../../core/webhooks/delivery-error.js';
import type { Webhook } from '../../core/webhooks/webhook.js';
import type { WebhookDelivery } from '../../ports/webhook-store.js';

export function lifecycleView(lifecycle: ProfileLifecycle | undefined, config: LifecycleConfig) {
  const label = (key: string | null) => (key === null ? null : config.stages.find((s) => s.key === key)?.label ?? key);
  if (!lifecycle) return { stage: null, label: null, since: null, text: 'No lifecycle stage yet.', history: [] };
  const last = lastMove(lifecycle);
  return {
    stage: lifecycle.stage,
    label: label(lifecycle.stage),
    since: toIso(lifecycle.since),
    // "Marketing qualified lead since 2024-03-02: rule mql: engagement score 62 ≥ 50 and fit score 25 ≥ 20."
    text: `${label(lifecycle.stage)} since ${toIso(lifecycle.since).slice(0, 10)}${last ? `: ${last.reason}` : ''}.`,
    history: lifecycle.history.map((m) => ({ ...m, at: toIso(m.at), fromLabel: label(m.from), toLabel: label(m.to) })),
  };
}

export function webhookView(w: Webhook, options: { withSecret?: boolean } = {}) {
  return {
    id: w.id, url: w.url, description: w.description, events: w.events,
    ...(w.segmentIds ? { segmentIds: w.segmentIds } : {}), ...(w.stages ? { stages: w.stages } : {}), ...(w.message ? { message: w.message } : {}),
    active: w.active, createdAt: toIso(w.createdAt), updatedAt: toIso(w.updatedAt),
    ...(options.withSecret ? { secret: w.secret } : {}),
  };
}

export function deliveryView(d: WebhookDelivery) {
  const iso = (ms: number | null) => (ms === null ? null : toIso(ms));
  return {
    id: d.id, webhookId: d.webhookId, profileId: d.profileId, event: d.event, status: d.status, attempts: d.attempts,
    nextAttemptAt: iso(d.nextAttemptAt), createdAt: toIso(d.createdAt), deliveredAt: iso(d.deliveredAt),
    payload: JSON.parse(d.payload) as unknown,
    // Categories only, also for attempts an older version recorded in detail (core/webhooks/delivery-error.ts).
    log: d.log.map((a) => ({ ...a, at: toIso(a.at), error: deliveryErrorCategory(a) })),
  };
}
