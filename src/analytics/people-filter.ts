/**
 * Filters of funnels and retention (issue 18 §1 "filters everywhere"): both follow people, so a
 * filter keeps the people who match it, read from person-level indexes that never leave the service:
 *
 * - visit attributes — `channel`, `device`, `referrer`, `utm_*`, `browser`, `os`, `language`,
 *   `country`, `lifecycle`, `persona` (the stage and persona when the visit began): the person had
 *   a visit beginning in the range with every one of these attributes (the same visit), from the
 *   person's visit index (ports/analytics-store.ts `personVisits`, kept by ingest from schema
 *   version 36 on: older visits are not indexed);
 * - `page`: the person viewed that page in the range; `event` (with `property` and `property_value`):
 *   the person did that event (with that property value) in the range — both through the hit index;
 * - `segment`: the person is a member of the segment now;
 * - `audience` (known / anonymous): answered by the hit store itself, as before.
 * Filters combine (all must hold). `title` and `category` have no per-person index and are refused.
 */
import type { FieldIssue } from '../core/errors.js';
import { NONE, VISIT_DIMENSIONS, type VisitAttributes } from '../core/analytics/dimensions.js';
import type { HitMatch } from '../core/analytics/hit-key.js';
import type { AnalyticsStore } from '../ports/analytics-store.js';
import type { HitStore, PropertyMatch } from '../ports/hit-store.js';
import type { SegmentStore } from '../ports/segment-store.js';
import { valueForms } from './funnel-query.js';
import type { RawParams } from './analytics-query.js';

/** Parameters this filter takes out of a funnel or retention request (the rest is parsed as usual). */
export const PEOPLE_FILTER_PARAMS = [...VISIT_DIMENSIONS, 'page', 'event', 'property', 'property_value', 'segment'] as const;

export interface PeopleFilter {
  visit: Partial<Record<(typeof VISIT_DIMENSIONS)[number], string>>;
  hits: Array<{ match: HitMatch; properties: PropertyMatch[] }>;
  segment: string | null;
  /** The filters as given, for the answer. */
  echo: Record<string, string>;
}

export interface PeopleFilterDeps {
  store: { analytics: AnalyticsStore; hits: HitStore; segments: Pick<SegmentStore, 'get' | 'members'> };
}

const CHUNK = 1000;

/** The people filter of a request, and the request without its parameters. */
export function parsePeopleFilter(params: RawParams, issues: FieldIssue[]): { filter: PeopleFilter; rest: RawParams } {
  const rest: RawParams = { ...params };
  const filter: PeopleFilter = { visit: {}, hits: [], segment: null, echo: {} };
  const str = (name: string) => (typeof params[name] === 'string' ? params[name] as string : undefined);
  for (const name of [...PEOPLE_FILTER_PARAMS, 'title', 'category']) delete rest[name];
  for (const d of VISIT_DIMENSIONS) {
    const v = str(d);
    if (v !== undefined) { filter.visit[d] = v; filter.echo[d] = v; }
  }
  const page = str('page');
  if (page !== undefined) {
    filter.hits.push({ match: { kind: 'page', path: page.length > 1 ? page.replace(/\/+$/, '') || '/' : page, prefix: false }, properties: [] });
    filter.echo.page = page;
  }
  const event = str('event');
  const property = str('property');
  const value = str('property_value');
  if (property !== undefined && event === undefined) issues.push({ field: 'event', reason: 'property names a property of this custom event: give its name' });
  if (value !== undefined && property === undefined) issues.push({ field: 'property', reason: 'property_value filters by a property of an event: give event and property too' });
  if (property !== undefined && value === undefined) issues.push({ field: 'property_value', reason: 'funnels and retention keep the people who did the event with this property value: give it' });
  if (event !== undefined) {
    const properties = property !== undefined && value !== undefined ? [{ key: property, json: valueForms(value) }] : [];
    filter.hits.push({ match: { kind: 'event', name: event }, properties });
    Object.assign(filter.echo, { event }, property !== undefined && value !== undefined ? { property, property_value: value } : {});
  }
  const segment = str('segment');
  if (segment !== undefined) { filter.segment = segment; filter.echo.segment = segment; }
  for (const name of ['title', 'category']) {
    if (params[name] !== undefined) issues.push({ field: name, reason: 'funnels and retention follow people; page titles and categories are kept in aggregates only: filter by page' });
  }
  return { filter, rest };
}

export const isEmpty = (f: PeopleFilter): boolean => Object.keys(f.visit).length === 0 && f.hits.length === 0 && f.segment === null;

/** A segment that does not exist, named (checked before any reading). */
export async function checkSegment(deps: PeopleFilterDeps, workspaceId: string, filter: PeopleFilter, issues: FieldIssue[]): Promise<void> {
  if (filter.segment !== null && (await deps.store.segments.get(workspaceId, 'segment', filter.segment)) === null) {
    issues.push({ field: 'segment', reason: `no segment has the id "${filter.segment}"` });
  }
}

/** Those of `people` who match every filter, over the range [fromMs, toMs). */
export async function keepMatching(deps: PeopleFilterDeps, workspaceId: string, filter: PeopleFilter, people: readonly string[], fromMs: number, toMs: number): Promise<Set<string>> {
  let kept = new Set(people);
  if (filter.segment !== null && kept.size > 0) {
    const members = new Set<string>();
    for (let after: string | undefined; ;) {
      const page = await deps.store.segments.members(workspaceId, filter.segment, { limit: CHUNK, ...(after !== undefined ? { after } : {}) });
      for (const m of page) members.add(m.profileId);
      if (page.length < CHUNK) break;
      after = page[page.length - 1]!.profileId;
    }
    kept = new Set([...kept].filter((p) => members.has(p)));
  }
  for (const { match, properties } of filter.hits) {
    if (kept.size === 0) break;
    const found = new Set<string>();
    for (const part of chunked([...kept])) {
      for (const [profileId] of await deps.store.hits.occurrences({ workspaceId, from: fromMs, to: toMs, match, properties, people: part })) found.add(profileId);
    }
    kept = found;
  }
  const conditions = Object.entries(filter.visit) as Array<[keyof VisitAttributes, string]>;
  if (conditions.length > 0 && kept.size > 0) {
    const found = new Set<string>();
    for (const part of chunked([...kept])) {
      for (const v of await deps.store.analytics.personVisits(workspaceId, part, fromMs, toMs)) {
        if (conditions.every(([d, value]) => (v.attributes[d] ?? NONE) === value)) found.add(v.profileId);
      }
    }
    kept = found;
  }
  return kept;
}

function chunked<T>(items: readonly T[]): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) parts.push(items.slice(i, i + CHUNK));
  return parts;
}
