/**
 * Web analytics answers (issue 18) from the rollups alone: totals, breakdowns, time series in the
 * workspace's time zone, real-time visitors. Unique visitors merge the hourly sketches of the range
 * (core/analytics/hll.ts: ±0.81% standard error); every other figure is an exact sum. Sketches of
 * dimensions other than the totals are kept per value only (core/analytics/rollup.ts), so visitors
 * under an audience, channel or device filter are answered for the totals and null elsewhere.
 */
import { TesseraError, type FieldIssue } from '../core/errors.js';
import { emptyMetrics, type Metrics, type RollupDim } from '../core/analytics/dimensions.js';
import { EVENT_PROPERTY_PREFIX } from '../core/analytics/labels.js';
import { HyperLogLog } from '../core/analytics/hll.js';
import { ANY_SLICE, HOUR_MS } from '../core/analytics/rollup.js';
import { periodsOf, previousRange, type HourRange } from '../core/analytics/periods.js';
import { round, summarise, type Summary } from '../core/analytics/summary.js';
import type { AnalyticsStore, RollupQuery } from '../ports/analytics-store.js';
import { parseBreakdown, parseInterval, parseQuery, rowDimension, type AnalyticsQuery, type Breakdown, type RawParams } from './analytics-query.js';

export const REALTIME_WINDOW_MS = 5 * 60_000;

export interface MetricAnswer {
  from: string; to: string; timezone: string;
  filters: Record<string, string>;
  metrics: Summary;
  previous?: Summary;
  /** Relative change against the previous period per figure (0.25 = +25%); null where the previous was 0. */
  change?: Record<string, number | null>;
}

export interface BreakdownRow extends Summary { value: string; share: number | null }

export interface AnalyticsService {
  metric(workspaceId: string, params: RawParams): Promise<MetricAnswer>;
  breakdown(workspaceId: string, params: RawParams): Promise<{ dimension: Breakdown; from: string; to: string; timezone: string; filters: Record<string, string>; sortedBy: string; rows: BreakdownRow[]; previous?: BreakdownRow[] }>;
  timeseries(workspaceId: string, params: RawParams): Promise<{ interval: string; from: string; to: string; timezone: string; filters: Record<string, string>; points: Array<{ period: string; start: string } & Summary>; previous?: Array<{ period: string; start: string } & Summary> }>;
  realtime(workspaceId: string): Promise<{ since: string; visitors: number; pages: Array<{ path: string | null; visitors: number }> }>;
}

export function createAnalyticsService(deps: { store: { analytics: AnalyticsStore }; now: () => number }): AnalyticsService {
  const rollups = deps.store.analytics;

  const checked = <T>(issues: FieldIssue[], value: T): T => {
    if (issues.length > 0) throw new TesseraError('invalid_query', { issues });
    return value;
  };

  /** The rollup query of a request over a range: its row filter's dimension or `dim`, its slices. */
  const rollupQuery = (q: AnalyticsQuery, range: HourRange, dim: RollupDim, groupBy: RollupQuery['groupBy'], values?: readonly string[], slices = q.slices): RollupQuery => ({
    workspaceId: q.workspaceId, dim, fromHour: range.fromHour, toHour: range.toHour, slices, groupBy,
    ...(values ? { values } : q.rowFilter && q.rowFilter.dim === dim ? { values: [q.rowFilter.value] } : {}),
  });

  /** The sketches answering visitors of `dim` under the query's slices; null when none do (see above). */
  const sketchesOf = async (q: AnalyticsQuery, range: HourRange, dim: RollupDim, groupBy: RollupQuery['groupBy'], values?: readonly string[]) => {
    const filtered = Object.keys(q.slices).length > 0;
    if ((filtered && dim !== 'all') || !hasSketches(dim)) return null;
    return rollups.sketches(rollupQuery(q, range, dim, groupBy, values, filtered ? q.slices : ANY_SLICE));
  };

  const total = async (q: AnalyticsQuery, range: HourRange): Promise<Summary> => {
    const dim = q.rowFilter?.dim ?? 'all';
    const [sums, sketches] = await Promise.all([rollups.sums(rollupQuery(q, range, dim, 'value')), sketchesOf(q, range, dim, 'value')]);
    const metrics = sums.reduce((acc, r) => add(acc, r.metrics), emptyMetrics());
    return summarise(metrics, sketches === null ? null : mergeAll(sketches.map((s) => s.sketch)), dim === 'page' ? 'entries' : 'visits');
  };

  const filtersOf = (q: AnalyticsQuery): Record<string, string> => ({ ...q.slices, ...(q.rowFilter ? q.rowFilter.echo : {}) });

  const breakdownRows = async (q: AnalyticsQuery, range: HourRange, by: Breakdown, limit: number, only?: readonly string[]): Promise<BreakdownRow[]> => {
    const dim = rowDimension(by, q);
    const sums = await rollups.sums(rollupQuery(q, range, dim, 'value', only));
    const key = sortMetric(by);
    const totalOfKey = sums.reduce((n, r) => n + r.metrics[key], 0);
    const top = sums.filter((r) => r.metrics[key] > 0).sort((a, b) => b.metrics[key] - a.metrics[key] || (a.group < b.group ? -1 : 1)).slice(0, limit);
    if (top.length === 0) return [];
    const sketches = await sketchesOf(q, range, dim, 'value', top.map((r) => r.group));
    const byValue = new Map<string, HyperLogLog>();
    for (const s of sketches ?? []) {
      const sketch = HyperLogLog.deserialize(s.sketch);
      const seen = byValue.get(s.group);
      byValue.set(s.group, seen ? seen.merge(sketch) : sketch);
    }
    return top.map((r) => ({
      value: r.group,
      ...summarise(r.metrics, sketches === null ? null : byValue.get(r.group)?.estimate() ?? 0, dim === 'page' ? 'entries' : 'visits'),
      share: totalOfKey > 0 ? round(r.metrics[key] / totalOfKey, 4) : null,
    }));
  };

  const series = async (q: AnalyticsQuery, range: HourRange, interval: ReturnType<typeof parseInterval>) => {
    const dim = q.rowFilter?.dim ?? 'all';
    const [sums, sketches] = await Promise.all([rollups.sums(rollupQuery(q, range, dim, 'hour')), sketchesOf(q, range, dim, 'hour')]);
    const metricsByHour = new Map(sums.map((r) => [Number(r.group), r.metrics]));
    const sketchesByHour = new Map<number, Uint8Array[]>();
    for (const s of sketches ?? []) {
      const hour = Number(s.group);
      const list = sketchesByHour.get(hour);
      if (list) list.push(s.sketch); else sketchesByHour.set(hour, [s.sketch]);
    }
    return periodsOf(q.timezone, range, interval).map(({ period, hours }) => {
      const metrics = hours.reduce((acc, h) => { const m = metricsByHour.get(h); return m ? add(acc, m) : acc; }, emptyMetrics());
      const visitors = sketches === null ? null : mergeAll(hours.flatMap((h) => sketchesByHour.get(h) ?? []));
      return { period, start: new Date(hours[0]! * HOUR_MS).toISOString(), ...summarise(metrics, visitors, dim === 'page' ? 'entries' : 'visits') };
    });
  };

  return {
    async metric(workspaceId, params) {
      const issues: FieldIssue[] = [];
      const q = checked(issues, parseQuery(workspaceId, params, deps.now(), issues));
      const metrics = await total(q, q.range);
      const answer: MetricAnswer = { from: q.from, to: q.to, timezone: q.timezone, filters: filtersOf(q), metrics };
      if (q.compare) {
        const previous = await total(q, previousRange(q.range));
        answer.previous = previous;
        answer.change = Object.fromEntries(Object.entries(metrics).map(([k, v]) => {
          const before = previous[k as keyof Summary];
          return [k, typeof v === 'number' && typeof before === 'number' && before !== 0 ? round(v / before - 1, 4) : null];
        }));
      }
      return answer;
    },
    async breakdown(workspaceId, params) {
      const issues: FieldIssue[] = [];
      const q = parseQuery(workspaceId, params, deps.now(), issues);
      const { by, limit } = checked(issues, parseBreakdown(params, q, issues));
      const rows = await breakdownRows(q, q.range, by, limit);
      const chosen = by === 'event_property' && q.eventProperty ? q.eventProperty : {};
      const answer = { dimension: by, ...chosen, from: q.from, to: q.to, timezone: q.timezone, filters: filtersOf(q), sortedBy: sortMetric(by), rows };
      // The previous period of the same values, so that each row can show its change.
      return q.compare ? { ...answer, previous: await breakdownRows(q, previousRange(q.range), by, limit, rows.map((r) => r.value)) } : answer;
    },
    async timeseries(workspaceId, params) {
      const issues: FieldIssue[] = [];
      const q = parseQuery(workspaceId, params, deps.now(), issues);
      const interval = checked(issues, parseInterval(params, q, issues));
      const points = await series(q, q.range, interval);
      const answer = { interval, from: q.from, to: q.to, timezone: q.timezone, filters: filtersOf(q), points };
      return q.compare ? { ...answer, previous: await series(q, previousRange(q.range), interval) } : answer;
    },
    async realtime(workspaceId) {
      const since = deps.now() - REALTIME_WINDOW_MS;
      const pages = await rollups.realtime(workspaceId, since);
      return { since: new Date(since).toISOString(), visitors: pages.reduce((n, p) => n + p.visitors, 0), pages };
    },
  };
}

/** The figure a breakdown is ordered by (and its share taken of). */
function sortMetric(by: Breakdown): keyof Metrics {
  if (by === 'page' || by === 'title' || by === 'category') return 'pageviews';
  if (by === 'event_property') return 'events';
  if (by === 'entry') return 'entries';
  if (by === 'exit') return 'exits';
  if (by === 'event') return 'events';
  return 'visits';
}

/**
 * Whether a dimension keeps visitor sketches: titles, categories and event properties keep sums only
 * (a sketch per value and hour is the costly part of a rollup; labels.ts), so their visitors are null.
 */
function hasSketches(dim: RollupDim): boolean {
  return dim !== 'title' && dim !== 'category' && !dim.startsWith(EVENT_PROPERTY_PREFIX);
}

function add(a: Metrics, b: Metrics): Metrics {
  for (const k in b) a[k as keyof Metrics] += b[k as keyof Metrics];
  return a;
}

function mergeAll(sketches: readonly Uint8Array[]): number {
  if (sketches.length === 0) return 0;
  const merged = HyperLogLog.deserialize(sketches[0]!);
  for (let i = 1; i < sketches.length; i++) merged.merge(HyperLogLog.deserialize(sketches[i]!));
  return merged.estimate();
}
