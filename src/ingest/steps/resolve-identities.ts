/**
 * Assigns every event of the batch to a profile, creating, linking and merging profiles as the
 * identity policy (core/identity/resolve-identity.ts) decides. Owners of all identifiers in the
 * batch are fetched (and locked) in one query; decisions then run in memory, event by event, so
 * that an identify early in a batch is seen by the events after it.
 */
import type { TrackedEvent } from '../../core/events/event.js';
import { identityKeyString, type IdentityGuard, type IdentityKey } from '../../core/identity/identity-key.js';
import { PROFILES_MERGED_ENTRY } from '../../core/identity/unmerge-plan.js';
import { resolveIdentity, type ProfileIdentitySummary, type RefusedLink } from '../../core/identity/resolve-identity.js';
import { newProfile, type Profile } from '../../core/profiles/profile.js';
import { mergeTraits } from '../../core/profiles/traits.js';
import { mergeConsent } from '../../core/privacy/consent.js';
import { mergeDeclined } from '../../core/forms/declined.js';
import type { IngestBatch } from '../ingest-batch.js';
import { identityKeysOf } from './identity-keys-of.js';
import { systemEntry } from './system-entry.js';

export interface ResolveIdentitiesDeps {
  guard: IdentityGuard;
  newProfileId: () => string;
  newMessageId: () => string;
}

/**
 * Fetches (and locks) the owners of every identifier in the batch and loads their profiles, in
 * one round each; afterwards `assignEvent` decides event by event in memory.
 */
export async function prefetchIdentities(batch: IngestBatch, guard: IdentityGuard): Promise<void> {
  const unique = new Map<string, IdentityKey>();
  for (const event of batch.events) for (const k of identityKeysOf(event, guard)) unique.set(identityKeyString(k), k);
  const keys = [...unique.values()];
  const owners = await batch.tx.findOwners(batch.workspaceId, keys);
  for (const [key, owner] of owners) batch.owners.set(key, owner);
  const loaded = await batch.tx.loadProfiles(batch.workspaceId, [...new Set(owners.values())]);
  for (const [asked, profile] of loaded) {
    batch.profiles.set(profile.id, profile);
    if (asked !== profile.id) batch.redirects.set(asked, profile.id);
  }
  if (batch.privacy.settings.erasedIdentifiers === 'refuse') {
    const hashes = keys.map((k) => batch.privacy.tombstone(k));
    for (const h of await batch.tx.findTombstones(batch.workspaceId, hashes)) batch.tombstones.add(h);
  }
}

/** Assigns one event to a profile (creating, linking, merging); returns the profile. */
export function assignEvent(batch: IngestBatch, event: TrackedEvent, deps: ResolveIdentitiesDeps): Profile {
  return assign(batch, event, identityKeysOf(event, deps.guard), deps);
}

function assign(batch: IngestBatch, event: TrackedEvent, allKeys: IdentityKey[], deps: ResolveIdentitiesDeps): Profile {
  const ownerOf = (k: IdentityKey) => {
    const owner = batch.owners.get(identityKeyString(k));
    return owner === undefined ? undefined : batch.live(owner);
  };
  const alias = event.type === 'alias' ? aliasKeys(event, allKeys, ownerOf) : null;
  const keys = alias ? alias.keys : allKeys;
  const owners = new Map<string, string>();
  const summaries = new Map<string, ProfileIdentitySummary>();
  for (const k of keys) {
    const owner = ownerOf(k);
    if (owner === undefined) continue;
    owners.set(identityKeyString(k), owner);
    summaries.set(owner, { id: owner, identities: batch.profile(owner).identities });
  }
  const decision = resolveIdentity({
    keys, owners, profiles: summaries, explicitAlias: event.type === 'alias',
    ...(alias && event.userId ? { aliasTarget: { kind: 'user_id' as const, value: event.userId }, aliasPrevious: alias.previous } : {}),
    caps: deps.guard.config.maxPerProfile,
  });

  let target: Profile;
  if (decision.profileId === null) {
    target = newProfile(deps.newProfileId(), batch.workspaceId, event.timestamp);
    batch.profiles.set(target.id, target);
    batch.newProfiles.push(target);
    batch.newProfileIds.add(target.id);
  } else {
    target = batch.profile(decision.profileId);
  }
  for (const [otherId, cause] of decision.merge) mergeInto(batch, target, batch.profile(otherId), cause, event, deps);
  for (const key of decision.attach) {
    const identity = { ...key, firstSeenAt: event.timestamp, messageId: event.messageId };
    target.identities.push(identity);
    batch.identities.push({ profileId: target.id, identity });
    batch.owners.set(identityKeyString(key), target.id);
  }
  for (const refusal of decision.refused) noteRefusal(batch, target, refusal, event, deps);
  batch.assigned.push({ event, profileId: target.id, originalProfileId: target.id });
  return target;
}

/** previousId may be a userId or an anonymousId: keep the kinds somebody owns, else treat it as anonymous. */
function aliasKeys(event: TrackedEvent, keys: IdentityKey[], ownerOf: (k: IdentityKey) => string | undefined): { keys: IdentityKey[]; previous: IdentityKey[] } {
  const previous = keys.filter((k) => k.value === event.previousId && (k.kind === 'user_id' || k.kind === 'anonymous_id'));
  const owned = previous.filter((k) => ownerOf(k) !== undefined);
  const keep = owned.length > 0 ? owned : previous.filter((k) => k.kind === 'anonymous_id');
  const rest = keys.filter((k) => !previous.includes(k));
  // Alias keys the userId plus previousId; an anonymousId equal to previousId is already covered.
  return { keys: [...rest.filter((k) => !keep.some((p) => p.kind === k.kind && p.value === k.value)), ...keep], previous: keep };
}

function mergeInto(batch: IngestBatch, survivor: Profile, merged: Profile, cause: IdentityKey, event: TrackedEvent, deps: ResolveIdentitiesDeps): void {
  batch.merges.push({
    workspaceId: batch.workspaceId, survivorId: survivor.id, mergedId: merged.id, cause, messageId: event.messageId, at: event.receivedAt,
    snapshot: { traits: { ...merged.traits }, traitMeta: { ...merged.traitMeta }, identities: [...merged.identities], createdAt: merged.createdAt },
  });
  for (const identity of merged.identities) {
    survivor.identities.push(identity);
    batch.owners.set(identityKeyString(identity), survivor.id);
  }
  for (const [key, refusal] of Object.entries(merged.mergeRefusals)) survivor.mergeRefusals[key] ??= refusal;
  mergeTraits(survivor, merged);
  survivor.consent = mergeConsent(survivor.consent, merged.consent);
  // Lifecycles are combined by update-lifecycle.ts (it knows the stage order); engagement is
  // replayed and fit recomputed by update-scores.ts.
  const declined = mergeDeclined(survivor.declined, merged.declined);
  if (declined) survivor.declined = declined;
  survivor.createdAt = Math.min(survivor.createdAt, merged.createdAt);
  batch.redirects.set(merged.id, survivor.id);
  batch.profiles.delete(merged.id);
  batch.mergedAway.push({ profile: merged, survivorId: survivor.id, cause: event.messageId, at: event.timestamp });
  const absorbed = batch.mergedInto.get(survivor.id) ?? new Set<string>();
  absorbed.add(merged.id);
  for (const id of batch.mergedInto.get(merged.id) ?? []) absorbed.add(id);
  batch.mergedInto.delete(merged.id);
  batch.mergedInto.set(survivor.id, absorbed);
  batch.assigned.push({
    event: systemEntry(deps.newMessageId(), event, PROFILES_MERGED_ENTRY, {
      mergedProfileId: merged.id, cause: { kind: cause.kind, value: cause.value }, causeMessageId: event.messageId,
    }),
    profileId: survivor.id, originalProfileId: survivor.id,
  });
}

/**
 * Logs a refused merge on both profiles' timelines, once per identifier and other profile. The
 * entries name the identifier's kind and the other profile, never the identifier's value: they
 * stay on a profile that is not erased when the other person is. The memo of what was logged
 * (profile state) keeps only a keyed fingerprint of the pair, so it names nobody either.
 */
function noteRefusal(batch: IngestBatch, target: Profile, refusal: RefusedLink, event: TrackedEvent, deps: ResolveIdentitiesDeps): void {
  const memo = (otherId: string) => `${refusal.key.kind}:${batch.privacy.fingerprint(`${refusal.key.value} ${otherId}`)}`;
  const memoKey = memo(refusal.ownerId ?? '');
  const seen = target.mergeRefusals[memoKey];
  if (seen) { seen.count++; seen.lastAt = event.timestamp; return; }
  target.mergeRefusals[memoKey] = { reason: refusal.reason, count: 1, firstAt: event.timestamp, lastAt: event.timestamp };
  const details = { identity: { kind: refusal.key.kind }, otherProfileId: refusal.ownerId ?? null, reason: refusal.reason, causeMessageId: event.messageId };
  batch.assigned.push({ event: systemEntry(deps.newMessageId(), event, 'Merge Refused', details), profileId: target.id, originalProfileId: target.id });
  if (refusal.ownerId) {
    const other = batch.profile(refusal.ownerId);
    other.mergeRefusals[memo(target.id)] ??= { reason: refusal.reason, count: 1, firstAt: event.timestamp, lastAt: event.timestamp };
    batch.assigned.push({ event: systemEntry(deps.newMessageId(), event, 'Merge Refused', { ...details, otherProfileId: target.id }), profileId: other.id, originalProfileId: other.id });
  }
}
