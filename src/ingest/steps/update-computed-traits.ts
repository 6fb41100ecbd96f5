/**
 * Computed traits and the event trackers of segment conditions, folded in per event (core/segments/
 * record-event.ts). A survivor of a merge gets them rebuilt from the stored events of every profile
 * it absorbed plus this batch's events, as its behaviour is (update-profiles.ts), so that the
 * merged person's counts are neither lost nor counted twice.
 */
import type { TrackedEvent } from '../../core/events/event.js';
import { traitNamesIn, traitsOfEvent } from '../../core/profiles/traits.js';
import { rebuildDerived, recordEvent } from '../../core/segments/record-event.js';
import type { SegmentDefinitions } from '../../core/segments/segment.js';
import type { EpochMs } from '../../core/time.js';
import type { IngestBatch } from '../ingest-batch.js';
import { scoreSignature, type Touched } from '../../core/segments/membership.js';
import { personaSignature } from '../../core/segments/persona-condition.js';

/** The moment a batch evaluates windows at: the re-evaluation's time, else the latest receipt. */
export function evaluationTime(batch: IngestBatch): EpochMs {
  if (batch.reevaluation) return batch.reevaluation.now;
  let now = 0;
  for (const e of batch.events) if (e.receivedAt > now) now = e.receivedAt;
  return now;
}

/**
 * What each profile's events touched in this batch (for updateSegments; absent: evaluate
 * everything). `scoresBefore` is the profile's score signature before the scoring and lifecycle
 * steps ran, for `Touched.scores`; `personaBefore` likewise the persona link before the persona step
 * (`Touched.persona`).
 */
type BatchTouch = Touched & { trackers: Set<string>; traitKeys: Set<string>; computedKeys: Set<string>; scoresBefore: string; personaBefore: string };
const touchedByBatch = new WeakMap<IngestBatch, Map<string, BatchTouch>>();

export function touchedIn(batch: IngestBatch, profileId: string): Touched | undefined {
  const t = touchedByBatch.get(batch)?.get(profileId);
  if (t) {
    const profile = batch.profile(profileId);
    t.scores = scoreSignature(profile) !== t.scoresBefore;
    t.persona = personaSignature(profile) !== t.personaBefore;
  }
  return t;
}

export async function updateComputedTraits(batch: IngestBatch, defs: SegmentDefinitions): Promise<void> {
  if (defs.trackers.size === 0 && defs.computed.length === 0 && defs.segments.length === 0) return;
  const now = evaluationTime(batch);
  const touched = new Map<string, BatchTouch>();
  touchedByBatch.set(batch, touched);
  const rebuild = new Map<string, TrackedEvent[]>();
  for (const [survivor, absorbed] of batch.mergedInto) {
    const ids = [survivor, ...absorbed].filter((id) => !batch.newProfileIds.has(id));
    const stored = await batch.tx.segments.eventsByProfile(batch.workspaceId, ids);
    rebuild.set(batch.live(survivor), [...stored.values()].flat());
  }
  for (const item of batch.assigned) {
    const profile = batch.profile(item.profileId);
    const pending = rebuild.get(profile.id);
    if (pending) { pending.push(item.event); continue; }
    let t = touched.get(profile.id);
    if (!t) {
      t = { fresh: batch.newProfileIds.has(profile.id), trackers: new Set(), traits: false, traitKeys: new Set(), computed: false, computedKeys: new Set(), consent: false, scoresBefore: scoreSignature(profile), personaBefore: personaSignature(profile) };
      touched.set(profile.id, t);
    }
    const e = item.event;
    const { own, context } = traitsOfEvent(e);
    if (own) traitNamesIn(own, t.traitKeys);
    if (context) traitNamesIn(context, t.traitKeys);
    if (own || context) t.traits = true;
    if (e.type === 'consent' || e.context.gpc === true) t.consent = true;
    recordEvent(profile, e, defs, now, undefined, t);
  }
  for (const [id, events] of rebuild) rebuildDerived(batch.profile(id), events, defs, now);
}
