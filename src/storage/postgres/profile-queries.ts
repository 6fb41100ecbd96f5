/** Read side of the PostgreSQL store, on the pool (each query its own snapshot, never locking). */
import { TesseraError } from '../../core/errors.js';
import type { IdentityKind } from '../../core/identity/identity-key.js';
import { mergeRecordFromRow, type MergeRow } from '../shared/merge-rows.js';
import type { ProfileQueries } from '../../ports/store.js';
import { decodeCursor, encodeCursor, encodeSearchCursor, eventFromColumns, type EventColumns } from '../shared/codec.js';
import type { Queryable } from './database.js';
import { loadLiveProfiles } from './profile-rows.js';
import { searchQuery } from './search-query.js';
import { text } from './values.js';
import { LIFECYCLE_MOVE_FILTER, moveCountOf, sortMoveCounts } from '../shared/lifecycle-moves.js';

const LOOKUP_ORDER: IdentityKind[] = ['user_id', 'email', 'anonymous_id'];


/** The hot read queries, exported for the EXPLAIN test (test/storage/postgres-explain.test.ts). */
/**
 * One probe of the identities primary key per kind the identifier may be (see OWNERS_SQL in
 * write-tx.ts): an OR of the three, planned as a generic plan on a young database, read every
 * identity of the workspace.
 */
export const RESOLVE_IDENTITY_SQL = `SELECT k.kind, o.profile_id FROM (VALUES ('user_id', $2::text), ('email', $3::text), ('anonymous_id', $2::text)) AS k(kind, value)
  CROSS JOIN LATERAL (SELECT i.profile_id FROM identities i WHERE i.workspace_id = $1 AND i.kind = k.kind AND i.value = k.value LIMIT 1) AS o`;
export const TIMELINE_SQL = `SELECT * FROM events WHERE profile_id = $1 AND workspace_id = $2 AND (ts, seq) < ($3, $4)
  ORDER BY ts DESC, seq DESC LIMIT $5`;

const invalidCursor = () => new TesseraError('invalid_query', { issues: [{ field: 'cursor', reason: 'is not a cursor this API returned' }] });

export function createPostgresProfileQueries(db: Queryable): ProfileQueries {
  const liveId = async (workspaceId: string, id: string) => (await loadLiveProfiles(db, workspaceId, [id], { forUpdate: false })).get(id)?.id ?? null;

  return {
    async resolve(workspaceId, key) {
      const direct = await db.query({ name: 'tessera_profile_exists', text: 'SELECT 1 FROM profiles WHERE workspace_id = $1 AND id = $2', values: [workspaceId, key] });
      if (direct.rows.length > 0) return liveId(workspaceId, key);
      const { rows } = await db.query<{ kind: IdentityKind; profile_id: string }>({
        name: 'tessera_resolve_identity',
        text: RESOLVE_IDENTITY_SQL,
        values: [workspaceId, text(key), text(key.trim().toLowerCase())],
      });
      for (const kind of LOOKUP_ORDER) {
        const owner = rows.find((r) => r.kind === kind);
        if (owner) return liveId(workspaceId, owner.profile_id);
      }
      return null;
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
