/**
 * The person's current user id: the one user id Tessera shows and sends for a profile (segment
 * exports, webhooks, email links). A profile may hold several `user_id` identities — an alias
 * (`previousId` → `userId`) keeps the old one so that events sent under it still find the person.
 *
 * Current = the userId of the person's latest identify or alias, by event time (Segment's semantics:
 * identify says who the person is now; an alias moves them from `previousId` to `userId`), as the
 * behaviour fold keeps it (`behaviour.userId`; a track still sending an old id does not count). When that is not (or no longer) one of the profile's user id
 * identities — state stored before it was kept — the user id identity first seen last stands in.
 * Null when the profile has no user id.
 */
import type { Profile } from './profile.js';

export function currentUserId(profile: Pick<Profile, 'identities' | 'behaviour'>): string | null {
  let fallback: Profile['identities'][number] | null = null;
  const latest = profile.behaviour.userId?.value;
  for (const identity of profile.identities) {
    if (identity.kind !== 'user_id') continue;
    if (identity.value === latest) return identity.value;
    if (fallback === null || identity.firstSeenAt >= fallback.firstSeenAt) fallback = identity;
  }
  return fallback?.value ?? null;
}
