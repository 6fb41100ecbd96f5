/**
 * Which roles may call which admin route: one table by the route's documented tag (its API
 * surface) and whether the call reads or changes (GET/HEAD read; every other method changes), and
 * a short list of explicit overrides by method and path for routes whose method misleads (a POST
 * that only previews) or whose data is more sensitive than the rest of their tag (an export, the
 * audit log, signing keys).
 *
 * A route with several tags needs what EVERY tag asks (the intersection): `DELETE
 * /v1/profiles/{id}` is tagged Profiles and Privacy, and erasure is a privacy officer's (and an
 * admin's) act, not a marketer's. A tag missing from the table allows admin only (fail closed);
 * test/core/access/route-policy.test.ts fails for every documented admin route whose tag has no
 * rule, so a new surface gets its rule when its routes are added.
 *
 * Admin API keys are not subject to this table: a key is a machine acting as admin.
 */
import { ROLES, type Role } from './roles.js';

export type Access = 'read' | 'change';

export interface RouteRef {
  method: string;
  /** The documented path with `{param}` placeholders (`/v1/segments/{id}`). */
  path: string;
  tags: readonly string[];
}

export interface Requirement {
  /** Roles that may call the route (admin always among them). */
  roles: readonly Role[];
  /** What the caller does, in words, for the refusal's message: "change segments". */
  what: string;
  /** Where the rule came from: a tag rule, an override, or the fail-closed default (no rule). */
  source: 'tag' | 'override' | 'default';
}

const ALL: readonly Role[] = ROLES;
const ADMIN: readonly Role[] = ['admin'];
const MARKETING: readonly Role[] = ['admin', 'marketer'];
/** Who may read personal data of profiles (the person view). */
const PROFILE_READERS: readonly Role[] = ['admin', 'marketer', 'analyst', 'privacy_officer'];
const PRIVACY: readonly Role[] = ['admin', 'privacy_officer'];
const ANALYSIS: readonly Role[] = ['admin', 'marketer', 'analyst'];

/** Per tag: who reads, who changes. */
export const TAG_RULES: Readonly<Record<string, { read: readonly Role[]; change: readonly Role[] }>> = {
  Profiles: { read: PROFILE_READERS, change: ['admin', 'marketer', 'privacy_officer'] },
  Privacy: { read: [...PRIVACY, 'analyst'], change: PRIVACY },
  'Lead scoring': { read: ALL, change: MARKETING },
  Segments: { read: ALL, change: MARKETING },
  'Computed traits': { read: ALL, change: MARKETING },
  Personalization: { read: ALL, change: MARKETING },
  Slots: { read: ALL, change: MARKETING },
  Decide: { read: ALL, change: MARKETING },
  Experiments: { read: ALL, change: MARKETING },
  // Before/after reports: sums of people's KPI values, no person named.
  Measurement: { read: ALL, change: MARKETING },
  Personas: { read: ALL, change: MARKETING },
  Audiences: { read: ALL, change: MARKETING },
  Recommendations: { read: ALL, change: MARKETING },
  Items: { read: ALL, change: MARKETING },
  Forms: { read: ALL, change: MARKETING },
  Email: { read: ALL, change: MARKETING },
  Recognition: { read: MARKETING, change: MARKETING },
  Analytics: { read: ANALYSIS, change: ANALYSIS },
  // The profiles behind an analytics breakdown row: personal data out of the aggregates (audited).
  'Analytics people': { read: ADMIN, change: ADMIN },
  'Analytics goals': { read: ANALYSIS, change: ADMIN },
  Webhooks: { read: ADMIN, change: ADMIN },
  'Dead letters': { read: ADMIN, change: ADMIN },
  Users: { read: ADMIN, change: ADMIN },
};

/** `METHOD /path` → roles, where the tag table is not right. */
export const OVERRIDES: Readonly<Record<string, readonly Role[]>> = {
  // Previews and examples show profiles: people who may read profiles and build conditions.
  'POST /v1/segments/preview': ANALYSIS,
  'POST /v1/slots/{id}/preview': ANALYSIS,
  // Members are people (personal data), not an aggregate.
  'GET /v1/segments/{id}/members': PROFILE_READERS,
  // The consent ledger is part of the person view.
  'GET /v1/profiles/{id}/consent': PROFILE_READERS,
  // Data-subject requests: the export of everything about a person.
  'GET /v1/profiles/{id}/export': PRIVACY,
  // Purposes and legal bases: marketers build consent conditions with them.
  'GET /v1/privacy/settings': ALL,
  'GET /v1/privacy/audit': PRIVACY,
  // An audience export is hashed personal data for an ad platform, and it advances the export's
  // state (the next file of changes starts from it): the people who may change audiences.
  'GET /v1/audiences/{id}/export': MARKETING,
  // Signing keys of email links are keys: admin only.
  'GET /v1/links/keys': ADMIN,
  'POST /v1/links/keys': ADMIN,
  'POST /v1/links/keys/{id}/retire': ADMIN,
};

const isRead = (method: string) => method === 'GET' || method === 'HEAD';

export function requirementFor(route: RouteRef): Requirement {
  const method = route.method.toUpperCase();
  const access: Access = isRead(method) ? 'read' : 'change';
  const what = `${access} ${route.tags.join(' / ') || route.path}`;
  const override = OVERRIDES[`${method} ${route.path}`];
  if (override) return { roles: override, what: `${what} (${method} ${route.path})`, source: 'override' };
  const rules = route.tags.map((tag) => TAG_RULES[tag]);
  if (rules.length === 0 || rules.some((r) => r === undefined)) return { roles: ADMIN, what, source: 'default' };
  const roles = ROLES.filter((role) => rules.every((rule) => rule![access].includes(role)));
  return { roles, what, source: 'tag' };
}

export const allows = (requirement: Requirement, role: Role): boolean => requirement.roles.includes(role);

/** The refusal's sentence: names the role the caller has and the roles the route needs. */
export function refusal(requirement: Requirement, role: Role): string {
  const needed = ROLES.filter((r) => requirement.roles.includes(r)).join(' or ');
  return `Your role "${role}" may not ${requirement.what}: this needs the role ${needed}.`;
}

/**
 * What a role may do per API surface (tag), for a client to show only what the person may use
 * (the API still decides each request; overrides of single routes are not reflected here).
 */
export function accessOf(role: Role): Record<string, { read: boolean; change: boolean }> {
  return Object.fromEntries(Object.entries(TAG_RULES).map(([tag, rule]) => [tag, { read: rule.read.includes(role), change: rule.change.includes(role) }]));
}
