/**
 * What the analytics rollups are kept by. Every rollup row is one hour (UTC) × one dimension value
 * × the three "slice" columns every row carries — audience (known / anonymous), channel and device
 * class — so that any breakdown can be filtered by those three. A filter on another dimension
 * (page, referrer, UTM, …) reads that dimension's own rows, so it cannot be combined with a
 * breakdown by a different one (rollups are kept per one dimension, not per pair).
 *
 * - `all` (value ''): the site's totals.
 * - visit dimensions: the attributes of the visit, fixed when it opens (its first event) — each of
 *   the visit's page views, its bounce, duration and visible time count under them.
 * - `page`: page views of the page, visible time on it, entries and exits (visits that began or
 *   ended there), bounces of the visits that entered there.
 * - `event`: custom (track) events by name.
 * - `title`, `category`: page views by the page's title and category (labels.ts: bounded values).
 * - `ep:<event>\u0001<property>`: custom events by the value of one property (labels.ts).
 * - `country` (ISO code from the IP, core/events/country.ts), `lifecycle` (the profile's stage) and
 *   `persona` (its assigned persona id) are the visit's too: as they were when the visit opened.
 * No dimension holds an identifier: values are paths, hosts, campaign tags, names, classes and codes.
 */
export const VISIT_DIMENSIONS = ['channel', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'device', 'browser', 'os', 'language', 'country', 'lifecycle', 'persona'] as const;
export type VisitDimension = (typeof VISIT_DIMENSIONS)[number];
export const DIMENSIONS = ['all', 'page', 'event', 'title', 'category', ...VISIT_DIMENSIONS] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/**
 * What a rollup row is kept by: a dimension, a goal's conversions by one (`g:<key>:<dimension>`,
 * goal.ts), or an event property's values (`ep:<event>\u0001<property>`, labels.ts).
 */
export type RollupDim = Dimension | `g:${string}` | `ep:${string}` | `v:${string}`;

/** Columns every row carries, so that every breakdown can be filtered by them. */
export const SLICES = ['audience', 'channel', 'device'] as const;
export type Slice = (typeof SLICES)[number];
export type Audience = 'known' | 'anonymous';

export interface VisitAttributes {
  audience: Audience;
  channel: string;
  referrer: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_content: string;
  utm_term: string;
  device: string;
  browser: string;
  os: string;
  language: string;
  /** Absent on visits opened before these dimensions existed (read as NONE). */
  country?: string;
  lifecycle?: string;
  persona?: string;
}

/** Shown for a dimension the visit does not have (no referrer, no UTM tag, …). */
export const NONE = '(none)';
/** Longest value kept; longer ones are cut (paths with huge slugs would bloat every index). */
export const MAX_VALUE_LENGTH = 300;

export const METRICS = ['pageviews', 'visits', 'bounces', 'durationMs', 'visibleMs', 'entries', 'exits', 'events'] as const;
export type Metric = (typeof METRICS)[number];
export type Metrics = Record<Metric, number>;

export function emptyMetrics(): Metrics {
  return { pageviews: 0, visits: 0, bounces: 0, durationMs: 0, visibleMs: 0, entries: 0, exits: 0, events: 0 };
}

export function clip(value: string): string {
  return value.length > MAX_VALUE_LENGTH ? value.slice(0, MAX_VALUE_LENGTH) : value;
}

/** A rollup row's key within an hour: the dimension and its value. */
export type Cell = readonly [RollupDim, string];
