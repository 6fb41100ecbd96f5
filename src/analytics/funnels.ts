/**
 * Funnels (issue 18): people who went through 2–8 ordered steps in a range, optionally within a time
 * limit from the first step, read from events through their hit keys (ports/hit-store.ts) and
 * counted by core/analytics/funnel.ts. Each step's events are read only for the people who had
 * every earlier step, so later steps cost less. Answers counts only: no person leaves the service.
 */
import { TesseraError, type FieldIssue } from '../core/errors.js';
import { funnelSteps, stepsReached, type FunnelStep, type Point } from '../core/analytics/funnel.js';
import { HOUR_MS } from '../core/analytics/rollup.js';
import type { Audience } from '../core/analytics/dimensions.js';
import type { HitQuery } from '../ports/hit-store.js';
import { parseQuery, type RawParams } from './analytics-query.js';
import { parseSteps, parseWithin, refuseCompare } from './funnel-query.js';
import { checkSegment, isEmpty, keepMatching, parsePeopleFilter, type PeopleFilterDeps } from './people-filter.js';

export interface FunnelAnswer {
  from: string; to: string; timezone: string;
  filters: Record<string, string>;
  /** The time limit from the first step to the last, as asked (`7d`), or null. */
  within: string | null;
  steps: FunnelStep[];
  /** People who reached the last step, and their share of the first step's. */
  completed: number;
  conversionRate: number | null;
}

export interface FunnelService {
  funnel(workspaceId: string, params: RawParams): Promise<FunnelAnswer>;
}

export function createFunnelService(deps: PeopleFilterDeps & { now: () => number }): FunnelService {
  const hits = deps.store.hits;
  return {
    async funnel(workspaceId, params) {
      const issues: FieldIssue[] = [];
      const { filter, rest } = parsePeopleFilter(params, issues);
      const q = parseQuery(workspaceId, rest, deps.now(), issues);
      refuseCompare(q, issues);
      const steps = parseSteps(params, issues);
      const within = parseWithin(params, issues);
      await checkSegment(deps, workspaceId, filter, issues);
      if (issues.length > 0) throw new TesseraError('invalid_query', { issues });
      const base: HitQuery = {
        workspaceId, from: q.range.fromHour * HOUR_MS, to: q.range.toHour * HOUR_MS,
        ...(q.slices.audience ? { audience: q.slices.audience as Audience } : {}),
      };
      const byPerson = new Map<string, Point[][]>();
      let people: string[] | undefined;
      for (let i = 0; i < steps.length; i++) {
        if (people !== undefined && people.length === 0) break;
        const step = steps[i]!;
        const found = await hits.occurrences({ ...base, match: step.match, properties: step.properties, ...(people ? { people } : {}) });
        const seen = new Set<string>();
        for (const [profileId, ts, seq] of found) {
          let lists = byPerson.get(profileId);
          if (!lists) {
            if (i > 0) continue;
            byPerson.set(profileId, (lists = steps.map(() => [])));
          }
          lists[i]!.push({ ts, seq });
          seen.add(profileId);
        }
        // Only people with every step so far (and, from the first, matching the filters) can reach the next one.
        people = [...seen];
        if (i === 0 && !isEmpty(filter)) {
          const kept = await keepMatching(deps, workspaceId, filter, people, base.from, base.to);
          for (const id of people) if (!kept.has(id)) byPerson.delete(id);
          people = [...kept];
        }
      }
      const reachedCounts = steps.map(() => 0);
      for (const lists of byPerson.values()) {
        const reached = stepsReached(lists, within);
        if (reached > 0) reachedCounts[reached - 1]!++;
      }
      const chart = funnelSteps(steps.map((s) => s.label), reachedCounts);
      const last = chart[chart.length - 1]!;
      return {
        from: q.from, to: q.to, timezone: q.timezone,
        filters: { ...(q.slices.audience ? { audience: q.slices.audience } : {}), ...filter.echo },
        within: within === null ? null : String(params.within),
        steps: chart, completed: last.people, conversionRate: last.conversionFromFirst,
      };
    },
  };
}
