/**
 * Automatic lifecycle moves of the batch's profiles (core/lifecycle/transitions.ts), evaluated
 * once per profile after its scores: at the time of its latest event in the batch (that event is
 * the cause), or at the re-evaluation's moment. The next moment the rules may apply by time alone
 * (`lifecycle.checkAt`) goes to the segment scheduler's due table with the profile's segment due time. Each move is kept in the profile's history, written
 * on its timeline as a system entry `Lifecycle Stage Changed`, and pushed to `batch.changes` for
 * the segments that look at stages and for the webhooks.
 *
 * A merge first joins the merged profile's lifecycle to its survivor's (mergeLifecycle: the
 * furthest stage, both histories, the merge recorded). That is no move: nothing is announced, so
 * a person announced as `lead → marketing_qualified` on either side is never announced again
 * because two of their profiles became one.
 */
import type { TrackedEvent } from '../../core/events/event.js';
import type { LifecycleConfig } from '../../core/lifecycle/lifecycle-config.js';
import type { LifecycleMove } from '../../core/lifecycle/lifecycle.js';
import { applyMove, automaticMoves, mergeLifecycle, nextCheckAt } from '../../core/lifecycle/transitions.js';
import type { Profile } from '../../core/profiles/profile.js';
import type { IngestBatch } from '../ingest-batch.js';

export const LIFECYCLE_ENTRY = 'Lifecycle Stage Changed';

export function updateLifecycle(batch: IngestBatch, config: LifecycleConfig, newMessageId: () => string, now: number): void {
  combineMergedLifecycles(batch, config);
  if (config.rules.length === 0) return;
  const latest = new Map<string, TrackedEvent>();
  for (const item of batch.assigned) {
    const e = item.event;
    if (e.type === 'system' || e.type === 'consent') continue;
    const id = batch.live(item.profileId);
    const seen = latest.get(id);
    if (!seen || e.timestamp >= seen.timestamp) latest.set(id, e);
  }
  for (const profile of batch.profiles.values()) {
    const event = latest.get(profile.id);
    if (!event && !batch.reevaluation) continue;
    // A late event (older than the current stage) dates its move no earlier than the current
    // stage began, so the history stays in order.
    const at = batch.reevaluation?.now ?? Math.max(event!.timestamp, profile.lifecycle?.since ?? event!.timestamp);
    const cause = batch.reevaluation?.cause ?? event!.messageId;
    for (const move of automaticMoves(profile, config, at, cause)) recordMove(batch, profile, move, newMessageId(), now);
    if (profile.lifecycle) {
      const checkAt = nextCheckAt(profile, config, at);
      const kept = profile.lifecycle.checkAt;
      // An earlier check that is still ahead stays: waking early costs one re-evaluation (which
      // then sets the later time), while moving it on every event would rewrite the scheduler's
      // due row for every event of an engaged profile.
      if (checkAt === null) delete profile.lifecycle.checkAt;
      else if (kept === undefined || kept <= at || kept > checkAt) profile.lifecycle.checkAt = checkAt;
    }
  }
}

/** Applies a move to the profile and records it: history, timeline entry, profile change. */
export function recordMove(batch: IngestBatch, profile: Profile, move: LifecycleMove, messageId: string, receivedAt: number): void {
  profile.lifecycle = applyMove(profile.lifecycle, move);
  batch.changes.push({ kind: 'lifecycle.changed', workspaceId: batch.workspaceId, profileId: profile.id, from: move.from, to: move.to, at: move.at, reason: move.reason, cause: move.cause });
  const entry: TrackedEvent = {
    workspaceId: batch.workspaceId, messageId, type: 'system', name: LIFECYCLE_ENTRY, category: null,
    anonymousId: null, userId: null, previousId: null, groupId: null,
    properties: { from: move.from, to: move.to, reason: move.reason, cause: move.cause, ...(move.actor ? { actor: move.actor } : {}), ...(move.note ? { note: move.note } : {}) },
    traits: {}, context: {}, integrations: {}, timestamp: move.at, originalTimestamp: null, sentAt: null, receivedAt,
  };
  batch.assigned.push({ event: entry, profileId: profile.id, originalProfileId: profile.id });
}

/** Joins each profile merged away in this batch to its (live) survivor, in merge order. */
function combineMergedLifecycles(batch: IngestBatch, config: LifecycleConfig): void {
  for (const { profile: merged, survivorId, cause, at } of batch.mergedAway) {
    const survivor = batch.profile(survivorId);
    const lifecycle = mergeLifecycle(survivor.lifecycle, merged.lifecycle, { config, mergedId: merged.id, at, cause });
    if (lifecycle) survivor.lifecycle = lifecycle;
  }
}
