/**
 * The per-person exposure counters timing reads (core/decisions/exposure-counters.ts), updated
 * from the batch's track events, in the batch's write transaction (ChangeSet.exposures):
 * - `Slot Viewed` {slot, variant, ruleId?, tags?} → an exposure (the default's, ruleId `default`,
 *   counts nothing: recordExposure);
 * - `Slot Dismissed` {slot} → a dismissal;
 * - any track event whose name one of the workspace's slots watches (`watchedEvents`) → its time.
 * Events whose properties are not of that shape count nothing (they are stored as any event).
 * With a report spec, the same pass adds what the slot reports count (update-slot-reports.ts), in
 * batch order. A workspace without slots costs one cached lookup per batch.
 */
import type { TrackedEvent } from '../../core/events/event.js';
import { isDepth } from '../../core/decisions/depth.js';
import { ID_PATTERN, SLOT_LIMITS } from '../../core/decisions/slot.js';
import type { IngestBatch } from '../ingest-batch.js';
import { reportedAs, reportUpdatesOf, type ReportSpecSource } from './update-slot-reports.js';

export const SLOT_VIEWED = 'Slot Viewed';
export const SLOT_DISMISSED = 'Slot Dismissed';

/** Where the step learns what the workspace's slots watch (the slot service). */
export interface WatchedEventsSource extends Partial<ReportSpecSource> {
  /** Lower-cased names; null when the workspace has no slots. */
  watchedEvents(workspaceId: string): Promise<ReadonlySet<string> | null>;
}

export async function updateExposureCounters(batch: IngestBatch, source: WatchedEventsSource | undefined): Promise<void> {
  if (!source || batch.assigned.length === 0) return;
  const watched = await source.watchedEvents(batch.workspaceId);
  if (!watched) return;
  const spec = source.reportSpec ? await source.reportSpec(batch.workspaceId) : null;
  for (const { event, profileId } of batch.assigned) {
    if (event.type !== 'track' || event.name === null) continue;
    if (event.name === SLOT_VIEWED) {
      const exposure = exposureOf(event);
      if (exposure) batch.counterUpdates.push({ kind: 'exposure', profileId, exposure, ...(spec ? { report: { day: reportedAs(event, spec).day } } : {}) });
    } else if (event.name === SLOT_DISMISSED) {
      const { slot, variant } = event.properties;
      const report = spec && isId(variant) ? { report: { ...reportedAs(event, spec), variantId: variant } } : {};
      if (isId(slot)) batch.counterUpdates.push({ kind: 'dismiss', profileId, slotId: slot, at: event.timestamp, ...report });
    }
    if (spec) batch.counterUpdates.push(...reportUpdatesOf(event, profileId, spec));
    if (watched.has(event.name.toLowerCase())) batch.counterUpdates.push({ kind: 'event', profileId, name: event.name, at: event.timestamp });
  }
}

const isId = (v: unknown): v is string => typeof v === 'string' && ID_PATTERN.test(v);

function exposureOf(event: TrackedEvent) {
  const { slot, variant, ruleId, tags, depth } = event.properties;
  if (!isId(slot) || !isId(variant)) return null;
  if (ruleId !== undefined && !isId(ruleId)) return null;
  const tagList = tags === undefined ? [] : tags;
  if (!Array.isArray(tagList) || tagList.length > SLOT_LIMITS.tags * 2 || !tagList.every(isId)) return null;
  return { slotId: slot, variantId: variant, tags: tagList as string[], ...(ruleId !== undefined ? { ruleId } : {}), ...(isDepth(depth) ? { depth } : {}), at: event.timestamp };
}
