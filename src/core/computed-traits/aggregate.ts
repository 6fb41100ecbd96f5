/**
 * Incremental aggregation for computed traits. Each trait keeps a small state per profile, updated
 * per matching event; its value is read at a moment `now` (windows move with time).
 *
 * Windows are kept as time buckets: an hour wide for windows up to two days, a day wide above.
 * A bucket counts while its end lies inside the window, so a window is exact to one bucket (an
 * event may count up to one bucket longer than the window says, never shorter). Without a window
 * there is one bucket for all time. Value counts for most_frequent and distinct_count keep at most
 * MAX_VALUES distinct values per bucket (the rest are counted under "(other)" and not as distinct).
 */
import { DAY_MS, parseDuration } from '../segments/duration.js';
import { eventProperty } from '../segments/event-match.js';
import type { TrackedEvent } from '../events/event.js';
import type { EpochMs } from '../time.js';
import type { ComputedTraitDefinition } from './computed-trait.js';

const HOUR_MS = 3_600_000;
export const MAX_VALUES = 200;
const OTHER = '(other)';

/**
 * One time bucket. The state is written with the profile on every matching event, so it holds only
 * what its aggregate reads: the numeric fields for sum / average / min / max (absent: none seen),
 * value counts for most_frequent / distinct_count.
 */
export interface Bucket {
  /** Bucket start (0 for the all-time bucket). */
  t: EpochMs;
  n: number;
  sum?: number;
  /** Numeric values seen (sum/min/max/average skip non-numbers). */
  nums?: number;
  min?: number | null;
  max?: number | null;
  /** Value (as JSON text) → count, for most_frequent and distinct_count. */
  values?: Record<string, number>;
}

export interface AggregateState {
  buckets: Bucket[];
  /** Kept for first / last / days_since_last only (absent for the other aggregates). */
  first?: { at: EpochMs; value: unknown } | null;
  last?: { at: EpochMs; value: unknown } | null;
}

const NUMERIC = new Set<ComputedTraitDefinition['aggregate']>(['sum', 'average', 'min', 'max']);
const ENDS = new Set<ComputedTraitDefinition['aggregate']>(['first', 'last', 'days_since_last']);

export interface ComputedTraitValue {
  value: unknown;
  state: AggregateState;
}

export function emptyAggregate(): AggregateState {
  return { buckets: [] };
}

export function bucketWidth(def: Pick<ComputedTraitDefinition, 'within'>): number {
  const w = def.within ? parseDuration(def.within) : undefined;
  if (w === undefined) return 0;
  return w <= 2 * DAY_MS ? HOUR_MS : DAY_MS;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Folds one matching event into the state (mutates it). */
export function addToAggregate(def: ComputedTraitDefinition, state: AggregateState, at: EpochMs, e: TrackedEvent): void {
  const raw = def.property ? eventProperty(e, def.property) : undefined;
  if (def.property && (raw === undefined || raw === null) && def.aggregate !== 'count' && def.aggregate !== 'days_since_last') return;
  if (ENDS.has(def.aggregate)) {
    if (!state.first || at < state.first.at) state.first = { at, value: raw ?? null };
    if (!state.last || at >= state.last.at) state.last = { at, value: raw ?? null };
  }
  const width = bucketWidth(def);
  const start = width === 0 ? 0 : at - (at % width);
  let bucket = state.buckets.find((b) => b.t === start);
  if (!bucket) {
    bucket = { t: start, n: 0 };
    state.buckets.push(bucket);
    state.buckets.sort((a, b) => a.t - b.t);
  }
  bucket.n++;
  const n = NUMERIC.has(def.aggregate) ? num(raw) : undefined;
  if (n !== undefined) {
    bucket.nums = (bucket.nums ?? 0) + 1;
    bucket.sum = (bucket.sum ?? 0) + n;
    bucket.min = bucket.min === undefined || bucket.min === null ? n : Math.min(bucket.min, n);
    bucket.max = bucket.max === undefined || bucket.max === null ? n : Math.max(bucket.max, n);
  }
  if (def.aggregate === 'most_frequent' || def.aggregate === 'distinct_count') {
    const values = (bucket.values ??= {});
    let key = JSON.stringify(raw);
    if (!Object.hasOwn(values, key) && Object.keys(values).length >= MAX_VALUES) key = OTHER;
    values[key] = (values[key] ?? 0) + 1;
  }
}

/** Drops buckets that can never count again at or after `now` (mutates the state). */
export function pruneAggregate(def: ComputedTraitDefinition, state: AggregateState, now: EpochMs): void {
  const from = windowStart(def, now);
  if (from === null) return;
  const width = bucketWidth(def);
  // Buckets are kept in time order: when the oldest still counts, they all do.
  const oldest = state.buckets[0];
  if (oldest !== undefined && oldest.t + width <= from) state.buckets = state.buckets.filter((b) => b.t + width > from);
}

function windowStart(def: ComputedTraitDefinition, now: EpochMs): EpochMs | null {
  const w = def.within ? parseDuration(def.within) : undefined;
  return w === undefined ? null : now - w;
}

/** The trait's value at `now` (null when no event counts). */
export function aggregateValue(def: ComputedTraitDefinition, state: AggregateState, now: EpochMs): unknown {
  const from = windowStart(def, now);
  const width = bucketWidth(def);
  const live = from === null || (state.buckets[0]?.t ?? Infinity) + width > from ? state.buckets : state.buckets.filter((b) => b.t + width > from);
  let n = 0;
  let nums = 0;
  let sum = 0;
  for (const b of live) { n += b.n; nums += b.nums ?? 0; sum += b.sum ?? 0; }
  switch (def.aggregate) {
    case 'count': return n;
    case 'sum': return round(sum);
    case 'average': return nums === 0 ? null : round(sum / nums);
    case 'min': return extreme(live, 'min');
    case 'max': return extreme(live, 'max');
    case 'first': return state.first?.value ?? null;
    case 'last': return state.last && (from === null || state.last.at >= from) ? state.last.value : null;
    case 'days_since_last': return state.last ? Math.max(0, Math.floor((now - state.last.at) / DAY_MS)) : null;
    case 'most_frequent': case 'distinct_count': {
      const counts = new Map<string, number>();
      for (const b of live) {
        const values = b.values;
        if (values) for (const k in values) if (k !== OTHER) counts.set(k, (counts.get(k) ?? 0) + values[k]!);
      }
      if (def.aggregate === 'distinct_count') return counts.size;
      let best: string | null = null;
      let bestCount = 0;
      // Ties go to the value that sorts first, so the answer does not depend on arrival order.
      for (const [k, c] of counts) if (best === null || c > bestCount || (c === bestCount && k < best)) { best = k; bestCount = c; }
      return best === null ? null : JSON.parse(best);
    }
  }
}

function extreme(buckets: Bucket[], which: 'min' | 'max'): number | null {
  let found: number | null = null;
  for (const b of buckets) {
    const v = b[which];
    if (v !== undefined && v !== null && (found === null || (which === 'min' ? v < found : v > found))) found = v;
  }
  return found;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

/** The next moment after `now` when the value can change by time alone, or null. */
export function aggregateChangesAt(def: ComputedTraitDefinition, state: AggregateState, now: EpochMs): EpochMs | null {
  if (def.aggregate === 'days_since_last') {
    if (!state.last) return null;
    const days = Math.floor((now - state.last.at) / DAY_MS);
    return state.last.at + (Math.max(0, days) + 1) * DAY_MS;
  }
  const w = def.within ? parseDuration(def.within) : undefined;
  if (w === undefined) return null;
  const width = bucketWidth(def);
  if (def.aggregate === 'last') return state.last && state.last.at + w >= now ? state.last.at + w + 1 : null;
  let next: EpochMs | null = null;
  for (const b of state.buckets) {
    const leaves = b.t + width + w;
    if (leaves > now && (next === null || leaves < next)) next = leaves;
  }
  return next;
}
