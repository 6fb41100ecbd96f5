/**
 * Applies an ingest batch's counter updates (ChangeSet.exposures) to the stored records, with the
 * core's record functions; both adapters call it between reading and writing the rows. It also
 * yields the slot-report increments the updates carry (core/decisions/slot-report.ts): goals and
 * clicks are attributed against the record as it stands at that point of the batch.
 */
import { emptyCounters, lastViewOf, recordDismiss, recordEvent, recordExposure, recordGoal, type ExposureCounters } from '../../core/decisions/exposure-counters.js';
import { UNKNOWN, zeroCounts, type ReportMeasure, type ReportRow } from '../../core/decisions/slot-report.js';
import type { CounterUpdate, ReportedAs } from '../../ports/decision-store.js';

/** Updates grouped by profile, in batch order. */
export function updatesByProfile(updates: readonly CounterUpdate[]): Map<string, CounterUpdate[]> {
  const out = new Map<string, CounterUpdate[]>();
  for (const u of updates) {
    const list = out.get(u.profileId);
    if (list) list.push(u); else out.set(u.profileId, [u]);
  }
  return out;
}

export interface AppliedUpdates {
  /** The record after the updates; the very `current` object when nothing changed it. */
  counters: ExposureCounters;
  /** Report increments, one per counted update, in batch order. */
  report: ReportRow[];
}

/**
 * The record after the updates (a new object; `current` null starts from empty) and the report
 * increments. A record that `changed` is false for need not be written (clicks and goals that
 * converted nothing change no record).
 */
export function applyCounterUpdates(current: ExposureCounters | null, updates: readonly CounterUpdate[]): AppliedUpdates & { changed: boolean } {
  const start = current ?? emptyCounters();
  let c = start;
  const report: ReportRow[] = [];
  const count = (measure: ReportMeasure, slotId: string, variantId: string, as: ReportedAs, from?: { ruleId: string; depth: string }) =>
    report.push({ ...zeroCounts(), slotId, variantId, ruleId: as.ruleId ?? from?.ruleId ?? UNKNOWN, depth: as.depth ?? from?.depth ?? UNKNOWN, day: as.day, [measure]: 1 });
  // The latest view when it showed this variant: where a click or dismissal without rule/depth came from.
  const sameView = (slotId: string, variantId: string) => {
    const mark = lastViewOf(c, slotId);
    return mark && mark.variantId === variantId ? mark : undefined;
  };
  for (const u of updates) {
    if (u.kind === 'exposure') {
      c = recordExposure(c, u.exposure);
      if (u.report) count('impressions', u.exposure.slotId, u.exposure.variantId, { day: u.report.day, ruleId: u.exposure.ruleId, depth: u.exposure.depth });
    } else if (u.kind === 'dismiss') {
      if (u.report) count('dismissals', u.slotId, u.report.variantId, u.report, sameView(u.slotId, u.report.variantId));
      c = recordDismiss(c, u.slotId, u.at);
    } else if (u.kind === 'click') {
      count('clicks', u.slotId, u.report.variantId, u.report, sameView(u.slotId, u.report.variantId));
    } else if (u.kind === 'goal') {
      const goal = recordGoal(c, u.slotId, u.at, u.withinMs);
      c = goal.counters;
      if (goal.converted) count('conversions', u.slotId, goal.converted.variantId, { day: u.report.day }, goal.converted);
    } else c = recordEvent(c, u.name, u.at);
  }
  return { counters: c, report, changed: current === null ? c !== start : c !== current };
}

/** The latest time among the updates (the record's updatedAt). */
export function latestAt(updates: readonly CounterUpdate[]): number {
  return Math.max(...updates.map((u) => (u.kind === 'exposure' ? u.exposure.at : u.at)));
}
