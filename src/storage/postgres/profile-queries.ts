/** Read side of the PostgreSQL store, on the pool (each query its own snapshot, never locking). */
import { TesseraError } from '../../core/errors.js';
import { mergeRecordFromRow, type MergeRow } from '../shared/merge-rows.js';
import type { ProfileQueries } from '../../ports/store.js';
import { decodeCursor, encodeCursor, encodeSearchCursor, eventFromColumns, type EventColumns } from '../shared/codec.js';
import type { Queryable } from './database.js';
import { loadLiveProfiles } from './profile-rows.js';
import { searchQuery } from './search-query.js';
import { text } from './values.js';
import { LIFECYCLE_MOVE_FILTER, moveCountOf, sortMoveCounts } from '../shared/lifecycle-moves.js';



/** The hot read queries, exported for the EXPLAIN test (test/storage/postgres-explain.test.ts). */
/**
 * profiles.resolve in one statement (one round trip in the common case: it runs per request of the
 * recommendation API, where four sequential pool queries queued behind each other at 50 requests in
 * flight): the profile of that id if there is one (`$4`, the id as given), else the owner of the
 * first identity found in the order user id, email, anonymous id (one probe of the identities
 * primary key per kind, see OWNERS_SQL in write-tx.ts: an OR of the three, planned as a generic
 * plan on a young database, read every identity of the workspace); with its `merged_into`. A
 * merged-away profile's chain is then followed by loadLiveProfiles (rare: identities move to the
 * survivor with the merge, so only an old profile id leads there).
 */
export const RESOLVE_SQL = `SELECT p.id, p.merged_into FROM (
    SELECT s.id FROM (
      SELECT p.id, 0 AS rank FROM profiles p WHERE p.workspace_id = $1 AND p.id = $4
      UNION ALL
      SELECT o.profile_id, k.rank FROM (VALUES (1, 'user_id', $2::text), (2, 'email', $3::text), (3, 'anonymous_id', $2::text)) AS k(rank, kind, value)
        CROSS JOIN LATERAL (SELECT i.profile_id FROM identities i WHERE i.workspace_id = $1 AND i.kind = k.kind AND i.value = k.value LIMIT 1) AS o
    ) s ORDER BY s.rank LIMIT 1
  ) start CROSS JOIN LATERAL (SELECT p.id, p.merged_into FROM profiles p WHERE p.workspace_id = $1 AND p.id = start.id) p`;
export const TIMELINE_SQL = `SELECT * FROM events WHERE profile_id = $1 AND workspace_id = $2 AND (ts, seq) < ($3, $4)
  ORDER BY ts DESC, seq DESC LIMIT $5`;

const invalidCursor = () => new TesseraError('invalid_query', { issues: [{ field: 'cursor', reason: 'is not a cursor this API returned' }] });

export function createPostgresProfileQueries(db: Queryable): ProfileQueries {

  return {
    async resolve(workspaceId, key) {
      const { rows } = await db.query<{ id: string; merged_into: string | null }>({ name: 'tessera_resolve', text: RESOLVE_SQL, values: [workspaceId, text(key), text(key.trim().toLowerCase()), key] });
      const found = rows[0];
      if (!found) return null;
      if (found.merged_into === null) return found.id;
      return (await loadLiveProfiles(db, workspaceId, [found.id], { forUpdate: false })).get(found.id)?.id ?? null;
    },

    async get(workspaceId, profileId) {
      return (await loadLiveProfiles(db, workspaceId, [profileId], { forUpdate: false })).get(profileId) ?? null;
    },

    async events(workspaceId, profileId, { limit, cursor }) {
      const at = decodeCursor(cursor);
      if (cursor && !at) throw invalidCursor();
      const { rows } = await db.query<EventColumns>({
        name: 'tessera_timeline',
        text: TIMELINE_SQL,
        values: [profileId, workspaceId, at?.ts ?? Number.MAX_SAFE_INTEGER, at?.seq ?? Number.MAX_SAFE_INTEGER, limit + 1],
      });
      const events = rows.slice(0, limit).map(eventFromColumns);
      const last = events[events.length - 1];
      return { events, nextCursor: rows.length > limit && last ? encodeCursor(last.timestamp, last.seq) : null };
    },

    async merges(workspaceId, profileId) {
      const { rows } = await db.query<MergeRow>({
        name: 'tessera_merges_of',
        text: 'SELECT * FROM merges WHERE workspace_id = $1 AND (survivor_id = $2 OR merged_id = $2) ORDER BY seq',
        values: [workspaceId, profileId],
      });
      return rows.map(mergeRecordFromRow);
    },

    async search(workspaceId, query) {
      const { rows } = await db.query<{ id: string; updated_at: string }>(searchQuery(workspaceId, query));
      const page = rows.slice(0, query.limit);
      const loaded = await loadLiveProfiles(db, workspaceId, page.map((r) => r.id), { forUpdate: false });
      const profiles = page.map((r) => loaded.get(r.id)).filter((p) => p !== undefined);
      const last = page[page.length - 1];
      return { profiles, nextCursor: rows.length > query.limit && last ? encodeSearchCursor(Number(last.updated_at), last.id) : null };
    },

    async count(workspaceId) {
      const { rows } = await db.query<{ n: string }>({
        name: 'tessera_count_profiles',
        text: 'SELECT count(*) AS n FROM profiles WHERE workspace_id = $1 AND merged_into IS NULL',
        values: [workspaceId],
      });
      return Number(rows[0]?.n ?? 0);
    },

    async lifecycleMoves(workspaceId, period) {
      const { rows } = await db.query<Parameters<typeof moveCountOf>[0]>({
        name: 'tessera_lifecycle_moves',
        text: `SELECT body->'properties'->>'from' AS from_stage, body->'properties'->>'to' AS to_stage, count(*) AS moves, count(DISTINCT profile_id) AS people
          FROM events WHERE workspace_id = $1 AND ${LIFECYCLE_MOVE_FILTER} AND ts >= $2 AND ts < $3 GROUP BY 1, 2`,
        values: [workspaceId, period.from, period.to],
      });
      return sortMoveCounts(rows.map(moveCountOf).filter((r) => r !== null));
    },
  };
}
