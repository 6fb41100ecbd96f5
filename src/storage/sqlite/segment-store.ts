/**
 * The segment part of the SQLite store (ports/segment-store.ts): definitions, memberships, the
 * scheduler's due table. Reads use the reader connection; writes go through the store's exclusive
 * writer. `createSqliteSegmentWrites` is the part that runs inside ingest's write transaction.
 */
import type { TrackedEvent } from '../../core/events/event.js';
import type { Profile } from '../../core/profiles/profile.js';
import type { BackfillProgress, DefinitionKind, MemberRow, SegmentChanges, SegmentStore, SegmentTx, StoredDefinition } from '../../ports/segment-store.js';
import { eventFromColumns, profileFromColumns, type EventColumns } from '../shared/codec.js';
import type { Database } from './database.js';

interface DefinitionRow { workspace_id: string; kind: DefinitionKind; id: string; body: string; created_at: number; updated_at: number; backfill: string | null }

const definitionOf = (r: DefinitionRow): StoredDefinition => ({
  workspaceId: r.workspace_id, kind: r.kind, id: r.id, body: JSON.parse(r.body), createdAt: r.created_at, updatedAt: r.updated_at,
  backfill: r.backfill ? (JSON.parse(r.backfill) as BackfillProgress) : null,
});

/** The events of each profile, oldest first, read with EVENTS_OF. */
export function eventsByProfile(statement: Database.Statement, workspaceId: string, ids: readonly string[]): Map<string, TrackedEvent[]> {
  const found = new Map<string, TrackedEvent[]>();
  for (const id of ids) {
    const rows = statement.all(workspaceId, id) as Array<Omit<EventColumns, 'body'> & { body: string }>;
    found.set(id, rows.map((row) => eventFromColumns({ ...row, body: JSON.parse(row.body) })));
  }
  return found;
}

// `+workspace_id` keeps the planner off events_workspace_ts (which would read the whole workspace's
// events for every profile, making a backfill quadratic); profile ids are unique, so the
// timeline index finds exactly the profile's events.
export const EVENTS_OF = 'SELECT * FROM events WHERE +workspace_id = ? AND profile_id = ? ORDER BY ts, seq';

export function createSqliteSegmentStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>): SegmentStore {
  const r = {
    list: reader.prepare('SELECT * FROM definitions WHERE workspace_id = ? ORDER BY created_at, id'),
    get: reader.prepare('SELECT * FROM definitions WHERE workspace_id = ? AND kind = ? AND id = ?'),
    members: reader.prepare('SELECT profile_id, since, reason FROM segment_members WHERE workspace_id = ? AND segment_id = ? AND profile_id > ? ORDER BY profile_id LIMIT ?'),
    count: reader.prepare('SELECT members FROM segment_member_counts WHERE workspace_id = ? AND segment_id = ?').pluck(),
    ids: reader.prepare('SELECT id FROM profiles WHERE workspace_id = ? AND merged_into IS NULL AND id > ? ORDER BY id LIMIT ?').pluck(),
    scan: reader.prepare(`SELECT id, workspace_id, created_at, updated_at, traits, state FROM profiles
      WHERE workspace_id = ? AND merged_into IS NULL AND id > ? ORDER BY id LIMIT ?`),
    events: reader.prepare(EVENTS_OF),
    nextDue: reader.prepare('SELECT min(due_at) FROM segment_due').pluck(),
  };
  const w = {
    put: writer.prepare(`INSERT INTO definitions (workspace_id, kind, id, body, created_at, updated_at, backfill) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, backfill = excluded.backfill`),
    delete: writer.prepare('DELETE FROM definitions WHERE workspace_id = ? AND kind = ? AND id = ?'),
    deleteMembers: writer.prepare('DELETE FROM segment_members WHERE workspace_id = ? AND segment_id = ?'),
    deleteCount: writer.prepare('DELETE FROM segment_member_counts WHERE workspace_id = ? AND segment_id = ?'),
    recount: writer.prepare(`INSERT INTO segment_member_counts (workspace_id, segment_id, members)
      SELECT ?, ?, count(*) FROM segment_members WHERE workspace_id = ? AND segment_id = ?
      ON CONFLICT DO UPDATE SET members = excluded.members RETURNING members`).pluck(),
    backfill: writer.prepare('UPDATE definitions SET backfill = ? WHERE workspace_id = ? AND kind = ? AND id = ?'),
  };
  return {
    async list(workspaceId) { return (r.list.all(workspaceId) as DefinitionRow[]).map(definitionOf); },
    async get(workspaceId, kind, id) {
      const row = r.get.get(workspaceId, kind, id) as DefinitionRow | undefined;
      return row ? definitionOf(row) : null;
    },
    put: (d) => exclusive(() => {
      w.put.run(d.workspaceId, d.kind, d.id, JSON.stringify(d.body), d.createdAt, d.updatedAt, d.backfill ? JSON.stringify(d.backfill) : null);
    }),
    delete: (workspaceId, kind, id) => exclusive(() => writer.transaction(() => {
      const deleted = w.delete.run(workspaceId, kind, id).changes > 0;
      if (deleted && kind === 'segment') {
        w.deleteMembers.run(workspaceId, id);
        w.deleteCount.run(workspaceId, id);
      }
      return deleted;
    }).immediate()),
    setBackfill: (workspaceId, kind, id, progress) => exclusive(() => { w.backfill.run(JSON.stringify(progress), workspaceId, kind, id); }),
    async members(workspaceId, segmentId, { limit, after }) {
      return (r.members.all(workspaceId, segmentId, after ?? '', limit) as Array<{ profile_id: string; since: number; reason: string }>)
        .map((row): MemberRow => ({ profileId: row.profile_id, since: row.since, reason: row.reason }));
    },
    async memberCount(workspaceId, segmentId) { return (r.count.get(workspaceId, segmentId) as number | undefined) ?? 0; },
    recountMembers: (workspaceId, segmentId) => exclusive(() => w.recount.get(workspaceId, segmentId, workspaceId, segmentId) as number),
    // One counter row per segment (ADD_MEMBER_COUNT): nothing to fold.
    async compactMemberCounts() { return 0; },
    async profileIds(workspaceId, { limit, after }) { return r.ids.all(workspaceId, after ?? '', limit) as string[]; },
    async scanProfiles(workspaceId, { limit, after }) {
      return (r.scan.all(workspaceId, after ?? '', limit) as Array<{ id: string; workspace_id: string; created_at: number; updated_at: number; traits: string; state: string }>)
        .map((row): Profile => profileFromColumns({ ...row, traits: JSON.parse(row.traits), state: JSON.parse(row.state) }, []));
    },
    async eventsByProfile(workspaceId, ids) { return eventsByProfile(r.events, workspaceId, ids); },
    async nextDueAt() { return (r.nextDue.get() as number | null) ?? null; },
  };
}

export function prepareSegmentWrites(db: Database.Database) {
  return {
    // An entry is an insert when new (counted) and an update of `since` / `reason` when not.
    enter: db.prepare('INSERT INTO segment_members (workspace_id, segment_id, profile_id, since, reason) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    reenter: db.prepare('UPDATE segment_members SET since = ?, reason = ? WHERE workspace_id = ? AND segment_id = ? AND profile_id = ?'),
    exit: db.prepare('DELETE FROM segment_members WHERE workspace_id = ? AND segment_id = ? AND profile_id = ?'),
    count: db.prepare(ADD_MEMBER_COUNT),
    due: db.prepare('INSERT INTO segment_due (workspace_id, profile_id, due_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET due_at = excluded.due_at'),
    notDue: db.prepare('DELETE FROM segment_due WHERE workspace_id = ? AND profile_id = ?'),
    retireMembers: db.prepare('DELETE FROM segment_members WHERE profile_id = ? AND workspace_id = ? RETURNING segment_id').pluck(),
    claim: db.prepare('SELECT workspace_id, profile_id FROM segment_due WHERE due_at <= ? ORDER BY due_at LIMIT ?'),
    events: db.prepare(EVENTS_OF),
  };
}

export type SegmentWriteStatements = ReturnType<typeof prepareSegmentWrites>;

/** The write-transaction side: scheduler claims (SQLite has one writer: claiming is just reading). */
export function createSqliteSegmentTx(s: SegmentWriteStatements): SegmentTx {
  return {
    async claimDue(now, limit) {
      return (s.claim.all(now, limit) as Array<{ workspace_id: string; profile_id: string }>).map((r) => ({ workspaceId: r.workspace_id, profileId: r.profile_id }));
    },
    async eventsByProfile(workspaceId, ids) { return eventsByProfile(s.events, workspaceId, ids); },
  };
}

/**
 * The kept member count of each segment (segment_member_counts, migration 39), changed in the same
 * transaction as the membership rows by the rows actually inserted or deleted, so that it always
 * equals count(*) of the segment's rows; SQLite has one writer, so a counter row per segment has no
 * contention. Read by memberCount instead of counting (bench:admin: a cold count of 900,000 members
 * took over a second at 1,000,000 profiles).
 */
export const ADD_MEMBER_COUNT = `INSERT INTO segment_member_counts (workspace_id, segment_id, members) VALUES (?, ?, ?)
  ON CONFLICT DO UPDATE SET members = members + excluded.members`;

/** Adds the changes of one transaction to the kept counts (`changes`: segment id → members added, negative for removed). */
export function addMemberCounts(statement: Database.Statement, workspaceId: string, changes: ReadonlyMap<string, number>): void {
  for (const [segmentId, delta] of changes) if (delta !== 0) statement.run(workspaceId, segmentId, delta);
}

/** Segment id → how many of these (one per removed membership row) there are, negated. */
export function removedPerSegment(segmentIds: readonly string[], into = new Map<string, number>()): Map<string, number> {
  for (const id of segmentIds) into.set(id, (into.get(id) ?? 0) - 1);
  return into;
}

/** Writes ChangeSet.segments (after the profiles), with the kept member counts. */
export function applySegmentChanges(s: SegmentWriteStatements, workspaceId: string, c: SegmentChanges): void {
  const delta = new Map<string, number>();
  const add = (segmentId: string, n: number) => delta.set(segmentId, (delta.get(segmentId) ?? 0) + n);
  for (const id of c.retired) {
    removedPerSegment(s.retireMembers.all(id, workspaceId) as string[], delta);
    s.notDue.run(workspaceId, id);
  }
  for (const m of c.members) {
    if (m.since === null) add(m.segmentId, -s.exit.run(workspaceId, m.segmentId, m.profileId).changes);
    else if (s.enter.run(workspaceId, m.segmentId, m.profileId, m.since, m.reason).changes > 0) add(m.segmentId, 1);
    else s.reenter.run(m.since, m.reason, workspaceId, m.segmentId, m.profileId);
  }
  addMemberCounts(s.count, workspaceId, delta);
  for (const d of c.due) {
    if (d.dueAt === null) s.notDue.run(workspaceId, d.profileId);
    else s.due.run(workspaceId, d.profileId, d.dueAt);
  }
}
