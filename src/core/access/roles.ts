/**
 * The roles of people who sign in (issue 19 §1). Machines use admin API keys, which act as
 * `admin` (they read and change everything of their workspace, as before users existed).
 *
 * - admin: everything, including keys, webhooks, dead letters and users;
 * - marketer: segments, computed traits, scoring, forms, slots, experiments, personas, audiences,
 *   emails; reads profiles (the person view is their daily work);
 * - analyst: reads everything aggregate (reports, analytics, configuration) and reads profiles;
 *   changes nothing but what analysis needs (previews, saved analyses);
 * - privacy_officer: consent and privacy settings, data-subject requests (export, erasure),
 *   the audit log, retention; reads profiles;
 * - viewer: reads configuration and aggregate reports; no personal data, no changes.
 */
export const ROLES = ['admin', 'marketer', 'analyst', 'privacy_officer', 'viewer'] as const;

export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** One line per role, for `--help`, docs and the API reference. */
export const ROLE_SUMMARIES: Readonly<Record<Role, string>> = {
  admin: 'everything: keys, webhooks, users, and all a marketer and a privacy officer do',
  marketer: 'segments, computed traits, scoring, forms, slots, experiments, personas, audiences, emails; reads profiles',
  analyst: 'reads everything aggregate and reads profiles; changes nothing',
  privacy_officer: 'consent, privacy settings, data-subject requests (export, erasure), audit log, retention; reads profiles',
  viewer: 'reads configuration and aggregate reports; no personal data, no changes',
};
