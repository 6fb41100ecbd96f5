/** Read side of the SQLite store, on its own read-only connection (WAL: never blocks the writer). */
import { TesseraError } from '../../core/errors.js';
import type { IdentityKind } from '../../core/identity/identity-key.js';
import { mergeRecordFromRow, type MergeRow } from '../shared/merge-rows.js';
import type { ProfileQueries } from '../../ports/store.js';
import { decodeCursor, decodeSearchCursor, encodeCursor, encodeSearchCursor, eventFromColumns, searchNumber, traitJsonPath, type EventColumns } from '../shared/codec.js';
import { foldText } from '../../core/segments/comparison.js';
import type { Database } from './database.js';
import { createSearchPlanner, searchStatement, trigramPhrase } from './profile-search-index.js';
import { loadProfileRow, prepareWriteStatements } from './write-tx.js';
import { LIFECYCLE_MOVE_FILTER, moveCountOf, sortMoveCounts } from '../shared/lifecycle-moves.js';

const LOOKUP_ORDER: IdentityKind[] = ['user_id', 'email', 'anonymous_id'];

/** The stage funnel's moves of a period, through the partial index events_lifecycle_moves (test/storage/sqlite-query-plans.test.ts). */
export const LIFECYCLE_MOVES_SQL = `SELECT json_extract(body, '$.properties.from') AS from_stage, json_extract(body, '$.properties.to') AS to_stage,
    count(*) AS moves, count(DISTINCT profile_id) AS people
    FROM events WHERE workspace_id = ? AND ${LIFECYCLE_MOVE_FILTER} AND ts >= ? AND ts < ? GROUP BY from_stage, to_stage`;


export function createSqliteProfileQueries(db: Database.Database): ProfileQueries {
  const reads = prepareWriteStatements(db);
  const byId = db.prepare('SELECT id FROM profiles WHERE workspace_id = ? AND id = ?').pluck();
  const timeline = db.prepare(`SELECT * FROM events WHERE profile_id = ? AND workspace_id = ?
    AND (ts < ? OR (ts = ? AND seq < ?)) ORDER BY ts DESC, seq DESC LIMIT ?`);
  const merges = db.prepare('SELECT * FROM merges WHERE workspace_id = ? AND (survivor_id = ? OR merged_id = ?) ORDER BY seq');
  const count = db.prepare('SELECT count(*) FROM profiles WHERE workspace_id = ? AND merged_into IS NULL').pluck();
  const byIndex = createSearchPlanner(db);
  const moves = db.prepare(LIFECYCLE_MOVES_SQL);

  const resolve = async (workspaceId: string, key: string) => {
    const direct = byId.get(workspaceId, key) as string | undefined;
    if (direct) return loadProfileRow(reads, workspaceId, direct)?.id ?? null;
    for (const kind of LOOKUP_ORDER) {
      const value = kind === 'email' ? key.trim().toLowerCase() : key;
      const owner = reads.owner.get(workspaceId, kind, value) as string | undefined;
      if (owner) return loadProfileRow(reads, workspaceId, owner)?.id ?? null;
    }
    return null;
  };

  return {
    resolve,
    async get(workspaceId, profileId) {
      return loadProfileRow(reads, workspaceId, profileId);
    },
    async events(workspaceId, profileId, { limit, cursor }) {
      const at = decodeCursor(cursor);
      if (cursor && !at) throw new TesseraError('invalid_query', { issues: [{ field: 'cursor', reason: 'is not a cursor this API returned' }] });
      const ts = at?.ts ?? Number.MAX_SAFE_INTEGER;
      const seq = at?.seq ?? Number.MAX_SAFE_INTEGER;
      const rows = timeline.all(profileId, workspaceId, ts, ts, seq, limit + 1) as Array<Omit<EventColumns, 'body'> & { body: string }>;
      const events = rows.slice(0, limit).map((r) => eventFromColumns({ ...r, body: JSON.parse(r.body) }));
      const last = events[events.length - 1];
      return { events, nextCursor: rows.length > limit && last ? encodeCursor(last.timestamp, last.seq) : null };
    },
    async merges(workspaceId, profileId) {
      return (merges.all(workspaceId, profileId, profileId) as MergeRow[]).map(mergeRecordFromRow);
    },
    async search(workspaceId, query) {
      // Columns are named through p: the index-driven plan (profile-search-index.ts) joins others.
      const where = ['p.workspace_id = ?', 'p.merged_into IS NULL'];
      const params: unknown[] = [workspaceId];
      // The comparison rules (core/segments/comparison.ts): text folded by tessera_fold (the same
      // JS function, registered on every connection: database.ts), a number trait when the value
      // spells it, a list when one of its items matches (json_each walks a list's items, or yields
      // a scalar itself). Search scans the workspace's live profiles either way.
      for (const [name, value] of Object.entries(query.traits ?? {})) {
        const path = traitJsonPath(name);
        const number = searchNumber(value);
        where.push(`json_type(p.traits, ?) <> 'object' AND EXISTS (SELECT 1 FROM json_each(p.traits, ?) WHERE (type = 'text' AND tessera_fold(value) = ?)${number === undefined ? '' : " OR (type IN ('integer', 'real') AND value = ?)"})`);
        params.push(path, path, foldText(value), ...(number === undefined ? [] : [number]));
      }
      const q = query.q?.toLowerCase();
      if (q) {
        where.push("p.search LIKE ? ESCAPE '\\'");
        params.push(`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      }
      const at = decodeSearchCursor(query.cursor);
      if (query.cursor && !at) throw new TesseraError('invalid_query', { issues: [{ field: 'cursor', reason: 'is not a cursor this API returned' }] });
      if (at) { where.push('(p.updated_at < ? OR (p.updated_at = ? AND p.id > ?))'); params.push(at.updatedAt, at.updatedAt, at.id); }
      // A q of 3+ characters that few profiles contain is looked up in the trigram index
      // (profile-search-index.ts); the results and their order are the same either way.
      const indexed = q !== undefined && q !== '' && byIndex(q);
      const ids = db.prepare(searchStatement(where, indexed))
        .all(...(indexed ? [trigramPhrase(q)] : []), ...params, query.limit + 1) as Array<{ id: string; updated_at: number }>;
      const profiles = ids.slice(0, query.limit).map((r) => loadProfileRow(reads, workspaceId, r.id)).filter((p) => p !== null);
      const last = ids[query.limit - 1];
      return { profiles, nextCursor: ids.length > query.limit && last ? encodeSearchCursor(last.updated_at, last.id) : null };
    },
    async count(workspaceId) {
      return count.get(workspaceId) as number;
    },
    async lifecycleMoves(workspaceId, period) {
      const rows = moves.all(workspaceId, period.from, period.to) as Array<Parameters<typeof moveCountOf>[0]>;
      return sortMoveCounts(rows.map(moveCountOf).filter((r) => r !== null));
    },
  };
}
