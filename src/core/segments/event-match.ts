/**
 * Which events an event condition or a computed trait looks at, and the small per-profile state
 * kept for each distinct event spec (a "tracker"), updated incrementally on every event.
 *
 * A tracker keeps the total count and two bounded lists of timestamps: the most recent ones and the
 * oldest ones. That is exact for the counted conditions:
 * - "at least N within W" holds iff the N-th most recent timestamp lies in the window; "at most N
 *   within W" iff the (N+1)-th does not: the N+1 most recent timestamps suffice.
 * - "before W" conditions count events older than now − W: the N+1 oldest timestamps suffice.
 * - Without a window the total count answers.
 * The lengths kept are the largest any condition of the workspace needs (`TrackerNeeds`). Sequences
 * (A then B) look at up to SEQUENCE_KEEP timestamps per step: exact unless a person repeats a step
 * more often than that inside the window.
 */
import type { TrackedEvent } from '../events/event.js';
import { sameEventName } from '../events/event-name.js';
export { isMachineEvent } from '../events/machine-event.js';
import { pageInfo } from '../profiles/page-info.js';
import type { EpochMs } from '../time.js';
import { compare } from './comparison.js';
import type { EventSpec, PropertyFilter } from './condition.js';

export const SEQUENCE_KEEP = 20;
/** No condition may ask for more than this many events (bounds the state per profile). */
export const MAX_COUNT = 1000;

export interface TrackerState {
  /** Matching events ever (since tracking began, or since the last replay). */
  n: number;
  /** The most recent timestamps, ascending. */
  recent: EpochMs[];
  /**
   * The oldest timestamps that are not in `recent`, ascending: empty while `recent` holds every
   * event (most trackers), so that nothing is stored twice.
   */
  oldest: EpochMs[];
}

export interface TrackerNeeds {
  spec: EventSpec;
  keepRecent: number;
  keepOldest: number;
}

export function emptyTracker(): TrackerState {
  return { n: 0, recent: [], oldest: [] };
}

/**
 * Key of an event spec: equal specs (same type, name ignoring case, filters in any order) share one
 * tracker. A short hash of the canonical form: the key is stored in every profile's state, once per
 * tracker, so its length matters more than its readability.
 */
export function trackerKey(spec: EventSpec): string {
  const where = (spec.where ?? []).map((f) => JSON.stringify(canonical(f))).sort();
  return `e${hash53(JSON.stringify([spec.type ?? 'track', spec.name?.toLowerCase() ?? null, where])).toString(36)}`;
}

/** cyrb53: a fast 53-bit string hash (not cryptographic; collisions among a workspace's few hundred specs are negligible). */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** Whether the event matches the spec (names compare case-insensitively; system entries never match). */
export function matchesSpec(e: TrackedEvent, spec: EventSpec, now: EpochMs): boolean {
  const type = spec.type ?? 'track';
  if (e.type !== type) return false;
  if (spec.name !== undefined && !sameEventName(e.name, spec.name)) return false;
  if (!spec.where || spec.where.length === 0) return true;
  const page = type === 'page' || type === 'screen' ? pageOf(e) : null;
  return spec.where.every((f) => compare(eventProperty(e, f.property, page), f, now));
}

/**
 * pageInfo once per event object: at ingest one event is matched against every tracker and
 * computed trait of its type, and parsing its URL each time was a visible share of the work.
 * Events are not changed once validated, and the result is only read.
 */
const pages = new WeakMap<TrackedEvent, ReturnType<typeof pageInfo>>();
function pageOf(e: TrackedEvent): ReturnType<typeof pageInfo> {
  let info = pages.get(e);
  if (info === undefined) pages.set(e, (info = pageInfo(e)));
  return info;
}

/**
 * An event's property by dotted path; page views (and screens) also answer url, path, category and
 * title from the page (core/profiles/page-info.ts: the first path segment is the default category).
 */
export function eventProperty(e: TrackedEvent, property: string, page: ReturnType<typeof pageInfo> | undefined = undefined): unknown {
  if ((e.type === 'page' || e.type === 'screen') && (property === 'url' || property === 'path' || property === 'category' || property === 'title')) {
    const info = page === undefined ? pageOf(e) : page;
    const fromPage = info ? info[property] : null;
    if (fromPage !== null) return fromPage;
  }
  return propertyAt(e.properties, property);
}

/** A value by dotted path; own properties only. */
export function propertyAt(object: Record<string, unknown>, path: string): unknown {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (!current || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Folds one matching event's time into the tracker (mutates it). Late events land in order. */
export function recordMatch(state: TrackerState, at: EpochMs, needs: Pick<TrackerNeeds, 'keepRecent' | 'keepOldest'>): void {
  state.n++;
  insertSorted(state.recent, at);
  if (state.recent.length <= needs.keepRecent) return;
  // What leaves `recent` is older than all it keeps: it goes to `oldest`, which keeps the earliest.
  // The earliest keepOldest events ever are therefore always in oldest ∪ recent.
  for (const dropped of state.recent.splice(0, state.recent.length - needs.keepRecent)) insertSorted(state.oldest, dropped);
  if (state.oldest.length > needs.keepOldest) state.oldest.length = needs.keepOldest;
}

function insertSorted(list: EpochMs[], at: EpochMs): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > at) i--;
  list.splice(i, 0, at);
}

/** Matching events at or after `from` (exact while fewer than keepRecent of them are needed). */
export function countSince(state: TrackerState, from: EpochMs): number {
  let n = 0;
  for (let i = state.recent.length - 1; i >= 0 && state.recent[i]! >= from; i--) n++;
  return n;
}

/** Matching events before `until` (exact while fewer than keepOldest of them are needed). */
export function countBefore(state: TrackerState, until: EpochMs): number {
  let n = 0;
  for (const t of state.oldest) if (t < until) n++; else break;
  for (const t of state.recent) if (t < until) n++; else break;
  return n;
}

/** The earliest timestamp kept at or after `from` (oldest ∪ recent), or undefined. */
export function firstSince(state: TrackerState, from: EpochMs): EpochMs | undefined {
  for (const t of state.oldest) if (t >= from) return t;
  for (const t of state.recent) if (t >= from) return t;
  return undefined;
}
