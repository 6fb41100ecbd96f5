/**
 * The segment part of the PostgreSQL store (ports/segment-store.ts): definitions, memberships, the
 * scheduler's due table. `createPostgresSegmentTx` and `applySegmentChanges` run inside ingest's
 * write transaction; the scheduler's claim uses FOR UPDATE SKIP LOCKED so that two servers never
 * re-evaluate the same profile at once and neither waits for the other.
 */
import type { StoredEvent, TrackedEvent } from '../../core/events/event.js';
import type { BackfillProgress, DefinitionKind, SegmentChanges, SegmentStore, SegmentTx, StoredDefinition } from '../../ports/segment-store.js';
import { eventFromColumns, profileFromColumns, type EventColumns, type ProfileColumns } from '../shared/codec.js';
import type { Pool, Queryable } from './database.js';
import { inTransaction } from './transaction.js';
import { jsonb, text } from './values.js';

/**
 * The kept member count of each segment (migration 39, issue 19 §3): every transaction that inserts
 * or deletes membership rows also inserts, in the same statement, one row per segment with the
 * number of rows it actually inserted (a conflicting entry that only updated `since` counts 0:
 * `xmax = 0` marks a row the INSERT created rather than updated) or deleted (negative); the count
 * is the sum of a segment's rows.
 *
 * Why delta rows and not one counter row per segment updated with `members = members + delta`:
 * concurrent ingest transactions (several servers, or batches of one server, under the shared
 * workspace lock) would all update the same row of a busy segment, each waiting for the previous
 * one's COMMIT, serialising ingest on its most common segments; and two transactions touching two
 * segments in different orders would deadlock. Inserted rows lock nothing another writer wants,
 * and go out pipelined with the rest of the batch like before.
 *
 * The price is a sum on read and rows that pile up: a read that finds more than FOLD_AT rows
 * folds them into one (memberCount), the segment scheduler folds those of every segment now and
 * then (compactMemberCounts), and recountMembers replaces them with the exact count. Both
 * hold a transaction-scoped advisory lock per segment, so a fold and a recount never interleave;
 * neither blocks ingest. Rows of transactions not yet committed are invisible to both and stay,
 * to be added when they commit, so no change is lost or counted twice.
 */
export const SEGMENT_COUNT_LOCK_CLASS = 0x7e55_0039;
const FOLD_AT = 64;

/** `WITH changed AS (<statement> RETURNING segment_id …)` followed by the rows of its counts. */
const ADD_COUNTS = `INSERT INTO segment_member_counts (workspace_id, segment_id, delta)
  SELECT $1, segment_id, sum(delta) FROM changed GROUP BY segment_id HAVING sum(delta) <> 0`;

const COUNT = 'SELECT coalesce(sum(delta), 0) AS n, count(*) AS rows FROM segment_member_counts WHERE workspace_id = $1 AND segment_id = $2';
const FOLD = `WITH gone AS (DELETE FROM segment_member_counts WHERE workspace_id = $1 AND segment_id = $2 RETURNING delta)
  INSERT INTO segment_member_counts (workspace_id, segment_id, delta) SELECT $1, $2, sum(delta) FROM gone HAVING count(*) > 0`;
/** Segments whose count is in more than $1 pieces (a scan of the table, which folding keeps small). */
const MANY_PIECES = `SELECT workspace_id, segment_id FROM segment_member_counts GROUP BY workspace_id, segment_id HAVING count(*) > $1 LIMIT 1000`;
/** One statement, one snapshot: the rows deleted and the memberships counted are of the same moment. */
const RECOUNT = `WITH gone AS (DELETE FROM segment_member_counts WHERE workspace_id = $1 AND segment_id = $2)
  INSERT INTO segment_member_counts (workspace_id, segment_id, delta)
  SELECT $1, $2, count(*) FROM segment_members WHERE workspace_id = $1 AND segment_id = $2 RETURNING delta`;

const lockCount = (db: Queryable, workspaceId: string, segmentId: string) =>
  db.query(`SELECT pg_advisory_xact_lock($1, hashtext($2 || '/' || $3))`, [SEGMENT_COUNT_LOCK_CLASS, workspaceId, text(segmentId)]);

/** `deleteSql` (a DELETE FROM segment_members) with the kept counts lowered by the rows it deleted; `column`: their segment id. */
export const REMOVE_COUNTED = (deleteSql: string, column = 'segment_id') => `WITH changed AS (${deleteSql} RETURNING ${column} AS segment_id, -1 AS delta) ${ADD_COUNTS}`;

interface DefinitionRow { workspace_id: string; kind: DefinitionKind; id: string; body: Record<string, unknown>; created_at: string; updated_at: string; backfill: BackfillProgress | null }

const definitionOf = (r: DefinitionRow): StoredDefinition => ({
  workspaceId: r.workspace_id, kind: r.kind, id: r.id, body: r.body, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), backfill: r.backfill,
});

/** The events of these profiles, oldest first (ingest replays after merges, backfills, previews). */
export async function eventsOfProfiles(db: Queryable, workspaceId: string, ids: readonly string[]): Promise<StoredEvent[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<EventColumns>({
    name: 'tessera_events_of',
    // OFFSET 0 keeps the workspace condition outside the probe, so it stays on the timeline index.
    text: `SELECT e.* FROM unnest($2::text[]) AS p(id)
      CROSS JOIN LATERAL (SELECT * FROM events WHERE profile_id = p.id OFFSET 0) AS e
      WHERE e.workspace_id = $1 ORDER BY e.ts, e.seq`,
    values: [workspaceId, ids],
  });
  return rows.map((row) => eventFromColumns(row));
}

async function eventsByProfile(db: Queryable, workspaceId: string, ids: readonly string[]): Promise<Map<string, TrackedEvent[]>> {
  const found = new Map<string, TrackedEvent[]>(ids.map((id) => [id, []]));
  for (const e of await eventsOfProfiles(db, workspaceId, ids)) found.get(e.profileId)?.push(e);
  return found;
}

export function createPostgresSegmentStore(pool: Pool): SegmentStore {
  const fold = (workspaceId: string, segmentId: string) => inTransaction(pool, async (db) => {
    await lockCount(db, workspaceId, segmentId);
    await db.query(FOLD, [workspaceId, text(segmentId)]);
  });
  return {
    async list(workspaceId) {
      const { rows } = await pool.query<DefinitionRow>('SELECT * FROM definitions WHERE workspace_id = $1 ORDER BY created_at, id', [workspaceId]);
      return rows.map(definitionOf);
    },
    async get(workspaceId, kind, id) {
      const { rows } = await pool.query<DefinitionRow>('SELECT * FROM definitions WHERE workspace_id = $1 AND kind = $2 AND id = $3', [workspaceId, kind, text(id)]);
      return rows[0] ? definitionOf(rows[0]) : null;
    },
    async put(d) {
      await pool.query(`INSERT INTO definitions (workspace_id, kind, id, body, created_at, updated_at, backfill) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb)
        ON CONFLICT (workspace_id, kind, id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, backfill = excluded.backfill`,
      [d.workspaceId, d.kind, text(d.id), jsonb(d.body), d.createdAt, d.updatedAt, d.backfill ? jsonb(d.backfill) : null]);
    },
    async delete(workspaceId, kind, id) {
      const { rows } = await pool.query<{ deleted: boolean }>(`WITH d AS (DELETE FROM definitions WHERE workspace_id = $1 AND kind = $2 AND id = $3 RETURNING id),
          m AS (DELETE FROM segment_members WHERE workspace_id = $1 AND segment_id = $3 AND $2 = 'segment' AND EXISTS (SELECT 1 FROM d)),
          c AS (DELETE FROM segment_member_counts WHERE workspace_id = $1 AND segment_id = $3 AND $2 = 'segment' AND EXISTS (SELECT 1 FROM d))
        SELECT EXISTS (SELECT 1 FROM d) AS deleted`, [workspaceId, kind, text(id)]);
      return rows[0]?.deleted === true;
    },
    async setBackfill(workspaceId, kind, id, progress) {
      await pool.query('UPDATE definitions SET backfill = $4::jsonb WHERE workspace_id = $1 AND kind = $2 AND id = $3', [workspaceId, kind, text(id), jsonb(progress)]);
    },
    async members(workspaceId, segmentId, { limit, after }) {
      const { rows } = await pool.query<{ profile_id: string; since: string; reason: string }>(
        'SELECT profile_id, since, reason FROM segment_members WHERE workspace_id = $1 AND segment_id = $2 AND profile_id > $3 ORDER BY profile_id LIMIT $4',
        [workspaceId, text(segmentId), text(after ?? ''), limit]);
      return rows.map((r) => ({ profileId: r.profile_id, since: Number(r.since), reason: r.reason }));
    },
    async memberCount(workspaceId, segmentId) {
      const { rows } = await pool.query<{ n: string; rows: string }>(COUNT, [workspaceId, text(segmentId)]);
      if (Number(rows[0]?.rows ?? 0) > FOLD_AT) await fold(workspaceId, segmentId);
      return Number(rows[0]?.n ?? 0);
    },
    async compactMemberCounts() {
      const { rows } = await pool.query<{ workspace_id: string; segment_id: string }>(MANY_PIECES, [FOLD_AT]);
      for (const r of rows) await fold(r.workspace_id, r.segment_id);
      return rows.length;
    },
    recountMembers: (workspaceId, segmentId) => inTransaction(pool, async (db) => {
      await lockCount(db, workspaceId, segmentId);
      const { rows } = await db.query<{ delta: string }>(RECOUNT, [workspaceId, text(segmentId)]);
      return Number(rows[0]?.delta ?? 0);
    }),
    async profileIds(workspaceId, { limit, after }) {
      const { rows } = await pool.query<{ id: string }>('SELECT id FROM profiles WHERE workspace_id = $1 AND merged_into IS NULL AND id > $2 ORDER BY id LIMIT $3', [workspaceId, text(after ?? ''), limit]);
      return rows.map((r) => r.id);
    },
    async scanProfiles(workspaceId, { limit, after }) {
      const { rows } = await pool.query<ProfileColumns>(`SELECT id, workspace_id, created_at, updated_at, traits, state FROM profiles
        WHERE workspace_id = $1 AND merged_into IS NULL AND id > $2 ORDER BY id LIMIT $3`, [workspaceId, text(after ?? ''), limit]);
      return rows.map((r) => profileFromColumns(r, []));
    },
    eventsByProfile: (workspaceId, ids) => eventsByProfile(pool, workspaceId, ids),
    async nextDueAt() {
      const { rows } = await pool.query<{ at: string | null }>('SELECT min(due_at) AS at FROM segment_due');
      return rows[0]?.at == null ? null : Number(rows[0].at);
    },
  };
}

export function createPostgresSegmentTx(db: Queryable): SegmentTx {
  return {
    async claimDue(now, limit) {
      const { rows } = await db.query<{ workspace_id: string; profile_id: string }>(
        'SELECT workspace_id, profile_id FROM segment_due WHERE due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED', [now, limit]);
      return rows.map((r) => ({ workspaceId: r.workspace_id, profileId: r.profile_id }));
    },
    eventsByProfile: (workspaceId, ids) => eventsByProfile(db, workspaceId, ids),
  };
}

/** Writes ChangeSet.segments; the statements are returned for the caller to pipeline with the rest. */
export function applySegmentChanges(db: Queryable, workspaceId: string, c: SegmentChanges): Array<Promise<unknown>> {
  const sent: Array<Promise<unknown>> = [];
  if (c.retired.length > 0) {
    sent.push(db.query(REMOVE_COUNTED('DELETE FROM segment_members WHERE profile_id = ANY($2::text[]) AND workspace_id = $1'), [workspaceId, c.retired]));
    sent.push(db.query('DELETE FROM segment_due WHERE profile_id = ANY($2::text[]) AND workspace_id = $1', [workspaceId, c.retired]));
  }
  const exits = c.members.filter((m) => m.since === null);
  const entries = c.members.filter((m) => m.since !== null);
  if (exits.length > 0) {
    sent.push(db.query(REMOVE_COUNTED(`DELETE FROM segment_members s USING unnest($2::text[], $3::text[]) AS x(segment_id, profile_id)
      WHERE s.workspace_id = $1 AND s.segment_id = x.segment_id AND s.profile_id = x.profile_id`, 's.segment_id'),
    [workspaceId, exits.map((m) => text(m.segmentId)), exits.map((m) => m.profileId)]));
  }
  if (entries.length > 0) {
    sent.push(db.query(`WITH changed AS (INSERT INTO segment_members (workspace_id, segment_id, profile_id, since, reason)
      SELECT $1, x.segment_id, x.profile_id, x.since, x.reason FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[]) AS x(segment_id, profile_id, since, reason)
      ON CONFLICT (workspace_id, segment_id, profile_id) DO UPDATE SET since = excluded.since, reason = excluded.reason
      RETURNING segment_id, CASE WHEN xmax = 0 THEN 1 ELSE 0 END AS delta) ${ADD_COUNTS}`,
    [workspaceId, entries.map((m) => text(m.segmentId)), entries.map((m) => m.profileId), entries.map((m) => m.since), entries.map((m) => text(m.reason))]));
  }
  const notDue = c.due.filter((d) => d.dueAt === null).map((d) => d.profileId);
  const due = c.due.filter((d) => d.dueAt !== null);
  if (notDue.length > 0) sent.push(db.query('DELETE FROM segment_due WHERE profile_id = ANY($2::text[]) AND workspace_id = $1', [workspaceId, notDue]));
  if (due.length > 0) {
    sent.push(db.query(`INSERT INTO segment_due (workspace_id, profile_id, due_at) SELECT $1, x.profile_id, x.due_at FROM unnest($2::text[], $3::bigint[]) AS x(profile_id, due_at)
      ON CONFLICT (workspace_id, profile_id) DO UPDATE SET due_at = excluded.due_at`, [workspaceId, due.map((d) => d.profileId), due.map((d) => Math.round(d.dueAt!))]));
  }
  return sent;
}
