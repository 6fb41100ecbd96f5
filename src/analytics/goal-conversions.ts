/**
 * `goal=<id>` on GET /v1/analytics/metric, /breakdown and /timeseries (issue 18 §1): the answer of
 * the wrapped service, each figure set (totals, breakdown rows, points) with the goal's
 *   `conversions`            visits that converted the goal (each visit once; exact),
 *   `conversionRate`         conversions / visits (null when there are no visits),
 *   `convertingVisitors`     visitors who converted (HyperLogLog, ±0.81% standard error; null where
 *                            the plain `visitors` is null: per value under an audience/channel/device filter),
 *   `visitorConversionRate`  convertingVisitors / visitors,
 * and `goal: { id, name, step, countingSince }`. A conversion is counted in the hour its visit
 * began, as the visit is, so the rate of any range is of the same visits. Conversions are kept per
 * visit dimension and per entry page (a page row's `visits` are its entries: the landing page's
 * conversion rate); a breakdown by exit, title, category, event or event property, an event,
 * title, category or property filter, and the `segment` filter are refused by naming `goal`.
 */
import { TesseraError, type FieldIssue } from '../core/errors.js';
import { goalDimension } from '../core/analytics/goal.js';
import { HyperLogLog } from '../core/analytics/hll.js';
import { ANY_SLICE, HOUR_MS } from '../core/analytics/rollup.js';
import { periodsOf, previousRange, type HourRange } from '../core/analytics/periods.js';
import { round } from '../core/analytics/summary.js';
import type { AnalyticsStore, RollupQuery } from '../ports/analytics-store.js';
import { parseBreakdown, parseInterval, parseQuery, rowDimension, type AnalyticsQuery, type RawParams } from './analytics-query.js';
import type { AnalyticsService } from './analytics-service.js';
import type { Goal, GoalService } from './goals.js';

export interface Conversions {
  conversions: number;
  conversionRate: number | null;
  convertingVisitors: number | null;
  visitorConversionRate: number | null;
}

const NOT_PER_VISIT = new Set(['exit', 'event', 'title', 'category', 'event_property']);

export function withGoals(inner: AnalyticsService, deps: { goals: GoalService; store: { analytics: AnalyticsStore }; now: () => number }): AnalyticsService {
  const rollups = deps.store.analytics;

  /** The goal of the request and the parsed query, or 400 naming every failing parameter. */
  const prepare = async <T>(workspaceId: string, params: RawParams, by: string | null, answer: (rest: RawParams) => Promise<T>) => {
    const issues: FieldIssue[] = [];
    const id = params.goal;
    let goal: Goal | null = null;
    if (typeof id !== 'string' || id === '') issues.push({ field: 'goal', reason: 'must be the id of a goal (GET /v1/analytics/goals)' });
    else goal = (await deps.goals.list(workspaceId)).find((g) => g.id === id) ?? null;
    if (typeof id === 'string' && id !== '' && goal === null) issues.push({ field: 'goal', reason: `this workspace has no goal "${id}"` });
    if (params.segment !== undefined) issues.push({ field: 'goal', reason: 'conversions are kept in the rollups; the segment filter cannot combine with goal' });
    if (by !== null && NOT_PER_VISIT.has(by)) issues.push({ field: 'goal', reason: `conversions are kept per visit dimension and entry page; break down by page, entry, channel, referrer, utm_*, device, browser, os, language, country, lifecycle or persona, not ${by}` });
    for (const f of ['event', 'title', 'category', 'property_value']) if (params[f] !== undefined) issues.push({ field: 'goal', reason: `conversions are kept per visit dimension and entry page; the ${f} filter cannot combine with goal` });
    const rest = { ...params };
    delete rest.goal;
    if (issues.length > 0 || goal === null) {
      // Every other failing parameter too, without answering the request (a segment filter is costly).
      const more: FieldIssue[] = [];
      const q = parseQuery(workspaceId, rest, deps.now(), more);
      if (by !== null) parseBreakdown(rest, q, more);
      throw new TesseraError('invalid_query', { issues: [...more, ...issues] });
    }
    const result = await answer(rest);
    const q = parseQuery(workspaceId, rest, deps.now(), []);
    return { goal, q, result };
  };

  const query = (q: AnalyticsQuery, goal: Goal, range: HourRange, dim: string, groupBy: RollupQuery['groupBy'], values: readonly string[] | undefined, slices = q.slices): RollupQuery => ({
    workspaceId: q.workspaceId, dim: goalDimension(goal.key, dim), fromHour: range.fromHour, toHour: range.toHour, slices, groupBy,
    ...(values ? { values } : q.rowFilter && q.rowFilter.dim === dim ? { values: [q.rowFilter.value] } : {}),
  });

  /** Converting visits and visitor sketches per group of `dim` (sketches null as for plain visitors). */
  const read = async (q: AnalyticsQuery, goal: Goal, range: HourRange, dim: string, groupBy: RollupQuery['groupBy'], values?: readonly string[]) => {
    const filtered = Object.keys(q.slices).length > 0;
    const [sums, sketches] = await Promise.all([
      rollups.sums(query(q, goal, range, dim, groupBy, values)),
      filtered && dim !== 'all' ? null : rollups.sketches(query(q, goal, range, dim, groupBy, values, filtered ? q.slices : ANY_SLICE)),
    ]);
    const visits = new Map(sums.map((s) => [s.group, s.metrics.visits]));
    const sketchesOf = new Map<string, HyperLogLog>();
    for (const s of sketches ?? []) {
      const sketch = HyperLogLog.deserialize(s.sketch);
      const seen = sketchesOf.get(s.group);
      sketchesOf.set(s.group, seen ? seen.merge(sketch) : sketch);
    }
    return { visits, sketches: sketches === null ? null : sketchesOf };
  };

  const view = (goal: Goal) => ({ id: goal.id, name: goal.name, step: goal.step, countingSince: new Date(goal.countingSince).toISOString() });

  const totals = async (q: AnalyticsQuery, goal: Goal, range: HourRange, figures: { visits: number; visitors: number | null }): Promise<Conversions> => {
    const dim = q.rowFilter?.dim ?? 'all';
    const { visits, sketches } = await read(q, goal, range, dim, 'value');
    const conversions = [...visits.values()].reduce((n, v) => n + v, 0);
    const merged = sketches === null ? null : mergeAll([...sketches.values()]);
    return conversionsOf(conversions, merged, figures);
  };

  return {
    ...inner,
    async metric(workspaceId, params) {
      if (params.goal === undefined) return inner.metric(workspaceId, params);
      const { goal, q, result } = await prepare(workspaceId, params, null, (rest) => inner.metric(workspaceId, rest));
      const metrics = { ...result.metrics, ...await totals(q, goal, q.range, result.metrics) };
      const previous = result.previous ? { ...result.previous, ...await totals(q, goal, previousRange(q.range), result.previous) } : undefined;
      return { ...result, goal: view(goal), metrics, ...(previous ? { previous } : {}) };
    },
    async breakdown(workspaceId, params) {
      if (params.goal === undefined) return inner.breakdown(workspaceId, params);
      const by = typeof params.dimension === 'string' ? params.dimension : 'page';
      const { goal, q, result } = await prepare(workspaceId, params, by, (rest) => inner.breakdown(workspaceId, rest));
      const rowsOf = async <R extends { value: string; visits: number; visitors: number | null }>(rows: R[], range: HourRange) => {
        if (rows.length === 0) return rows;
        const { visits, sketches } = await read(q, goal, range, rowDimension(result.dimension, q), 'value', rows.map((r) => r.value));
        return rows.map((r) => ({ ...r, ...conversionsOf(visits.get(r.value) ?? 0, sketches === null ? null : sketches.get(r.value)?.estimate() ?? 0, r) }));
      };
      const rows = await rowsOf(result.rows, q.range);
      const previous = result.previous ? await rowsOf(result.previous, previousRange(q.range)) : undefined;
      return { ...result, goal: view(goal), rows, ...(previous ? { previous } : {}) };
    },
    async timeseries(workspaceId, params) {
      if (params.goal === undefined) return inner.timeseries(workspaceId, params);
      const { goal, q, result } = await prepare(workspaceId, params, null, (rest) => inner.timeseries(workspaceId, rest));
      const interval = parseInterval(params, q, []);
      const pointsOf = async <P extends { start: string; visits: number; visitors: number | null }>(points: P[], range: HourRange) => {
        const dim = q.rowFilter?.dim ?? 'all';
        const { visits, sketches } = await read(q, goal, range, dim, 'hour');
        const periods = periodsOf(q.timezone, range, interval);
        return points.map((p, i) => {
          const hours = periods[i]?.hours ?? [Date.parse(p.start) / HOUR_MS];
          const conversions = hours.reduce((n, h) => n + (visits.get(String(h)) ?? 0), 0);
          const merged = sketches === null ? null : mergeAll(hours.flatMap((h) => { const s = sketches.get(String(h)); return s ? [s] : []; }));
          return { ...p, ...conversionsOf(conversions, merged, p) };
        });
      };
      const points = await pointsOf(result.points, q.range);
      const previous = result.previous ? await pointsOf(result.previous, previousRange(q.range)) : undefined;
      return { ...result, goal: view(goal), points, ...(previous ? { previous } : {}) };
    },
  };
}

function conversionsOf(conversions: number, convertingVisitors: number | null, figures: { visits: number; visitors: number | null }): Conversions {
  const visitors = convertingVisitors === null ? null : Math.round(convertingVisitors);
  return {
    conversions,
    conversionRate: figures.visits > 0 ? round(conversions / figures.visits, 4) : null,
    convertingVisitors: visitors,
    visitorConversionRate: visitors !== null && figures.visitors !== null && figures.visitors > 0 ? round(Math.min(1, visitors / figures.visitors), 4) : null,
  };
}

function mergeAll(sketches: readonly HyperLogLog[]): number {
  if (sketches.length === 0) return 0;
  const merged = new HyperLogLog();
  for (const s of sketches) merged.merge(s);
  return merged.estimate();
}
