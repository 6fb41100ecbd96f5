/**
 * Identifiers that can point at a profile, and the rules that keep junk out of the identity graph.
 *
 * A profile owns many identities, each a (kind, value) pair unique within a workspace. Values are
 * normalised before they are compared: emails trimmed and lower-cased; ids trimmed.
 *
 * The guard (PostHog keeps a similar list) refuses values that buggy clients send when they have no
 * real id — "undefined", "null", "[object Object]" … — because one such value shared by thousands of
 * visitors would otherwise merge them all into one profile.
 */

export const IDENTITY_KINDS = ['user_id', 'email', 'anonymous_id'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

/** Strongest first: when identities disagree, the event belongs to the profile of the strongest one. */
export const IDENTITY_STRENGTH: Readonly<Record<IdentityKind, number>> = { user_id: 3, email: 2, anonymous_id: 1 };

export interface IdentityKey {
  kind: IdentityKind;
  value: string;
}

export interface IdentityGuardConfig {
  /** Values (compared case-insensitively, after trimming) that never become identities. */
  illegalValues: readonly string[];
  /** At most this many identities of a kind on one profile; a merge or link beyond it is refused. */
  maxPerProfile: Readonly<Record<IdentityKind, number>>;
}

export const DEFAULT_ILLEGAL_VALUES: readonly string[] = [
  '', 'undefined', 'null', '0', '-1', 'anonymous', 'anon', 'guest', 'visitor', 'unknown', 'user', 'id', 'email',
  '[object object]', 'nan', 'none', 'nil', 'true', 'false', 'not_authenticated', 'distinct_id', 'distinctid',
  '00000000-0000-0000-0000-000000000000',
];

export const DEFAULT_IDENTITY_GUARD: IdentityGuardConfig = {
  illegalValues: DEFAULT_ILLEGAL_VALUES,
  maxPerProfile: { user_id: 3, email: 5, anonymous_id: 500 },
};

/** A compiled guard: the illegal list as a set, for the hot path. */
export interface IdentityGuard {
  config: IdentityGuardConfig;
  isLegal(value: string): boolean;
}

export function createIdentityGuard(config: IdentityGuardConfig = DEFAULT_IDENTITY_GUARD): IdentityGuard {
  const illegal = new Set(config.illegalValues.map(comparable));
  return { config, isLegal: (value) => !illegal.has(comparable(value)) };
}

/**
 * How guard values compare: trimmed, lower-cased, and without one pair of surrounding quotes, since
 * a client that encodes a missing id twice sends `"undefined"` (quotes included) just as often.
 */
function comparable(value: string): string {
  const v = value.trim().toLowerCase();
  const quoted = v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0];
  return quoted ? v.slice(1, -1).trim() : v;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Normalises a raw id; undefined when it cannot be an identity (wrong type, empty, illegal).
 * A number is accepted only as a safe integer: beyond 2^53 JSON parsing has already rounded it, so
 * two different users' ids could arrive as the same number and merge two people.
 */
export function normaliseIdentity(kind: IdentityKind, raw: unknown, guard: IdentityGuard): string | undefined {
  if (typeof raw === 'number') raw = Number.isSafeInteger(raw) ? String(raw) : undefined;
  if (typeof raw !== 'string') return undefined;
  const value = kind === 'email' ? raw.trim().toLowerCase() : raw.trim();
  if (value.length === 0 || !guard.isLegal(value)) return undefined;
  if (kind === 'email' && !EMAIL_SHAPE.test(value)) return undefined;
  return value;
}

/** The map key of an identity inside one workspace. */
export function identityKeyString(key: IdentityKey): string {
  return `${key.kind}:${key.value}`;
}
