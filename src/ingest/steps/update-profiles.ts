/**
 * Applies the batch's events to their profiles: traits (identify traits and context.traits) and
 * behaviour. Profiles untouched by a merge are updated incrementally; a survivor of a merge gets its
 * behaviour replayed from the stored events of every profile it absorbed plus this batch's events.
 */
import type { JsonObject, TrackedEvent } from '../../core/events/event.js';
import { applyEvent, replayBehaviour } from '../../core/profiles/behaviour.js';
import { applyTraits, traitsOfEvent } from '../../core/profiles/traits.js';
import { applyDeclined, declinedBy } from '../../core/forms/declined.js';
import type { IngestBatch } from '../ingest-batch.js';
import type { Profile } from '../../core/profiles/profile.js';

export async function updateProfiles(batch: IngestBatch): Promise<void> {
  const replay = new Map<string, TrackedEvent[]>();
  for (const [survivor, absorbed] of batch.mergedInto) {
    const ids = [survivor, ...absorbed].filter((id) => !batch.newProfileIds.has(id));
    replay.set(survivor, ids.length > 0 ? await batch.tx.loadEvents(batch.workspaceId, ids) : []);
  }
  for (const item of batch.assigned) {
    const profile = batch.profile(item.profileId);
    const e = item.event;
    applyEventTraits(profile, e);
    const declined = applyDeclined(profile.declined, declinedBy(e));
    if (declined) profile.declined = declined;
    if (e.timestamp > profile.updatedAt) profile.updatedAt = e.timestamp;
    const pending = replay.get(profile.id);
    if (pending) pending.push(e);
    else applyEvent(profile.behaviour, e);
  }
  for (const [id, events] of replay) batch.profile(id).behaviour = replayBehaviour(events);
}

/**
 * A profile's traits, declined fields and behaviour rebuilt from scratch out of its events (an
 * undone merge: identity/unmerge.ts), with the same rules as events arriving one by one.
 */
export function rebuildFromEvents(profile: Profile, events: readonly TrackedEvent[]): void {
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  profile.traits = {};
  profile.traitMeta = {};
  delete profile.declined;
  profile.updatedAt = profile.createdAt;
  for (const e of sorted) {
    applyEventTraits(profile, e);
    const declined = applyDeclined(profile.declined, declinedBy(e));
    if (declined) profile.declined = declined;
    if (e.timestamp > profile.updatedAt) profile.updatedAt = e.timestamp;
  }
  profile.behaviour = replayBehaviour(sorted);
}

function applyEventTraits(profile: Parameters<typeof applyTraits>[0], e: TrackedEvent): void {
  const { own, context } = traitsOfEvent(e);
  if (!own && !context) return;
  // A server-built event names its own source (form:<id>, survey:<id>); clients cannot set it.
  const source = e.traitSource ?? (e.type === 'track' ? `track:${e.name}` : e.type);
  const write = { source, messageId: e.messageId, at: e.timestamp };
  if (own) applyTraits(profile, cleanTraits(own), write);
  if (context) applyTraits(profile, cleanTraits(context), { ...write, source: `${source} (context.traits)` });
}

/** The email trait is kept as its identity is: trimmed and lower-cased (the event keeps what was sent). */
function cleanTraits(traits: JsonObject): JsonObject {
  const email = traits.email;
  return typeof email === 'string' && email !== email.trim().toLowerCase() ? { ...traits, email: email.trim().toLowerCase() } : traits;
}
