/**
 * The PostgreSQL write transaction, on one pooled connection between BEGIN and COMMIT (READ
 * COMMITTED). Every method works on whole batches; the writes are in apply-changes.ts.
 *
 * Concurrency (two servers, or concurrent writes in one server):
 * - `findOwners` takes transaction-level advisory locks on the identities before reading their
 *   owners, so two transactions that would create a profile for the same new identifier take turns;
 *   the second then reads the owner the first committed. Locks are taken in hash order (no deadlock
 *   between two batches' identity locks). PostgreSQL keeps advisory locks in a fixed-size shared
 *   table (max_locks_per_transaction × max_connections entries, 6,400 by default), so a batch with
 *   more than FINE_LOCK_LIMIT identifiers takes one exclusive lock on the workspace instead; every
 *   batch with per-identity locks first holds the same workspace lock in shared mode
 *   (multi-granularity locking), so both kinds exclude each other correctly.
 * - `loadProfiles` locks the profile rows (FOR UPDATE), so two transactions updating one profile
 *   take turns and the second reads the first's result.
 * - An erasure (erase-profile.ts) takes the workspace lock in exclusive mode: it waits for the
 *   batches of the workspace under way, and the batches after it wait for it.
 * - What is left (another server inserting the same message id, rare lock-order deadlocks) ends in
 *   a unique violation or deadlock error, and the store re-runs the whole work (store.ts).
 */
import { createPostgresAnalyticsTx } from './analytics-store.js';
import { identityKeyString, type IdentityKey } from '../../core/identity/identity-key.js';
import type { ChangeSet, WriteTx } from '../../ports/store.js';
import { applyChanges, searchEntry, type SearchEntry } from './apply-changes.js';
import type pg from 'pg';
import type { Queryable } from './database.js';
import { loadLiveProfiles } from './profile-rows.js';
import { text } from './values.js';
import { createPostgresSegmentTx, eventsOfProfiles } from './segment-store.js';
import { createPostgresUnmergeTx } from './unmerge-store.js';
import { WORKSPACE_LOCK_CLASS } from './workspace-lock.js';

/** Above this many identifiers in one call, the whole workspace is locked instead. */
export const FINE_LOCK_LIMIT = 200;
export { WORKSPACE_LOCK_CLASS };

export const LOCK_IDENTITIES_SQL = `SELECT count(pg_advisory_xact_lock(h)) FROM (
  SELECT DISTINCT hashtextextended($1::text || ' ' || k || ' ' || v, 0) AS h FROM unnest($2::text[], $3::text[]) AS u(k, v) ORDER BY h
) AS sorted`;

/**
 * Lookups of many keys probe the unique index once per key (a LATERAL subquery per key), never
 * `= ANY($2)` or a plain join. Without column statistics (a young database, before autovacuum's
 * first ANALYZE) PostgreSQL takes `workspace_id = $1` for a selective condition and, given the
 * choice, scans the workspace's whole range of the index (or hashes it) instead of probing, and the
 * prepared statement keeps that plan. A probe on every column of a unique index is the one plan
 * whose cost does not depend on those statistics.
 */
export const EXISTING_MESSAGES_SQL = `SELECT m.id AS message_id FROM unnest($2::text[]) AS m(id)
  CROSS JOIN LATERAL (SELECT 1 FROM events e WHERE e.workspace_id = $1 AND e.message_id = m.id LIMIT 1) AS stored`;

/**
 * The dedupe lookup as the write path sends it (message ids already in their stored form). Not a
 * named statement: PostgreSQL would cache a generic plan for it after five runs, and on a young
 * database (empty, no statistics) that plan takes the (workspace_id, ts) index, which ties with the
 * unique index on an empty table, and then filters the workspace's whole range for every id, for
 * as long as the connection lives. Planned with each run, it probes the unique index once the
 * table has rows (test/storage/postgres-young-plans.test.ts).
 */
export function existingMessagesQuery(workspaceId: string, messageIds: string[]): pg.QueryConfig {
  return { text: EXISTING_MESSAGES_SQL, values: [workspaceId, messageIds] };
}

export const OWNERS_SQL = `SELECT k.kind, k.value, o.profile_id FROM unnest($2::text[], $3::text[]) AS k(kind, value)
  CROSS JOIN LATERAL (SELECT i.profile_id FROM identities i WHERE i.workspace_id = $1 AND i.kind = k.kind AND i.value = k.value LIMIT 1) AS o`;

/** Which tombstone hashes exist: one probe of the primary key per hash (see above). */
export const TOMBSTONES_SQL = `SELECT t.hash FROM unnest($2::text[]) AS t(hash)
  CROSS JOIN LATERAL (SELECT 1 FROM tombstones s WHERE s.workspace_id = $1 AND s.hash = t.hash LIMIT 1) AS stored`;

export function createPostgresWriteTx(db: Queryable): WriteTx {
  /** Search entries of the profiles as loaded, so that apply rewrites only the changed ones. */
  const searchBefore = new Map<string, SearchEntry>();

  return {
    segments: createPostgresSegmentTx(db),
    analytics: createPostgresAnalyticsTx(db),
    unmerges: createPostgresUnmergeTx(db, (workspaceId) => db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [WORKSPACE_LOCK_CLASS, workspaceId])),
    async existingMessageIds(workspaceId, messageIds) {
      if (messageIds.length === 0) return new Set();
      const asked = new Map(messageIds.map((id) => [text(id), id]));
      const { rows } = await db.query<{ message_id: string }>(existingMessagesQuery(workspaceId, [...asked.keys()]));
      return new Set(rows.map((r) => asked.get(r.message_id) ?? r.message_id));
    },

    async findOwners(workspaceId, keys: readonly IdentityKey[]) {
      const owners = new Map<string, string>();
      if (keys.length === 0) return owners;
      // Keyed by the stored (NUL-free) form, answered by the form asked for.
      const asked = new Map(keys.map((k) => [identityKeyString({ kind: k.kind, value: text(k.value) }), identityKeyString(k)]));
      const kinds = keys.map((k) => k.kind);
      const values = keys.map((k) => text(k.value));
      // Sent together (pipelined): the owners are read by a statement that starts after the locks are held.
      const locks = keys.length > FINE_LOCK_LIMIT
        ? [db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [WORKSPACE_LOCK_CLASS, workspaceId])]
        : [
          db.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [WORKSPACE_LOCK_CLASS, workspaceId]),
          db.query({ name: 'tessera_lock_identities', text: LOCK_IDENTITIES_SQL, values: [workspaceId, kinds, values] }),
        ];
      const owned = db.query<{ kind: IdentityKey['kind']; value: string; profile_id: string }>({ name: 'tessera_owners', text: OWNERS_SQL, values: [workspaceId, kinds, values] });
      const [{ rows }] = await Promise.all([owned, ...locks]);
      for (const r of rows) {
        const stored = identityKeyString(r);
        owners.set(asked.get(stored) ?? stored, r.profile_id);
      }
      return owners;
    },

    async loadProfiles(workspaceId, ids) {
      const profiles = await loadLiveProfiles(db, workspaceId, ids, { forUpdate: true });
      for (const p of profiles.values()) if (!searchBefore.has(p.id)) searchBefore.set(p.id, searchEntry(p));
      return profiles;
    },

    async loadEvents(workspaceId, profileIds) {
      return eventsOfProfiles(db, workspaceId, profileIds);
    },

    async findTombstones(workspaceId, hashes) {
      if (hashes.length === 0) return new Set();
      const asked = new Map(hashes.map((h) => [text(h), h]));
      const { rows } = await db.query<{ hash: string }>({ name: 'tessera_find_tombstones', text: TOMBSTONES_SQL, values: [workspaceId, [...asked.keys()]] });
      return new Set(rows.map((r) => asked.get(r.hash) ?? r.hash));
    },

    apply(c: ChangeSet) {
      return applyChanges(db, c, searchBefore);
    },
  };
}
