/**
 * Slot reports (issue 14 §4, §6): aggregates per workspace × slot × variant × rule × depth × local
 * day, kept up to date at ingest and read by GET /v1/slots/{id}/report.
 *
 * What counts:
 * - an impression is a `Slot Viewed` (the tracker sends it once per decision, ≥ 50% visible for 1 s);
 * - a click is a `Slot Clicked`, or an `Email Link Clicked` carrying `slot` and `variant`;
 * - a dismissal is a `Slot Dismissed`;
 * - a conversion is the slot's goal event (SlotGoal) performed by a person whose latest view of the
 *   slot (their exposure counters' `lastViews`) was at most `within` before it and has not converted
 *   yet; it is credited to that view's variant, rule and depth, on the goal event's local day.
 *   A view converts at most once, so conversions never exceed impressions.
 * Clicks and dismissals that do not say their rule or depth take them from the person's latest view
 * of the slot when it showed the same variant, else `unknown`.
 *
 * The rows hold counts only, no person ids: an erasure leaves them as they are (they describe the
 * slot, not the person). Days are local days in the workspace's time zone (decision settings).
 */
import { parseDuration } from '../segments/duration.js';
import type { EpochMs } from '../time.js';
import { DEFAULT_GOAL_WINDOW, type SlotDefinition } from './slot.js';

export interface ReportKey {
  slotId: string;
  variantId: string;
  /** A rule id, `default`, a strategy kind, or `unknown`. */
  ruleId: string;
  /** A depth (depth.ts) or `unknown`. */
  depth: string;
  /** Local day, YYYY-MM-DD. */
  day: string;
}

export interface ReportCounts {
  impressions: number;
  clicks: number;
  dismissals: number;
  conversions: number;
}

export type ReportRow = ReportKey & ReportCounts;

export const REPORT_MEASURES = ['impressions', 'clicks', 'dismissals', 'conversions'] as const;
export type ReportMeasure = (typeof REPORT_MEASURES)[number];

export const UNKNOWN = 'unknown';

/** What ingest needs to know of a workspace to count its slot reports (reportSpecOf). */
export interface ReportSpec {
  /** An IANA zone the runtime knows. */
  timezone: string;
  /** Lower-cased goal event name → the slots whose goal it is, with their windows. */
  goals: ReadonlyMap<string, ReadonlyArray<{ slotId: string; withinMs: number }>>;
}

/** The slot's goal with its window filled in; null without a goal. */
export function goalOf(slot: Pick<SlotDefinition, 'goal'>): { event: string; within: string } | null {
  return slot.goal ? { event: slot.goal.event, within: slot.goal.within ?? DEFAULT_GOAL_WINDOW } : null;
}

/** The spec of a workspace's slots (validated ones) in `zone`; null without slots. */
export function reportSpecOf(slots: ReadonlyArray<Pick<SlotDefinition, 'id' | 'goal'>>, zone: string): ReportSpec | null {
  if (slots.length === 0) return null;
  const goals = new Map<string, Array<{ slotId: string; withinMs: number }>>();
  for (const slot of slots) {
    const goal = goalOf(slot);
    const withinMs = goal ? parseDuration(goal.within) : undefined;
    if (!goal || withinMs === undefined) continue;
    const name = goal.event.toLowerCase();
    const list = goals.get(name) ?? [];
    list.push({ slotId: slot.id, withinMs });
    goals.set(name, list);
  }
  return { timezone: zone, goals };
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The local calendar day (YYYY-MM-DD) of `at` in `zone` (an IANA zone the runtime knows). */
export function localDay(at: EpochMs, zone: string): string {
  let f = dayFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    if (dayFormatters.size >= 1000) dayFormatters.clear();
    dayFormatters.set(zone, f);
  }
  let y = '', m = '', d = '';
  for (const p of f.formatToParts(at)) {
    if (p.type === 'year') y = p.value;
    else if (p.type === 'month') m = p.value;
    else if (p.type === 'day') d = p.value;
  }
  return `${y}-${m}-${d}`;
}

/** Adds the increments up per key (one row per key), so a batch writes each row once. */
export function sumIncrements(increments: readonly ReportRow[]): ReportRow[] {
  const out = new Map<string, ReportRow>();
  for (const r of increments) {
    const key = [r.slotId, r.variantId, r.ruleId, r.depth, r.day].join('\u0000');
    const held = out.get(key);
    if (!held) { out.set(key, { ...r }); continue; }
    for (const m of REPORT_MEASURES) held[m] += r[m];
  }
  return [...out.values()];
}

export const zeroCounts = (): ReportCounts => ({ impressions: 0, clicks: 0, dismissals: 0, conversions: 0 });

// --- Reading: totals and series -------------------------------------------------------------------

export type ReportInterval = 'day' | 'week';

export interface ReportFigures extends ReportCounts {
  /** clicks / impressions; null without impressions. */
  ctr: number | null;
  /** conversions / impressions; null without impressions. */
  conversionRate: number | null;
  /** Impressions per depth (only depths with impressions). */
  depthMix: Record<string, number>;
}

export interface ReportPoint extends ReportFigures {
  /** The period's first day: the day itself, or the Monday of the ISO week. */
  period: string;
}

export interface ReportBreakdown {
  id: string;
  totals: ReportFigures;
  series: ReportPoint[];
}

export interface SlotReport {
  from: string;
  to: string;
  interval: ReportInterval;
  totals: ReportFigures;
  series: ReportPoint[];
  variants: ReportBreakdown[];
  rules: ReportBreakdown[];
  depths: ReportBreakdown[];
}

/**
 * The report over [from, to] (local days, inclusive): totals, a series with one point per period
 * (every period of the range, zeros included), and the same per variant, per rule and per depth.
 * Rows outside the range are ignored. Rates are rounded to 4 decimals.
 */
export function buildSlotReport(rows: readonly ReportRow[], range: { from: string; to: string; interval: ReportInterval }): SlotReport {
  const periods = periodsOf(range.from, range.to, range.interval);
  const inRange = rows.filter((r) => r.day >= range.from && r.day <= range.to);
  const periodOf = (day: string) => (range.interval === 'day' ? day : mondayOf(day));
  const breakdown = (key: (r: ReportRow) => string): ReportBreakdown[] => {
    const groups = new Map<string, ReportRow[]>();
    for (const r of inRange) {
      const k = key(r);
      const list = groups.get(k);
      if (list) list.push(r); else groups.set(k, [r]);
    }
    return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, list]) => ({ id, totals: figures(list), series: seriesOf(list, periods, periodOf) }));
  };
  return {
    from: range.from, to: range.to, interval: range.interval,
    totals: figures(inRange), series: seriesOf(inRange, periods, periodOf),
    variants: breakdown((r) => r.variantId), rules: breakdown((r) => r.ruleId), depths: breakdown((r) => r.depth),
  };
}

function seriesOf(rows: readonly ReportRow[], periods: readonly string[], periodOf: (day: string) => string): ReportPoint[] {
  const byPeriod = new Map<string, ReportRow[]>(periods.map((p) => [p, []]));
  for (const r of rows) byPeriod.get(periodOf(r.day))?.push(r);
  return periods.map((period) => ({ period, ...figures(byPeriod.get(period)!) }));
}

function figures(rows: readonly ReportRow[]): ReportFigures {
  const c = zeroCounts();
  const depthMix: Record<string, number> = {};
  for (const r of rows) {
    for (const m of REPORT_MEASURES) c[m] += r[m];
    if (r.impressions > 0) depthMix[r.depth] = (Object.hasOwn(depthMix, r.depth) ? depthMix[r.depth]! : 0) + r.impressions;
  }
  const rate = (n: number) => (c.impressions === 0 ? null : Math.round((n / c.impressions) * 10_000) / 10_000);
  return { ...c, ctr: rate(c.clicks), conversionRate: rate(c.conversions), depthMix };
}

const DAY_MS = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The Monday (ISO week start) of a day. */
export function mondayOf(day: string): string {
  const ms = dayMs(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  return dayOf(ms - weekday * DAY_MS);
}

/** Every period start in [from, to]; the first week starts on the Monday of `from`. */
export function periodsOf(from: string, to: string, interval: ReportInterval): string[] {
  const out: string[] = [];
  const step = interval === 'day' ? DAY_MS : 7 * DAY_MS;
  for (let ms = dayMs(interval === 'day' ? from : mondayOf(from)); ms <= dayMs(to); ms += step) out.push(dayOf(ms));
  return out;
}

/** Days between two YYYY-MM-DD days (to − from). */
export const daysBetween = (from: string, to: string): number => Math.round((dayMs(to) - dayMs(from)) / DAY_MS);
