/**
 * How a person's experiment state (unit-state.ts) changes with their events, and what each change adds to the
 * aggregates (aggregates.ts). The ingest step and the recompute run these same functions, in event order, so the
 * two cannot disagree.
 *
 * - Exposure: the first `Experiment Viewed` event with `experiment_id` = the key and a `variation_id` of the
 *   experiment starts the unit in that arm at the event's time: one unit more in the arm (every metric starts at
 *   0), with the CUPED covariate computed from the unit's events of the `cupedDays` before.
 * - A later exposure to another arm, or a merge of two people in different arms, contaminates the unit: its
 *   contributions are taken out and it is counted as contaminated instead (left out of the analysis).
 * - A merge of two people in the same arm keeps one unit: the earlier exposure, values added (conversion: either).
 * - Events of a metric within its window after the exposure change the unit's value; the aggregates get the
 *   difference.
 */
import type { TrackedEvent } from '../events/event.js';
import type { Behaviour } from '../profiles/behaviour.js';
import type { EpochMs } from '../time.js';
import { AggregateDeltas, UNITS, contribution, emptySums, type AggregateSlot } from './aggregates.js';
import { applyEvent, counterBaseline, inWindow, readsCounters, withCounters, ZERO, type Metric, type MetricValue } from './metric.js';
import type { ExperimentPlan } from './plans.js';
import { bucketMetricId, bucketOf } from './quantile-sketch.js';
import type { ExperimentUnit } from './unit-state.js';

export const EXPOSURE_EVENT = 'Experiment Viewed';

const DAY_MS = 86_400_000;

/** The variation index an event exposes to in this experiment, or null. */
export function exposureOf(plan: ExperimentPlan, event: TrackedEvent): number | null {
  if (event.type !== 'track' || event.name !== EXPOSURE_EVENT || event.properties.experiment_id !== plan.key) return null;
  const id = event.properties.variation_id;
  const index = typeof id === 'string' ? plan.variationIds.indexOf(id) : -1;
  return index >= 0 ? index : null;
}

const key = (plan: ExperimentPlan, variation: number, metricId: string, at: EpochMs): AggregateSlot => ({ experimentKey: plan.key, generation: plan.generation, variation, metricId, at });

/** Quantile metrics: the unit counts `sign` in the histogram bucket of its value (quantile-sketch.ts). */
function countInBucket(options: { plan: ExperimentPlan; metric: Metric; variation: number; value: number; at: EpochMs; deltas: AggregateDeltas; sign: number }): void {
  const { plan, metric, variation, value, at, deltas, sign } = options;
  if (metric.kind !== 'quantile') return;
  deltas.addAt(key(plan, variation, bucketMetricId(metric.id, bucketOf(value)), at), { ...emptySums(), units: 1 }, sign);
}

/**
 * The covariate of each (non-ratio) metric: its value over [at − cupedDays, at) from the given events (any order),
 * zeros left out; undefined when CUPED is off.
 */
export function preExposureValues(plan: ExperimentPlan, events: readonly TrackedEvent[], at: EpochMs): Record<string, number> | undefined {
  if (plan.cupedDays <= 0) return undefined;
  const from = at - plan.cupedDays * DAY_MS;
  const out: Record<string, number> = {};
  for (const metric of plan.metrics) {
    if (metric.kind === 'ratio') continue;
    let value: MetricValue = ZERO;
    for (const e of events) if (e.timestamp >= from && e.timestamp < at) value = applyEvent(metric, value, e);
    if (value[0] !== 0) out[metric.id] = value[0];
  }
  return out;
}

export function startUnit(options: { plan: ExperimentPlan; variation: number; at: EpochMs; pre: Record<string, number> | undefined; behaviour: Behaviour; deltas: AggregateDeltas }): ExperimentUnit {
  const { plan, variation, at, pre, behaviour, deltas } = options;
  const unit: ExperimentUnit = { v: variation, at, g: plan.generation, m: {} };
  if (pre) unit.p = pre;
  deltas.addAt(key(plan, variation, UNITS, at), { ...emptySums(), units: 1 });
  // Values start at 0, which is not stored (`m[id] ?? ZERO`): most people never convert, and the state is saved
  // with every profile write.
  for (const metric of plan.metrics) {
    if (readsCounters(metric)) (unit.b ??= {})[metric.id] = counterBaseline(metric, behaviour);
    deltas.addAt(key(plan, variation, metric.id, at), contribution(ZERO, pre?.[metric.id] ?? 0));
    countInBucket({ plan, metric, variation, value: 0, at, deltas, sign: 1 });
  }
  return unit;
}

/** Takes the unit's contributions out (or puts them back: sign 1) of the aggregates, on the day of `at`. */
function shift(plan: ExperimentPlan, unit: ExperimentUnit, at: EpochMs, deltas: AggregateDeltas, sign: number): void {
  deltas.addAt(key(plan, unit.v, UNITS, at), { ...emptySums(), units: 1 }, sign);
  for (const metric of plan.metrics) {
    const value = unit.m[metric.id] ?? ZERO;
    deltas.addAt(key(plan, unit.v, metric.id, at), contribution(value, unit.p?.[metric.id] ?? 0), sign);
    countInBucket({ plan, metric, variation: unit.v, value: value[0], at, deltas, sign });
  }
}

/** Marks a clean unit contaminated: out of the analysis, counted as contaminated. */
export function contaminate(plan: ExperimentPlan, unit: ExperimentUnit, at: EpochMs, deltas: AggregateDeltas): void {
  if (unit.x) return;
  shift(plan, unit, at, deltas, -1);
  deltas.addAt(key(plan, unit.v, UNITS, at), { ...emptySums(), sum: 1 });
  unit.x = true;
  unit.m = {};
  delete unit.b;
  delete unit.p;
}

/** The event's effect on a clean unit of the current generation (exposures are handled by the caller). */
export function updateUnit(plan: ExperimentPlan, unit: ExperimentUnit, event: TrackedEvent, deltas: AggregateDeltas): void {
  if (unit.x || unit.g !== plan.generation) return;
  // Only the metrics that read this event (metrics read track events only).
  const metrics = plan.byEvent ? (event.type === 'track' && event.name !== null ? plan.byEvent.get(event.name) : undefined) : plan.metrics;
  if (!metrics) return;
  for (const metric of metrics) {
    if (!inWindow(metric, unit.at, event.timestamp)) continue;
    const before = unit.m[metric.id] ?? ZERO;
    const after = applyEvent(metric, before, event);
    if (after === before) continue;
    unit.m[metric.id] = after;
    deltas.changeAt(key(plan, unit.v, metric.id, event.timestamp), before, after, unit.p?.[metric.id] ?? 0);
    if (metric.kind === 'quantile') {
      countInBucket({ plan, metric, variation: unit.v, value: before[0], at: event.timestamp, deltas, sign: -1 });
      countInBucket({ plan, metric, variation: unit.v, value: after[0], at: event.timestamp, deltas, sign: 1 });
    }
  }
}

/** Metrics that read behaviour counters: the change since exposure, while `at` is in their window. */
export function updateCounters(plan: ExperimentPlan, unit: ExperimentUnit, behaviour: Behaviour, at: EpochMs, deltas: AggregateDeltas): void {
  if (unit.x || unit.g !== plan.generation) return;
  for (const metric of plan.metrics) {
    if (!readsCounters(metric) || !inWindow(metric, unit.at, at)) continue;
    const before = unit.m[metric.id] ?? ZERO;
    const after = withCounters(metric, before, behaviour, unit.b?.[metric.id] ?? ZERO);
    if (after[0] === before[0] && after[1] === before[1]) continue;
    unit.m[metric.id] = after;
    deltas.changeAt(key(plan, unit.v, metric.id, at), before, after, 0);
  }
}

/**
 * A merge: `merged` (the merged-away person's unit) joins `survivor` (the survivor's, or undefined). Answers the
 * survivor's unit after the merge. Units of another generation than the plan's are kept as they are (a recompute
 * redoes them).
 */
export function mergeUnits(plan: ExperimentPlan, survivor: ExperimentUnit | undefined, merged: ExperimentUnit, at: EpochMs, deltas: AggregateDeltas): ExperimentUnit {
  if (!survivor) return merged;
  if (survivor.g !== plan.generation || merged.g !== plan.generation) return survivor.g === plan.generation ? survivor : merged;
  if (survivor.x || merged.x || survivor.v !== merged.v) {
    // Two people, now one, who saw different arms (or one already contaminated): one contaminated unit, in the
    // survivor's arm.
    if (merged.x) deltas.addAt(key(plan, merged.v, UNITS, at), { ...emptySums(), sum: 1 }, -1);
    else shift(plan, merged, at, deltas, -1);
    contaminate(plan, survivor, at, deltas);
    return survivor;
  }
  // One person in one arm, counted twice until now: one unit, from the earlier exposure, values combined.
  shift(plan, merged, at, deltas, -1);
  shift(plan, survivor, at, deltas, -1);
  const combined: ExperimentUnit = { v: survivor.v, at: Math.min(survivor.at, merged.at), g: survivor.g, m: {} };
  for (const metric of plan.metrics) {
    const a = survivor.m[metric.id] ?? ZERO;
    const b = merged.m[metric.id] ?? ZERO;
    combined.m[metric.id] = metric.kind === 'conversion' ? [Math.max(a[0], b[0]), 0] : [a[0] + b[0], a[1] + b[1]];
  }
  const first = survivor.at <= merged.at ? survivor : merged;
  if (first.p) combined.p = first.p;
  if (first.b) combined.b = first.b;
  shift(plan, combined, at, deltas, 1);
  return combined;
}

/**
 * A person's unit rebuilt from all their events (timestamp order), as the recompute does: the same steps as
 * ingest, in event order. Metrics on behaviour counters start from the counters as they are now (their history
 * is not in the events), so they count from the recompute on.
 */
export function replayUnit(plan: ExperimentPlan, events: readonly TrackedEvent[], behaviour: Behaviour, deltas: AggregateDeltas): ExperimentUnit | undefined {
  let unit: ExperimentUnit | undefined;
  for (const event of events) {
    const variation = exposureOf(plan, event);
    if (variation === null) {
      if (unit) updateUnit(plan, unit, event, deltas);
      continue;
    }
    if (!unit) {
      const pre = preExposureValues(plan, events, event.timestamp);
      unit = startUnit({ plan, variation, at: event.timestamp, pre, behaviour, deltas });
    } else if (unit.v !== variation) contaminate(plan, unit, event.timestamp, deltas);
  }
  return unit;
}
