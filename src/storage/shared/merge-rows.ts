/** The merge log's rows as both stores read them (SQLite: snapshot as JSON text, numbers as numbers; PostgreSQL: json parsed, bigints as strings). */
import type { IdentityKind } from '../../core/identity/identity-key.js';
import type { MergeLogEntry } from '../../core/identity/unmerge-plan.js';
import type { MergeRecord } from '../../core/profiles/profile.js';

export interface MergeRow {
  seq: number | string;
  workspace_id: string;
  survivor_id: string;
  merged_id: string;
  cause_kind: IdentityKind;
  cause_value: string;
  message_id: string;
  at: number | string;
  snapshot: string | MergeRecord['snapshot'];
  undone_at: number | string | null;
  undone_cause: string | null;
}

export function mergeFromRow(r: MergeRow): MergeLogEntry {
  return {
    seq: Number(r.seq), workspaceId: r.workspace_id, survivorId: r.survivor_id, mergedId: r.merged_id,
    cause: { kind: r.cause_kind, value: r.cause_value }, messageId: r.message_id, at: Number(r.at),
    snapshot: typeof r.snapshot === 'string' ? JSON.parse(r.snapshot) as MergeRecord['snapshot'] : r.snapshot,
    ...(r.undone_at !== null && r.undone_at !== undefined ? { undone: { at: Number(r.undone_at), cause: r.undone_cause ?? '' } } : {}),
  };
}

/** A log entry as the profile queries answer it (without its place in the log). */
export function mergeRecordFromRow(r: MergeRow): MergeRecord {
  const { seq: _seq, ...record } = mergeFromRow(r);
  return record;
}
