/**
 * Webhooks and deliveries in SQLite (ports/webhook-store.ts). Writes take the store's writer turn,
 * so a claim (select due rows, lease them) is atomic against ingest and against other claims of
 * this process; one server per SQLite file is the supported set-up.
 */
import { TesseraError } from '../../core/errors.js';
import type { Webhook } from '../../core/webhooks/webhook.js';
import type { ClaimedDelivery, WebhookStore } from '../../ports/webhook-store.js';
import type { SecretBox } from '../shared/secret-box.js';
import { decodeDeliveryCursor, deliveryFromRow, encodeDeliveryCursor, messageOf, webhookFromRow, type DeliveryRow, type WebhookRow } from '../shared/webhook-rows.js';
import type { Database } from './database.js';

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export function createSqliteWebhookStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>, box: SecretBox): WebhookStore {
  const s = {
    insert: writer.prepare(`INSERT INTO webhooks (id, workspace_id, url, secret, description, events, segment_ids, stages, active, message, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    update: writer.prepare(`UPDATE webhooks SET url = ?, description = ?, events = ?, segment_ids = ?, stages = ?, active = ?, message = ?, secret = ?, updated_at = ?
      WHERE workspace_id = ? AND id = ?`),
    delete: writer.prepare('DELETE FROM webhooks WHERE workspace_id = ? AND id = ?'),
    deleteDeliveries: writer.prepare('DELETE FROM webhook_deliveries WHERE workspace_id = ? AND webhook_id = ?'),
    get: reader.prepare('SELECT * FROM webhooks WHERE workspace_id = ? AND id = ?'),
    list: reader.prepare('SELECT * FROM webhooks WHERE workspace_id = ? ORDER BY created_at, id'),
    due: writer.prepare(`SELECT d.*, w.url, w.secret, w.message FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.active = 1
      WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until <= ?)
      ORDER BY d.next_attempt_at LIMIT ?`),
    defer: writer.prepare('UPDATE webhook_deliveries SET next_attempt_at = ?, lease = NULL, lease_until = NULL WHERE id = ? AND lease = ?'),
    lease: writer.prepare('UPDATE webhook_deliveries SET lease = ?, lease_until = ? WHERE id = ?'),
    finish: writer.prepare(`UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, lease = NULL, lease_until = NULL,
      delivered_at = ?, log = json_insert(log, '$[#]', json(?)) WHERE id = ? AND lease = ?`),
    nextDue: reader.prepare(`SELECT min(max(d.next_attempt_at, coalesce(d.lease_until, 0))) FROM webhook_deliveries d
      JOIN webhooks w ON w.id = d.webhook_id AND w.active = 1 WHERE d.status = 'pending'`).pluck(),
    deliveries: reader.prepare('SELECT * FROM webhook_deliveries WHERE workspace_id = ? AND webhook_id = ? AND seq < ? AND (? IS NULL OR status = ?) ORDER BY seq DESC LIMIT ?'),
    delivery: reader.prepare('SELECT * FROM webhook_deliveries WHERE workspace_id = ? AND id = ?'),
    redeliver: writer.prepare(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, lease = NULL, lease_until = NULL, delivered_at = NULL
      WHERE workspace_id = ? AND id = ?`),
    purge: writer.prepare(`DELETE FROM webhook_deliveries WHERE seq IN (SELECT seq FROM webhook_deliveries
      WHERE status <> 'pending' AND created_at < @before AND coalesce(delivered_at, 0) < @before LIMIT @limit)`),
    of: reader.prepare('SELECT * FROM webhook_deliveries WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?)) ORDER BY seq'),
  };
  const write = (w: Webhook) => [w.url, w.description, JSON.stringify(w.events), json(w.segmentIds), json(w.stages), w.active ? 1 : 0, json(w.message)];
  return {
    create: (w) => exclusive(() => { s.insert.run(w.id, w.workspaceId, w.url, box.seal(w.secret), w.description, JSON.stringify(w.events), json(w.segmentIds), json(w.stages), w.active ? 1 : 0, json(w.message), w.createdAt, w.updatedAt); }),
    async get(workspaceId, id) {
      const row = s.get.get(workspaceId, id) as WebhookRow | undefined;
      return row ? webhookFromRow(row, box) : null;
    },
    async list(workspaceId) {
      return (s.list.all(workspaceId) as WebhookRow[]).map((r) => webhookFromRow(r, box));
    },
    update: (w) => exclusive(() => s.update.run(...write(w), box.seal(w.secret), w.updatedAt, w.workspaceId, w.id).changes > 0),
    delete: (workspaceId, id) => exclusive(() => writer.transaction(() => {
      s.deleteDeliveries.run(workspaceId, id);
      return s.delete.run(workspaceId, id).changes > 0;
    }).immediate()),
    claim: ({ now, limit, leaseMs, lease }) => exclusive(() => writer.transaction(() => {
      const rows = s.due.all(now, now, limit) as Array<DeliveryRow & { url: string; secret: string; message: unknown }>;
      for (const row of rows) s.lease.run(lease, now + leaseMs, row.id);
      return rows.map((row): ClaimedDelivery => ({ ...deliveryFromRow(row), url: row.url, secret: box.open(row.secret), message: messageOf(row.message), lease }));
    }).immediate()),
    finish: (id, lease, o) => exclusive(() => s.finish.run(o.status, o.nextAttemptAt, o.status === 'delivered' ? o.attempt.at : null, JSON.stringify(o.attempt), id, lease).changes > 0),
    defer: (id, lease, at) => exclusive(() => s.defer.run(at, id, lease).changes > 0),
    async nextDueAt() {
      const at = s.nextDue.get() as number | null;
      return at ?? null;
    },
    async deliveries(workspaceId, webhookId, { limit, cursor, status }) {
      const seq = cursor ? decodeDeliveryCursor(cursor) : Number.MAX_SAFE_INTEGER;
      if (seq === null) throw new TesseraError('invalid_query', { issues: [{ field: 'cursor', reason: 'is not a cursor this API returned' }] });
      const rows = s.deliveries.all(workspaceId, webhookId, seq, status ?? null, status ?? null, limit + 1) as DeliveryRow[];
      const last = rows[limit - 1];
      return { deliveries: rows.slice(0, limit).map(deliveryFromRow), nextCursor: rows.length > limit && last ? encodeDeliveryCursor(Number(last.seq)) : null };
    },
    async delivery(workspaceId, id) {
      const row = s.delivery.get(workspaceId, id) as DeliveryRow | undefined;
      return row ? deliveryFromRow(row) : null;
    },
    redeliver: (workspaceId, id, at) => exclusive(() => s.redeliver.run(at, workspaceId, id).changes > 0),
    purgeFinished: (before, limit) => exclusive(() => s.purge.run({ before, limit }).changes),
    async deliveriesOf(workspaceId, profileIds) {
      return (s.of.all(workspaceId, JSON.stringify(profileIds)) as DeliveryRow[]).map(deliveryFromRow);
    },
  };
}
