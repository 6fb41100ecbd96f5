/**
 * The per-person record the counters store keeps for timing (timing.ts): plain JSON, bounded, one
 * per profile and workspace. It is personal data: the store exports it with the person and erases
 * it with them, and merges follow the profile (`mergeCounters`).
 *
 * How the record is fed (the application service, not the core):
 * - `Slot Viewed` {slot, variant, tags?} → `recordExposure` (exposures, not decisions, count:
 *   a decision the person never saw does not use up a cap);
 * - `Slot Dismissed` {slot} → `recordDismiss`;
 * - any track event whose name a compiled slot lists in `watchedEvents` → `recordEvent`.
 *
 * Bounds: per key at most MAX_TIMES_PER_KEY times (the newest), none older than MAX_CAP_WINDOW_MS
 * before the newest; at most MAX_KEYS keys per map (the least recently used go first).
 */
import type { EpochMs } from '../time.js';
import { MAX_CAP, MAX_CAP_WINDOW_MS } from './timing-policy.js';

export interface ExposureCounters {
  /** Exposure key (exposureKeys) → exposure times, ascending. */
  exposures: Record<string, EpochMs[]>;
  /** Variant key → first exposure ever (sequences need it after the list above is trimmed). */
  firstSeen: Record<string, EpochMs>;
  /** Slot id → last `Slot Dismissed`. */
  dismissed: Record<string, EpochMs>;
  /** Lower-cased event name → last time. */
  lastEvents: Record<string, EpochMs>;
  /**
   * Slot id → the person's latest view of it (the default's too), for slot reports: a goal event
   * within the slot's window converts it once (slot-report.ts). Absent in records written before
   * reports existed.
   */
  lastViews?: Record<string, ViewMark>;
}

/** The latest `Slot Viewed` of one slot by one person: what was shown, and whether it converted. */
export interface ViewMark {
  at: EpochMs;
  variantId: string;
  ruleId: string;
  /** The decision's depth as the view reported it; `unknown` when it did not. */
  depth: string;
  /** Set once a goal event converted this view (a view converts at most once). */
  convertedAt?: EpochMs;
}

export const MAX_TIMES_PER_KEY = MAX_CAP;
export const MAX_KEYS = 500;

export const emptyCounters = (): ExposureCounters => ({ exposures: {}, firstSeen: {}, dismissed: {}, lastEvents: {} });

/** The keys of the exposure scopes; `GLOBAL_KEY` counts every slot exposure. */
export const GLOBAL_KEY = '*';
export const slotKey = (slotId: string): string => `s:${slotId}`;
export const variantKey = (slotId: string, variantId: string): string => `v:${slotId}/${variantId}`;
export const tagKey = (tag: string): string => `t:${tag.toLowerCase()}`;

export interface Exposure {
  slotId: string;
  variantId: string;
  /** The slot's and the rule's campaign tags (the tracker echoes what decide returned). */
  tags: readonly string[];
  /** The decision's `ruleId`, echoed by the tracker; `default` exposures are not counted. */
  ruleId?: string;
  /** The decision's depth, echoed by the tracker (reports only). */
  depth?: string;
  at: EpochMs;
}

/**
 * The record after an exposure (a new object; the input is not changed). An exposure of the
 * default variant (ruleId `default`) changes nothing: caps limit personalised content, and the
 * default shown on every page must not use them up.
 */
export function recordExposure(c0: ExposureCounters, e: Exposure): ExposureCounters {
  const c = markView(c0, e);
  if (e.ruleId === 'default') return c;
  const exposures = { ...c.exposures };
  const keys = [GLOBAL_KEY, slotKey(e.slotId), variantKey(e.slotId, e.variantId), ...new Set(e.tags.map(tagKey))];
  for (const key of keys) setOwn(exposures, key, appendTime(Object.hasOwn(exposures, key) ? exposures[key]! : [], e.at));
  const vk = variantKey(e.slotId, e.variantId);
  const firstSeen = { ...c.firstSeen };
  if (!Object.hasOwn(firstSeen, vk) || firstSeen[vk]! > e.at) setOwn(firstSeen, vk, e.at);
  return { ...c, exposures: boundKeys(exposures, (ts) => ts[ts.length - 1] ?? 0), firstSeen: boundKeys(firstSeen, (t) => t) };
}

/** The record with `e` as the slot's latest view, unless a later view is marked already. */
export function markView(c: ExposureCounters, e: Exposure): ExposureCounters {
  const views = c.lastViews ?? {};
  const held = Object.hasOwn(views, e.slotId) ? views[e.slotId]! : undefined;
  if (held && held.at > e.at) return c;
  const out = { ...views };
  setOwn(out, e.slotId, { at: e.at, variantId: e.variantId, ruleId: e.ruleId ?? 'unknown', depth: e.depth ?? 'unknown' });
  return { ...c, lastViews: boundKeys(out, (m) => m.at) };
}

/** The slot's latest view, if any. */
export function lastViewOf(c: ExposureCounters | null, slotId: string): ViewMark | undefined {
  const views = c?.lastViews;
  return views && Object.hasOwn(views, slotId) ? views[slotId] : undefined;
}

/**
 * A goal event at `at` for a slot whose goal window is `withinMs`: the latest view converts when it
 * was at or before `at`, at most `withinMs` before it, and has not converted yet. Returns the
 * converted view (null: nothing converted) and the record after it.
 */
export function recordGoal(c: ExposureCounters, slotId: string, at: EpochMs, withinMs: number): { counters: ExposureCounters; converted: ViewMark | null } {
  const mark = lastViewOf(c, slotId);
  if (!mark || mark.convertedAt !== undefined || mark.at > at || at - mark.at > withinMs) return { counters: c, converted: null };
  const converted = { ...mark, convertedAt: at };
  const views = { ...c.lastViews };
  setOwn(views, slotId, converted);
  return { counters: { ...c, lastViews: views }, converted };
}

export function recordDismiss(c: ExposureCounters, slotId: string, at: EpochMs): ExposureCounters {
  return { ...c, dismissed: boundKeys(latest(c.dismissed, slotId, at), (t) => t) };
}

export function recordEvent(c: ExposureCounters, name: string, at: EpochMs): ExposureCounters {
  return { ...c, lastEvents: boundKeys(latest(c.lastEvents, name.toLowerCase(), at), (t) => t) };
}

/** Two people found to be one: exposures add up, the latest dismiss and event times win. */
export function mergeCounters(a: ExposureCounters, b: ExposureCounters): ExposureCounters {
  const exposures = { ...a.exposures };
  for (const [key, times] of Object.entries(b.exposures)) {
    let merged = Object.hasOwn(exposures, key) ? exposures[key]! : [];
    for (const t of times) merged = appendTime(merged, t);
    setOwn(exposures, key, merged);
  }
  const firstSeen = { ...a.firstSeen };
  for (const [key, t] of Object.entries(b.firstSeen)) if (!Object.hasOwn(firstSeen, key) || firstSeen[key]! > t) setOwn(firstSeen, key, t);
  let dismissed = a.dismissed;
  for (const [key, t] of Object.entries(b.dismissed)) dismissed = latest(dismissed, key, t);
  let lastEvents = a.lastEvents;
  for (const [key, t] of Object.entries(b.lastEvents)) lastEvents = latest(lastEvents, key, t);
  const merged = {
    exposures: boundKeys(exposures, (ts) => ts[ts.length - 1] ?? 0), firstSeen: boundKeys(firstSeen, (t) => t),
    dismissed: boundKeys(dismissed, (t) => t), lastEvents: boundKeys(lastEvents, (t) => t),
  };
  if (!a.lastViews && !b.lastViews) return merged;
  // The later view of each slot wins (the person saw it last, on whichever device).
  const lastViews = { ...a.lastViews };
  for (const [slot, mark] of Object.entries(b.lastViews ?? {})) {
    if (!Object.hasOwn(lastViews, slot) || lastViews[slot]!.at < mark.at) setOwn(lastViews, slot, mark);
  }
  return { ...merged, lastViews: boundKeys(lastViews, (m) => m.at) };
}

/** How many times in `times` (ascending) fall in the rolling window (now − window, now]. */
export function countInWindow(times: readonly EpochMs[], windowMs: number, now: EpochMs): number {
  let n = 0;
  for (let i = times.length - 1; i >= 0; i--) {
    const t = times[i]!;
    if (t > now) continue;
    if (t <= now - windowMs) break;
    n++;
  }
  return n;
}

/** Inserted in order (a late exposure lands in its place), trimmed to the bounds. */
function appendTime(times: readonly EpochMs[], at: EpochMs): EpochMs[] {
  const out = [...times];
  let i = out.length;
  while (i > 0 && out[i - 1]! > at) i--;
  out.splice(i, 0, at);
  const newest = out[out.length - 1]!;
  let from = Math.max(0, out.length - MAX_TIMES_PER_KEY);
  while (from < out.length && out[from]! < newest - MAX_CAP_WINDOW_MS) from++;
  return from > 0 ? out.slice(from) : out;
}

function latest(record: Record<string, EpochMs>, key: string, at: EpochMs): Record<string, EpochMs> {
  if (Object.hasOwn(record, key) && record[key]! >= at) return record;
  const out = { ...record };
  setOwn(out, key, at);
  return out;
}

/** At most MAX_KEYS entries: the ones with the oldest `recency` go. */
function boundKeys<T>(record: Record<string, T>, recency: (v: T) => number): Record<string, T> {
  const keys = Object.keys(record);
  if (keys.length <= MAX_KEYS) return record;
  const keep = keys.sort((x, y) => recency(record[y]!) - recency(record[x]!)).slice(0, MAX_KEYS);
  const out: Record<string, T> = {};
  for (const k of keep) setOwn(out, k, record[k]!);
  return out;
}

/** A key such as `__proto__` stays an own entry (keys come from clients). */
function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}
