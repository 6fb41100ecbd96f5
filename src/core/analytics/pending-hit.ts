/**
 * A hit waiting to be counted in the rollups (analytics/rollup-worker.ts): what ingest knows of an
 * event when it stores it, and what the rollups need of it later — the visitor it counts for, the
 * person's audience and stage at that moment.
 *
 * The visitor: the event's live profile — or, for a person who has not consented to the analytics
 * purpose and whose IP the workspace keeps as the daily-rotating keyed hash (privacy setting
 * `ip: hash`), that hash with the browser and OS: a cookieless visitor of one day (the tracker gives
 * such a visitor a new anonymous id on every page, so the profile alone would make every page view
 * a visit). Audience `known`: the profile has a user id or email; `anonymous` otherwise.
 */
import type { TrackedEvent } from '../events/event.js';
import type { Profile } from '../profiles/profile.js';
import type { Audience } from './dimensions.js';
import type { Hit } from './hit-key.js';
import { hitOf, isKnown, personOf, type VisitPerson } from './hit-of-event.js';

export const ANALYTICS_PURPOSE = 'analytics';

export interface PendingHit {
  event: TrackedEvent;
  hit: Hit;
  /** `p:<profile id>` or a cookieless daily visitor `d:…`. */
  visitor: string;
  /** The profile of a profiled visitor (its visit index); null for a cookieless one. */
  profileId: string | null;
  audience: Audience;
  person: VisitPerson;
}

/** The pending hit of an event assigned to `profile`, or null when analytics does not count it. */
export function pendingHitOf(event: TrackedEvent, profile: Profile): PendingHit | null {
  const hit = hitOf(event);
  if (!hit) return null;
  const daily = cookielessKey(event, profile);
  return {
    event, hit, visitor: daily ?? `p:${profile.id}`, profileId: daily ? null : profile.id,
    audience: isKnown(profile) ? 'known' : 'anonymous', person: personOf(profile),
  };
}

/** The cookieless daily visitor of an event, or null when the profile is the visitor (see above). */
function cookielessKey(event: TrackedEvent, profile: Profile): string | null {
  if (profile.consent[ANALYTICS_PURPOSE]?.granted === true || isKnown(profile)) return null;
  const ip = event.context.ip;
  if (typeof ip !== 'string' || !ip.startsWith('h:')) return null;
  const browser = (event.context.browser as { name?: unknown } | undefined)?.name;
  const os = (event.context.os as { name?: unknown } | undefined)?.name;
  return `d:${ip}|${typeof browser === 'string' ? browser : ''}|${typeof os === 'string' ? os : ''}`;
}
