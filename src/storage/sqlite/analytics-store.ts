/**
 * Web-analytics rollups, sketches and open visits in SQLite (see ports/analytics-store.ts). Ingest
 * writes through the writer inside its transaction; the service reads through the reader.
 */
import type { AnalyticsChanges, AnalyticsStore, AnalyticsTx, RollupEvent, RollupQuery } from '../../ports/analytics-store.js';
import { eventFromColumns, type EventColumns } from '../shared/codec.js';
import { sketchKey } from '../../ports/analytics-store.js';
import type { OpenVisit } from '../../core/analytics/visit.js';
import { DIMENSIONS, emptyMetrics, type Metrics, type VisitAttributes } from '../../core/analytics/dimensions.js';
import type { Database } from './database.js';

const KEY = 'workspace_id = ? AND dim = ? AND hour = ? AND value = ? AND audience = ? AND channel = ? AND device = ?';
const SUMS = `sum(pageviews) AS pageviews, sum(visits) AS visits, sum(bounces) AS bounces, sum(duration_ms) AS durationMs,
  sum(visible_ms) AS visibleMs, sum(entries) AS entries, sum(exits) AS exits, sum(events) AS events`;

export function prepareAnalyticsWrites(db: Database.Database) {
  return {
    visit: db.prepare('SELECT state FROM analytics_visits WHERE workspace_id = ? AND visitor = ?').pluck(),
    sketch: db.prepare(`SELECT sketch FROM analytics_sketches WHERE ${KEY}`).pluck(),
    addRow: db.prepare(`INSERT INTO analytics_rollups (workspace_id, dim, hour, value, audience, channel, device, pageviews, visits, bounces, duration_ms, visible_ms, entries, exits, events)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET pageviews = pageviews + excluded.pageviews, visits = visits + excluded.visits,
      bounces = bounces + excluded.bounces, duration_ms = duration_ms + excluded.duration_ms, visible_ms = visible_ms + excluded.visible_ms,
      entries = entries + excluded.entries, exits = exits + excluded.exits, events = events + excluded.events`),
    putSketch: db.prepare(`INSERT INTO analytics_sketches (workspace_id, dim, hour, value, audience, channel, device, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET sketch = excluded.sketch`),
    putVisit: db.prepare(`INSERT INTO analytics_visits (workspace_id, visitor, profile_id, last_at, last_path, state) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET profile_id = excluded.profile_id, last_at = excluded.last_at, last_path = excluded.last_path, state = excluded.state`),
    dropVisitsOf: db.prepare('DELETE FROM analytics_visits WHERE profile_id = ? AND workspace_id = ?'),
    knownValue: db.prepare('SELECT 1 FROM analytics_values WHERE workspace_id = ? AND dim = ? AND value = ?').pluck(),
    valueCount: db.prepare('SELECT count(*) FROM analytics_values WHERE workspace_id = ? AND dim = ?').pluck(),
    putPersonVisit: db.prepare('INSERT OR IGNORE INTO analytics_person_visits (workspace_id, profile_id, start, attributes) VALUES (?, ?, ?, ?)'),
    movePersonVisits: db.prepare('UPDATE OR IGNORE analytics_person_visits SET profile_id = ? WHERE workspace_id = ? AND profile_id = ?'),
    dropPersonVisits: db.prepare('DELETE FROM analytics_person_visits WHERE workspace_id = ? AND profile_id = ?'),
    putValue: db.prepare('INSERT OR IGNORE INTO analytics_values (workspace_id, dim, value) VALUES (?, ?, ?)'),
    mark: db.prepare('SELECT seq FROM analytics_marks WHERE workspace_id = ?').pluck(),
    putMark: db.prepare('INSERT INTO analytics_marks (workspace_id, seq) VALUES (?, ?) ON CONFLICT DO UPDATE SET seq = excluded.seq'),
    storedSince: db.prepare('SELECT seq, message_id FROM events WHERE seq > ? AND workspace_id = ? ORDER BY seq LIMIT ?').raw(),
    storedEvent: db.prepare('SELECT * FROM events WHERE workspace_id = ? AND message_id = ?'),
    profileLink: db.prepare('SELECT merged_into FROM profiles WHERE workspace_id = ? AND id = ?').raw(),
  };
}

export type AnalyticsWrites = ReturnType<typeof prepareAnalyticsWrites>;

export function createSqliteAnalyticsTx(s: AnalyticsWrites): AnalyticsTx {
  return {
    // One writer: a flush never runs beside a batch, so the gate needs nothing.
    async enterRollupGate() {},
    async rollupMark(workspaceId) {
      return Number(s.mark.get(workspaceId) ?? 0);
    },
    async storedSince(workspaceId, afterSeq, limit) {
      return (s.storedSince.all(afterSeq, workspaceId, limit) as Array<[number, string]>).map(([seq, messageId]) => ({ seq: Number(seq), messageId }));
    },
    async storedEvents(workspaceId, messageIds) {
      const found: RollupEvent[] = [];
      for (const messageId of messageIds) {
        const row = s.storedEvent.get(workspaceId, messageId) as (Omit<EventColumns, 'body'> & { body: string }) | undefined;
        if (!row) continue;
        const event = eventFromColumns({ ...row, body: JSON.parse(row.body) });
        found.push({ seq: event.seq, messageId, profileId: event.profileId, event });
      }
      return found.sort((a, b) => a.seq - b.seq);
    },
    async liveProfileIds(workspaceId, profileIds) {
      const live = new Map<string, string>();
      for (const id of profileIds) {
        let at = id;
        for (let hops = 0; hops < 100; hops++) {
          const row = s.profileLink.get(workspaceId, at) as [string | null] | undefined;
          if (!row) break;
          if (row[0] === null) { live.set(id, at); break; }
          at = row[0];
        }
      }
      return live;
    },
    async openVisits(workspaceId, visitors) {
      const found = new Map<string, OpenVisit>();
      for (const visitor of visitors) {
        const state = s.visit.get(workspaceId, visitor) as string | undefined;
        if (state !== undefined) found.set(visitor, JSON.parse(state) as OpenVisit);
      }
      return found;
    },
    async sketches(workspaceId, keys) {
      const found = new Map<string, Uint8Array>();
      for (const k of keys) {
        const sketch = s.sketch.get(workspaceId, k.dim, k.hour, k.value, k.audience, k.channel, k.device) as Buffer | undefined;
        if (sketch !== undefined) found.set(sketchKey(k), sketch);
      }
      return found;
    },
    async knownValues(workspaceId, pairs) {
      const known = new Set<string>();
      const counts = new Map<string, number>();
      for (const { dim, value } of pairs) {
        if (s.knownValue.get(workspaceId, dim, value) !== undefined) known.add(`${dim}\u0000${value}`);
        if (!counts.has(dim)) counts.set(dim, s.valueCount.get(workspaceId, dim) as number);
      }
      return { known, counts };
    },
  };
}

/**
 * Writes a batch's analytics; the open visits of profiles merged away in the batch go (the
 * survivor's go on), their indexed visits move to the survivor (after the batch's own are written).
 */
export function applySqliteAnalytics(s: AnalyticsWrites, workspaceId: string, c: AnalyticsChanges | undefined, merges: ReadonlyArray<{ mergedId: string; survivorId: string }>): void {
  for (const m of merges) s.dropVisitsOf.run(m.mergedId, workspaceId);
  for (const v of c?.personVisits ?? []) s.putPersonVisit.run(workspaceId, v.profileId, v.start, JSON.stringify(v.attributes));
  for (const m of merges) {
    s.movePersonVisits.run(m.survivorId, workspaceId, m.mergedId);
    // A visit of both at the same millisecond: the survivor's is kept.
    s.dropPersonVisits.run(workspaceId, m.mergedId);
  }
  if (!c) return;
  for (const r of c.rows) {
    const m = r.metrics;
    s.addRow.run(workspaceId, r.dim, r.hour, r.value, r.audience, r.channel, r.device, m.pageviews, m.visits, m.bounces, m.durationMs, m.visibleMs, m.entries, m.exits, m.events);
  }
  for (const k of c.sketches) s.putSketch.run(workspaceId, k.dim, k.hour, k.value, k.audience, k.channel, k.device, Buffer.from(k.sketch.buffer, k.sketch.byteOffset, k.sketch.byteLength));
  for (const v of c.values ?? []) s.putValue.run(workspaceId, v.dim, v.value);
  for (const v of c.visits) s.putVisit.run(workspaceId, v.visitor, v.profileId, v.visit.last, v.visit.lastPath, JSON.stringify(v.visit));
  if (c.mark !== undefined) s.putMark.run(workspaceId, c.mark);
}

/** The WHERE clause and its parameters for a query (slices and values as bound parameters). */
function where(q: RollupQuery): { sql: string; params: unknown[] } {
  const parts = ['workspace_id = ?', 'dim = ?', 'hour >= ?', 'hour < ?'];
  const params: unknown[] = [q.workspaceId, q.dim, q.fromHour, q.toHour];
  for (const slice of ['audience', 'channel', 'device'] as const) {
    const value = q.slices[slice];
    if (value !== undefined) { parts.push(`${slice} = ?`); params.push(value); }
  }
  if (q.values) { parts.push('value IN (SELECT value FROM json_each(?))'); params.push(JSON.stringify(q.values)); }
  return { sql: parts.join(' AND '), params };
}

export function createSqliteAnalyticsStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>): AnalyticsStore {
  const cache = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let statement = cache.get(sql);
    if (!statement) { statement = reader.prepare(sql); cache.set(sql, statement); }
    return statement;
  };
  const realtime = reader.prepare(`SELECT last_path AS path, count(*) AS visitors FROM analytics_visits WHERE workspace_id = ? AND last_at >= ?
    GROUP BY last_path ORDER BY visitors DESC, last_path LIMIT 100`);
  const purge = {
    // Dimension by dimension, so that each delete walks its primary key (workspace_id, dim, hour, …).
    rollups: writer.prepare('DELETE FROM analytics_rollups WHERE workspace_id = ? AND dim = ? AND hour < ?'),
    sketches: writer.prepare('DELETE FROM analytics_sketches WHERE workspace_id = ? AND dim = ? AND hour < ?'),
    visits: writer.prepare('DELETE FROM analytics_visits WHERE workspace_id = ? AND last_at < ?'),
    personVisits: writer.prepare('DELETE FROM analytics_person_visits WHERE workspace_id = ? AND start < ?'),
    // Goal conversions (dims `g:<key>:<dimension>`, core/analytics/goal.ts): one range of the key.
    goalRollups: writer.prepare("DELETE FROM analytics_rollups WHERE workspace_id = ? AND dim >= 'g:' AND dim < 'g;' AND hour < ?"),
    goalSketches: writer.prepare("DELETE FROM analytics_sketches WHERE workspace_id = ? AND dim >= 'g:' AND dim < 'g;' AND hour < ?"),
    // Event property values (dims `ep:<event>…`, core/analytics/labels.ts): one range of the key.
    propertyRollups: writer.prepare("DELETE FROM analytics_rollups WHERE workspace_id = ? AND dim >= 'ep:' AND dim < 'ep;' AND hour < ?"),
  };
  const personVisits = reader.prepare(`SELECT profile_id, start, attributes FROM analytics_person_visits
    WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?)) AND start >= ? AND start < ?`);
  const visitsOf = reader.prepare('SELECT profile_id, state FROM analytics_visits WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?)) ORDER BY profile_id');
  // Walks the range's events (events_workspace_ts) and keeps each profile once.
  const activeProfiles = reader.prepare('SELECT DISTINCT profile_id FROM events WHERE workspace_id = ? AND ts >= ? AND ts < ? AND profile_id > ? ORDER BY profile_id LIMIT ?').pluck();
  return {
    async sums(q) {
      const { sql, params } = where(q);
      const group = q.groupBy === 'hour' ? 'hour' : 'value';
      const rows = prepared(`SELECT ${group} AS grp, ${SUMS} FROM analytics_rollups WHERE ${sql} GROUP BY ${group}`).all(...params) as Array<Metrics & { grp: string | number }>;
      return rows.map(({ grp, ...metrics }) => ({ group: String(grp), metrics: { ...emptyMetrics(), ...metrics } }));
    },
    async sketches(q) {
      const { sql, params } = where(q);
      const group = q.groupBy === 'hour' ? 'hour' : 'value';
      const rows = prepared(`SELECT ${group} AS grp, sketch FROM analytics_sketches WHERE ${sql}`).all(...params) as Array<{ grp: string | number; sketch: Buffer }>;
      return rows.map((r) => ({ group: String(r.grp), sketch: r.sketch }));
    },
    async realtime(workspaceId, since) {
      return realtime.all(workspaceId, since) as Array<{ path: string | null; visitors: number }>;
    },
    purge: (workspaceId, before) => exclusive(() => writer.transaction(() => {
      const hour = Math.floor(before / 3_600_000);
      let deleted = purge.visits.run(workspaceId, before).changes + purge.personVisits.run(workspaceId, before).changes;
      for (const dim of DIMENSIONS) deleted += purge.rollups.run(workspaceId, dim, hour).changes + purge.sketches.run(workspaceId, dim, hour).changes;
      deleted += purge.goalRollups.run(workspaceId, hour).changes + purge.goalSketches.run(workspaceId, hour).changes;
      deleted += purge.propertyRollups.run(workspaceId, hour).changes;
      return deleted;
    }).immediate()),
    async personVisits(workspaceId, profileIds, fromMs, toMs) {
      const rows = personVisits.all(workspaceId, JSON.stringify(profileIds), fromMs, toMs) as Array<{ profile_id: string; start: number; attributes: string }>;
      return rows.map((r) => ({ profileId: r.profile_id, start: r.start, attributes: JSON.parse(r.attributes) as VisitAttributes }));
    },
    async visitsOf(workspaceId, profileIds) {
      const rows = visitsOf.all(workspaceId, JSON.stringify(profileIds)) as Array<{ profile_id: string; state: string }>;
      return rows.map((r) => ({ profileId: r.profile_id, visit: JSON.parse(r.state) as OpenVisit }));
    },
    async activeProfiles(workspaceId, fromMs, toMs, { limit, after }) {
      const ids = activeProfiles.all(workspaceId, fromMs, toMs, after ?? '', limit + 1) as string[];
      return { profileIds: ids.slice(0, limit), next: ids.length > limit ? ids[limit - 1]! : null };
    },
  };
}
