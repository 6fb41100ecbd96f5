/**
 * Comparisons of one value: the one set of rules for every condition on a value in Tessera (segment
 * trait, property and computed-trait conditions, scoring filters, fit and lifecycle rules), so that
 * "role = CTO" means the same wherever a marketer writes it.
 *
 * - equals / not_equals: strings compare case-insensitively and ignoring surrounding spaces (a
 *   marketer's "CTO" is " cto"); a number and a numeric string are equal ("5" = 5); other values
 *   strictly. A list value equals when one of its items does.
 * - in / not_in: equals one of the list, given as `values` (or as a list in `value`).
 * - contains: a string containing `value` (case-insensitive), or a list holding it.
 * - exists / not_exists: a known value: not absent, null or a blank string.
 * - gt, gte, lt, lte, between (inclusive): numbers; a numeric string counts as its number.
 * - before / after (an ISO date or time): dates, from ISO strings or epoch ms.
 * - within_last / not_within_last (a duration such as "30d"): a date relative to now; these are the
 *   only comparisons whose answer changes with time alone (see `comparisonChangesAt`).
 */
import { parseTime, type EpochMs } from '../time.js';
import { describeDuration, parseDuration } from './duration.js';

export const COMPARISON_OPS = [
  'equals', 'not_equals', 'in', 'not_in', 'contains', 'exists', 'not_exists',
  'gt', 'gte', 'lt', 'lte', 'between', 'before', 'after', 'within_last', 'not_within_last',
] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

export interface Comparison {
  op: ComparisonOp;
  /** equals, not_equals, contains, gt…lte, before, after (an ISO time), within_last (a duration). */
  value?: unknown;
  /** in, not_in (a list in `value` is read the same). */
  values?: unknown[];
  /** between. */
  min?: number;
  max?: number;
}

/**
 * How text compares everywhere (conditions here, and the stores' trait search, which keeps or
 * computes this form of every string trait): surrounding spaces removed, then lower-cased by
 * Unicode's default case mapping (`ÄRZTIN` = `Ärztin` = `ärztin`; not full case folding: `ß` and
 * `SS` stay different).
 */
export function foldText(text: string): string {
  return text.trim().toLowerCase();
}

/** Equality as a marketer means it (see the top of the file). */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string') {
    if (typeof b === 'string') return a === b || foldText(a) === foldText(b);
    if (typeof b === 'number') return a.trim() !== '' && Number(a) === b;
  } else if (typeof a === 'number' && typeof b === 'string') return b.trim() !== '' && Number(b) === a;
  return a === b;
}

/** Whether a known value is present: absent, null and a blank string count as unknown. */
export function isKnown(v: unknown): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
}

/** The list of an in / not_in comparison. */
export const listOf = (c: Pick<Comparison, 'value' | 'values'>): unknown[] => c.values ?? (Array.isArray(c.value) ? c.value : []);

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * parseTime, remembered per text: evaluation compares the same definition dates and the same trait
 * values for every segment of every profile, and parsing was a visible share of it. Bounded: the
 * memo starts over when it holds 10,000 texts.
 */
const times = new Map<string, EpochMs | undefined>();
const time = (v: unknown): EpochMs | undefined => {
  if (typeof v !== 'string') return parseTime(v);
  if (times.has(v)) return times.get(v);
  const t = parseTime(v);
  if (times.size >= 10_000) times.clear();
  times.set(v, t);
  return t;
};

const equalsValue = (actual: unknown, v: unknown) => (Array.isArray(actual) ? actual.some((a) => sameValue(a, v)) : sameValue(actual, v));

/** Whether `actual` satisfies the comparison at time `now`. */
export function compare(actual: unknown, c: Comparison, now: EpochMs): boolean {
  switch (c.op) {
    case 'exists': return isKnown(actual);
    case 'not_exists': return !isKnown(actual);
    case 'equals': return equalsValue(actual, c.value);
    case 'not_equals': return !equalsValue(actual, c.value);
    case 'in': return listOf(c).some((v) => equalsValue(actual, v));
    case 'not_in': return !listOf(c).some((v) => equalsValue(actual, v));
    case 'contains':
      if (typeof actual === 'string' && typeof c.value === 'string') return actual.toLowerCase().includes(c.value.toLowerCase());
      return Array.isArray(actual) && actual.some((a) => sameValue(a, c.value));
    case 'gt': case 'gte': case 'lt': case 'lte': {
      const a = num(actual);
      const b = num(c.value);
      if (a === undefined || b === undefined) return false;
      return c.op === 'gt' ? a > b : c.op === 'gte' ? a >= b : c.op === 'lt' ? a < b : a <= b;
    }
    case 'between': {
      const a = num(actual);
      return a !== undefined && a >= (c.min ?? -Infinity) && a <= (c.max ?? Infinity);
    }
    case 'before': case 'after': {
      const a = time(actual);
      const b = time(c.value);
      if (a === undefined || b === undefined) return false;
      return c.op === 'before' ? a < b : a > b;
    }
    case 'within_last': case 'not_within_last': {
      const a = time(actual);
      const w = parseDuration(c.value);
      if (a === undefined || w === undefined) return false;
      const within = a >= now - w && a <= now;
      return c.op === 'within_last' ? within : !within;
    }
  }
}

/**
 * The next moment after `now` when the comparison's answer for `actual` can change by time alone,
 * or null. Only the relative date comparisons move: a date leaves "within the last 30 days" 30 days
 * after it, and a future date enters it when it is reached.
 */
export function comparisonChangesAt(actual: unknown, c: Comparison, now: EpochMs): EpochMs | null {
  if (c.op !== 'within_last' && c.op !== 'not_within_last') return null;
  const a = time(actual);
  const w = parseDuration(c.value);
  if (a === undefined || w === undefined) return null;
  if (a > now) return a;
  return a + w >= now ? a + w + 1 : null;
}

/** Readable form: `= "CTO"`, `in ("a", "b")`, `between 10 and 20`, `within the last 30 days`. */
export function describeComparison(c: Comparison): string {
  const show = (v: unknown) => JSON.stringify(v);
  switch (c.op) {
    case 'exists': return 'is set';
    case 'not_exists': return 'is not set';
    case 'equals': return `= ${show(c.value)}`;
    case 'not_equals': return `≠ ${show(c.value)}`;
    case 'in': return `in (${listOf(c).map(show).join(', ')})`;
    case 'not_in': return `not in (${listOf(c).map(show).join(', ')})`;
    case 'contains': return `contains ${show(c.value)}`;
    case 'gt': return `> ${show(c.value)}`;
    case 'gte': return `≥ ${show(c.value)}`;
    case 'lt': return `< ${show(c.value)}`;
    case 'lte': return `≤ ${show(c.value)}`;
    case 'between': return `between ${c.min ?? '-∞'} and ${c.max ?? '∞'}`;
    case 'before': return `before ${String(c.value)}`;
    case 'after': return `after ${String(c.value)}`;
    case 'within_last': return `within the last ${describeDuration(String(c.value))}`;
    case 'not_within_last': return `not within the last ${describeDuration(String(c.value))}`;
  }
}
