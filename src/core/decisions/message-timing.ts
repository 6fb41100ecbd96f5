/**
 * One timing policy for site and messages (timing-policy.ts): a message (a webhook that triggers an
 * email or another message to the person) obeys the workspace's quiet hours and frequency caps, as
 * slots do. Pure: the person's counters, the workspace's decision settings, the person's time zone
 * and the instant come in.
 *
 * - Quiet hours: a message due inside them is not dropped but waits until they end (local wall
 *   clock in the person's zone, else the workspace's, else UTC).
 * - Caps: the workspace's `globalCaps` and the `tagCaps` of the message's tags; a capped message is
 *   suppressed (it is not sent and counts nothing).
 * - A sent message counts as an exposure (`recordMessage`) under the global key and its tags: slots
 *   and messages share the global and tag caps (a slot's own caps count only that slot).
 */
import type { EpochMs } from '../time.js';
import type { DecisionSettings } from './decision-settings.js';
import { countInWindow, emptyCounters, GLOBAL_KEY, MAX_TIMES_PER_KEY, tagKey, type ExposureCounters } from './exposure-counters.js';
import { compileCaps, compileQuietHours, inQuietHours, localTimeOf, usableZone, type CompiledQuietHours } from './timing.js';
import { MAX_CAP_WINDOW_MS } from './timing-policy.js';

export interface MessageTimingInput {
  /** The message's campaign tags (lower-case). */
  tags: readonly string[];
  counters: ExposureCounters | null;
  settings: DecisionSettings;
  /** The person's IANA time zone when known (their profile's last `context.timezone`). */
  timezone: string | undefined;
  now: EpochMs;
}

export type MessageVerdict =
  | { action: 'send' }
  | { action: 'wait'; until: EpochMs; reason: string }
  | { action: 'suppress'; reason: string };

export function checkMessageTiming(i: MessageTimingInput): MessageVerdict {
  if (i.settings.quietHours) {
    const quiet = compileQuietHours(i.settings.quietHours);
    const zone = usableZone(i.timezone) ?? usableZone(i.settings.timezone) ?? 'UTC';
    if (inQuietHours(localTimeOf(i.now, zone).minutes, quiet)) {
      return { action: 'wait', until: endOfQuietHours(i.now, zone, quiet), reason: `quiet hours ${quiet.text} in ${zone}` };
    }
  }
  const c = i.counters;
  if (!c) return { action: 'send' };
  const scopes: Array<[string, string]> = [[GLOBAL_KEY, 'all slots and messages']];
  for (const tag of new Set(i.tags.map((t) => t.toLowerCase()))) scopes.push([tagKey(tag), `tag ${tag}`]);
  for (const [key, name] of scopes) {
    const caps = key === GLOBAL_KEY ? i.settings.globalCaps : own(i.settings.tagCaps, key.slice(2));
    if (!caps) continue;
    const times = own(c.exposures, key) ?? [];
    for (const cap of compileCaps(caps)) {
      const n = countInWindow(times, cap.windowMs, i.now);
      if (n >= cap.max) return { action: 'suppress', reason: `frequency cap: ${name}: ${n} of ${cap.max} in ${cap.window}` };
    }
  }
  return { action: 'send' };
}

/**
 * The first instant at or after `now` whose local minute in `zone` is outside the quiet hours
 * (the start of their `to` minute). Wall-clock arithmetic, corrected once for a daylight-saving
 * shift between now and then.
 */
export function endOfQuietHours(now: EpochMs, zone: string, quiet: CompiledQuietHours): EpochMs {
  const local = localTimeOf(now, zone);
  if (!inQuietHours(local.minutes, quiet)) return now;
  const startOfMinute = now - (now % 60_000);
  const ahead = (quiet.toMin - local.minutes + 1440) % 1440;
  let at = startOfMinute + ahead * 60_000;
  // A clock change in between moves the wall clock: correct by what it says at `at`.
  const shift = ((quiet.toMin - localTimeOf(at, zone).minutes + 1440 + 720) % 1440) - 720;
  at += shift * 60_000;
  return at <= now ? now : at;
}

/** The counters after a sent message: one exposure under the global key and each of its tags. */
export function recordMessage(c0: ExposureCounters | null, tags: readonly string[], at: EpochMs): ExposureCounters {
  const c = c0 ?? emptyCounters();
  const exposures = { ...c.exposures };
  for (const key of [GLOBAL_KEY, ...new Set(tags.map(tagKey))]) {
    const times = [...(own(exposures, key) ?? [])];
    let i = times.length;
    while (i > 0 && times[i - 1]! > at) i--;
    times.splice(i, 0, at);
    const newest = times[times.length - 1]!;
    Object.defineProperty(exposures, key, { value: times.filter((t) => t >= newest - MAX_CAP_WINDOW_MS).slice(-MAX_TIMES_PER_KEY), writable: true, enumerable: true, configurable: true });
  }
  return { ...c, exposures };
}

function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
