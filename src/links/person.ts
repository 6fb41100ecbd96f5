/**
 * Finding the person a link token names, and how to attribute an event to them. A token names a
 * profile id (pseudonymous); the profile may have been merged into another since (the survivor is
 * the person) or erased (nobody: the link is dead).
 */
import type { Profile } from '../core/profiles/profile.js';
import type { Store } from '../ports/store.js';
import { mergeHistory, personIds } from '../privacy/export.js';
import { currentUserId } from '../core/profiles/current-user-id.js';

export interface Person {
  profile: Profile;
  /** The live profile and every profile merged into it (email-store rows may be under any). */
  ids: string[];
}

/** The live profile of a (possibly merged-away) profile id; null when erased. */
export async function findProfile(store: Store, workspaceId: string, profileId: string): Promise<Profile | null> {
  const live = await store.profiles.resolve(workspaceId, profileId);
  return live ? store.profiles.get(workspaceId, live) : null;
}

/** The profile with every id of the person (for the email-store rows); reads the merge history. */
export async function findPerson(store: Store, workspaceId: string, profileId: string): Promise<Person | null> {
  const profile = await findProfile(store, workspaceId, profileId);
  if (!profile) return null;
  return { profile, ids: personIds(profile.id, await mergeHistory(store, workspaceId, profile.id)) };
}

/**
 * The identifiers that make ingest attribute an event to this profile: its userId, else its most
 * recent anonymous id, else its email (as context.traits.email, which also writes the trait, so
 * it comes last). Null for a profile without any.
 */
export function identifiersOf(profile: Profile): Record<string, unknown> | null {
  const userId = currentUserId(profile);
  if (userId) return { userId };
  const anonymous = [...profile.identities].filter((i) => i.kind === 'anonymous_id').sort((a, b) => b.firstSeenAt - a.firstSeenAt)[0];
  if (anonymous) return { anonymousId: anonymous.value };
  const email = profile.identities.find((i) => i.kind === 'email');
  return email ? { context: { traits: { email: email.value } } } : null;
}

/** The address to send email to: the email identity, else a string `email` trait; null without one. */
export function emailOf(profile: Profile): string | null {
  const identity = profile.identities.find((i) => i.kind === 'email');
  if (identity) return identity.value;
  return typeof profile.traits.email === 'string' && profile.traits.email.includes('@') ? profile.traits.email : null;
}
