/**
 * The decision part of the PostgreSQL store (ports/decision-store.ts): slots, decision settings,
 * exposure counters. `mergePostgresCounters` runs inside ingest's write transaction
 * (apply-changes.ts) when merges fold profiles into others.
 */
import type { DecisionSettings } from '../../core/decisions/decision-settings.js';
import { mergeCounters, type ExposureCounters } from '../../core/decisions/exposure-counters.js';
import type { Slot } from '../../core/decisions/slot.js';
import { slotBody } from '../shared/slot-body.js';
import { serialiseCounters, type DecisionStore, type StoredSlot } from '../../ports/decision-store.js';
import type { ChangeSet } from '../../ports/store.js';
import { applyCounterUpdates, latestAt, updatesByProfile } from '../shared/counter-updates.js';
import type { Pool, Queryable } from './database.js';
import { jsonb, text } from './values.js';
import { addPostgresReportRows } from './slot-report-store.js';

interface SlotRow { workspace_id: string; id: string; body: Slot; created_at: string; updated_at: string; version: number }

const slotOf = (r: SlotRow): StoredSlot => ({ ...r.body, workspaceId: r.workspace_id, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), version: r.version });

/** Counters as jsonb text, refused over the bound (NUL and lone surrogates cleaned as everywhere). */
const countersJson = (counters: ExposureCounters): string => { serialiseCounters(counters); return jsonb(counters); };

export function createPostgresDecisionStore(pool: Pool): DecisionStore {
  return {
    async listSlots(workspaceId) {
      const { rows } = await pool.query<SlotRow>('SELECT * FROM decision_slots WHERE workspace_id = $1 ORDER BY created_at, id', [workspaceId]);
      return rows.map(slotOf);
    },
    async getSlot(workspaceId, id) {
      const { rows } = await pool.query<SlotRow>('SELECT * FROM decision_slots WHERE workspace_id = $1 AND id = $2', [workspaceId, text(id)]);
      return rows[0] ? slotOf(rows[0]) : null;
    },
    async putSlot(slot) {
      const { rows } = await pool.query<SlotRow>(`INSERT INTO decision_slots (workspace_id, id, body, created_at, updated_at, version) VALUES ($1, $2, $3::jsonb, $4, $5, 1)
        ON CONFLICT (workspace_id, id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, version = decision_slots.version + 1
        RETURNING *`, [slot.workspaceId, text(slot.id), jsonb(slotBody(slot)), slot.createdAt, slot.updatedAt]);
      return slotOf(rows[0]!);
    },
    async deleteSlot(workspaceId, id) {
      return ((await pool.query('DELETE FROM decision_slots WHERE workspace_id = $1 AND id = $2', [workspaceId, text(id)])).rowCount ?? 0) > 0;
    },
    async getSettings(workspaceId) {
      const { rows } = await pool.query<{ settings: DecisionSettings }>('SELECT settings FROM decision_settings WHERE workspace_id = $1', [workspaceId]);
      return rows[0]?.settings ?? null;
    },
    async putSettings(workspaceId, settings, at) {
      await pool.query(`INSERT INTO decision_settings (workspace_id, settings, updated_at) VALUES ($1, $2::jsonb, $3)
        ON CONFLICT (workspace_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`, [workspaceId, jsonb(settings), at]);
    },
    async getCounters(workspaceId, profileId) {
      const { rows } = await pool.query<{ counters: ExposureCounters }>('SELECT counters FROM exposure_counters WHERE workspace_id = $1 AND profile_id = $2', [workspaceId, text(profileId)]);
      return rows[0]?.counters ?? null;
    },
    async putCounters(workspaceId, { profileId, counters, updatedAt: at }) {
      await pool.query(`INSERT INTO exposure_counters (workspace_id, profile_id, counters, updated_at) VALUES ($1, $2, $3::jsonb, $4)
        ON CONFLICT (workspace_id, profile_id) DO UPDATE SET counters = excluded.counters, updated_at = excluded.updated_at`, [workspaceId, text(profileId), countersJson(counters), at]);
    },
    async countersOf(workspaceId, profileIds) {
      const { rows } = await pool.query<{ profile_id: string; counters: ExposureCounters; updated_at: string }>(
        'SELECT profile_id, counters, updated_at FROM exposure_counters WHERE profile_id = ANY($2::text[]) AND workspace_id = $1 ORDER BY profile_id', [workspaceId, profileIds]);
      return rows.map((r) => ({ profileId: r.profile_id, counters: r.counters, updatedAt: Number(r.updated_at) }));
    },
  };
}

/**
 * Merges inside the write transaction: each merged profile's counters fold into its final
 * survivor's (core's mergeCounters), in batch order, and the merged rows go. Rows are locked
 * (FOR UPDATE) so a concurrent writer of the same person waits.
 */
export async function mergePostgresCounters(db: Queryable, workspaceId: string, merges: ReadonlyArray<{ mergedId: string; finalId: string; at: number }>): Promise<void> {
  const ids = [...new Set(merges.flatMap((m) => [m.mergedId, m.finalId]))];
  const { rows } = await db.query<{ profile_id: string; counters: ExposureCounters }>(
    'SELECT profile_id, counters FROM exposure_counters WHERE profile_id = ANY($2::text[]) AND workspace_id = $1 ORDER BY profile_id FOR UPDATE', [workspaceId, ids]);
  if (rows.length === 0) return;
  const held = new Map(rows.map((r) => [r.profile_id, r.counters]));
  const touched = new Map<string, number>();
  const removed = new Set<string>();
  for (const m of merges) {
    const merged = held.get(m.mergedId);
    if (!merged) continue;
    const survivor = held.get(m.finalId);
    held.set(m.finalId, survivor ? mergeCounters(survivor, merged) : merged);
    held.delete(m.mergedId);
    removed.add(m.mergedId);
    touched.set(m.finalId, m.at);
  }
  if (touched.size === 0) return;
  const survivors = [...touched.keys()];
  await db.query(`INSERT INTO exposure_counters (workspace_id, profile_id, counters, updated_at)
    SELECT $1, p, c::jsonb, t FROM unnest($2::text[], $3::text[], $4::bigint[]) AS x(p, c, t)
    ON CONFLICT (workspace_id, profile_id) DO UPDATE SET counters = excluded.counters, updated_at = excluded.updated_at`,
  [workspaceId, survivors, survivors.map((id) => countersJson(held.get(id)!)), survivors.map((id) => touched.get(id)!)]);
  await db.query('DELETE FROM exposure_counters WHERE profile_id = ANY($2::text[]) AND workspace_id = $1', [workspaceId, [...removed]]);
}

/**
 * An ingest batch's counter updates, inside the write transaction (the caller runs it after the
 * merge fold), and the slot-report increments they yield. Records the updates did not change are
 * not written.
 */
export async function updatePostgresCounters(db: Queryable, c: ChangeSet): Promise<void> {
  if (!c.exposures || c.exposures.length === 0) return;
  const grouped = updatesByProfile(c.exposures);
  const ids = [...grouped.keys()];
  const { rows } = await db.query<{ profile_id: string; counters: ExposureCounters }>(
    'SELECT profile_id, counters FROM exposure_counters WHERE profile_id = ANY($2::text[]) AND workspace_id = $1 ORDER BY profile_id FOR UPDATE', [c.workspaceId, ids]);
  const held = new Map(rows.map((r) => [r.profile_id, r.counters]));
  const applied = ids.map((id) => ({ id, ...applyCounterUpdates(held.get(id) ?? null, grouped.get(id)!) }));
  const changed = applied.filter((a) => a.changed);
  const writes: Array<Promise<unknown>> = [addPostgresReportRows(db, c.workspaceId, applied.flatMap((a) => a.report))];
  if (changed.length > 0) writes.push(db.query(`INSERT INTO exposure_counters (workspace_id, profile_id, counters, updated_at)
    SELECT $1, p, c::jsonb, t FROM unnest($2::text[], $3::text[], $4::bigint[]) AS x(p, c, t)
    ON CONFLICT (workspace_id, profile_id) DO UPDATE SET counters = excluded.counters, updated_at = excluded.updated_at`,
  [c.workspaceId, changed.map((a) => text(a.id)), changed.map((a) => countersJson(a.counters)), changed.map((a) => latestAt(grouped.get(a.id)!))]));
  await Promise.all(writes);
}
