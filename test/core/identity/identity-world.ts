/**
 * A compact notation for identity tests: keys are written `u:alice` (user_id), `e:a@x.io` (email),
 * `a:device-1` (anonymous_id); a world is a set of profiles with the keys they own. `applyDecision`
 * applies a resolveIdentity decision to a world the way the ingest step does, so that sequences of
 * events can be checked.
 */
import type { IdentityGuardConfig, IdentityKey, IdentityKind } from '../../../src/core/identity/identity-key.js';
import { identityKeyString } from '../../../src/core/identity/identity-key.js';
import type { ProfileIdentitySummary, ResolveDecision, ResolveInput } from '../../../src/core/identity/resolve-identity.js';

const KINDS: Record<string, IdentityKind> = { u: 'user_id', e: 'email', a: 'anonymous_id' };
const PREFIX: Record<IdentityKind, string> = { user_id: 'u', email: 'e', anonymous_id: 'a' };

export const CAPS: IdentityGuardConfig['maxPerProfile'] = { user_id: 3, email: 5, anonymous_id: 500 };

export function key(notation: string): IdentityKey {
  const [prefix, ...rest] = notation.split(':');
  const kind = KINDS[prefix ?? ''];
  if (!kind || rest.length === 0) throw new Error(`bad key notation ${notation}`);
  return { kind, value: rest.join(':') };
}

export function notation(k: IdentityKey): string {
  return `${PREFIX[k.kind]}:${k.value}`;
}

/** Profile id → the keys it owns. */
export type World = Map<string, IdentityKey[]>;

export function world(profiles: Record<string, string[]>): World {
  return new Map(Object.entries(profiles).map(([id, keys]) => [id, keys.map(key)]));
}

export interface EventSpec {
  keys: string[];
  alias?: { userId: string; previous: string[] };
  caps?: IdentityGuardConfig['maxPerProfile'];
}

/** The resolver's input for an event over `w`: owners and summaries of the profiles its keys touch. */
export function inputFor(w: World, spec: EventSpec): ResolveInput {
  const keys = spec.keys.map(key);
  const owners = new Map<string, string>();
  const profiles = new Map<string, ProfileIdentitySummary>();
  for (const k of keys) {
    for (const [id, owned] of w) {
      if (owned.some((o) => identityKeyString(o) === identityKeyString(k))) {
        owners.set(identityKeyString(k), id);
        profiles.set(id, { id, identities: [...owned] });
      }
    }
  }
  return {
    keys, owners, profiles,
    explicitAlias: spec.alias !== undefined,
    ...(spec.alias ? { aliasTarget: key(spec.alias.userId), aliasPrevious: spec.alias.previous.map(key) } : {}),
    caps: spec.caps ?? CAPS,
  };
}

/** Applies a decision as ingest does; returns the id of the profile the event went to. */
export function applyDecision(w: World, d: ResolveDecision, newId: () => string): string {
  const target = d.profileId ?? newId();
  if (!w.has(target)) w.set(target, []);
  const held = w.get(target)!;
  for (const [other] of d.merge) {
    held.push(...(w.get(other) ?? []));
    w.delete(other);
  }
  held.push(...d.attach);
  return target;
}

/** A decision in notation, for readable deep-equality assertions. */
export function describeDecision(d: ResolveDecision) {
  return {
    profileId: d.profileId,
    merge: Object.fromEntries([...d.merge].map(([id, k]) => [id, notation(k)])),
    attach: d.attach.map(notation),
    refused: d.refused.map((r) => ({ key: notation(r.key), ownerId: r.ownerId ?? null })),
  };
}
