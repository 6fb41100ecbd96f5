/**
 * The sufficient statistics of an experiment, kept incrementally at ingest per experiment × metrics generation ×
 * variation × metric × day (the day of the event that changed them, UTC):
 *   units, Σy, Σy², Σd, Σd², Σy·d, Σx, Σx², Σy·x
 * where y is a unit's metric value (the numerator of a ratio), d the denominator of a ratio metric, x the unit's
 * pre-exposure value of the metric (the CUPED covariate). Each is a sum over units, so a change of one unit's
 * value from (y, d) to (y', d') adds y' − y to Σy, y'² − y² to Σy², y'd' − yd to Σyd …; and the sum of the rows of
 * days up to D is exactly the state at the end of day D, which gives the cumulative daily series for free.
 *
 * The row of metric `UNITS` counts units per variation: `units` clean ones, `sum` contaminated ones.
 * Rows are anonymous sums; a person's erasure leaves their contribution (a recompute drops it).
 */
import type { MetricValue } from './metric.js';

export const UNITS = '$units';

export interface AggregateSums {
  units: number;
  sum: number;
  sumSq: number;
  den: number;
  denSq: number;
  cross: number;
  pre: number;
  preSq: number;
  preCross: number;
}

export interface AggregateKey {
  experimentKey: string;
  generation: number;
  variation: number;
  metricId: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
}

export interface AggregateRow extends AggregateKey, AggregateSums {}

export const emptySums = (): AggregateSums => ({ units: 0, sum: 0, sumSq: 0, den: 0, denSq: 0, cross: 0, pre: 0, preSq: 0, preCross: 0 });

/** One unit's contribution with its value and covariate (`units`: 1). */
export function contribution(value: MetricValue, pre: number): AggregateSums {
  const [y, d] = value;
  return { units: 1, sum: y, sumSq: y * y, den: d, denSq: d * d, cross: y * d, pre, preSq: pre * pre, preCross: y * pre };
}

export function addSums(into: AggregateSums, add: AggregateSums, sign = 1): AggregateSums {
  into.units += sign * add.units; into.sum += sign * add.sum; into.sumSq += sign * add.sumSq;
  into.den += sign * add.den; into.denSq += sign * add.denSq; into.cross += sign * add.cross;
  into.pre += sign * add.pre; into.preSq += sign * add.preSq; into.preCross += sign * add.preCross;
  return into;
}

const DAY_MS = 86_400_000;
const dayNames = new Map<number, string>();
/** YYYY-MM-DD (UTC) of a time; the names of days seen are kept (ingest asks for the same few days over and over). */
export function dayOf(at: number): string {
  const day = Math.floor(at / DAY_MS);
  let name = dayNames.get(day);
  if (name === undefined) {
    name = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size > 100_000) dayNames.clear();
    dayNames.set(day, name);
  }
  return name;
}

/** Where a delta goes: an aggregate key with the event's time instead of its day (the day is named once per row). */
export interface AggregateSlot {
  experimentKey: string;
  generation: number;
  variation: number;
  metricId: string;
  at: number;
}

/**
 * Collects the deltas of one batch, one row per key, for one write. Rows are found through nested maps
 * (experiment → generation → metric → day → variation) rather than one map of joined key strings: ingest looks a
 * row up for every metric an event changes, and building that string was the step's largest cost
 * (bench:experiments' CPU profile).
 */
export class AggregateDeltas {
  private readonly rows = new Map<string, Map<number, Map<string, Map<string, Map<number, AggregateRow>>>>>();
  private readonly all: AggregateRow[] = [];

  add(key: AggregateKey, sums: AggregateSums, sign = 1): void {
    addSums(this.row(key.experimentKey, key.generation, key.variation, key.metricId, key.day), sums, sign);
  }

  /** `add` at the day of `slot.at`. */
  addAt(slot: AggregateSlot, sums: AggregateSums, sign = 1): void {
    addSums(this.row(slot.experimentKey, slot.generation, slot.variation, slot.metricId, dayOf(slot.at)), sums, sign);
  }

  /** The unit's value changed from `before` to `after` (covariate `pre` unchanged): the difference only. */
  change(key: AggregateKey, before: MetricValue, after: MetricValue, pre: number): void {
    changeRow(this.row(key.experimentKey, key.generation, key.variation, key.metricId, key.day), before, after, pre);
  }

  /** `change` at the day of `slot.at`. */
  changeAt(slot: AggregateSlot, before: MetricValue, after: MetricValue, pre: number): void {
    changeRow(this.row(slot.experimentKey, slot.generation, slot.variation, slot.metricId, dayOf(slot.at)), before, after, pre);
  }

  private row(experimentKey: string, generation: number, variation: number, metricId: string, day: string): AggregateRow {
    let generations = this.rows.get(experimentKey);
    if (!generations) { generations = new Map(); this.rows.set(experimentKey, generations); }
    let metrics = generations.get(generation);
    if (!metrics) { metrics = new Map(); generations.set(generation, metrics); }
    let days = metrics.get(metricId);
    if (!days) { days = new Map(); metrics.set(metricId, days); }
    let variations = days.get(day);
    if (!variations) { variations = new Map(); days.set(day, variations); }
    let row = variations.get(variation);
    if (!row) {
      row = { experimentKey, generation, variation, metricId, day, ...emptySums() };
      variations.set(variation, row);
      this.all.push(row);
    }
    return row;
  }

  get list(): AggregateRow[] {
    return [...this.all];
  }
}

function changeRow(row: AggregateRow, before: MetricValue, after: MetricValue, pre: number): void {
  const [y0, d0] = before;
  const [y1, d1] = after;
  row.sum += y1 - y0; row.sumSq += y1 * y1 - y0 * y0;
  row.den += d1 - d0; row.denSq += d1 * d1 - d0 * d0; row.cross += y1 * d1 - y0 * d0;
  row.preCross += (y1 - y0) * pre;
}

/** Rows summed per (variation, metric), over days up to `until` (inclusive; all without it). */
export function totals(rows: readonly AggregateRow[], until?: string): Map<string, AggregateSums> {
  const out = new Map<string, AggregateSums>();
  for (const r of rows) {
    if (until !== undefined && r.day > until) continue;
    const id = `${r.variation}\u0000${r.metricId}`;
    let t = out.get(id);
    if (!t) { t = emptySums(); out.set(id, t); }
    addSums(t, r);
  }
  return out;
}

export const totalsKey = (variation: number, metricId: string): string => `${variation}\u0000${metricId}`;
