/**
 * The `segment` filter of the analytics API: figures of a segment's members only. The rollups hold
 * no identifiers, so this filter is answered from the members' own events (found through the
 * segment's membership index, then each member's events through the timeline index), folded in
 * memory with ingest's rules (people-rollups.ts); the answer has the same shape as any other and
 * combines with every other filter and breakdown. Its cost grows with the members' events: a
 * segment of more than MAX_SEGMENT_MEMBERS members is refused (400 naming `segment`) rather than
 * answered slowly.
 *
 * Lifecycle stage, persona, known/anonymous and country are rollup dimensions instead
 * (analytics-query.ts): they are few values each and fast from the rollups.
 */
import { TesseraError, type FieldIssue } from '../core/errors.js';
import { SESSION_TIMEOUT_MS } from '../core/profiles/behaviour.js';
import { HOUR_MS } from '../core/analytics/rollup.js';
import { previousRange } from '../core/analytics/periods.js';
import type { Profile } from '../core/profiles/profile.js';
import type { Store } from '../ports/store.js';
import { createAnalyticsService, type AnalyticsService } from './analytics-service.js';
import { parseBreakdown, parseInterval, parseQuery, type RawParams } from './analytics-query.js';
import { peopleRollups, type Person } from './people-rollups.js';

export const MAX_SEGMENT_MEMBERS = 2_000;
const PAGE = 1000;
const CHUNK = 200;

export interface SegmentFilterDeps {
  store: Pick<Store, 'segments' | 'profiles'>;
  now: () => number;
}

type Kind = 'metric' | 'breakdown' | 'timeseries';

/** `base` with the `segment` filter added to metric, breakdown and timeseries. */
export function withSegmentFilter(base: AnalyticsService, deps: SegmentFilterDeps): AnalyticsService {
  const filtered = async <T extends { filters: Record<string, string> }>(kind: Kind, workspaceId: string, params: RawParams, ask: (service: AnalyticsService, rest: RawParams) => Promise<T>): Promise<T> => {
    const { segment, ...rest } = params;
    const issues: FieldIssue[] = [];
    const q = parseQuery(workspaceId, rest, deps.now(), issues);
    if (kind === 'breakdown') parseBreakdown(rest, q, issues);
    if (kind === 'timeseries') parseInterval(rest, q, issues);
    const id = segment as string;
    const definition = await deps.store.segments.get(workspaceId, 'segment', id);
    if (definition === null) issues.push({ field: 'segment', reason: `no segment has the id "${id}"` });
    else {
      const count = await deps.store.segments.memberCount(workspaceId, id);
      if (count > MAX_SEGMENT_MEMBERS) issues.push({ field: 'segment', reason: `has ${count} members; a segment filter reads its members' events and answers up to ${MAX_SEGMENT_MEMBERS} (filter by lifecycle, persona or audience from the rollups instead)` });
    }
    if (issues.length > 0) throw new TesseraError('invalid_query', { issues });
    const fromHour = q.compare ? previousRange(q.range).fromHour : q.range.fromHour;
    const people = await membersWithEvents(deps, workspaceId, id, fromHour * HOUR_MS - SESSION_TIMEOUT_MS, q.range.toHour * HOUR_MS);
    const service = createAnalyticsService({ store: { analytics: peopleRollups(people) }, now: deps.now });
    const answer = await ask(service, rest);
    return { ...answer, filters: { ...answer.filters, segment: id } };
  };
  return {
    metric: (workspaceId, params) => (typeof params.segment === 'string' ? filtered('metric', workspaceId, params, (s, rest) => s.metric(workspaceId, rest)) : base.metric(workspaceId, params)),
    breakdown: (workspaceId, params) => (typeof params.segment === 'string' ? filtered('breakdown', workspaceId, params, (s, rest) => s.breakdown(workspaceId, rest)) : base.breakdown(workspaceId, params)),
    timeseries: (workspaceId, params) => (typeof params.segment === 'string' ? filtered('timeseries', workspaceId, params, (s, rest) => s.timeseries(workspaceId, rest)) : base.timeseries(workspaceId, params)),
    realtime: (workspaceId) => base.realtime(workspaceId),
  };
}

/** The segment's members with their events in [fromMs, toMs). */
async function membersWithEvents(deps: SegmentFilterDeps, workspaceId: string, segmentId: string, fromMs: number, toMs: number): Promise<Person[]> {
  const ids: string[] = [];
  for (let after: string | undefined; ;) {
    const page = await deps.store.segments.members(workspaceId, segmentId, { limit: PAGE, ...(after !== undefined ? { after } : {}) });
    ids.push(...page.map((m) => m.profileId));
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.profileId;
  }
  const people: Person[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const [profiles, events] = await Promise.all([
      Promise.all(chunk.map((id) => deps.store.profiles.get(workspaceId, id))),
      deps.store.segments.eventsByProfile(workspaceId, chunk),
    ]);
    profiles.forEach((profile: Profile | null, n) => {
      if (profile === null) return;
      const own = (events.get(chunk[n]!) ?? []).filter((e) => e.timestamp >= fromMs && e.timestamp < toMs);
      if (own.length > 0) people.push({ profile, events: own });
    });
  }
  return people;
}
