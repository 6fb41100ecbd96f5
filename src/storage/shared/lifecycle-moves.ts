/**
 * The stage funnel's counts of lifecycle moves, shared by both stores: the system entries every
 * move writes on the person's timeline (`Lifecycle Stage Changed`, ingest/steps/update-lifecycle.ts;
 * the name is written out in the SQL so that the partial index events_lifecycle_moves, migration
 * 37, applies), and one order for both (the databases sort nulls differently).
 */
import type { LifecycleMoveCount } from '../../ports/store.js';

export const LIFECYCLE_MOVE_FILTER = "type = 'system' AND name = 'Lifecycle Stage Changed'";

/** Most moves first, then the first stage (none first), then the stage moved to. */
export function sortMoveCounts(rows: LifecycleMoveCount[]): LifecycleMoveCount[] {
  const key = (s: string | null) => s ?? '';
  return rows.sort((a, b) => b.moves - a.moves || (a.from === null ? -1 : 0) - (b.from === null ? -1 : 0) || key(a.from).localeCompare(key(b.from)) || a.to.localeCompare(b.to));
}

/** A row of the query: text or null per stage, counts as numbers (PostgreSQL answers bigint as text). */
export function moveCountOf(row: { from_stage: unknown; to_stage: unknown; moves: unknown; people: unknown }): LifecycleMoveCount | null {
  if (typeof row.to_stage !== 'string') return null;
  return { from: typeof row.from_stage === 'string' ? row.from_stage : null, to: row.to_stage, moves: Number(row.moves), people: Number(row.people) };
}
