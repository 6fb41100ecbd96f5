/**
 * Webhooks and deliveries in PostgreSQL (ports/webhook-store.ts). A claim is one statement that
 * picks due rows with `FOR UPDATE SKIP LOCKED` and leases them, so servers sharing the database
 * claim disjoint rows without waiting for each other; `finish` applies only while the lease is
 * still the caller's (a worker that outlived its lease writes nothing).
 */
import { TesseraError } from '../../core/errors.js';
import type { Webhook } from '../../core/webhooks/webhook.js';
import type { ClaimedDelivery, WebhookStore } from '../../ports/webhook-store.js';
import type { SecretBox } from '../shared/secret-box.js';
import { decodeDeliveryCursor, deliveryFromRow, encodeDeliveryCursor, messageOf, webhookFromRow, type DeliveryRow, type WebhookRow } from '../shared/webhook-rows.js';
import type { Pool } from './database.js';

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export const CLAIM_SQL = `UPDATE webhook_deliveries d SET lease = $4, lease_until = $1 + $3
  FROM webhooks w
  WHERE d.id IN (
    SELECT c.id FROM webhook_deliveries c JOIN webhooks cw ON cw.id = c.webhook_id AND cw.active
    WHERE c.status = 'pending' AND c.next_attempt_at <= $1 AND (c.lease_until IS NULL OR c.lease_until <= $1)
    ORDER BY c.next_attempt_at LIMIT $2 FOR UPDATE OF c SKIP LOCKED)
  AND w.id = d.webhook_id
  RETURNING d.*, w.url, w.secret, w.message`;

export function createPostgresWebhookStore(pool: Pool, box: SecretBox): WebhookStore {
  const write = (w: Webhook) => [w.url, w.description, JSON.stringify(w.events), json(w.segmentIds), json(w.stages), w.active, json(w.message)];
  return {
    async create(w) {
      await pool.query(`INSERT INTO webhooks (id, workspace_id, url, secret, description, events, segment_ids, stages, active, message, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [w.id, w.workspaceId, w.url, box.seal(w.secret), w.description, JSON.stringify(w.events), json(w.segmentIds), json(w.stages), w.active, json(w.message), w.createdAt, w.updatedAt]);
    },
    async get(workspaceId, id) {
      const { rows } = await pool.query<WebhookRow>('SELECT * FROM webhooks WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
      return rows[0] ? webhookFromRow(rows[0], box) : null;
    },
    async list(workspaceId) {
      const { rows } = await pool.query<WebhookRow>('SELECT * FROM webhooks WHERE workspace_id = $1 ORDER BY created_at, id', [workspaceId]);
      return rows.map((r) => webhookFromRow(r, box));
    },
    async update(w) {
      const { rowCount } = await pool.query(`UPDATE webhooks SET url = $1, description = $2, events = $3, segment_ids = $4, stages = $5, active = $6, message = $7,
        secret = $8, updated_at = $9 WHERE workspace_id = $10 AND id = $11`, [...write(w), box.seal(w.secret), w.updatedAt, w.workspaceId, w.id]);
      return (rowCount ?? 0) > 0;
    },
    async delete(workspaceId, id) {
      // One statement: the webhook and its deliveries go together.
      const { rows } = await pool.query<{ deleted: string }>(`WITH hook AS (DELETE FROM webhooks WHERE workspace_id = $1 AND id = $2 RETURNING id),
        gone AS (DELETE FROM webhook_deliveries WHERE workspace_id = $1 AND webhook_id = $2)
        SELECT count(*) AS deleted FROM hook`, [workspaceId, id]);
      return Number(rows[0]?.deleted ?? 0) > 0;
    },
    async claim({ now, limit, leaseMs, lease }) {
      const { rows } = await pool.query<DeliveryRow & { url: string; secret: string; message: unknown }>({ name: 'tessera_claim_deliveries', text: CLAIM_SQL, values: [now, limit, leaseMs, lease] });
      return rows.map((row): ClaimedDelivery => ({ ...deliveryFromRow(row), url: row.url, secret: box.open(row.secret), message: messageOf(row.message), lease }))
        .sort((a, b) => (a.nextAttemptAt ?? 0) - (b.nextAttemptAt ?? 0));
    },
    async finish(id, lease, o) {
      const { rowCount } = await pool.query({
        name: 'tessera_finish_delivery',
        text: `UPDATE webhook_deliveries SET status = $3, attempts = attempts + 1, next_attempt_at = $4, lease = NULL, lease_until = NULL,
          delivered_at = $5, log = (log::jsonb || jsonb_build_array($6::jsonb))::json WHERE id = $1 AND lease = $2`,
        values: [id, lease, o.status, o.nextAttemptAt, o.status === 'delivered' ? o.attempt.at : null, JSON.stringify(o.attempt)],
      });
      return (rowCount ?? 0) > 0;
    },
    async defer(id, lease, at) {
      const { rowCount } = await pool.query('UPDATE webhook_deliveries SET next_attempt_at = $3, lease = NULL, lease_until = NULL WHERE id = $1 AND lease = $2', [id, lease, at]);
      return (rowCount ?? 0) > 0;
    },
    async nextDueAt() {
      const { rows } = await pool.query<{ at: string | null }>(`SELECT min(greatest(d.next_attempt_at, coalesce(d.lease_until, 0))) AS at FROM webhook_deliveries d
        JOIN webhooks w ON w.id = d.webhook_id AND w.active WHERE d.status = 'pending'`);
      return rows[0]?.at == null ? null : Number(rows[0].at);
    },
    async deliveries(workspaceId, webhookId, { limit, cursor, status }) {
      const seq = cursor ? decodeDeliveryCursor(cursor) : Number.MAX_SAFE_INTEGER;
      if (seq === null) throw new TesseraError('invalid_query', { issues: [{ field: 'cursor', reason: 'is not a cursor this API returned' }] });
      const { rows } = await pool.query<DeliveryRow>(`SELECT * FROM webhook_deliveries WHERE workspace_id = $1 AND webhook_id = $2 AND seq < $3
        AND ($4::text IS NULL OR status = $4) ORDER BY seq DESC LIMIT $5`, [workspaceId, webhookId, seq, status ?? null, limit + 1]);
      const last = rows[limit - 1];
      return { deliveries: rows.slice(0, limit).map(deliveryFromRow), nextCursor: rows.length > limit && last ? encodeDeliveryCursor(Number(last.seq)) : null };
    },
    async delivery(workspaceId, id) {
      const { rows } = await pool.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
      return rows[0] ? deliveryFromRow(rows[0]) : null;
    },
    async redeliver(workspaceId, id, at) {
      const { rowCount } = await pool.query(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $3, lease = NULL, lease_until = NULL, delivered_at = NULL
        WHERE workspace_id = $1 AND id = $2`, [workspaceId, id, at]);
      return (rowCount ?? 0) > 0;
    },
    async purgeFinished(before, limit) {
      const { rowCount } = await pool.query(`DELETE FROM webhook_deliveries WHERE seq IN (SELECT seq FROM webhook_deliveries
        WHERE status <> 'pending' AND created_at < $1 AND coalesce(delivered_at, 0) < $1 LIMIT $2)`, [before, limit]);
      return rowCount ?? 0;
    },
    async deliveriesOf(workspaceId, profileIds) {
      const { rows } = await pool.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE profile_id = ANY($2::text[]) AND workspace_id = $1 ORDER BY seq', [workspaceId, profileIds]);
      return rows.map(deliveryFromRow);
    },
  };
}
