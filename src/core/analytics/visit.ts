/**
 * Visits for web analytics, folded hit by hit into the rollups so that every figure is right at
 * every moment (no visit waits to be "closed" by a later one that may never come):
 *
 * - A visit opens with a page view or custom event more than 30 minutes (SESSION_TIMEOUT_MS, the
 *   profile's own session rule: core/profiles/behaviour.ts) after the visitor's last one; a visible
 *   time report (`Page Left` / `Page Ping`) keeps a visit alive but never opens one.
 * - On opening it counts 1 visit and 1 bounce in the hour it began, under its attributes (channel,
 *   referrer, UTM, device, …, fixed by its first event). Its second page view takes the bounce back
 *   (a bounce is a visit with at most one page view, as for profiles).
 * - Its duration (last event − first) grows by each event's step, in the hour it began.
 * - Entry and exit pages: the first page view counts an entry and an exit of its page (in the hour the
 *   visit began); each later page view moves the exit from the previous page to this one.
 * - Visible time: the tracker's reports are cumulative per page view; only the growth is added.
 * - A late event (older than the visit's last one, from a delayed beacon) counts its page view or
 *   event but moves no duration or exit; one older than the visit by more than the timeout counts as
 *   a visit of its own without replacing the open one.
 * Visitors are sketched per hour (hll.ts): each hit counts its visitor under its rows.
 */
import { SESSION_TIMEOUT_MS } from '../profiles/behaviour.js';
import { NONE, VISIT_DIMENSIONS, type VisitAttributes } from './dimensions.js';
import { hourOf, type Cell, type RollupChanges, type VisitorPoint } from './rollup.js';
import { goalCells, goalDimension } from './goal.js';
import type { Hit } from './hit-key.js';

export type { Hit } from './hit-key.js';

/** The visitor's open visit, kept between batches (per visitor; person-level, erased with the profile). */
export interface OpenVisit {
  start: number;
  last: number;
  pages: number;
  entryPath: string | null;
  lastPath: string | null;
  /** Visible time already counted for the current page view. */
  reportedMs: number;
  /** The last hour the visitor was counted in under the visit's rows. */
  seenHour: number;
  attributes: VisitAttributes;
  /** The goals (keys) the visit converted so far: each counts once per visit (goal.ts). */
  goals?: string[];
  /** The page the visit's exit is counted on (its last page view, late ones aside); absent before its first. */
  exit?: string;
  /** The title, category, event and event property cells (`dim NUL value`) the visit has counted itself under (visitedDimension). */
  touched?: string[];
}

/**
 * Rows `v:<dimension>` count the visits that touched a value of a dimension a visit has many of per
 * visit (a title, a category, a custom event, an event property's value): once per visit, in the
 * hour it began. They are the visits of such a row, the denominator of its goal conversion rate
 * (the row's own figures are page views or events, and stay as they are). Kept while the workspace
 * has goals (FoldContext.touches): a workspace without goals writes none.
 */
export const VISITED_PREFIX = 'v:';
export const visitedDimension = (dim: string): `v:${string}` => `${VISITED_PREFIX}${dim}`;

export interface FoldContext {
  changes: RollupChanges;
  point: VisitorPoint;
  /** The attributes a visit opened by this hit would have. */
  attributes: () => VisitAttributes;
  /** The goals (keys) a hit converts (goal.ts `goalsOfHit`); none when absent. */
  converts?: (hit: Hit) => readonly string[];
  /** Told of each visit this hit opens (ingest keeps it in the person's visit index). */
  opened?: (visit: OpenVisit) => void;
  /**
   * Count the visits per title, category, event and event property value (visitedDimension): only
   * the goals' rates read them, so they are kept while the workspace has goals (`converts`).
   */
  touches?: boolean;
}

/**
 * The rows a visit counts under: the totals and each visit dimension's value — except the
 * referrer, campaign tags, lifecycle stage and persona when the visit has none: their breakdowns list the
 * visits that have one, and "(none)" is the total less those (fewer rows to write per visit).
 */
export function visitCells(a: VisitAttributes): Cell[] {
  const cells: Cell[] = [['all', '']];
  for (const d of VISIT_DIMENSIONS) {
    const value = a[d] ?? NONE;
    if (value !== NONE || !OPTIONAL.has(d)) cells.push([d, value]);
  }
  return cells;
}

const OPTIONAL: ReadonlySet<string> = new Set(['referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'lifecycle', 'persona']);

/** Folds one hit (hits of a visitor in time order) into `changes`; returns the visit to keep open. */
export function foldHit(visit: OpenVisit | null, hit: Hit, ctx: FoldContext): OpenVisit | null {
  const inVisit = visit !== null && hit.at <= visit.last + SESSION_TIMEOUT_MS && hit.at >= visit.start - SESSION_TIMEOUT_MS;
  if (inVisit) {
    countHit(visit, hit, ctx);
    return visit;
  }
  if (hit.kind === 'time') return visit;
  const opened = openVisit(hit, ctx);
  countHit(opened, hit, ctx);
  // A very late event is a visit of its own; the open visit stays the visitor's current one.
  return visit !== null && hit.at < visit.start ? visit : opened;
}

function openVisit(hit: Hit, ctx: FoldContext): OpenVisit {
  const attributes = ctx.attributes();
  const hour = hourOf(hit.at);
  ctx.changes.addVisit(hour, attributes, { visits: 1, bounces: 1 });
  ctx.changes.see(hour, visitCells(attributes), attributes, ctx.point);
  const visit: OpenVisit = { start: hit.at, last: hit.at, pages: 0, entryPath: null, lastPath: null, reportedMs: 0, seenHour: hour, attributes };
  ctx.opened?.(visit);
  return visit;
}

function countHit(visit: OpenVisit, hit: Hit, ctx: FoldContext): void {
  const { changes, point } = ctx;
  const a = visit.attributes;
  const startHour = hourOf(visit.start);
  const hour = hourOf(hit.at);
  const late = hit.at < visit.last;
  if (!late && hit.at > visit.last) {
    changes.addVisit(startHour, a, { durationMs: hit.at - visit.last });
    visit.last = hit.at;
  }
  if (hit.kind === 'page' && hit.path !== null) {
    visit.pages++;
    changes.addVisit(hour, a, { pageviews: 1 });
    changes.add(hour, [['page', hit.path], ...(hit.labels ?? [])], a, { pageviews: 1 });
    changes.see(hour, [['page', hit.path]], a, point);
    if (visit.pages === 1) {
      visit.entryPath = hit.path;
      changes.add(startHour, [['page', hit.path]], a, { entries: 1, exits: 1, bounces: 1 });
      moveGoalExits(visit, hit.path, ctx, startHour);
    } else {
      if (visit.pages === 2) {
        changes.addVisit(startHour, a, { bounces: -1 });
        changes.add(startHour, [['page', visit.entryPath!]], a, { bounces: -1 });
      }
      if (!late && visit.lastPath !== null) {
        changes.add(startHour, [['page', visit.lastPath]], a, { exits: -1 });
        changes.add(startHour, [['page', hit.path]], a, { exits: 1 });
        moveGoalExits(visit, hit.path, ctx, startHour);
      }
    }
    if (!late) { visit.lastPath = hit.path; visit.reportedMs = 0; }
    if (hit.labels && ctx.touches) touch(visit, hit.labels, ctx, startHour);
  } else if (hit.kind === 'event' && hit.name !== null) {
    changes.add(hour, [['all', ''], ['event', hit.name], ...(hit.labels ?? [])], a, { events: 1 });
    changes.see(hour, [['event', hit.name]], a, point);
    if (ctx.touches) touch(visit, [['event', hit.name], ...(hit.labels ?? [])], ctx, startHour);
  } else if (hit.kind === 'time' && hit.visibleMs !== null && visit.lastPath !== null && (hit.path === null || hit.path === visit.lastPath)) {
    const grown = hit.visibleMs - visit.reportedMs;
    if (grown > 0) {
      changes.addVisit(hour, a, { visibleMs: grown });
      changes.add(hour, [['page', visit.lastPath]], a, { visibleMs: grown });
      visit.reportedMs = hit.visibleMs;
    }
  }
  if (ctx.converts) countConversions(visit, ctx.converts(hit), ctx, startHour);
  if (hour !== visit.seenHour && hit.kind !== 'time') {
    changes.see(hour, visitCells(a), a, point);
    visit.seenHour = hour;
  }
}

/**
 * A visit's first conversion of each goal: under every row the visit counts under and its entry
 * page (with visitor sketches), its exit page and every title, category, event and property value
 * it has touched (sums only: an exit moves, see moveGoalExits), in its start hour.
 */
function countConversions(visit: OpenVisit, keys: readonly string[], ctx: FoldContext, startHour: number): void {
  for (const key of keys) {
    if (visit.goals?.includes(key)) continue;
    (visit.goals ??= []).push(key);
    const cells = goalCells(key, visitCells(visit.attributes));
    // And under the page the visit entered on: the landing page's conversions (rate of its entries).
    if (visit.entryPath !== null) cells.push([goalDimension(key, 'page'), visit.entryPath]);
    ctx.changes.add(startHour, cells, visit.attributes, { visits: 1 });
    ctx.changes.see(startHour, cells, visit.attributes, ctx.point);
    const later: Cell[] = visit.exit !== undefined ? [[goalDimension(key, 'exit'), visit.exit]] : [];
    for (const t of visit.touched ?? []) {
      const at = t.indexOf('\u0000');
      later.push([goalDimension(key, t.slice(0, at)), t.slice(at + 1)]);
    }
    ctx.changes.add(startHour, later, visit.attributes, { visits: 1 });
  }
}

/** The visit's exit moves to `path` (or is first counted there): so do its goals' conversions by exit page. */
function moveGoalExits(visit: OpenVisit, path: string, ctx: FoldContext, startHour: number): void {
  for (const key of visit.goals ?? []) {
    if (visit.exit !== undefined) ctx.changes.add(startHour, [[goalDimension(key, 'exit'), visit.exit]], visit.attributes, { visits: -1 });
    ctx.changes.add(startHour, [[goalDimension(key, 'exit'), path]], visit.attributes, { visits: 1 });
  }
  visit.exit = path;
}

/** The visit counts itself once under each value it touches first (visitedDimension), and its goals' conversions with it. */
function touch(visit: OpenVisit, cells: readonly Cell[], ctx: FoldContext, startHour: number): void {
  for (const [dim, value] of cells) {
    const key = `${dim}\u0000${value}`;
    if (visit.touched?.includes(key)) continue;
    (visit.touched ??= []).push(key);
    ctx.changes.add(startHour, [[visitedDimension(dim), value]], visit.attributes, { visits: 1 });
    for (const goal of visit.goals ?? []) ctx.changes.add(startHour, [[goalDimension(goal, dim), value]], visit.attributes, { visits: 1 });
  }
}
