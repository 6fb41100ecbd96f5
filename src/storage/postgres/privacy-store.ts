/**
 * The privacy part of the PostgreSQL store: settings, consent ledger, counters, audit log, erasure
 * and retention. Reads and single-statement writes run on the pool; erasure runs in one
 * transaction (erase-profile.ts), re-run on transient conflicts like ingest. The consent ledger
 * and counters are written by ingest (apply-changes.ts).
 */
import { TesseraError } from '../../core/errors.js';
import type { ConsentRecord } from '../../core/privacy/consent.js';
import type { PrivacySettings } from '../../core/privacy/privacy-settings.js';
import type { AuditEntry, PrivacyCounter, PrivacyStore } from '../../ports/privacy-store.js';
import { decodeCursor, encodeCursor } from '../shared/codec.js';
import type { Pool } from './database.js';
import { ERASED_TABLES, eraseProfile } from './erase-profile.js';
import { inTransaction } from './transaction.js';
import type { VacuumScheduler } from './vacuum.js';
import { text } from './values.js';
import type { SecretBox } from '../shared/secret-box.js';

interface ConsentRow {
  workspace_id: string; profile_id: string; message_id: string; purposes: Record<string, boolean>; channel: ConsentRecord['channel'];
  wording_version: string | null; wording_hash: string | null; wording_text: string | null; text: string | null; evidence: ConsentRecord['evidence']; request: ConsentRecord['request'];
  at: string; received_at: string;
}
interface AuditRow { seq: string; workspace_id: string; at: string; actor: string; action: string; subject: string | null; details: AuditEntry['details'] }

/** Snapshots read and rewritten per round of redactMergeSnapshots. */
const REDACT_PAGE = 500;

export interface PostgresPrivacyOptions {
  now: () => number;
  vacuum: VacuumScheduler;
  /** Seals the workspace's privacy secret at rest. */
  box: SecretBox;
}

export function createPostgresPrivacyStore(pool: Pool, options: PostgresPrivacyOptions): PrivacyStore {
  return {
    async getSettings(workspaceId) {
      const { rows } = await pool.query<{ settings: PrivacySettings | null }>({
        name: 'tessera_privacy_settings', text: 'SELECT settings FROM privacy_settings WHERE workspace_id = $1', values: [workspaceId],
      });
      return rows[0]?.settings ?? null;
    },

    async putSettings(workspaceId, settings, at) {
      await pool.query(`INSERT INTO privacy_settings (workspace_id, settings, secret, updated_at) VALUES ($1, $2, NULL, $3)
        ON CONFLICT (workspace_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`, [workspaceId, JSON.stringify(settings), at]);
    },

    async secret(workspaceId, candidate) {
      // Read first: the row exists on every call but the first, and an upsert would rewrite it.
      const { rows } = await pool.query<{ secret: string | null }>({
        name: 'tessera_privacy_secret', text: 'SELECT secret FROM privacy_settings WHERE workspace_id = $1', values: [workspaceId],
      });
      if (rows[0]?.secret) return options.box.open(rows[0].secret);
      // Two servers asking at once: the second waits for the first's row and keeps its secret.
      const stored = await pool.query<{ secret: string }>(`INSERT INTO privacy_settings (workspace_id, settings, secret, updated_at) VALUES ($1, NULL, $2, $3)
        ON CONFLICT (workspace_id) DO UPDATE SET secret = coalesce(privacy_settings.secret, excluded.secret) RETURNING secret`, [workspaceId, options.box.seal(candidate), options.now()]);
      return options.box.open(stored.rows[0]!.secret);
    },

    async consents(workspaceId, profileId) {
      const { rows } = await pool.query<ConsentRow>({
        name: 'tessera_consents_of',
        text: `SELECT c.*, coalesce(c.wording_text, w.text) AS text FROM consents c LEFT JOIN consent_wordings w ON w.workspace_id = c.workspace_id AND w.hash = c.wording_hash
          WHERE c.profile_id = $2 AND c.workspace_id = $1 ORDER BY c.seq`,
        values: [workspaceId, profileId],
      });
      return rows.map((row): ConsentRecord => ({
        workspaceId: row.workspace_id, profileId: row.profile_id, messageId: row.message_id, purposes: row.purposes, channel: row.channel,
        wording: row.wording_hash ? { version: row.wording_version ?? '', hash: row.wording_hash, ...(row.text !== null ? { text: row.text } : {}), ...(row.wording_text === null && row.text !== null ? { published: true as const } : {}) } : null,
        evidence: row.evidence, request: row.request, at: Number(row.at), receivedAt: Number(row.received_at),
      }));
    },

    async counters(workspaceId, fromDay, toDay) {
      const from = dayBound(fromDay, 'from');
      const to = dayBound(toDay, 'to');
      if (from === null || to === null) return [];
      const { rows } = await pool.query<{ day: string; kind: PrivacyCounter['kind']; name: string; count: string }>({
        name: 'tessera_privacy_counters',
        // to_char: a date's text form follows the session's DateStyle; the port's form is fixed.
        text: `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, name, count FROM privacy_counters
          WHERE workspace_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day, kind, name`,
        values: [workspaceId, from, to],
      });
      return rows.map((r) => ({ day: r.day, kind: r.kind, name: r.name, count: Number(r.count) }));
    },

    async audit(entry) {
      await pool.query({
        name: 'tessera_audit',
        text: 'INSERT INTO audit_log (workspace_id, at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5, $6)',
        values: [entry.workspaceId, entry.at, text(entry.actor), text(entry.action), text(entry.subject), JSON.stringify(entry.details)],
      });
    },

    async auditLog(workspaceId, { limit, cursor }) {
      const at = decodeCursor(cursor);
      if (cursor && !at) throw new TesseraError('invalid_query', { issues: [{ field: 'cursor', reason: 'is not a cursor this API returned' }] });
      const { rows } = await pool.query<AuditRow>({
        name: 'tessera_audit_log',
        text: 'SELECT * FROM audit_log WHERE workspace_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3',
        values: [workspaceId, at?.seq ?? Number.MAX_SAFE_INTEGER, limit + 1],
      });
      const entries = rows.slice(0, limit).map((row): AuditEntry => ({
        workspaceId: row.workspace_id, at: Number(row.at), actor: row.actor, action: row.action, subject: row.subject, details: row.details,
      }));
      const last = rows[limit - 1];
      return { entries, nextCursor: rows.length > limit && last ? encodeCursor(Number(last.at), Number(last.seq)) : null };
    },

    async erase(workspaceId, profileId, erasure) {
      const report = await inTransaction(pool, (db) => eraseProfile(db, workspaceId, profileId, erasure));
      options.vacuum.request(ERASED_TABLES);
      return report;
    },

    async purgeEvents(workspaceId, rule, limit) {
      const values: unknown[] = [workspaceId, rule.before, rule.type];
      const where = ['workspace_id = $1', 'ts < $2', 'type = $3'];
      if (rule.names) where.push(`name = ANY($${values.push(rule.names.map((n) => text(n)))}::text[])`);
      if (rule.exceptNames?.length) where.push(`(name IS NULL OR name <> ALL($${values.push(rule.exceptNames.map((n) => text(n)))}::text[]))`);
      // SKIP LOCKED: two servers purging at once delete different events instead of waiting for each other.
      const { rows } = await inTransaction(pool, (db) => db.query<{ profile_id: string }>(`DELETE FROM events WHERE seq IN (
          SELECT seq FROM events WHERE ${where.join(' AND ')} LIMIT $${values.push(limit)} FOR UPDATE SKIP LOCKED
        ) RETURNING profile_id`, values));
      return { deleted: rows.length, profileIds: [...new Set(rows.map((r) => r.profile_id))] };
    },

    async redactMergeSnapshots(workspaceId, expired) {
      let changed = 0;
      for (let after = 0; ;) {
        const { rows } = await pool.query<{ seq: string; snapshot: { traits: Record<string, unknown>; traitMeta: Record<string, { at: number }> } }>(
          'SELECT seq, snapshot FROM merges WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [workspaceId, after, REDACT_PAGE]);
        const redacted: Array<{ seq: string; snapshot: unknown }> = [];
        for (const { seq, snapshot } of rows) {
          const drop = Object.entries(snapshot.traitMeta ?? {}).filter(([name, meta]) => expired(name, meta.at)).map(([name]) => name);
          if (drop.length === 0) continue;
          for (const name of drop) { delete snapshot.traits[name]; delete snapshot.traitMeta[name]; }
          redacted.push({ seq, snapshot });
        }
        if (redacted.length > 0) {
          const result = await pool.query(`UPDATE merges SET snapshot = r.snapshot
            FROM ROWS FROM (json_array_elements_text($2::json), json_array_elements($3::json)) AS r(seq, snapshot)
            WHERE merges.seq = r.seq::bigint AND merges.workspace_id = $1`,
          [workspaceId, JSON.stringify(redacted.map((r) => r.seq)), JSON.stringify(redacted.map((r) => r.snapshot))]);
          changed += result.rowCount ?? 0;
        }
        if (rows.length < REDACT_PAGE) return changed;
        after = Number(rows[rows.length - 1]!.seq);
      }
    },
  };
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A range bound as a real date, with the meaning SQLite gives the same string (compared as text):
 * `from` is the first date not before it, `to` the last date not after it (`2024-02-30` as `from`
 * is 1 March, as `to` 29 February). Null: no date can satisfy it (before year 1).
 */
export function dayBound(day: string, side: 'from' | 'to'): string | null {
  const match = DAY.exec(day);
  if (!match) throw new TesseraError('invalid_query', { issues: [{ field: side, reason: 'must be a day, YYYY-MM-DD' }] });
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const daysIn = (year: number, month: number) => month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  let date: [number, number, number];
  if (side === 'from') {
    if (m < 1) date = [y, 1, 1];
    else if (m > 12) date = [y + 1, 1, 1];
    else if (d < 1) date = [y, m, 1];
    else if (d > daysIn(y, m)) date = m === 12 ? [y + 1, 1, 1] : [y, m + 1, 1];
    else date = [y, m, d];
    if (date[0] < 1) date = [1, 1, 1];
  } else {
    if (m < 1) date = [y - 1, 12, 31];
    else if (m > 12) date = [y, 12, 31];
    else if (d < 1) date = m === 1 ? [y - 1, 12, 31] : [y, m - 1, daysIn(y, m - 1)];
    else if (d > daysIn(y, m)) date = [y, m, daysIn(y, m)];
    else date = [y, m, d];
    if (date[0] < 1) return null;
  }
  return date.map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0')).join('-');
}
