/**
 * Metrics of an experiment (issue 16 §2) and how one event changes a unit's value of a metric.
 *
 * Every metric is measured per unit (person) from its first exposure (`Experiment Viewed`) to the end of the
 * metric's window, from events Tessera already stores:
 * - `conversion`: 1 when the unit did the event (with the property filters) in the window, else 0;
 * - `count`: how many such events;
 * - `sum`: the sum of a numeric property of those events (revenue: `valueProperty: "revenue"`);
 * - `duration`: visible time on page in seconds, the sum of `visibleMs` / 1000 of the tracker's `Page Left`
 *   events by default (web/tracker/src/visible-time.ts) — dwell time per person;
 * - `ratio`: Σ numerator / Σ denominator over units, each side a count or sum of events (click-through:
 *   `Slot Clicked` / `Slot Viewed`), or a session counter of the profile's behaviour (bounce rate:
 *   `bounces` / `sessions`, core/profiles/behaviour.ts), analysed with the delta method (statistics/ratio.ts);
 * - `quantile`: a quantile (`quantile: 0.5`, the median) of the units' values, each unit's value summed like a
 *   `duration` (the default), `sum` or `count` metric (`of`); kept as a histogram per arm (quantile-sketch.ts) and
 *   compared by the difference of quantiles (statistics/quantile-difference.ts).
 *
 * A unit's value is a pair [numerator, denominator] (the denominator is 0 and unused for non-ratio metrics), so
 * that aggregates can keep Σ, Σ², and Σ of the cross product (core/experiments/aggregates.ts).
 */
import type { TrackedEvent } from '../events/event.js';
import type { Behaviour } from '../profiles/behaviour.js';
import type { EpochMs } from '../time.js';

export const METRIC_KINDS = ['conversion', 'count', 'sum', 'duration', 'ratio', 'quantile'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/** Counters of a profile's behaviour a ratio side may read: the change since the unit's first exposure. */
export const BEHAVIOUR_COUNTERS = ['sessions', 'bounces'] as const;
export type BehaviourCounter = (typeof BEHAVIOUR_COUNTERS)[number];

/** Where a value comes from: events (counted, or a numeric property summed) or a behaviour counter. */
export type ValueSource =
  | { event: string; properties: Record<string, string>; valueProperty: string | null; scale: number }
  | { counter: BehaviourCounter };

export interface Metric {
  /** Stable id within the experiment (`conversion`, `revenue`, `bounce-rate`). */
  id: string;
  name: string;
  kind: MetricKind;
  numerator: ValueSource;
  /** Ratio metrics only. */
  denominator: ValueSource | null;
  /** Events count from the first exposure until this many hours after it. */
  windowHours: number;
  /** A guardrail: flagged in the results when the treatment makes it significantly worse. */
  guardrail: boolean;
  /** False for metrics where less is better (bounce rate, unsubscribes). */
  higherIsBetter: boolean;
  /** Quantile metrics only: which quantile (0 < q < 1; 0.5 the median). */
  quantile?: number;
  /** Quantile metrics only: how a unit's value is summed (a `duration`, `sum` or `count` of the numerator's events). */
  of?: QuantileOf;
}

export const QUANTILE_OF = ['duration', 'sum', 'count'] as const;
export type QuantileOf = (typeof QUANTILE_OF)[number];

export const DEFAULT_DURATION_EVENT = 'Page Left';
export const DEFAULT_DURATION_PROPERTY = 'visibleMs';

/** A unit's value of one metric: [numerator, denominator]. */
export type MetricValue = [number, number];
export const ZERO: MetricValue = [0, 0];

function propertiesMatch(filter: Record<string, string>, event: TrackedEvent): boolean {
  for (const name in filter) if (event.properties[name] !== filter[name]) return false;
  return true;
}

/** What one event adds to a source (0 when it does not match or the property is not a finite number). */
export function eventContribution(source: ValueSource, event: TrackedEvent): number {
  if ('counter' in source) return 0;
  if (event.type !== 'track' || event.name !== source.event || !propertiesMatch(source.properties, event)) return 0;
  if (source.valueProperty === null) return 1;
  const v = event.properties[source.valueProperty];
  return typeof v === 'number' && Number.isFinite(v) ? v * source.scale : 0;
}

/** Whether a metric reads this event at all (cheap pre-filter for ingest). */
export function metricReadsEvent(metric: Metric, event: TrackedEvent): boolean {
  return eventContribution(metric.numerator, event) !== 0 || (metric.denominator !== null && eventContribution(metric.denominator, event) !== 0);
}

export function counterValue(behaviour: Behaviour, counter: BehaviourCounter): number {
  return counter === 'sessions' ? behaviour.sessions.count : behaviour.sessions.bounces;
}

export const inWindow = (metric: Metric, exposedAt: EpochMs, at: EpochMs): boolean => at >= exposedAt && at < exposedAt + metric.windowHours * 3_600_000;

/**
 * The value after one event (events before the exposure or after the window change nothing). Conversion is
 * capped at 1. Behaviour counters are not read here (see `withCounters`).
 */
export function applyEvent(metric: Metric, value: MetricValue, event: TrackedEvent): MetricValue {
  const n = eventContribution(metric.numerator, event);
  const d = metric.denominator ? eventContribution(metric.denominator, event) : 0;
  if (n === 0 && d === 0) return value;
  if (metric.kind === 'conversion') return [n !== 0 || value[0] === 1 ? 1 : 0, 0];
  return [value[0] + n, value[1] + d];
}

/**
 * The value of sides that read a behaviour counter: the counter now minus its value at the first exposure
 * (`baseline`). Sides that read events are left as they are.
 */
export function withCounters(metric: Metric, value: MetricValue, behaviour: Behaviour, baseline: MetricValue): MetricValue {
  const n = 'counter' in metric.numerator ? counterValue(behaviour, metric.numerator.counter) - baseline[0] : value[0];
  const d = metric.denominator && 'counter' in metric.denominator ? counterValue(behaviour, metric.denominator.counter) - baseline[1] : value[1];
  return [n, d];
}

/** The counters at exposure, for `withCounters` ([0, 0] when the metric reads no counter). */
export function counterBaseline(metric: Metric, behaviour: Behaviour): MetricValue {
  return [
    'counter' in metric.numerator ? counterValue(behaviour, metric.numerator.counter) : 0,
    metric.denominator && 'counter' in metric.denominator ? counterValue(behaviour, metric.denominator.counter) : 0,
  ];
}

export const readsCounters = (metric: Metric): boolean => 'counter' in metric.numerator || (metric.denominator !== null && 'counter' in metric.denominator);

/** The conversion metric the legacy single `goal` of an experiment stands for (backward compatible). */
export function goalMetric(goal: { event: string; properties: Record<string, string>; windowHours: number }): Metric {
  return {
    id: 'goal', name: goal.event, kind: 'conversion',
    numerator: { event: goal.event, properties: goal.properties, valueProperty: null, scale: 1 },
    denominator: null, windowHours: goal.windowHours, guardrail: false, higherIsBetter: true,
  };
}
