/**
 * Identity resolution policy: which profile an event belongs to, which profiles it proves to be one
 * person, and which links are refused. Pure: the caller looks identities up and applies the decision.
 *
 * Strategy
 * - The event's identifiers are userId, email (identify traits or context.traits) and anonymousId;
 *   an alias adds previousId. Every identifier already owned by a profile points at that profile.
 * - No owner: a new profile gets all identifiers. One owner: it gets the identifiers it lacks.
 * - Several owners: they are the same person and merge into the owner of the strongest identifier
 *   (user_id > email > anonymous_id; for alias, the userId's profile) — unless the merge is unsafe:
 *     · both sides carry different userIds and the event is not an explicit alias (two known people
 *       sharing a device or an email address), or
 *     · the merged profile would exceed the per-kind identity cap (a runaway merge).
 *   A refused merge leaves the other profile as it is; the event goes to the target.
 * - An identifier that would push the target over its cap is refused the same way.
 */
import type { IdentityGuardConfig, IdentityKey, IdentityKind } from './identity-key.js';
import { IDENTITY_KINDS, IDENTITY_STRENGTH, identityKeyString } from './identity-key.js';

export interface ProfileIdentitySummary {
  id: string;
  identities: readonly IdentityKey[];
}

export interface ResolveInput {
  /** The event's identifiers, any order. */
  keys: readonly IdentityKey[];
  /** Who owns each key now (by identityKeyString); absent when nobody does. */
  owners: ReadonlyMap<string, string>;
  /** The current identities of every owner named in `owners`. */
  profiles: ReadonlyMap<string, ProfileIdentitySummary>;
  /** Alias events may merge two known people; other events may not. */
  explicitAlias: boolean;
  /** For alias: the userId key, whose profile is the target. */
  aliasTarget?: IdentityKey;
  caps: IdentityGuardConfig['maxPerProfile'];
}

export interface RefusedLink {
  key: IdentityKey;
  /** The profile that keeps the key (absent when the key was new and over the cap). */
  ownerId?: string;
  reason: string;
}

/** `profileId` null: create a new profile. */
export interface ResolveDecision {
  profileId: string | null;
  /** Profiles that merge into the target, with the identifier that proved it. */
  merge: Map<string, IdentityKey>;
  /** Identifiers nobody owned that now belong to the target. */
  attach: IdentityKey[];
  refused: RefusedLink[];
}

export function resolveIdentity(input: ResolveInput): ResolveDecision {
  const keys = [...input.keys].sort((a, b) => IDENTITY_STRENGTH[b.kind] - IDENTITY_STRENGTH[a.kind]);
  const ownerOf = (key: IdentityKey) => input.owners.get(identityKeyString(key));
  const identitiesOf = (id: string) => input.profiles.get(id)?.identities ?? [];
  const primary = input.aliasTarget ?? keys[0];

  // The target: the primary identifier's profile; if it has none, the strongest owned identifier's
  // profile, unless the primary identifier cannot join it (then a new profile).
  let targetId: string | null = primary ? ownerOf(primary) ?? null : null;
  if (targetId === null && primary) {
    const candidate = keys.map(ownerOf).find((o) => o !== undefined);
    if (candidate !== undefined && !joinConflict(identitiesOf(candidate), [primary], input)) targetId = candidate;
  }

  const decision: ResolveDecision = { profileId: targetId, merge: new Map(), attach: [], refused: [] };
  const held: IdentityKey[] = targetId ? [...identitiesOf(targetId)] : [];
  if (primary && !ownerOf(primary)) { decision.attach.push(primary); held.push(primary); }

  const primaryString = primary ? identityKeyString(primary) : '';
  for (const key of keys) {
    if (identityKeyString(key) === primaryString) continue;
    const owner = ownerOf(key);
    if (owner !== undefined && (owner === targetId || decision.merge.has(owner))) continue;
    if (owner === undefined) {
      const conflict = joinConflict(held, [key], input);
      if (conflict) decision.refused.push({ key, reason: conflict });
      else { decision.attach.push(key); held.push(key); }
      continue;
    }
    if (decision.refused.some((r) => r.ownerId === owner)) {
      decision.refused.push({ key, ownerId: owner, reason: 'the merge with its profile was refused' });
      continue;
    }
    const others = identitiesOf(owner);
    const conflict = joinConflict(held, others, input);
    if (conflict) { decision.refused.push({ key, ownerId: owner, reason: conflict }); continue; }
    held.push(...others);
    decision.merge.set(owner, key);
  }
  return decision;
}

/** Why `incoming` identities may not join a profile holding `held`; undefined when they may. */
function joinConflict(held: readonly IdentityKey[], incoming: readonly IdentityKey[], input: ResolveInput): string | undefined {
  const heldUserIds = new Set(held.filter((k) => k.kind === 'user_id').map((k) => k.value));
  if (!input.explicitAlias && heldUserIds.size > 0 && incoming.some((k) => k.kind === 'user_id' && !heldUserIds.has(k.value))) {
    return 'the profiles belong to different known users (userId); only an explicit alias merges them';
  }
  const counts = countIdentities(held);
  for (const k of incoming) counts[k.kind]++;
  const over = IDENTITY_KINDS.find((kind) => counts[kind] > input.caps[kind]);
  return over ? `the profile would hold ${counts[over]} ${over} identities; the cap is ${input.caps[over]}` : undefined;
}

function countIdentities(identities: readonly IdentityKey[]): Record<IdentityKind, number> {
  const counts: Record<IdentityKind, number> = { user_id: 0, email: 0, anonymous_id: 0 };
  for (const k of identities) counts[k.kind]++;
  return counts;
}
