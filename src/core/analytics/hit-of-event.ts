/**
 * What an event counts as in web analytics, and the attributes a visit it opens has. Page and
 * screen views, custom (track) events and the tracker's visible-time reports count; identify,
 * group, alias, email events (sent by the email system, not the visitor) and events from automated
 * agents (device class `bot`, core/privacy/pseudonymise.ts) do not.
 *
 * The channel is the profile's own rule (core/profiles/acquisition.ts): campaign tags over the
 * referrer, an own-site referrer is direct, an event without page or campaign is `(none)`.
 */
import type { JsonObject, TrackedEvent } from '../events/event.js';
import type { Profile } from '../profiles/profile.js';
import { sessionTouch } from '../profiles/acquisition.js';
import { hostOf, pageInfo } from '../profiles/page-info.js';
import { countryOfEvent } from '../events/country.js';
import { clip, NONE, type Audience, type VisitAttributes } from './dimensions.js';
import type { Hit } from './visit.js';

const TIME_REPORTS = new Set(['page left', 'page ping']);
const EMAIL_EVENTS = new Set(['email sent', 'email delivered', 'email opened', 'email link clicked', 'email bounced', 'unsubscribed']);

const obj = (v: unknown): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JsonObject : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
/** A dimension value: control characters replaced, cut to the longest kept. */
export const valueOf = (v: string | null): string => (v === null ? NONE : clip(v.replace(/[\u0000-\u001f\u007f]/g, '\uFFFD')));

export function isAutomated(e: TrackedEvent): boolean {
  return obj(e.context.device).class === 'bot';
}

export function hitOf(e: TrackedEvent): Hit | null {
  if (isAutomated(e)) return null;
  if (e.type === 'page' || e.type === 'screen') {
    const page = pageInfo(e);
    return page ? { at: e.timestamp, kind: 'page', path: valueOf(page.path), name: null, visibleMs: null } : null;
  }
  if (e.type !== 'track' || e.name === null) return null;
  const lower = e.name.toLowerCase();
  if (EMAIL_EVENTS.has(lower)) return null;
  if (TIME_REPORTS.has(lower)) {
    const visible = e.properties.visibleMs;
    const page = pageInfo(e);
    return typeof visible === 'number' && Number.isFinite(visible) && visible >= 0
      ? { at: e.timestamp, kind: 'time', path: page ? valueOf(page.path) : null, name: null, visibleMs: visible } : null;
  }
  return { at: e.timestamp, kind: 'event', path: null, name: valueOf(e.name), visibleMs: null };
}

/** What a visit knows of its person besides the audience: their lifecycle stage and persona id when it opened. */
export interface VisitPerson { lifecycle: string | null; persona: string | null }

export function visitAttributes(e: TrackedEvent, audience: Audience, person: VisitPerson = { lifecycle: null, persona: null }): VisitAttributes {
  const page = pageInfo(e);
  const touch = sessionTouch(e, page);
  const campaign = obj(e.context.campaign);
  const query = new URLSearchParams(page?.search ?? '');
  const tag = (field: string, utm: string) => valueOf(str(campaign[field]) ?? str(query.get(utm)));
  const referrerHost = touch.kind === 'touch' && page?.referrer ? hostOf(page.referrer) : null;
  const locale = str(e.context.locale);
  return {
    audience,
    channel: touch.kind === 'none' ? NONE : touch.kind === 'internal' ? 'direct' : touch.touch.channel,
    referrer: valueOf(referrerHost),
    utm_source: tag('source', 'utm_source'),
    utm_medium: tag('medium', 'utm_medium'),
    utm_campaign: tag('name', 'utm_campaign'),
    utm_content: tag('content', 'utm_content'),
    utm_term: tag('term', 'utm_term'),
    device: valueOf(str(obj(e.context.device).class)),
    browser: valueOf(str(obj(e.context.browser).name)),
    os: valueOf(str(obj(e.context.os).name)),
    language: valueOf(locale ? locale.split(/[-_]/)[0]!.toLowerCase() : null),
    country: valueOf(countryOfEvent(e.context)),
    lifecycle: valueOf(person.lifecycle),
    persona: valueOf(person.persona),
  };
}

/** Audience `known`: the profile has a user id or email. */
export function isKnown(profile: Profile): boolean {
  return profile.identities.some((i) => i.kind === 'user_id' || i.kind === 'email');
}

/** The profile's lifecycle stage and assigned persona, for the attributes of a visit it opens. */
export function personOf(profile: Profile): VisitPerson {
  return { lifecycle: profile.lifecycle?.stage ?? null, persona: profile.persona?.personaId ?? null };
}
