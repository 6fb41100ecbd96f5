/**
 * Web-analytics rollups, sketches and open visits in PostgreSQL (see ports/analytics-store.ts).
 * One statement per kind of row and batch (arrays zipped by unnest). Sums are additive upserts, safe
 * under concurrent batches; a sketch is read for update and rewritten merged, and a new one is
 * inserted without ON CONFLICT, so that two batches creating the same sketch at once cannot lose
 * each other's registers: the later one fails with a unique violation and is retried (ports/store.ts).
 */
import type { AnalyticsChanges, AnalyticsStore, AnalyticsTx, RollupQuery } from '../../ports/analytics-store.js';
import { sketchKey } from '../../ports/analytics-store.js';
import type { OpenVisit } from '../../core/analytics/visit.js';
import { METRICS, type Metrics, type VisitAttributes } from '../../core/analytics/dimensions.js';
import type { RollupKey } from '../../core/analytics/rollup.js';
import type { Queryable } from './database.js';
import { eventFromColumns, type EventColumns } from '../shared/codec.js';
import { chunks, jsonb, text } from './values.js';

const KEY_ARRAYS = 'unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[]) AS k(dim, hour, value, audience, channel, device)';
const keyColumns = (keys: readonly RollupKey[]) => [keys.map((k) => k.dim), keys.map((k) => k.hour), keys.map((k) => text(k.value)), keys.map((k) => k.audience), keys.map((k) => text(k.channel)), keys.map((k) => text(k.device))];

/** The advisory lock of a workspace's rollup gate (ports/analytics-store.ts): ingest shares it, a flush holds it alone. */
const GATE = "hashtextextended('tessera.analytics.rollups:' || $1, 0)";

export function createPostgresAnalyticsTx(db: Queryable): AnalyticsTx {
  return {
    async enterRollupGate(workspaceId) {
      await db.query({ name: 'tessera_rollup_gate_shared', text: `SELECT pg_advisory_xact_lock_shared(${GATE})`, values: [workspaceId] });
    },
    async rollupMark(workspaceId) {
      await db.query({ name: 'tessera_rollup_gate', text: `SELECT pg_advisory_xact_lock(${GATE})`, values: [workspaceId] });
      const { rows } = await db.query<{ seq: string }>('SELECT seq FROM analytics_marks WHERE workspace_id = $1', [workspaceId]);
      return rows.length > 0 ? Number(rows[0]!.seq) : 0;
    },
    async storedSince(workspaceId, afterSeq, limit) {
      const { rows } = await db.query<{ seq: string; message_id: string }>('SELECT seq, message_id FROM events WHERE seq > $2 AND workspace_id = $1 ORDER BY seq LIMIT $3', [workspaceId, afterSeq, limit]);
      return rows.map((r) => ({ seq: Number(r.seq), messageId: r.message_id }));
    },
    async storedEvents(workspaceId, messageIds) {
      if (messageIds.length === 0) return [];
      const { rows } = await db.query<EventColumns>('SELECT * FROM events WHERE workspace_id = $1 AND message_id = ANY($2::text[]) ORDER BY seq', [workspaceId, messageIds.map(text)]);
      return rows.map((r) => { const event = eventFromColumns(r); return { seq: event.seq, messageId: r.message_id, profileId: event.profileId, event }; });
    },
    async liveProfileIds(workspaceId, profileIds) {
      const live = new Map<string, string>();
      if (profileIds.length === 0) return live;
      const { rows } = await db.query<{ asked: string; live: string }>(`WITH RECURSIVE chain(asked, id, merged_into, hops) AS (
          SELECT p.id, p.id, p.merged_into, 0 FROM profiles p WHERE p.workspace_id = $1 AND p.id = ANY($2::text[])
          UNION ALL SELECT c.asked, p.id, p.merged_into, c.hops + 1 FROM chain c JOIN profiles p ON p.workspace_id = $1 AND p.id = c.merged_into WHERE c.hops < 100)
        SELECT asked, id AS live FROM chain WHERE merged_into IS NULL`, [workspaceId, profileIds]);
      for (const r of rows) live.set(r.asked, r.live);
      return live;
    },
    async openVisits(workspaceId, visitors) {
      const found = new Map<string, OpenVisit>();
      if (visitors.length === 0) return found;
      const asked = new Map(visitors.map((v) => [text(v), v]));
      const { rows } = await db.query<{ visitor: string; state: OpenVisit }>(
        'SELECT visitor, state FROM analytics_visits WHERE workspace_id = $1 AND visitor = ANY($2::text[]) ORDER BY visitor FOR UPDATE', [workspaceId, [...asked.keys()]]);
      for (const r of rows) found.set(asked.get(r.visitor) ?? r.visitor, r.state);
      return found;
    },
    async sketches(workspaceId, keys) {
      const found = new Map<string, Uint8Array>();
      for (const part of chunks(keys)) {
        const { rows } = await db.query<RollupKey & { sketch: Buffer }>(`SELECT s.dim, s.hour, s.value, s.audience, s.channel, s.device, s.sketch FROM ${KEY_ARRAYS}
          JOIN analytics_sketches s ON s.workspace_id = $1 AND s.dim = k.dim AND s.hour = k.hour AND s.value = k.value AND s.audience = k.audience
            AND s.channel = k.channel AND s.device = k.device
          ORDER BY s.dim, s.hour, s.value, s.audience, s.channel, s.device FOR UPDATE OF s`, [workspaceId, ...keyColumns(part)]);
        const byStored = new Map(part.map((k) => [sketchKey({ ...k, value: text(k.value), channel: text(k.channel), device: text(k.device) }), k]));
        for (const r of rows) {
          const asked = byStored.get(sketchKey(r));
          if (asked) found.set(sketchKey(asked), r.sketch);
        }
      }
      return found;
    },
    async knownValues(workspaceId, pairs) {
      const known = new Set<string>();
      const counts = new Map<string, number>();
      if (pairs.length === 0) return { known, counts };
      const dims = [...new Set(pairs.map((p) => text(p.dim)))];
      const [found, counted] = await Promise.all([
        db.query<{ dim: string; value: string }>(`SELECT v.dim, v.value FROM unnest($2::text[], $3::text[]) AS k(dim, value)
          JOIN analytics_values v ON v.workspace_id = $1 AND v.dim = k.dim AND v.value = k.value`, [workspaceId, pairs.map((p) => text(p.dim)), pairs.map((p) => text(p.value))]),
        db.query<{ dim: string; n: string }>('SELECT dim, count(*) AS n FROM analytics_values WHERE workspace_id = $1 AND dim = ANY($2::text[]) GROUP BY dim', [workspaceId, dims]),
      ]);
      for (const r of found.rows) known.add(`${r.dim}\u0000${r.value}`);
      for (const r of counted.rows) counts.set(r.dim, Number(r.n));
      return { known, counts };
    },
  };
}

/** The statements writing a batch's analytics (sent with the batch's others; see apply-changes.ts). */
export function analyticsQueries(db: Queryable, workspaceId: string, c: AnalyticsChanges | undefined, merges: ReadonlyArray<{ mergedId: string; survivorId: string }>): Array<Promise<unknown>> {
  const sent: Array<Promise<unknown>> = [];
  const mergedIds = merges.map((m) => m.mergedId);
  if (mergedIds.length > 0) sent.push(db.query('DELETE FROM analytics_visits WHERE profile_id = ANY($2::text[]) AND workspace_id = $1', [workspaceId, mergedIds]));
  for (const part of chunks(c?.personVisits ?? [])) {
    sent.push(db.query(`INSERT INTO analytics_person_visits (workspace_id, profile_id, start, attributes)
      SELECT $1, v.profile_id, v.start, v.attributes FROM unnest($2::text[], $3::bigint[], $4::jsonb[]) AS v(profile_id, start, attributes) ON CONFLICT DO NOTHING`,
    [workspaceId, part.map((v) => v.profileId), part.map((v) => v.start), part.map((v) => jsonb(v.attributes))]));
  }
  // Merged profiles' indexed visits move to the survivor, in merge order (a chain a → b → c ends at c).
  for (const m of merges) {
    sent.push(db.query(`UPDATE analytics_person_visits v SET profile_id = $3 WHERE v.workspace_id = $1 AND v.profile_id = $2
      AND NOT EXISTS (SELECT 1 FROM analytics_person_visits s WHERE s.workspace_id = $1 AND s.profile_id = $3 AND s.start = v.start)`, [workspaceId, m.mergedId, m.survivorId]));
    sent.push(db.query('DELETE FROM analytics_person_visits WHERE workspace_id = $1 AND profile_id = $2', [workspaceId, m.mergedId]));
  }
  if (!c) return sent;
  for (const part of chunks(c.rows)) {
    sent.push(db.query({
      text: `INSERT INTO analytics_rollups (workspace_id, dim, hour, value, audience, channel, device, pageviews, visits, bounces, duration_ms, visible_ms, entries, exits, events)
        SELECT $1, k.dim, k.hour, k.value, k.audience, k.channel, k.device, m.pageviews, m.visits, m.bounces, m.duration_ms, m.visible_ms, m.entries, m.exits, m.events
        FROM ROWS FROM (unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[])) WITH ORDINALITY AS k(dim, hour, value, audience, channel, device, n)
        JOIN ROWS FROM (unnest($8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[]))
          WITH ORDINALITY AS m(pageviews, visits, bounces, duration_ms, visible_ms, entries, exits, events, n) USING (n)
        ON CONFLICT (workspace_id, dim, hour, value, audience, channel, device) DO UPDATE SET
          pageviews = analytics_rollups.pageviews + excluded.pageviews, visits = analytics_rollups.visits + excluded.visits,
          bounces = analytics_rollups.bounces + excluded.bounces, duration_ms = analytics_rollups.duration_ms + excluded.duration_ms,
          visible_ms = analytics_rollups.visible_ms + excluded.visible_ms, entries = analytics_rollups.entries + excluded.entries,
          exits = analytics_rollups.exits + excluded.exits, events = analytics_rollups.events + excluded.events`,
      values: [workspaceId, ...keyColumns(part), ...METRICS.map((metric) => part.map((r) => Math.round(r.metrics[metric])))],
    }));
  }
  const fresh = c.sketches.filter((k) => k.isNew);
  const stored = c.sketches.filter((k) => !k.isNew);
  for (const part of chunks(fresh)) {
    sent.push(db.query(`INSERT INTO analytics_sketches (workspace_id, dim, hour, value, audience, channel, device, sketch)
      SELECT $1, k.dim, k.hour, k.value, k.audience, k.channel, k.device, s.sketch
      FROM ROWS FROM (unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[])) WITH ORDINALITY AS k(dim, hour, value, audience, channel, device, n)
      JOIN unnest($8::bytea[]) WITH ORDINALITY AS s(sketch, n) USING (n)`, [workspaceId, ...keyColumns(part), part.map((k) => Buffer.from(k.sketch))]));
  }
  for (const part of chunks(stored)) {
    sent.push(db.query(`UPDATE analytics_sketches t SET sketch = s.sketch
      FROM ROWS FROM (unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[])) WITH ORDINALITY AS k(dim, hour, value, audience, channel, device, n)
      JOIN unnest($8::bytea[]) WITH ORDINALITY AS s(sketch, n) USING (n)
      WHERE t.workspace_id = $1 AND t.dim = k.dim AND t.hour = k.hour AND t.value = k.value AND t.audience = k.audience AND t.channel = k.channel AND t.device = k.device`,
    [workspaceId, ...keyColumns(part), part.map((k) => Buffer.from(k.sketch))]));
  }
  for (const part of chunks(c.values ?? [])) {
    sent.push(db.query(`INSERT INTO analytics_values (workspace_id, dim, value) SELECT $1, k.dim, k.value FROM unnest($2::text[], $3::text[]) AS k(dim, value)
      ON CONFLICT DO NOTHING`, [workspaceId, part.map((v) => text(v.dim)), part.map((v) => text(v.value))]));
  }
  for (const part of chunks(c.visits)) {
    sent.push(db.query(`INSERT INTO analytics_visits (workspace_id, visitor, profile_id, last_at, last_path, state)
      SELECT $1, v.visitor, v.profile_id, v.last_at, v.last_path, v.state FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::jsonb[]) AS v(visitor, profile_id, last_at, last_path, state)
      ON CONFLICT (workspace_id, visitor) DO UPDATE SET profile_id = excluded.profile_id, last_at = excluded.last_at, last_path = excluded.last_path, state = excluded.state`,
    [workspaceId, part.map((v) => text(v.visitor)), part.map((v) => v.profileId), part.map((v) => v.visit.last), part.map((v) => (v.visit.lastPath === null ? null : text(v.visit.lastPath))), part.map((v) => jsonb(v.visit))]));
  }
  if (c.mark !== undefined) {
    sent.push(db.query('INSERT INTO analytics_marks (workspace_id, seq) VALUES ($1, $2) ON CONFLICT (workspace_id) DO UPDATE SET seq = excluded.seq', [workspaceId, c.mark]));
  }
  return sent;
}

function where(q: RollupQuery): { sql: string; params: unknown[] } {
  const parts = ['workspace_id = $1', 'dim = $2', 'hour >= $3', 'hour < $4'];
  const params: unknown[] = [q.workspaceId, q.dim, q.fromHour, q.toHour];
  for (const slice of ['audience', 'channel', 'device'] as const) {
    const value = q.slices[slice];
    if (value !== undefined) { params.push(text(value)); parts.push(`${slice} = $${params.length}`); }
  }
  if (q.values) { params.push(q.values.map((v) => text(v))); parts.push(`value = ANY($${params.length}::text[])`); }
  return { sql: parts.join(' AND '), params };
}

const SUMS = `sum(pageviews) AS pageviews, sum(visits) AS visits, sum(bounces) AS bounces, sum(duration_ms) AS "durationMs",
  sum(visible_ms) AS "visibleMs", sum(entries) AS entries, sum(exits) AS exits, sum(events) AS events`;

export function createPostgresAnalyticsStore(db: Queryable): AnalyticsStore {
  return {
    async sums(q) {
      const { sql, params } = where(q);
      const group = q.groupBy === 'hour' ? 'hour' : 'value';
      const { rows } = await db.query<Record<string, string | number>>(`SELECT ${group}::text AS grp, ${SUMS} FROM analytics_rollups WHERE ${sql} GROUP BY ${group}`, params);
      return rows.map((r) => ({ group: String(r.grp), metrics: Object.fromEntries(METRICS.map((m) => [m, Number(r[m] ?? 0)])) as Metrics }));
    },
    async sketches(q) {
      const { sql, params } = where(q);
      const group = q.groupBy === 'hour' ? 'hour' : 'value';
      const { rows } = await db.query<{ grp: string; sketch: Buffer }>(`SELECT ${group}::text AS grp, sketch FROM analytics_sketches WHERE ${sql}`, params);
      return rows.map((r) => ({ group: r.grp, sketch: r.sketch }));
    },
    async realtime(workspaceId, since) {
      const { rows } = await db.query<{ path: string | null; visitors: string }>(`SELECT last_path AS path, count(*) AS visitors FROM analytics_visits
        WHERE workspace_id = $1 AND last_at >= $2 GROUP BY last_path ORDER BY visitors DESC, last_path LIMIT 100`, [workspaceId, since]);
      return rows.map((r) => ({ path: r.path, visitors: Number(r.visitors) }));
    },
    async purge(workspaceId, before) {
      const hour = Math.floor(before / 3_600_000);
      const [rollups, sketches, visits, personVisits] = await Promise.all([
        db.query('DELETE FROM analytics_rollups WHERE workspace_id = $1 AND hour < $2', [workspaceId, hour]),
        db.query('DELETE FROM analytics_sketches WHERE workspace_id = $1 AND hour < $2', [workspaceId, hour]),
        db.query('DELETE FROM analytics_visits WHERE workspace_id = $1 AND last_at < $2', [workspaceId, before]),
        db.query('DELETE FROM analytics_person_visits WHERE workspace_id = $1 AND start < $2', [workspaceId, before]),
      ]);
      return (rollups.rowCount ?? 0) + (sketches.rowCount ?? 0) + (visits.rowCount ?? 0) + (personVisits.rowCount ?? 0);
    },
    async personVisits(workspaceId, profileIds, fromMs, toMs) {
      const { rows } = await db.query<{ profile_id: string; start: string; attributes: VisitAttributes }>(
        'SELECT profile_id, start, attributes FROM analytics_person_visits WHERE workspace_id = $1 AND profile_id = ANY($2::text[]) AND start >= $3 AND start < $4',
        [workspaceId, [...profileIds], fromMs, toMs]);
      return rows.map((r) => ({ profileId: r.profile_id, start: Number(r.start), attributes: r.attributes }));
    },
    async visitsOf(workspaceId, profileIds) {
      const { rows } = await db.query<{ profile_id: string; state: OpenVisit }>(
        'SELECT profile_id, state FROM analytics_visits WHERE profile_id = ANY($2::text[]) AND workspace_id = $1 ORDER BY profile_id', [workspaceId, [...profileIds]]);
      return rows.map((r) => ({ profileId: r.profile_id, visit: r.state }));
    },
    async activeProfiles(workspaceId, fromMs, toMs, { limit, after }) {
      const { rows } = await db.query<{ profile_id: string }>(`SELECT DISTINCT profile_id FROM events WHERE workspace_id = $1 AND ts >= $2 AND ts < $3 AND profile_id > $4
        ORDER BY profile_id LIMIT $5`, [workspaceId, fromMs, toMs, after ?? '', limit + 1]);
      const ids = rows.map((r) => r.profile_id);
      return { profileIds: ids.slice(0, limit), next: ids.length > limit ? ids[limit - 1]! : null };
    },
  };
}
