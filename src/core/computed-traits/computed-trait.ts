/**
 * Computed traits: per-workspace declarative values derived from a person's events and kept up to
 * date incrementally on every event (aggregate.ts), e.g. "purchases in the last 90 days" (count of
 * Order Completed within 90d), "favourite content category" (most frequent `category` of page views),
 * "days since last login". Segment conditions can compare them (`{"computed": {...}}`).
 * Machine-generated events (bots, mail scanners; core/events/machine-event.ts) never count, for
 * computed traits as for segment event conditions: both describe what the person did.
 */
import type { EventSpec } from '../segments/condition.js';

export const AGGREGATES = ['count', 'sum', 'min', 'max', 'average', 'first', 'last', 'most_frequent', 'distinct_count', 'days_since_last'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/** Aggregates that need `property`. */
export const NEEDS_PROPERTY: ReadonlySet<Aggregate> = new Set(['sum', 'min', 'max', 'average', 'first', 'last', 'most_frequent', 'distinct_count']);
/** Aggregates that take a `within` window. */
export const WINDOWED: ReadonlySet<Aggregate> = new Set(['count', 'sum', 'min', 'max', 'average', 'last', 'most_frequent', 'distinct_count']);

export interface ComputedTraitDefinition {
  /** Stable key, used in conditions and shown on profiles: lower case letters, digits, `_`. */
  key: string;
  name: string;
  description?: string;
  event: EventSpec;
  aggregate: Aggregate;
  /** The event property aggregated (dots reach into objects). */
  property?: string;
  /** Only events in this window before now count ("90d"). */
  within?: string;
}

export const COMPUTED_KEY = /^[a-z][a-z0-9_]{0,63}$/;
