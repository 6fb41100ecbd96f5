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
 * - An alias vouches only for the link it states (userId ↔ previousId). Other identifiers on the
 *   alias event (the device's anonymousId, an email in context.traits) follow the ordinary rules:
 *   an alias sent from a shared device must not pull a third person's profile into the merge.
 *   Callers name the previousId's keys in `aliasPrevious`; without it every link of an alias
 *   event is vouched for (the behaviour before this field existed).
 * - Input keys may repeat; each identifier is considered once.
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
  /** For alias: the keys previousId stands for (as a userId and/or an anonymousId). */
  aliasPrevious?: readonly IdentityKey[];
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
  const keys = uniqueKeys(input.keys).sort((a, b) => IDENTITY_STRENGTH[b.kind] - IDENTITY_STRENGTH[a.kind]);
  const ownerOf = (key: IdentityKey) => input.owners.get(identityKeyString(key));
  const identitiesOf = (id: string) => input.profiles.get(id)?.identities ?? [];
  const primary = input.aliasTarget ?? keys[0];
  const vouched = aliasVouches(input);

  // The target: the primary identifier's profile; if it has none, the strongest owned identifier's
  // profile, unless the primary identifier cannot join it (then a new profile).
  let targetId: string | null = primary ? ownerOf(primary) ?? null : null;
  if (targetId === null && primary) {
    const via = keys.find((k) => ownerOf(k) !== undefined);
    const candidate = via ? ownerOf(via) : undefined;
    if (via && candidate !== undefined && !joinConflict(identitiesOf(candidate), [primary], vouched(via), input.caps)) targetId = candidate;
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
      const conflict = joinConflict(held, [key], vouched(key), input.caps);
      if (conflict) decision.refused.push({ key, reason: conflict });
      else { decision.attach.push(key); held.push(key); }
      continue;
    }
    if (decision.refused.some((r) => r.ownerId === owner)) {
      decision.refused.push({ key, ownerId: owner, reason: 'the merge with its profile was refused' });
      continue;
    }
    const others = identitiesOf(owner);
    const conflict = joinConflict(held, others, vouched(key), input.caps);
    if (conflict) { decision.refused.push({ key, ownerId: owner, reason: conflict }); continue; }
    held.push(...others);
    decision.merge.set(owner, key);
  }
  return decision;
}

function uniqueKeys(keys: readonly IdentityKey[]): IdentityKey[] {
  const seen = new Map<string, IdentityKey>();
  for (const k of keys) if (!seen.has(identityKeyString(k))) seen.set(identityKeyString(k), k);
  return [...seen.values()];
}

/** Whether a link made through `key` is vouched for by an explicit alias (may join two known users). */
function aliasVouches(input: ResolveInput): (key: IdentityKey) => boolean {
  if (!input.explicitAlias) return () => false;
  if (!input.aliasPrevious) return () => true;
  const previous = new Set(input.aliasPrevious.map(identityKeyString));
  return (key) => previous.has(identityKeyString(key));
}

/** Why `incoming` identities may not join a profile holding `held`; undefined when they may. */
function joinConflict(held: readonly IdentityKey[], incoming: readonly IdentityKey[], aliased: boolean, caps: ResolveInput['caps']): string | undefined {
  const heldUserIds = new Set(held.filter((k) => k.kind === 'user_id').map((k) => k.value));
  if (!aliased && heldUserIds.size > 0 && incoming.some((k) => k.kind === 'user_id' && !heldUserIds.has(k.value))) {
    return 'the profiles belong to different known users (userId); only an explicit alias merges them';
  }
  const counts = countIdentities(held);
  for (const k of incoming) counts[k.kind]++;
  const over = IDENTITY_KINDS.find((kind) => counts[kind] > caps[kind]);
  return over ? `the profile would hold ${counts[over]} ${over} identities; the cap is ${caps[over]}` : undefined;
}

function countIdentities(identities: readonly IdentityKey[]): Record<IdentityKind, number> {
  const counts: Record<IdentityKind, number> = { user_id: 0, email: 0, anonymous_id: 0 };
  for (const k of identities) counts[k.kind]++;
  return counts;
}
