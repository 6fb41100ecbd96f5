/**
 * An audience for ad platforms (issue 17 §4): the people of a segment, or of a persona above a
 * probability, optionally only those seen in the last N days — and of those, ONLY the people who
 * granted the workspace's advertising purpose (GDPR Art. 6(1)(a): sharing with an advertising
 * partner rests on consent). Those without it are counted as excluded, never exported.
 *
 * `audienceDecision` is the whole policy, pure: `member`, `excluded` (in the audience but without
 * advertising consent), or `out`.
 */
import type { FieldIssue } from '../errors.js';
import { isGranted } from '../privacy/consent.js';
import type { Profile } from '../profiles/profile.js';
import type { PersonaCondition } from '../segments/condition.js';
import { personaHolds } from '../segments/persona-condition.js';
import { validateCondition, type ConditionRefs } from '../segments/validate-condition.js';
import type { EpochMs } from '../time.js';

export type AudienceSource = { segment: string } | { persona: PersonaCondition };

export interface Audience {
  id: string;
  workspaceId: string;
  name: string;
  source: AudienceSource;
  /** Only people seen (any event) in the last this many days. */
  visitedWithinDays?: number;
  /** The consent purpose that permits advertising (default `advertising`, purposes.ts). */
  purpose: string;
  /** Country for phone numbers written without one (ISO alpha-2). */
  defaultCountry: string;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export type AudienceDecision = 'member' | 'excluded' | 'out';

const DAY = 86_400_000;

export function audienceDecision(profile: Profile, audience: Pick<Audience, 'source' | 'visitedWithinDays' | 'purpose'>, now: EpochMs): AudienceDecision {
  const inSource = 'segment' in audience.source
    ? Object.hasOwn(profile.segments?.member ?? {}, audience.source.segment)
    : personaHolds(audience.source.persona, profile);
  if (!inSource) return 'out';
  if (audience.visitedWithinDays !== undefined) {
    const last = profile.behaviour.lastSeenAt;
    if (last === null || last < now - audience.visitedWithinDays * DAY) return 'out';
  }
  return isGranted(profile.consent, audience.purpose) ? 'member' : 'excluded';
}

export interface AudienceInput { id?: string; name: string; source: AudienceSource; visitedWithinDays?: number; purpose: string; defaultCountry: string }

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Every issue of an audience body at once (empty: valid). `refs` as for segment conditions. */
export function validateAudienceInput(input: unknown, refs: ConditionRefs, options: { idAllowed: boolean }): { ok: true; audience: AudienceInput } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  if (!isObj(input)) return { ok: false, issues: [{ field: 'body', reason: 'must be a JSON object {name, source}' }] };
  for (const key of Object.keys(input)) if (!['id', 'name', 'source', 'visitedWithinDays', 'purpose', 'defaultCountry'].includes(key)) issues.push({ field: key, reason: 'is not a field of an audience' });
  const text = (v: unknown, field: string, max: number) => {
    if (typeof v !== 'string' || v.trim() === '') { issues.push({ field, reason: 'must be a non-empty string' }); return false; }
    if (v.length > max) { issues.push({ field, reason: `must be at most ${max} characters` }); return false; }
    if (CONTROL.test(v)) { issues.push({ field, reason: 'must not contain control characters' }); return false; }
    return true;
  };
  if (input.id !== undefined) {
    if (!options.idAllowed) issues.push({ field: 'id', reason: 'cannot be changed' });
    else if (text(input.id, 'id', 64) && !/^[a-z0-9][a-z0-9_-]*$/.test(input.id as string)) issues.push({ field: 'id', reason: 'must be lower-case letters, digits, - and _' });
  }
  text(input.name, 'name', 200);
  const source = input.source;
  if (!isObj(source) || Object.keys(source).length !== 1 || !('segment' in source || 'persona' in source)) {
    issues.push({ field: 'source', reason: 'must be {"segment": "<segment id>"} or {"persona": {"id": "p2", "minProbability": 0.7}}' });
  } else if ('segment' in source) {
    if (text(source.segment, 'source.segment', 200) && !refs.segments.has(source.segment as string)) issues.push({ field: 'source.segment', reason: `no segment "${String(source.segment)}" exists in this workspace` });
  } else {
    for (const i of validateCondition({ persona: source.persona }, refs, 'source')) issues.push(i);
  }
  const days = input.visitedWithinDays;
  if (days !== undefined && (!Number.isInteger(days) || (days as number) < 1 || (days as number) > 3650)) issues.push({ field: 'visitedWithinDays', reason: 'must be a whole number of days from 1 to 3650' });
  const purpose = input.purpose ?? 'advertising';
  if (text(purpose, 'purpose', 100) && !refs.purposes.has(purpose as string)) issues.push({ field: 'purpose', reason: `no purpose "${String(purpose)}" is configured in this workspace` });
  const country = input.defaultCountry ?? 'DE';
  if (typeof country !== 'string' || !/^[A-Za-z]{2}$/.test(country)) issues.push({ field: 'defaultCountry', reason: 'must be an ISO 3166-1 alpha-2 country code, e.g. "DE"' });
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    audience: {
      ...(input.id !== undefined ? { id: input.id as string } : {}), name: (input.name as string).trim(), source: source as AudienceSource,
      ...(days !== undefined ? { visitedWithinDays: days as number } : {}), purpose: purpose as string, defaultCountry: (country as string).toUpperCase(),
    },
  };
}
