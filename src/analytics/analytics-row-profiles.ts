/**
 * From aggregate to person (issue 18): the profiles behind one breakdown row — the people whose
 * visits, page views or events make up `dimension = value` in the range, under the same filters.
 * The rollups hold no identifiers, so the row is found again from events: the profiles with an
 * event in the range (the events' time index, in profile id order), each one's events folded with
 * ingest's own rules (people-rollups.ts); a profile is behind the row when its own share of the
 * row's figure (visits, page views, entries, exits or events, as the breakdown sorts) is above 0.
 *
 * Paged by profile id: each call examines at most MAX_EXAMINED profiles and answers those behind
 * the row among them (up to `limit`), with `nextCursor` to go on from; a page may hold fewer than
 * `limit` (or none) while `nextCursor` is not null. Admin only and audited (http/routes/analytics-profiles.ts).
 */
import { TesseraError, type FieldIssue } from '../core/errors.js';
import { SESSION_TIMEOUT_MS } from '../core/profiles/behaviour.js';
import { RollupChanges, HOUR_MS } from '../core/analytics/rollup.js';
import { visitCells } from '../core/analytics/visit.js';
import type { Metrics } from '../core/analytics/dimensions.js';
import type { Store } from '../ports/store.js';
import { parseBreakdown, parseQuery, rowDimension, type Breakdown, type RawParams } from './analytics-query.js';
import { foldPerson } from './people-rollups.js';

export const MAX_ROW_PROFILES = 100;
export const MAX_EXAMINED = 2000;
const CHUNK = 200;

export interface RowProfile {
  profileId: string;
  userId: string | null;
  email: string | null;
  /** The profile's part of the row's figure (`sortedBy`). */
  count: number;
}

export interface RowProfilesAnswer {
  dimension: Breakdown; value: string; from: string; to: string; timezone: string;
  filters: Record<string, string>;
  sortedBy: keyof Metrics;
  profiles: RowProfile[];
  /** Pass back as `cursor` for the next page; null when every profile active in the range was examined. */
  nextCursor: string | null;
}

export interface RowProfilesDeps {
  store: Pick<Store, 'analytics' | 'profiles' | 'segments'>;
  now: () => number;
}

const SORTED_BY: Partial<Record<Breakdown, keyof Metrics>> = { page: 'pageviews', entry: 'entries', exit: 'exits', title: 'pageviews', category: 'pageviews', event: 'events', event_property: 'events' };

export async function rowProfiles(deps: RowProfilesDeps, workspaceId: string, params: RawParams): Promise<RowProfilesAnswer> {
  const issues: FieldIssue[] = [];
  const { value, cursor, limit: limitParam, ...rest } = params;
  const q = parseQuery(workspaceId, rest, deps.now(), issues);
  const { by } = parseBreakdown(rest, q, issues);
  const limit = typeof limitParam === 'number' ? limitParam : 50;
  if (typeof value !== 'string') issues.push({ field: 'value', reason: 'is required: the breakdown row\'s value' });
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ROW_PROFILES) issues.push({ field: 'limit', reason: `must be an integer from 1 to ${MAX_ROW_PROFILES}` });
  if (cursor !== undefined && typeof cursor !== 'string') issues.push({ field: 'cursor', reason: 'must be the nextCursor of the previous page' });
  if (q.compare) issues.push({ field: 'compare', reason: 'lists the profiles of one period: leave it out' });
  if (issues.length > 0) throw new TesseraError('invalid_query', { issues });

  const dim = rowDimension(by, q);
  const sortedBy = SORTED_BY[by] ?? 'visits';
  const fromMs = q.range.fromHour * HOUR_MS;
  const toMs = q.range.toHour * HOUR_MS;
  const filters = { ...q.slices, ...(q.rowFilter ? q.rowFilter.echo : {}) };
  const answer = { dimension: by, value: value as string, from: q.from, to: q.to, timezone: q.timezone, filters, sortedBy };
  // A row filter on the same dimension with another value leaves nobody behind the row.
  if (q.rowFilter && q.rowFilter.value !== value) return { ...answer, profiles: [], nextCursor: null };

  const found: RowProfile[] = [];
  let after = cursor as string | undefined;
  let examined = 0;
  while (examined < MAX_EXAMINED) {
    const page = await deps.store.analytics.activeProfiles(workspaceId, fromMs, toMs, { limit: Math.min(CHUNK, MAX_EXAMINED - examined), ...(after !== undefined ? { after } : {}) });
    if (page.profileIds.length === 0) return { ...answer, profiles: found, nextCursor: null };
    const [profiles, events] = await Promise.all([
      Promise.all(page.profileIds.map((id) => deps.store.profiles.get(workspaceId, id))),
      deps.store.segments.eventsByProfile(workspaceId, page.profileIds),
    ]);
    for (let n = 0; n < page.profileIds.length; n++) {
      const id = page.profileIds[n]!;
      examined++;
      after = id;
      const profile = profiles[n];
      if (!profile) continue;
      const changes = new RollupChanges(visitCells);
      foldPerson(changes, { profile, events: (events.get(id) ?? []).filter((e) => e.timestamp >= fromMs - SESSION_TIMEOUT_MS && e.timestamp < toMs) });
      let count = 0;
      for (const row of changes.metricRows()) {
        if (row.dim !== dim || row.value !== value || row.hour < q.range.fromHour || row.hour >= q.range.toHour) continue;
        if (Object.entries(q.slices).some(([slice, v]) => row[slice as 'audience' | 'channel' | 'device'] !== v)) continue;
        count += row.metrics[sortedBy];
      }
      if (count > 0) {
        found.push({ profileId: id, userId: identity(profile, 'user_id'), email: identity(profile, 'email'), count });
        if (found.length === limit) return { ...answer, profiles: found, nextCursor: n < page.profileIds.length - 1 || page.next !== null ? id : null };
      }
    }
    if (page.next === null) return { ...answer, profiles: found, nextCursor: null };
  }
  return { ...answer, profiles: found, nextCursor: after ?? null };
}

function identity(profile: { identities: ReadonlyArray<{ kind: string; value: string }> }, kind: string): string | null {
  return profile.identities.find((i) => i.kind === kind)?.value ?? null;
}
