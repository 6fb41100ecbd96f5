/**
 * Applies an ingest batch's counter updates (ChangeSet.exposures) to the stored records, with the
 * core's record functions; both adapters call it between reading and writing the rows.
 */
import { emptyCounters, recordDismiss, recordEvent, recordExposure, type ExposureCounters } from '../../core/decisions/exposure-counters.js';
import type { CounterUpdate } from '../../ports/decision-store.js';

/** Updates grouped by profile, in batch order. */
export function updatesByProfile(updates: readonly CounterUpdate[]): Map<string, CounterUpdate[]> {
  const out = new Map<string, CounterUpdate[]>();
  for (const u of updates) {
    const list = out.get(u.profileId);
    if (list) list.push(u); else out.set(u.profileId, [u]);
  }
  return out;
}

/** The record after the updates (a new object); `current` null starts from empty. */
export function applyCounterUpdates(current: ExposureCounters | null, updates: readonly CounterUpdate[]): ExposureCounters {
  let c = current ?? emptyCounters();
  for (const u of updates) {
    if (u.kind === 'exposure') c = recordExposure(c, u.exposure);
    else if (u.kind === 'dismiss') c = recordDismiss(c, u.slotId, u.at);
    else c = recordEvent(c, u.name, u.at);
  }
  return c;
}

/** The latest time among the updates (the record's updatedAt). */
export function latestAt(updates: readonly CounterUpdate[]): number {
  return Math.max(...updates.map((u) => (u.kind === 'exposure' ? u.exposure.at : u.at)));
}
