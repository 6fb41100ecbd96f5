/**
 * Segment membership of every profile the batch touched, evaluated once per profile per batch
 * (core/segments/membership.ts) after all its events are folded in. Each entry and exit becomes:
 * a system entry on the profile's timeline (`Segment Entered` / `Segment Exited`, with the
 * reason and the cause), a ProfileChange for the webhook outbox, and a row change of the
 * membership table. The profile's next due time goes to the scheduler's table when it changed.
 */
import type { TrackedEvent } from '../../core/events/event.js';
import { evaluateProfile, namesOf } from '../../core/segments/membership.js';
import type { SegmentDefinitions } from '../../core/segments/segment.js';
import type { EpochMs } from '../../core/time.js';
import type { IngestBatch } from '../ingest-batch.js';
import { evaluationTime, touchedIn } from './update-computed-traits.js';

export const SEGMENT_ENTERED = 'Segment Entered';
export const SEGMENT_EXITED = 'Segment Exited';
const MIN_RECHECK_MS = 1000;

export function updateSegments(batch: IngestBatch, defs: SegmentDefinitions, newMessageId: () => string): void {
  const now = evaluationTime(batch);
  const causes = new Map<string, string>();
  if (!batch.reevaluation) for (const a of batch.assigned) if (a.event.type !== 'system') causes.set(batch.live(a.profileId), a.event.messageId);
  const nothingDefined = defs.segments.length === 0 && defs.computed.length === 0;
  for (const profile of [...batch.profiles.values()]) {
    // Lifecycle rules may apply by time alone too (lifecycle.checkAt): the scheduler wakes for both.
    const lifecycleDue = profile.lifecycle?.checkAt ?? null;
    if (nothingDefined && !profile.segments && !profile.computed && lifecycleDue === null) continue;
    const cause = batch.reevaluation?.cause ?? causes.get(profile.id) ?? 'event';
    const evaluated = evaluateProfile(profile, defs, now, batch.reevaluation ? undefined : touchedIn(batch, profile.id));
    const changes = evaluated.changes;
    const combined = evaluated.dueAt === null ? lifecycleDue : lifecycleDue === null ? evaluated.dueAt : Math.min(evaluated.dueAt, lifecycleDue);
    // A due time that is already past (a check the steps did not move forward) would have the
    // scheduler claim the profile again at once, in a loop: it waits a second at least.
    const dueAt = combined !== null && combined <= now ? now + MIN_RECHECK_MS : combined;
    for (const change of changes) {
      const entered = change.kind === 'entered';
      batch.changes.push({
        kind: entered ? 'segment.entered' : 'segment.exited', workspaceId: batch.workspaceId, profileId: profile.id,
        segmentId: change.segmentId, segmentName: change.segmentName, at: now, reason: change.reason, cause,
      });
      batch.segmentChanges.members.push({ segmentId: change.segmentId, profileId: profile.id, since: entered ? now : null, reason: change.reason });
      batch.assigned.push({
        event: segmentEntry(batch.workspaceId, newMessageId(), entered ? SEGMENT_ENTERED : SEGMENT_EXITED, now, {
          segmentId: change.segmentId, segmentName: change.segmentName, reason: change.reason, cause,
        }),
        profileId: profile.id, originalProfileId: profile.id,
      });
    }
    const state = profile.segments!;
    if (!keepsScheduledTime(state.dueAt, dueAt, now, batch.reevaluation !== null)) {
      // Set also when null: a profile with a due time (even none) has been evaluated.
      if ((state.dueAt ?? null) !== dueAt) batch.segmentChanges.due.push({ profileId: profile.id, dueAt });
      state.dueAt = dueAt;
    }
  }
  endMergedMemberships(batch, defs, now);
}

/**
 * A profile merged into another leaves its segments under its own id (its membership rows go with
 * it): the exits are announced to webhooks with `mergedInto`, so that a system that synced the
 * membership by profile id lets go of it. The survivor, evaluated in full, enters anew where the
 * merged person belongs. No timeline entry: the merged timeline is the survivor's, with its
 * `Profiles Merged` entry.
 */
function endMergedMemberships(batch: IngestBatch, defs: SegmentDefinitions, now: EpochMs): void {
  const names = namesOf(defs);
  for (const { profile, survivorId, cause } of batch.mergedAway) {
    for (const segmentId of Object.keys(profile.segments?.member ?? {})) {
      const segmentName = names.get(segmentId);
      if (segmentName === undefined) continue;
      const survivor = batch.live(survivorId);
      batch.changes.push({
        kind: 'segment.exited', workspaceId: batch.workspaceId, profileId: profile.id, segmentId, segmentName, at: now,
        reason: `merged into profile ${survivor}`, cause, mergedInto: survivor,
      });
    }
  }
}

/**
 * Whether the scheduler's wake-up time written earlier can stay although the evaluation computed
 * another. With events, a window that moves forward moves the due time with almost every event;
 * writing it each time is a row in two indexes per profile per batch. A wake-up that is earlier
 * than needed is harmless: the scheduler re-evaluates then (nothing changes) and writes the exact
 * time. So events only ever bring it forward; the scheduler's own re-evaluations, backfills and
 * manual moves (`reevaluating`) write it exactly, as does anything once the old time has passed.
 */
function keepsScheduledTime(scheduled: EpochMs | null | undefined, computed: EpochMs | null, now: EpochMs, reevaluating: boolean): boolean {
  if (reevaluating || scheduled === undefined || scheduled === null || scheduled <= now) return false;
  return computed === null || computed >= scheduled;
}

function segmentEntry(workspaceId: string, messageId: string, name: string, at: EpochMs, properties: Record<string, unknown>): TrackedEvent {
  return {
    workspaceId, messageId, type: 'system', name, category: null, anonymousId: null, userId: null, previousId: null, groupId: null,
    properties, traits: {}, context: {}, integrations: {}, timestamp: at, originalTimestamp: null, sentAt: null, receivedAt: at,
  };
}
