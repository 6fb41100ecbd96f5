/**
 * `goal=<id>` on GET /v1/analytics/metric, /breakdown and /timeseries (issue 18 §1): the answer of
 * the wrapped service, each figure set (totals, breakdown rows, points) with the goal's
 *   `conversions`            visits that converted the goal (each visit once; exact),
 *   `conversionRate`         conversions / visits (null when there are no visits),
 *   `convertingVisitors`     visitors who converted (HyperLogLog, ±0.81% standard error; null where
 *                            the plain `visitors` is null: per value under an audience/channel/device filter),
 *   `visitorConversionRate`  convertingVisitors / visitors,
 * and `goal: { id, name, step, countingSince }`. A conversion is counted in the hour its visit
 * began, as the visit is, so the rate of any range is of the same visits. Every breakdown has its
 * rate, of the visits its row stands for (core/analytics/visit.ts):
 *   visit dimensions (channel, device, utm_*, …)  the row's visits;
 *   page, entry                                   the page's entries (the landing page's rate);
 *   exit                                          the visits that left on the page (its `exits`): a
 *                                                 visit's conversion follows its exit as it moves;
 *   title, category, event, event_property        the visits that touched the value (`visitsWith`,
 *                                                 added to each row): a visit that viewed the title
 *                                                 (or sent the event) and converted, before or after;
 * for exit and the last four, `convertingVisitors` is null (sums only, no sketches). An event,
 * title, category or property filter and the `segment` filter are refused by naming `goal`.
 */
import { TesseraError, type FieldIssue } from '../core/errors.js';
import { goalDimension } from '../core/analytics/goal.js';
import { visitedDimension } from '../core/analytics/visit.js';
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

/** Breakdowns whose rows count a visit once per value it touched (their denominator: `v:` rows, visitedDimension). */
const TOUCHED = new Set(['title', 'category', 'event', 'event_property']);

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
    // (`event` with `property` names the event whose property a breakdown lists: not a filter.)
    for (const f of ['event', 'title', 'category', 'property_value']) if (params[f] !== undefined && !(f === 'event' && params.property !== undefined)) issues.push({ field: 'goal', reason: `conversions are kept per visit dimension and entry page; the ${f} filter cannot combine with goal` });
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

  /** Converting visits and visitor sketches per group of `dim` (sketches null as for plain visitors, and for `sumsOnly`). */
  const read = async (q: AnalyticsQuery, goal: Goal, range: HourRange, dim: string, groupBy: RollupQuery['groupBy'], values?: readonly string[], sumsOnly = false) => {
    const filtered = Object.keys(q.slices).length > 0;
    const [sums, sketches] = await Promise.all([
      rollups.sums(query(q, goal, range, dim, groupBy, values)),
      sumsOnly || (filtered && dim !== 'all') ? null : rollups.sketches(query(q, goal, range, dim, groupBy, values, filtered ? q.slices : ANY_SLICE)),
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
      const dim = result.dimension === 'exit' ? 'exit' : rowDimension(result.dimension, q);
      const touched = TOUCHED.has(result.dimension);
      const rowsOf = async <R extends { value: string; visits: number; exits: number; visitors: number | null }>(rows: R[], range: HourRange) => {
        if (rows.length === 0) return rows;
        const values = rows.map((r) => r.value);
        const sumsOnly = touched || dim === 'exit';
        const [{ visits, sketches }, withValue] = await Promise.all([
          read(q, goal, range, dim, 'value', values, sumsOnly),
          touched ? rollups.sums({ workspaceId, dim: visitedDimension(dim), fromHour: range.fromHour, toHour: range.toHour, slices: q.slices, groupBy: 'value', values }) : null,
        ]);
        const visitsWith = withValue === null ? null : new Map(withValue.map((w) => [w.group, w.metrics.visits]));
        return rows.map((r) => {
          // The visits the row stands for (see above); `visitors` only where sketches answer.
          const base = { visits: visitsWith ? visitsWith.get(r.value) ?? 0 : dim === 'exit' ? r.exits : r.visits, visitors: sumsOnly ? null : r.visitors };
          return { ...r, ...(visitsWith ? { visitsWith: base.visits } : {}), ...conversionsOf(visits.get(r.value) ?? 0, sketches === null ? null : sketches.get(r.value)?.estimate() ?? 0, base) };
        });
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
