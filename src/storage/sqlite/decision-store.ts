/**
 * The decision part of the SQLite store (ports/decision-store.ts): slots, decision settings,
 * exposure counters. Reads use the reader connection; writes go through the store's exclusive
 * writer. `mergeSqliteCounters` runs inside ingest's write transaction (write-tx.ts) when a merge
 * folds one profile into another.
 */
import type { DecisionSettings } from '../../core/decisions/decision-settings.js';
import { mergeCounters, type ExposureCounters } from '../../core/decisions/exposure-counters.js';
import type { Slot } from '../../core/decisions/slot.js';
import { slotBody } from '../shared/slot-body.js';
import { serialiseCounters, type DecisionStore, type StoredSlot } from '../../ports/decision-store.js';
import type { ChangeSet } from '../../ports/store.js';
import { applyCounterUpdates, latestAt, updatesByProfile } from '../shared/counter-updates.js';
import type { Database } from './database.js';
import type { ReportRow } from '../../core/decisions/slot-report.js';
import { addSqliteReportRows, prepareReportAdd } from './slot-report-store.js';

interface SlotRow { workspace_id: string; id: string; body: string; created_at: number; updated_at: number; version: number }

const slotOf = (r: SlotRow): StoredSlot => ({ ...(JSON.parse(r.body) as Slot), workspaceId: r.workspace_id, createdAt: r.created_at, updatedAt: r.updated_at, version: r.version });

export function createSqliteDecisionStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>): DecisionStore {
  const r = {
    list: reader.prepare('SELECT * FROM decision_slots WHERE workspace_id = ? ORDER BY created_at, id'),
    get: reader.prepare('SELECT * FROM decision_slots WHERE workspace_id = ? AND id = ?'),
    settings: reader.prepare('SELECT settings FROM decision_settings WHERE workspace_id = ?').pluck(),
    counters: reader.prepare('SELECT counters FROM exposure_counters WHERE workspace_id = ? AND profile_id = ?').pluck(),
    countersOf: reader.prepare('SELECT profile_id, counters, updated_at FROM exposure_counters WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?)) ORDER BY profile_id'),
  };
  const w = {
    put: writer.prepare(`INSERT INTO decision_slots (workspace_id, id, body, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 1)
      ON CONFLICT DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, version = decision_slots.version + 1
      RETURNING *`),
    delete: writer.prepare('DELETE FROM decision_slots WHERE workspace_id = ? AND id = ?'),
    settings: writer.prepare(`INSERT INTO decision_settings (workspace_id, settings, updated_at) VALUES (?, ?, ?)
      ON CONFLICT DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`),
    counters: writer.prepare(`INSERT INTO exposure_counters (workspace_id, profile_id, counters, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET counters = excluded.counters, updated_at = excluded.updated_at`),
  };
  return {
    async listSlots(workspaceId) { return (r.list.all(workspaceId) as SlotRow[]).map(slotOf); },
    async getSlot(workspaceId, id) {
      const row = r.get.get(workspaceId, id) as SlotRow | undefined;
      return row ? slotOf(row) : null;
    },
    putSlot: (slot) => exclusive(() => slotOf(w.put.get(slot.workspaceId, slot.id, JSON.stringify(slotBody(slot)), slot.createdAt, slot.updatedAt) as SlotRow)),
    deleteSlot: (workspaceId, id) => exclusive(() => w.delete.run(workspaceId, id).changes > 0),
    async getSettings(workspaceId) {
      const json = r.settings.get(workspaceId) as string | undefined;
      return json ? (JSON.parse(json) as DecisionSettings) : null;
    },
    putSettings: (workspaceId, settings, at) => exclusive(() => { w.settings.run(workspaceId, JSON.stringify(settings), at); }),
    async getCounters(workspaceId, profileId) {
      const json = r.counters.get(workspaceId, profileId) as string | undefined;
      return json ? (JSON.parse(json) as ExposureCounters) : null;
    },
    async putCounters(workspaceId, { profileId, counters, updatedAt }) {
      const json = serialiseCounters(counters);
      await exclusive(() => { w.counters.run(workspaceId, profileId, json, updatedAt); });
    },
    async countersOf(workspaceId, profileIds) {
      return (r.countersOf.all(workspaceId, JSON.stringify(profileIds)) as Array<{ profile_id: string; counters: string; updated_at: number }>)
        .map((row) => ({ profileId: row.profile_id, counters: JSON.parse(row.counters) as ExposureCounters, updatedAt: row.updated_at }));
    },
  };
}

export interface CounterMergeStatements {
  get: Database.Statement;
  put: Database.Statement;
  remove: Database.Statement;
  /** Adds slot-report increments (slot-report-store.ts). */
  addReport: Database.Statement;
}

export function prepareCounterMerge(db: Database.Database): CounterMergeStatements {
  return {
    get: db.prepare('SELECT counters FROM exposure_counters WHERE workspace_id = ? AND profile_id = ?').pluck(),
    put: db.prepare(`INSERT INTO exposure_counters (workspace_id, profile_id, counters, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET counters = excluded.counters, updated_at = excluded.updated_at`),
    remove: db.prepare('DELETE FROM exposure_counters WHERE workspace_id = ? AND profile_id = ?'),
    addReport: prepareReportAdd(db),
  };
}

/** A merge inside the write transaction: the merged profile's counters fold into the survivor's (core's mergeCounters). */
export function mergeSqliteCounters(s: CounterMergeStatements, m: { workspaceId: string; survivorId: string; mergedId: string; at: number }): void {
  const merged = s.get.get(m.workspaceId, m.mergedId) as string | undefined;
  if (merged === undefined) return;
  const survivor = s.get.get(m.workspaceId, m.survivorId) as string | undefined;
  const counters = survivor === undefined ? (JSON.parse(merged) as ExposureCounters) : mergeCounters(JSON.parse(survivor) as ExposureCounters, JSON.parse(merged) as ExposureCounters);
  s.put.run(m.workspaceId, m.survivorId, serialiseCounters(counters), m.at);
  s.remove.run(m.workspaceId, m.mergedId);
}

/**
 * An ingest batch's counter updates, inside the write transaction, after its merges (write-tx.ts),
 * and the slot-report increments they yield. A record the updates did not change is not written.
 */
export function updateSqliteCounters(s: CounterMergeStatements, c: ChangeSet): void {
  if (!c.exposures || c.exposures.length === 0) return;
  const report: ReportRow[] = [];
  for (const [profileId, updates] of updatesByProfile(c.exposures)) {
    const json = s.get.get(c.workspaceId, profileId) as string | undefined;
    const next = applyCounterUpdates(json === undefined ? null : (JSON.parse(json) as ExposureCounters), updates);
    if (next.changed) s.put.run(c.workspaceId, profileId, serialiseCounters(next.counters), latestAt(updates));
    report.push(...next.report);
  }
  addSqliteReportRows(s.addReport, c.workspaceId, report);
}
