/**
 * Reading an analytics request's parameters (from, to, timezone, compare, filters, dimension,
 * interval, limit) into a query the service answers; every failing parameter is named.
 *
 * Filters: `audience` (known | anonymous), `channel` and `device` are columns of every rollup row
 * and combine with anything. The other dimensions (page, referrer, utm_*, browser, os, language,
 * event) can filter only their own rows: at most one of them, and with a breakdown only by the
 * same dimension (rollups are kept per dimension, not per pair of dimensions).
 *
 * Event properties (core/analytics/labels.ts): `event` + `property` choose one event's property,
 * whose values `dimension=event_property` breaks down; `property_value` then filters its rows (the
 * row clicked), and `event` is no filter of its own.
 */
import type { FieldIssue } from '../core/errors.js';
import type { Dimension, RollupDim, Slice } from '../core/analytics/dimensions.js';
import { eventPropertyDimension } from '../core/analytics/labels.js';
import { hourRange, INTERVALS, isTimeZone, MAX_RANGE_DAYS, parseBound, rangeDays, type HourRange, type Interval } from '../core/analytics/periods.js';

export const BREAKDOWNS = ['page', 'entry', 'exit', 'title', 'category', 'event', 'event_property', 'channel', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'device', 'browser', 'os', 'language', 'country', 'lifecycle', 'persona'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];
/** Filters on a dimension's own rows (see above). */
export const ROW_FILTERS = ['page', 'title', 'category', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'browser', 'os', 'language', 'event', 'country', 'lifecycle', 'persona'] as const;
export const SLICE_FILTERS = ['audience', 'channel', 'device'] as const;
export const MAX_BREAKDOWN_LIMIT = 1000;
/** Most points a time series answers (an hourly series of 83 days). */
export const MAX_POINTS = 2000;
const DAY_MS = 86_400_000;

export interface AnalyticsQuery {
  workspaceId: string;
  timezone: string;
  range: HourRange;
  /** The range as asked, for the answer. */
  from: string;
  to: string;
  compare: boolean;
  slices: Partial<Record<Slice, string>>;
  /** The one row filter, if any; `echo`: its parameters as given, for the answer's `filters`. */
  rowFilter: { dim: RollupDim; value: string; echo: Record<string, string> } | null;
  /** The event property chosen by `event` + `property`, if any (its values: `dimension=event_property`). */
  eventProperty: { event: string; property: string } | null;
}

/** The parameters choosing an event property and filtering by its value. */
export const PROPERTY_PARAMS = ['property', 'property_value'] as const;

export type RawParams = Record<string, unknown>;

export function parseQuery(workspaceId: string, params: RawParams, now: number, issues: FieldIssue[]): AnalyticsQuery {
  const tz = typeof params.timezone === 'string' ? params.timezone : 'UTC';
  const timezone = isTimeZone(tz) ? tz : 'UTC';
  if (!isTimeZone(tz)) issues.push({ field: 'timezone', reason: 'must be an IANA time zone such as Europe/Berlin, or UTC' });
  const today = new Date(now).toISOString().slice(0, 10);
  const toText = typeof params.to === 'string' ? params.to : today;
  const fromText = typeof params.from === 'string' ? params.from : new Date(Date.parse(toText) - 29 * DAY_MS || now - 29 * DAY_MS).toISOString().slice(0, 10);
  const from = parseBound(fromText, timezone, false);
  const to = parseBound(toText, timezone, true);
  if (from === null) issues.push({ field: 'from', reason: 'must be a date (YYYY-MM-DD) or an instant with its offset (2026-12-01T08:00:00Z)' });
  if (to === null) issues.push({ field: 'to', reason: 'must be a date (YYYY-MM-DD, included) or an instant with its offset (excluded)' });
  let range: HourRange = { fromHour: 0, toHour: 0 };
  if (from !== null && to !== null) {
    range = hourRange(from, to);
    if (range.toHour <= range.fromHour) issues.push({ field: 'to', reason: 'must be after from' });
    else if (rangeDays(range) > MAX_RANGE_DAYS) issues.push({ field: 'from', reason: `the range is longer than ${MAX_RANGE_DAYS} days` });
  }
  const compareText = params.compare ?? 'none';
  if (compareText !== 'none' && compareText !== 'previous') issues.push({ field: 'compare', reason: 'must be previous or none' });
  const slices: Partial<Record<Slice, string>> = {};
  for (const slice of SLICE_FILTERS) {
    const value = params[slice];
    if (typeof value === 'string') slices[slice] = value;
  }
  if (slices.audience !== undefined && slices.audience !== 'known' && slices.audience !== 'anonymous') issues.push({ field: 'audience', reason: 'must be known or anonymous' });
  const eventProperty = parseEventProperty(params, issues);
  const rows: string[] = ROW_FILTERS.filter((f) => typeof params[f] === 'string' && !(f === 'event' && eventProperty !== null));
  if (eventProperty !== null && typeof params.property_value === 'string') rows.push('property_value');
  if (rows.length > 1) for (const f of rows.slice(1)) issues.push({ field: f, reason: `only one of ${[...ROW_FILTERS, 'property_value'].join(', ')} can filter at a time (with ${rows[0]}); audience, channel and device combine with any` });
  let rowFilter: AnalyticsQuery['rowFilter'] = null;
  if (rows[0] === 'property_value') {
    const value = params.property_value as string;
    rowFilter = { dim: eventPropertyDimension(eventProperty!.event, eventProperty!.property), value, echo: { event: eventProperty!.event, property: eventProperty!.property, property_value: value } };
  } else if (rows[0] !== undefined) {
    const value = params[rows[0]] as string;
    rowFilter = { dim: rows[0] as Dimension, value, echo: { [rows[0]]: value } };
  }
  return { workspaceId, timezone, range, from: fromText, to: toText, compare: compareText === 'previous', slices, rowFilter, eventProperty };
}

/** `event` + `property` (+ `property_value`); each missing partner named. */
function parseEventProperty(params: RawParams, issues: FieldIssue[]): AnalyticsQuery['eventProperty'] {
  const { event, property } = params;
  const hasProperty = typeof property === 'string' && property !== '';
  if (typeof property === 'string' && property === '') issues.push({ field: 'property', reason: 'must be a property name of the event' });
  if (params.property_value !== undefined && !hasProperty) issues.push({ field: 'property', reason: 'property_value filters the values of an event property: give event and property too' });
  if (hasProperty && (typeof event !== 'string' || event === '')) issues.push({ field: 'event', reason: 'property names a property of this custom event: give its name' });
  return hasProperty && typeof event === 'string' && event !== '' ? { event, property: property as string } : null;
}

export function parseBreakdown(params: RawParams, query: AnalyticsQuery, issues: FieldIssue[]): { by: Breakdown; limit: number } {
  const by = params.dimension ?? 'page';
  const limit = typeof params.limit === 'number' ? params.limit : 10;
  if (typeof by !== 'string' || !(BREAKDOWNS as readonly string[]).includes(by)) {
    issues.push({ field: 'dimension', reason: `must be one of ${BREAKDOWNS.join(', ')}` });
    return { by: 'page', limit };
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_BREAKDOWN_LIMIT) issues.push({ field: 'limit', reason: `must be an integer from 1 to ${MAX_BREAKDOWN_LIMIT} (too many groups)` });
  if (by === 'event_property' && query.eventProperty === null) {
    if (params.property === undefined) issues.push({ field: 'property', reason: 'dimension=event_property breaks down the values of one event property: give event and property' });
    return { by: 'event_property', limit };
  }
  const own = rowDimension(by as Breakdown, query);
  if (query.rowFilter && query.rowFilter.dim !== own) {
    const field = Object.keys(query.rowFilter.echo).at(-1)!;
    issues.push({ field, reason: `cannot filter a breakdown by ${by}: rollups are kept per dimension; filter by audience, channel or device, or break down by the filter's own dimension` });
  }
  return { by: by as Breakdown, limit };
}

export function parseInterval(params: RawParams, query: AnalyticsQuery, issues: FieldIssue[]): Interval {
  const interval = params.interval ?? 'day';
  if (typeof interval !== 'string' || !(INTERVALS as readonly string[]).includes(interval)) {
    issues.push({ field: 'interval', reason: `must be one of ${INTERVALS.join(', ')}` });
    return 'day';
  }
  const hours = query.range.toHour - query.range.fromHour;
  if (interval === 'hour' && hours > MAX_POINTS) issues.push({ field: 'interval', reason: `an hourly series of ${hours} points is more than ${MAX_POINTS} (too many groups); choose day, week or month` });
  return interval as Interval;
}

/** The rollup dimension a breakdown reads (an event property's: the one `event` + `property` choose). */
export function rowDimension(by: Breakdown, query: Pick<AnalyticsQuery, 'eventProperty'>): RollupDim {
  if (by === 'event_property') return query.eventProperty ? eventPropertyDimension(query.eventProperty.event, query.eventProperty.property) : 'event';
  return by === 'entry' || by === 'exit' ? 'page' : by;
}
