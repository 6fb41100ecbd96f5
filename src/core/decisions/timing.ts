/**
 * The timing policy (vocabulary in timing-policy.ts): whether content may be shown now, given the
 * person's exposure counters (exposure-counters.ts). Pure: the instant comes in, time zones are
 * resolved with Intl (the IANA database of the runtime), nothing reads a clock.
 *
 * Order of checks for a candidate: quiet hours (messages only) → dismiss cool-down → "not within"
 * → sequence (which may pick the step) → frequency caps (global, slot, tags, the rule's variant).
 * A refusal says which check and why; decide then tries the next candidate, finally the default
 * (which timing never refuses: caps stop personalised content, not the slot).
 */
import { parseDuration } from '../segments/duration.js';
import type { EpochMs } from '../time.js';
import type { DecisionSettings } from './decision-settings.js';
import type { TraceOutcome } from './decision.js';
import { countInWindow, GLOBAL_KEY, slotKey, tagKey, variantKey, type ExposureCounters } from './exposure-counters.js';
import type { FrequencyCap, QuietHours, TimingPolicy } from './timing-policy.js';

export interface CompiledCap { max: number; windowMs: number; window: string }
export interface CompiledSequence {
  steps: readonly string[];
  /** Lower-cased conversion event name. */
  conversion: string;
  withinMs: number;
}
export interface CompiledQuietHours { fromMin: number; toMin: number; text: string }

export interface CompiledSlotTiming {
  caps: readonly CompiledCap[];
  notWithin: ReadonlyArray<{ event: string; windowMs: number; window: string }>;
  dismissCooldownMs: number | null;
  /** undefined: the workspace's quiet hours; null: none for this slot. */
  quietHours: CompiledQuietHours | null | undefined;
}

/** Remembered per caps list (definitions and settings are immutable once loaded): decide compiles no caps per call. */
const compiledCaps = new WeakMap<readonly FrequencyCap[], CompiledCap[]>();
export function compileCaps(caps: readonly FrequencyCap[] | undefined): CompiledCap[] {
  if (!caps) return [];
  let out = compiledCaps.get(caps);
  if (!out) compiledCaps.set(caps, (out = caps.map((c) => ({ max: c.max, windowMs: parseDuration(c.window) ?? 0, window: c.window }))));
  return out;
}

export function compileQuietHours(q: QuietHours): CompiledQuietHours {
  return { fromMin: minutesOf(q.from), toMin: minutesOf(q.to), text: `${q.from}–${q.to}` };
}

export function compileSlotTiming(p: TimingPolicy | undefined): CompiledSlotTiming {
  return {
    caps: compileCaps(p?.caps),
    notWithin: (p?.notWithin ?? []).map((n) => ({ event: n.event.toLowerCase(), windowMs: parseDuration(n.window) ?? 0, window: n.window })),
    dismissCooldownMs: p?.dismissCooldown ? parseDuration(p.dismissCooldown) ?? null : null,
    quietHours: p?.quietHours === undefined ? undefined : p.quietHours === null ? null : compileQuietHours(p.quietHours),
  };
}

/** "HH:MM" → minutes after midnight (validated before: 00:00–23:59). */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

export interface TimingInput {
  slotId: string;
  timing: CompiledSlotTiming;
  /** The candidate's variant (a sequence rule's first step until the sequence picks). */
  variantId: string;
  tags: readonly string[];
  /** The rule's own caps on its variant in this slot (none for strategy picks). */
  ruleCaps: readonly CompiledCap[];
  sequence: CompiledSequence | null;
  counters: ExposureCounters | null;
  now: EpochMs;
  channel: 'web' | 'email';
  /** The person's IANA time zone when known. */
  timezone: string | undefined;
  settings: DecisionSettings;
}

export type TimingVerdict = { ok: true; variantId: string; detail?: string } | { ok: false; outcome: TraceOutcome; detail: string };

export function checkTiming(i: TimingInput): TimingVerdict {
  const c = i.counters;
  if (i.channel === 'email') {
    const quiet = i.timing.quietHours === undefined ? (i.settings.quietHours ? compileQuietHours(i.settings.quietHours) : null) : i.timing.quietHours;
    if (quiet) {
      const zone = usableZone(i.timezone) ?? usableZone(i.settings.timezone) ?? 'UTC';
      const local = localTimeOf(i.now, zone);
      if (inQuietHours(local.minutes, quiet)) return { ok: false, outcome: 'quiet-hours', detail: `${quiet.text} in ${zone}` };
    }
  }
  if (!c) return { ok: true, variantId: i.variantId };
  if (i.timing.dismissCooldownMs !== null) {
    const at = own(c.dismissed, i.slotId);
    if (at !== undefined && at <= i.now && i.now - at < i.timing.dismissCooldownMs) return { ok: false, outcome: 'cool-down', detail: 'dismissed recently' };
  }
  for (const n of i.timing.notWithin) {
    const at = own(c.lastEvents, n.event);
    if (at !== undefined && at <= i.now && i.now - at < n.windowMs) return { ok: false, outcome: 'not-within', detail: `within ${n.window} of "${n.event}"` };
  }
  let variantId = i.variantId;
  let detail: string | undefined;
  if (i.sequence) {
    const step = sequenceStep(i.slotId, i.sequence, c, i.now);
    if (step.converted) return { ok: false, outcome: 'converted', detail: `"${i.sequence.conversion}" after the sequence started` };
    variantId = step.variantId;
    detail = step.detail;
  }
  const scopes: Array<[string, readonly CompiledCap[]]> = [[GLOBAL_KEY, compileCaps(i.settings.globalCaps)], [slotKey(i.slotId), i.timing.caps]];
  for (const tag of i.tags) {
    const caps = own(i.settings.tagCaps, tag);
    if (caps) scopes.push([tagKey(tag), compileCaps(caps)]);
  }
  if (i.ruleCaps.length > 0) scopes.push([variantKey(i.slotId, variantId), i.ruleCaps]);
  for (const [key, caps] of scopes) {
    if (caps.length === 0) continue;
    const times = own(c.exposures, key) ?? [];
    for (const cap of caps) {
      const n = countInWindow(times, cap.windowMs, i.now);
      if (n >= cap.max) return { ok: false, outcome: 'capped', detail: `${scopeName(key)}: ${n} of ${cap.max} in ${cap.window}` };
    }
  }
  return detail === undefined ? { ok: true, variantId } : { ok: true, variantId, detail };
}

/**
 * The sequence's step now: the first step not yet seen (steps are seen in order), but only once
 * `withinMs` passed since the step before was first seen; until then the step before stays. After
 * the last step, the last step stays. A conversion at or after the first step's first exposure
 * ends the sequence.
 */
export function sequenceStep(
  slotId: string,
  seq: CompiledSequence,
  c: ExposureCounters,
  now: EpochMs,
): { converted: true } | { converted: false; variantId: string; detail?: string } {
  const seen: EpochMs[] = [];
  for (const step of seq.steps) {
    const at = own(c.firstSeen, variantKey(slotId, step));
    if (at === undefined || at > now) break;
    seen.push(at);
  }
  if (seen.length === 0) return { converted: false, variantId: seq.steps[0]! };
  const conv = own(c.lastEvents, seq.conversion);
  if (conv !== undefined && conv >= seen[0]! && conv <= now) return { converted: true };
  if (seen.length === seq.steps.length) return { converted: false, variantId: seq.steps[seq.steps.length - 1]!, detail: 'last step' };
  const previous = seen[seen.length - 1]!;
  if (now - previous >= seq.withinMs) return { converted: false, variantId: seq.steps[seen.length]!, detail: `step ${seen.length + 1}` };
  return { converted: false, variantId: seq.steps[seen.length - 1]!, detail: `step ${seen.length} (next step after ${Math.ceil((previous + seq.withinMs - now) / 60_000)} min)` };
}

function scopeName(key: string): string {
  if (key === GLOBAL_KEY) return 'all slots and messages';
  if (key.startsWith('s:')) return `slot ${key.slice(2)}`;
  if (key.startsWith('t:')) return `tag ${key.slice(2)}`;
  return `variant ${key.slice(2)}`;
}

/** Whether the local minute of the day falls in [from, to), wrapping midnight when from > to. */
export function inQuietHours(minutes: number, q: CompiledQuietHours): boolean {
  if (q.fromMin === q.toMin) return false;
  return q.fromMin < q.toMin ? minutes >= q.fromMin && minutes < q.toMin : minutes >= q.fromMin || minutes < q.toMin;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', weekday: 'short' });
    // Bounded: zones are a closed set (a few hundred), but input is not trusted.
    if (formatters.size >= 1000) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

/** The zone if the runtime knows it, else undefined. */
export function usableZone(zone: string | undefined): string | undefined {
  if (!zone || zone.length > 64) return undefined;
  try {
    formatter(zone);
    return zone;
  } catch {
    return undefined;
  }
}

const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Wall-clock hour, minute of the day and weekday (0 = Sunday) at `now` in `zone` (a usable zone). */
export function localTimeOf(now: EpochMs, zone: string): { hour: number; minutes: number; weekday: number } {
  let hour = 0, minute = 0, weekday = 0;
  for (const p of formatter(zone).formatToParts(now)) {
    if (p.type === 'hour') hour = Number(p.value) % 24;
    else if (p.type === 'minute') minute = Number(p.value);
    else if (p.type === 'weekday') weekday = WEEKDAYS[p.value] ?? 0;
  }
  return { hour, minutes: hour * 60 + minute, weekday };
}

function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
