/**
 * Funnel steps and retention activity from the events' hit keys in PostgreSQL (see
 * ports/hit-store.ts), read through `events_hits` (workspace_id, hit, ts) INCLUDE (profile_id, seq): a
 * step is one range of that index, an index-only scan unless a property is asked for.
 */
import type { HitStore, HitQuery, PropertyMatch } from '../../ports/hit-store.js';
import { keyRange, type HitMatch } from '../../core/analytics/hit-key.js';
import type { Queryable } from './database.js';
import { eventFromColumns, type EventColumns } from '../shared/codec.js';
import { text } from './values.js';

const KNOWN = "EXISTS (SELECT 1 FROM identities i WHERE i.profile_id = events.profile_id AND i.kind IN ('user_id', 'email'))";

function audienceSql(q: HitQuery): string {
  return q.audience === 'known' ? ` AND ${KNOWN}` : q.audience === 'anonymous' ? ` AND NOT ${KNOWN}` : '';
}

function matchSql(match: HitMatch, properties: readonly PropertyMatch[], params: unknown[]): string {
  const range = keyRange(match);
  const parts: string[] = [];
  if ('equals' in range) { params.push(text(range.equals)); parts.push(`hit = $${params.length}`); }
  else { params.push(text(range.from), text(range.to)); parts.push(`hit >= $${params.length - 1}`, `hit < $${params.length}`); }
  for (const p of properties) {
    params.push(p.key, p.json.map((v) => text(v)));
    parts.push(`(body -> 'properties' -> $${params.length - 1}::text)::text = ANY($${params.length}::text[])`);
  }
  return parts.join(' AND ');
}

/** The statement of `occurrences` (exported for the query-plan test). */
export function occurrencesStatement(q: Parameters<HitStore['occurrences']>[0]): { text: string; values: unknown[] } {
  const values: unknown[] = [q.workspaceId, q.from, q.to];
  const match = matchSql(q.match, q.properties ?? [], values);
  let people = '';
  if (q.people) { values.push(q.people); people = ` AND profile_id = ANY($${values.length}::text[])`; }
  return { text: `SELECT profile_id, ts, seq FROM events WHERE workspace_id = $1 AND ${match} AND ts >= $2 AND ts < $3${people}${audienceSql(q)}`, values };
}

export function createPostgresHitStore(db: Queryable): HitStore {
  return {
    async occurrences(q) {
      const { rows } = await db.query<[string, string, string]>({ ...occurrencesStatement(q), rowMode: 'array' });
      return rows.map(([p, ts, seq]) => [p, Number(ts), Number(seq)]);
    },
    async newcomerHours(q) {
      // People with a hit before the range came first earlier: not newcomers of the range. Each
      // person's earlier hit is probed through the timeline index (profile_id, ts); the workspace is
      // checked on the row (`|| ''` keeps it out of the index choice: the planner otherwise ANDed a
      // bitmap of the workspace's whole events_message index into every probe, 6 ms each — 16–28 s
      // for 914 newcomers at 100,000 events).
      const { rows } = await db.query<[string, string]>({
        text: `WITH active AS (
            SELECT profile_id, ts / 3600000 AS hour FROM events
            WHERE workspace_id = $1 AND hit IS NOT NULL AND ts >= $2 AND ts < $3${audienceSql(q)} GROUP BY profile_id, hour),
          earlier AS (
            SELECT p.profile_id FROM (SELECT DISTINCT profile_id FROM active) p
            WHERE EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.profile_id AND e.ts < $2 AND e.hit IS NOT NULL AND (e.workspace_id || '') = $1))
          SELECT a.profile_id, a.hour FROM active a WHERE NOT EXISTS (SELECT 1 FROM earlier e WHERE e.profile_id = a.profile_id)`,
        values: [q.workspaceId, q.from, q.to], rowMode: 'array',
      });
      return rows.map(([p, hour]) => [p, Number(hour)]);
    },
    async unkeyed(workspaceId, afterSeq, limit) {
      const { rows } = await db.query<EventColumns>('SELECT * FROM events WHERE seq > $2 AND workspace_id = $1 AND hit IS NULL ORDER BY seq LIMIT $3', [workspaceId, afterSeq, limit]);
      return rows.map((r) => ({ seq: Number(r.seq), event: eventFromColumns(r) }));
    },
    async unkeyedCount(workspaceId, afterSeq) {
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE seq > $2 AND workspace_id = $1 AND hit IS NULL', [workspaceId, afterSeq]);
      return Number(rows[0]!.n);
    },
    async writeKeys(workspaceId, keys, p) {
      // One statement each, so that the page's keys and its progress commit together (autocommit per statement would not).
      await db.query(`WITH keyed AS (
          UPDATE events e SET hit = k.hit FROM unnest($2::bigint[], $3::text[]) AS k(seq, hit)
          WHERE e.seq = k.seq AND e.workspace_id = $1 AND e.hit IS NULL RETURNING 1)
        INSERT INTO analytics_backfills (workspace_id, cursor, processed, keyed, started_at, finished_at)
        SELECT $1, $4, $5, $6, $7, $8 FROM (SELECT count(*) FROM keyed) AS done
        ON CONFLICT (workspace_id) DO UPDATE SET cursor = excluded.cursor, processed = excluded.processed, keyed = excluded.keyed,
          started_at = excluded.started_at, finished_at = excluded.finished_at`,
      [workspaceId, keys.map((k) => k.seq), keys.map((k) => text(k.hit)), String(p.cursor), p.processed, p.keyed, p.startedAt, p.finishedAt]);
    },
    async backfillProgress(workspaceId) {
      const { rows } = await db.query<{ cursor: string; processed: string; keyed: string; started_at: string; finished_at: string | null }>(
        'SELECT cursor, processed, keyed, started_at, finished_at FROM analytics_backfills WHERE workspace_id = $1', [workspaceId]);
      const r = rows[0];
      return r ? { cursor: Number(r.cursor), processed: Number(r.processed), keyed: Number(r.keyed), startedAt: Number(r.started_at), finishedAt: r.finished_at === null ? null : Number(r.finished_at) } : null;
    },
  };
}
