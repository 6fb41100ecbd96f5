/**
 * The webhook outbox: one delivery per profile change of the batch and webhook that wants it,
 * due at once. The rows are written by persistBatch in the same transaction as the changes, so a
 * change is announced if and only if it is committed; the delivery worker sends them.
 */
import type { Webhook } from '../../core/webhooks/webhook.js';
import { wantsChange } from '../../core/webhooks/webhook.js';
import { webhookPayload } from '../../core/webhooks/payload.js';
import type { IngestBatch } from '../ingest-batch.js';

export function writeOutbox(batch: IngestBatch, webhooks: readonly Webhook[], newDeliveryId: () => string, now: number): void {
  if (webhooks.length === 0 || batch.changes.length === 0) return;
  for (const change of batch.changes) {
    const profile = batch.profiles.get(batch.live(change.profileId));
    for (const webhook of webhooks) {
      if (!wantsChange(webhook, change)) continue;
      const id = newDeliveryId();
      batch.deliveries.push({
        id, workspaceId: batch.workspaceId, webhookId: webhook.id, profileId: batch.live(change.profileId), event: change.kind,
        payload: JSON.stringify(webhookPayload(id, change, profile)), status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now, deliveredAt: null, log: [],
      });
    }
  }
}
