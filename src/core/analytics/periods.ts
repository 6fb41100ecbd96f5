/**
 * Date ranges and intervals in a time zone, over UTC hour buckets. A range is given as local
 * dates (`2026-12-01`, both ends included) or exact instants (`2026-12-01T08:00:00Z`, end
 * excluded) and becomes the hour buckets it covers. Periods of an interval (hour, day, week from
 * Monday, month) are the local calendar's, so a day in Europe/Berlin is 23, 24 or 25 buckets
 * across a DST change. Zones whose offset is not whole hours (Asia/Kolkata) are approximated: an
 * hour bucket belongs to the local period its start falls in.
 */
import { HOUR_MS } from './rollup.js';

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
/** The longest range answered (two years and a day, for a year compared with the previous one). */
export const MAX_RANGE_DAYS = 732;
const DAY_MS = 24 * HOUR_MS;

export interface HourRange { fromHour: number; toHour: number }

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `tz` is a time zone this runtime knows (an IANA name such as Europe/Berlin, or UTC). */
export function isTimeZone(tz: string): boolean {
  try { formatter(tz); return true; } catch { return false; }
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(tz, f);
  }
  return f;
}

interface LocalParts { year: number; month: number; day: number; hour: number; minute: number; second: number }

export function localParts(tz: string, at: number): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(at)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute!, second: out.second! };
}

/** The UTC instant of a local wall-clock time (the earlier one when it is ambiguous, the next valid one when skipped). */
export function localToUtc(tz: string, year: number, month: number, day: number, hour = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  const offset = (at: number) => { const p = localParts(tz, at); return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (at - (((at % 1000) + 1000) % 1000)); };
  const first = wall - offset(wall);
  const second = wall - offset(first);
  return Math.min(first, second);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A range's start or end as an instant; null when the text is neither a valid date nor an instant. */
export function parseBound(text: string, tz: string, end: boolean): number | null {
  const date = DATE.exec(text);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
    if (!end) return localToUtc(tz, y, m, d);
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    return localToUtc(tz, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
  }
  if (!INSTANT.test(text)) return null;
  const at = Date.parse(text);
  return Number.isFinite(at) ? at : null;
}

/** Hour buckets covering [from, to): a partial hour at either end counts whole. */
export function hourRange(from: number, to: number): HourRange {
  return { fromHour: Math.floor(from / HOUR_MS), toHour: Math.ceil(to / HOUR_MS) };
}

/** The range of the same length just before (compare=previous). */
export function previousRange(r: HourRange): HourRange {
  const length = r.toHour - r.fromHour;
  return { fromHour: r.fromHour - length, toHour: r.fromHour };
}

export function rangeDays(r: HourRange): number {
  return ((r.toHour - r.fromHour) * HOUR_MS) / DAY_MS;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The label of the local period an hour bucket falls in: `2026-12-07T14:00`, `2026-12-07`, the week's Monday, `2026-12`. */
export function periodOf(tz: string, hour: number, interval: Interval): string {
  const p = localParts(tz, hour * HOUR_MS);
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  if (interval === 'hour') return `${date}T${pad(p.hour)}:00`;
  if (interval === 'day') return date;
  if (interval === 'month') return `${p.year}-${pad(p.month)}`;
  const weekday = (new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7; // Monday = 0
  const monday = new Date(Date.UTC(p.year, p.month - 1, p.day - weekday));
  return `${monday.getUTCFullYear()}-${pad(monday.getUTCMonth() + 1)}-${pad(monday.getUTCDate())}`;
}

/** Every period of the range in order, each with the hour buckets it holds. */
export function periodsOf(tz: string, range: HourRange, interval: Interval): Array<{ period: string; hours: number[] }> {
  const out: Array<{ period: string; hours: number[] }> = [];
  for (let hour = range.fromHour; hour < range.toHour; hour++) {
    const period = periodOf(tz, hour, interval);
    const last = out[out.length - 1];
    if (last && last.period === period) last.hours.push(hour);
    else out.push({ period, hours: [hour] });
  }
  return out;
}
