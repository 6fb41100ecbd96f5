/**
 * The stage funnel of a period: per configured stage (in order), how many moves entered it and
 * how many left it, from the counts of moves per (from, to) (ProfileQueries.lifecycleMoves). A
 * stage no longer configured that moves still name comes last, under its key, so that no counted
 * move disappears from the stage list.
 */
import type { LifecycleStage } from './lifecycle-config.js';

export interface MoveCount { from: string | null; to: string; moves: number; people: number }
export interface FunnelStage { key: string; label: string; entered: number; left: number }

export function stageFunnel(stages: readonly LifecycleStage[], moves: readonly MoveCount[]): { stages: FunnelStage[] } {
  const rows = new Map<string, FunnelStage>(stages.map((s) => [s.key, { key: s.key, label: s.label, entered: 0, left: 0 }]));
  const row = (key: string) => {
    let found = rows.get(key);
    if (!found) rows.set(key, (found = { key, label: key, entered: 0, left: 0 }));
    return found;
  };
  for (const m of moves) {
    row(m.to).entered += m.moves;
    if (m.from !== null) row(m.from).left += m.moves;
  }
  return { stages: [...rows.values()] };
}
