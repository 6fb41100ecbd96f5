/**
 * Mapping between webhooks / deliveries and the columns both stores keep. JSON columns arrive
 * parsed (PostgreSQL json) or as text (SQLite); `parse` takes either.
 */
import type { Webhook, WebhookMessage } from '../../core/webhooks/webhook.js';
import type { WebhookDelivery } from '../../ports/webhook-store.js';
import type { SecretBox } from './secret-box.js';

const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) as T : v as T);

export interface WebhookRow {
  id: string; workspace_id: string; url: string; secret: string; description: string; events: unknown;
  segment_ids: unknown; stages: unknown; message?: unknown; active: number | boolean; created_at: number | string; updated_at: number | string;
}

export function webhookFromRow(r: WebhookRow, box: SecretBox): Webhook {
  const segmentIds = r.segment_ids === null ? null : parse<string[]>(r.segment_ids);
  const stages = r.stages === null ? null : parse<string[]>(r.stages);
  const message = messageOf(r.message);
  return {
    id: r.id, workspaceId: r.workspace_id, url: r.url, secret: box.open(r.secret), description: r.description, events: parse(r.events),
    ...(segmentIds ? { segmentIds } : {}), ...(stages ? { stages } : {}), ...(message ? { message } : {}),
    active: Boolean(r.active), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

/** The `message` column (null or absent: not a message). */
export function messageOf(v: unknown): WebhookMessage | null {
  return v === null || v === undefined ? null : parse<WebhookMessage>(v);
}

export interface DeliveryRow {
  seq: number | string; id: string; workspace_id: string; webhook_id: string; profile_id: string; event: string; payload: string;
  status: string; attempts: number; next_attempt_at: number | string | null; created_at: number | string; delivered_at: number | string | null; log: unknown;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

export function deliveryFromRow(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id, workspaceId: r.workspace_id, webhookId: r.webhook_id, profileId: r.profile_id, event: r.event as WebhookDelivery['event'],
    payload: r.payload, status: r.status as WebhookDelivery['status'], attempts: r.attempts, nextAttemptAt: num(r.next_attempt_at),
    createdAt: Number(r.created_at), deliveredAt: num(r.delivered_at), log: parse(r.log),
  };
}

/** Delivery log cursor: the seq of the last delivery returned. */
export function encodeDeliveryCursor(seq: number): string {
  return Buffer.from(`d:${seq}`).toString('base64url');
}

export function decodeDeliveryCursor(cursor: string): number | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  const seq = Number(text.slice(2));
  return text.startsWith('d:') && Number.isSafeInteger(seq) ? seq : null;
}
