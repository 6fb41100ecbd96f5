/**
 * Slot reports at ingest (core/decisions/slot-report.ts): which counter updates an event adds so
 * that the slot reports count it, in the batch's write transaction. Called per event by
 * update-exposure-counters.ts, so that views, clicks and goal events stay in batch order in one
 * list (ChangeSet.exposures): a goal converts the latest view *before* it, and the store attributes
 * it against the person's counters as they stand at that point (storage/shared/counter-updates.ts).
 *
 * - `Slot Viewed` → the exposure carries `report` (its day): an impression.
 * - `Slot Clicked`, and `Email Link Clicked` with `slot` and `variant` properties → a click.
 * - `Slot Dismissed` with `variant` → the dismissal carries `report`: a dismissal.
 * - a track event named as some slot's goal (case-insensitive) → a goal update per such slot.
 * Days are local days in the workspace's time zone (decision settings).
 */
import type { TrackedEvent } from '../../core/events/event.js';
import { isDepth } from '../../core/decisions/depth.js';
import { ID_PATTERN } from '../../core/decisions/slot.js';
import { localDay, type ReportSpec } from '../../core/decisions/slot-report.js';
import type { CounterUpdate, ReportedAs } from '../../ports/decision-store.js';

export const SLOT_CLICKED = 'Slot Clicked';
export const EMAIL_LINK_CLICKED = 'Email Link Clicked';

export interface ReportSpecSource {
  /** Null when the workspace has no slots. */
  reportSpec(workspaceId: string): Promise<ReportSpec | null>;
}

const isId = (v: unknown): v is string => typeof v === 'string' && ID_PATTERN.test(v);

/** The rule and depth an exposure event states (each only when well-formed). */
export function reportedAs(event: TrackedEvent, spec: ReportSpec): ReportedAs {
  const { ruleId, depth } = event.properties;
  return { day: localDay(event.timestamp, spec.timezone), ...(isId(ruleId) ? { ruleId } : {}), ...(isDepth(depth) ? { depth } : {}) };
}

/** The report-only updates an event adds (clicks and goals); views and dismissals carry `report` on their own update. */
export function reportUpdatesOf(event: TrackedEvent, profileId: string, spec: ReportSpec): CounterUpdate[] {
  if (event.type !== 'track' || event.name === null) return [];
  const out: CounterUpdate[] = [];
  if (event.name === SLOT_CLICKED || event.name === EMAIL_LINK_CLICKED) {
    const { slot, variant } = event.properties;
    if (isId(slot) && isId(variant)) out.push({ kind: 'click', profileId, slotId: slot, at: event.timestamp, report: { ...reportedAs(event, spec), variantId: variant } });
  }
  const goals = spec.goals.get(event.name.toLowerCase());
  if (goals) {
    const day = localDay(event.timestamp, spec.timezone);
    for (const g of goals) out.push({ kind: 'goal', profileId, slotId: g.slotId, at: event.timestamp, withinMs: g.withinMs, report: { day } });
  }
  return out;
}
