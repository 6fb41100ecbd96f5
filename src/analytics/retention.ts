/**
 * Retention (issue 18): the people whose first hit (a page view or custom event) falls in the range,
 * grouped by its period (day, week or month of the time zone), and for each later period of the
 * range the share of them who came back. Read from events through their hit keys
 * (ports/hit-store.ts) as the hours each newcomer was active in; periods of the time zone are made
 * of UTC hours (core/analytics/periods.ts), so a zone whose offset is not whole hours is
 * approximated by the hour, as everywhere in analytics.
 */
import { TesseraError, type FieldIssue } from '../core/errors.js';
import { cohortsOf, type Cohort } from '../core/analytics/retention.js';
import { HOUR_MS } from '../core/analytics/rollup.js';
import { periodsOf } from '../core/analytics/periods.js';
import type { Audience } from '../core/analytics/dimensions.js';
import { parseQuery, type RawParams } from './analytics-query.js';
import { MAX_RETENTION_PERIODS, parseRetentionInterval, refuseCompare } from './funnel-query.js';
import { checkSegment, isEmpty, keepMatching, parsePeopleFilter, type PeopleFilterDeps } from './people-filter.js';

export interface RetentionAnswer {
  interval: string; from: string; to: string; timezone: string;
  filters: Record<string, string>;
  cohorts: Cohort[];
}

export interface RetentionService {
  retention(workspaceId: string, params: RawParams): Promise<RetentionAnswer>;
}

export function createRetentionService(deps: PeopleFilterDeps & { now: () => number }): RetentionService {
  return {
    async retention(workspaceId, params) {
      const issues: FieldIssue[] = [];
      const { filter, rest } = parsePeopleFilter(params, issues);
      const q = parseQuery(workspaceId, rest, deps.now(), issues);
      refuseCompare(q, issues);
      await checkSegment(deps, workspaceId, filter, issues);
      const interval = parseRetentionInterval(params, issues);
      const periods = issues.length > 0 ? [] : periodsOf(q.timezone, q.range, interval);
      if (periods.length > MAX_RETENTION_PERIODS) issues.push({ field: 'interval', reason: `${periods.length} ${interval}s are more than ${MAX_RETENTION_PERIODS} cohorts (too many groups); choose a longer interval or a shorter range` });
      if (issues.length > 0) throw new TesseraError('invalid_query', { issues });
      const periodOfHour = new Map<number, number>();
      periods.forEach((p, i) => { for (const h of p.hours) periodOfHour.set(h, i); });
      const rows = await deps.store.hits.newcomerHours({
        workspaceId, from: q.range.fromHour * HOUR_MS, to: q.range.toHour * HOUR_MS,
        ...(q.slices.audience ? { audience: q.slices.audience as Audience } : {}),
      });
      const activity = new Map<string, number[]>();
      for (const [profileId, hour] of rows) {
        const period = periodOfHour.get(hour);
        if (period === undefined) continue;
        const list = activity.get(profileId);
        if (list) list.push(period); else activity.set(profileId, [period]);
      }
      if (!isEmpty(filter) && activity.size > 0) {
        const kept = await keepMatching(deps, workspaceId, filter, [...activity.keys()], q.range.fromHour * HOUR_MS, q.range.toHour * HOUR_MS);
        for (const id of [...activity.keys()]) if (!kept.has(id)) activity.delete(id);
      }
      const labelled = periods.map((p) => ({ period: p.period, start: new Date(p.hours[0]! * HOUR_MS).toISOString() }));
      return {
        interval, from: q.from, to: q.to, timezone: q.timezone,
        filters: { ...(q.slices.audience ? { audience: q.slices.audience } : {}), ...filter.echo },
        cohorts: cohortsOf(labelled, activity),
      };
    },
  };
}
