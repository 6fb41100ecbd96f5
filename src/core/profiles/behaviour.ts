/**
 * Behaviour of a profile, computed incrementally: `applyEvent` folds one event into the state, so
 * that ingest never rescans history. A merge replays both profiles' events through the same fold
 * (`replayBehaviour`), so the incremental and the recomputed figures agree by construction.
 *
 * - Sessions: 30 minutes without an event closes a session; a session with at most one page view
 *   is a bounce. `Page Left` / `Page Ping` keep an open session alive but never open one (they
 *   report on a page view already counted: a tab closed after an hour in the background is not a
 *   new visit).
 * - Time on page: the time until the next page view of the same session, or — when the tracker
 *   reports it — the visible time sent in `Page Left` / `Page Ping` events (`properties.visibleMs`,
 *   cumulative for the page view), which then replaces the estimate. A report may arrive after the
 *   next page view (a beacon overtaken by the next page's event): it then corrects the estimate
 *   already credited to the previous page view instead of adding to it. A report for any older
 *   page view is ignored rather than risk counting its time twice.
 * - Acquisition: the first session's touch (first touch) and the latest session's (last touch);
 *   see acquisition.ts for what counts as a touch.
 * - Email: Segment's email spec event names (Email Sent/Delivered/Opened/Link Clicked/Bounced,
 *   Unsubscribed) count into counters. They are sent by the email system, not the visitor's
 *   browser, so they never open or extend a session; Sent/Delivered/Bounced happen without the
 *   person doing anything, so they do not move first/last seen either. An email event judged a
 *   machine's (`properties.machine === true`: a link scanner, Apple's mail proxy; see
 *   core/links/machine-verdict.ts) is kept on the timeline but counts as nothing the person did:
 *   no open or click, no first/last seen.
 * - Events older than the last seen event still count, but do not move sessions or pages back; a
 *   late page view inside the current session still counts towards that session's page views.
 * - Keys of the maps below (pages, categories, counts) come from clients: they are written as own
 *   properties, so a page called `__proto__` is a page, never a prototype.
 */
import type { TrackedEvent } from '../events/event.js';
import type { EpochMs } from '../time.js';
import type { Touch } from './channel.js';
import { sessionTouch } from './acquisition.js';
import { pageInfo, type PageInfo } from './page-info.js';
import { countActivity, emptyBehaviourActivity, type BehaviourActivity } from './activity.js';

export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;
/** Without a report from the tracker, no single page view counts more than this. */
export const MAX_ESTIMATED_PAGE_MS = SESSION_TIMEOUT_MS;
const MAX_PAGES = 1000;
const MAX_EVENT_NAMES = 1000;
const MAX_GROUPS = 100;
const OTHER = '(other)';

export interface PageStat {
  url: string | null;
  path: string;
  title: string | null;
  category: string | null;
  views: number;
  timeMs: number;
  firstAt: EpochMs;
  lastAt: EpochMs;
}

export interface EmailStats {
  sent: number; delivered: number; opened: number; clicked: number; bounced: number; unsubscribed: number;
  lastOpenedAt: EpochMs | null; lastClickedAt: EpochMs | null;
}

/** A page view whose time is being measured; `accountedMs` has been credited to its page so far. */
export interface MeasuredPageView {
  key: string;
  category: string | null;
  at: EpochMs;
  accountedMs: number;
  /** The tracker reported visible time: `accountedMs` is a report, not an estimate. */
  reported: boolean;
}

export interface Behaviour {
  firstSeenAt: EpochMs | null;
  lastSeenAt: EpochMs | null;
  eventCount: number;
  /** Counts by type (`page`, `identify`, …) and by track event name (`track:Signed Up`). */
  counts: Record<string, number>;
  sessions: { count: number; closedMs: number; bounces: number; current: { start: EpochMs; last: EpochMs; pageViews: number } | null };
  pageViews: number;
  pages: Record<string, PageStat>;
  categories: Record<string, { views: number; timeMs: number }>;
  /** The page view that time is currently being measured for. */
  openPage: MeasuredPageView | null;
  /** The page view before it, which a late report may still correct (absent in older stored state). */
  previousPage?: MeasuredPageView | null;
  firstTouch: Touch | null;
  lastTouch: Touch | null;
  email: EmailStats;
  groups: string[];
  /**
   * The userId of the person's latest identify or alias (by event time; of two at the same time,
   * the later arrival): their current user id. An alias's `previousId` never becomes it.
   * Absent in state stored before it was kept (see current-user-id.ts for the fallback).
   */
  userId?: { value: string; at: EpochMs };
  /** The person's actions by UTC hour of the week and device class (activity.ts); absent until the first one. */
  activity?: BehaviourActivity;
}

export function emptyBehaviour(): Behaviour {
  return {
    firstSeenAt: null, lastSeenAt: null, eventCount: 0, counts: {},
    sessions: { count: 0, closedMs: 0, bounces: 0, current: null },
    pageViews: 0, pages: {}, categories: {}, openPage: null, previousPage: null, firstTouch: null, lastTouch: null,
    email: { sent: 0, delivered: 0, opened: 0, clicked: 0, bounced: 0, unsubscribed: 0, lastOpenedAt: null, lastClickedAt: null },
    groups: [],
  };
}

type EmailCounter = keyof Omit<EmailStats, 'lastOpenedAt' | 'lastClickedAt'>;
// A Map, not an object literal: an event named "constructor" must not find Object's constructor.
const EMAIL_EVENTS: ReadonlyMap<string, EmailCounter> = new Map([
  ['email sent', 'sent'], ['email delivered', 'delivered'], ['email opened', 'opened'],
  ['email link clicked', 'clicked'], ['email bounced', 'bounced'], ['unsubscribed', 'unsubscribed'],
]);
/** Email events that happen without the person doing anything. */
const PASSIVE_EMAIL: ReadonlySet<EmailCounter> = new Set(['sent', 'delivered', 'bounced']);
const TIME_EVENTS = new Set(['page left', 'page ping']);

/** Folds one event into the behaviour (mutates `b`). System timeline entries are ignored. */
export function applyEvent(b: Behaviour, e: TrackedEvent): void {
  if (e.type === 'system' || e.type === 'consent') return;
  const t = e.timestamp;
  const lower = e.type === 'track' && e.name ? e.name.toLowerCase() : null;
  const emailField = lower === null ? undefined : EMAIL_EVENTS.get(lower);
  const machine = emailField !== undefined && e.properties.machine === true;
  const timeReport = lower !== null && TIME_EVENTS.has(lower);
  const late = b.lastSeenAt !== null && t < b.lastSeenAt;
  b.eventCount++;
  bump(b.counts, e.type, MAX_EVENT_NAMES);
  // Only an identify or alias declares who the person is now; a track from a stale client that still
  // sends an old id does not make it current again.
  const userId = (e.type === 'identify' || e.type === 'alias') && typeof e.userId === 'string' ? e.userId.trim() : '';
  if (userId !== '' && (b.userId === undefined || t >= b.userId.at)) b.userId = { value: userId, at: t };
  if ((emailField === undefined || !PASSIVE_EMAIL.has(emailField)) && !machine) {
    if (b.firstSeenAt === null || t < b.firstSeenAt) b.firstSeenAt = t;
    if (!late) b.lastSeenAt = t;
    if ((e.type === 'page' || e.type === 'screen' || e.type === 'track') && !timeReport) countActivity(b.activity ??= emptyBehaviourActivity(), e);
  }

  const page = pageInfo(e);
  if (!late && emailField === undefined) trackSession(b, e, page, timeReport);

  if (e.type === 'track' && e.name) {
    bump(b.counts, `track:${e.name}`, MAX_EVENT_NAMES);
    if (emailField) { if (!machine) countEmail(b.email, emailField, t); }
    else if (timeReport) reportVisibleTime(b, e, page);
  } else if ((e.type === 'page' || e.type === 'screen') && page) {
    viewPage(b, page, t, late);
  } else if (e.type === 'group' && e.groupId && !b.groups.includes(e.groupId) && b.groups.length < MAX_GROUPS) {
    b.groups.push(e.groupId);
  }
}

/** Recomputes behaviour from events in time order; events with the same time keep the given order. */
export function replayBehaviour(events: readonly TrackedEvent[]): Behaviour {
  const b = emptyBehaviour();
  const sorted = [...events].sort((x, y) => x.timestamp - y.timestamp);
  for (const e of sorted) applyEvent(b, e);
  return b;
}

function trackSession(b: Behaviour, e: TrackedEvent, page: PageInfo | null, timeReport: boolean): void {
  const s = b.sessions;
  const t = e.timestamp;
  if (s.current && t - s.current.last <= SESSION_TIMEOUT_MS) {
    s.current.last = t;
    return;
  }
  if (timeReport) return;
  if (s.current) closeSession(b);
  s.count++;
  s.current = { start: t, last: t, pageViews: 0 };
  if (b.openPage) b.previousPage = b.openPage;
  b.openPage = null;
  const touch = sessionTouch(e, page);
  if (touch.kind === 'none' || (touch.kind === 'internal' && b.lastTouch)) return;
  if (!b.firstTouch) b.firstTouch = touch.touch;
  b.lastTouch = touch.touch;
}

function closeSession(b: Behaviour): void {
  const current = b.sessions.current;
  if (!current) return;
  b.sessions.closedMs += current.last - current.start;
  if (current.pageViews <= 1) b.sessions.bounces++;
  b.sessions.current = null;
}

function viewPage(b: Behaviour, page: PageInfo, t: EpochMs, late: boolean): void {
  b.pageViews++;
  const current = b.sessions.current;
  if (current && t >= current.start) current.pageViews++;
  const key = pageKey(b, page.key);
  const stat = ownEntry(b.pages, key, (): PageStat => key === OTHER
    ? { url: null, path: OTHER, title: null, category: null, views: 0, timeMs: 0, firstAt: t, lastAt: t }
    : { url: page.url, path: page.path, title: page.title, category: page.category, views: 0, timeMs: 0, firstAt: t, lastAt: t });
  stat.views++;
  if (t < stat.firstAt) stat.firstAt = t;
  if (t >= stat.lastAt) {
    stat.lastAt = t;
    if (key !== OTHER) { stat.title = page.title ?? stat.title; stat.url = page.url ?? stat.url; }
  }
  const category = page.category ?? OTHER;
  ownEntry(b.categories, category, () => ({ views: 0, timeMs: 0 })).views++;
  if (late) return;
  const open = b.openPage;
  if (open) {
    if (!open.reported) {
      const estimate = Math.min(t - open.at, MAX_ESTIMATED_PAGE_MS);
      addTime(b, open.key, open.category, estimate);
      open.accountedMs = estimate;
    }
    b.previousPage = open;
  }
  b.openPage = { key, category, at: t, accountedMs: 0, reported: false };
}

/**
 * A tracker's report of the visible time of a page view (cumulative): it replaces the estimate of
 * that page view, whether the view is still open or the one just closed by the next page view.
 */
function reportVisibleTime(b: Behaviour, e: TrackedEvent, page: PageInfo | null): void {
  const visible = e.properties.visibleMs;
  if (typeof visible !== 'number' || !Number.isFinite(visible) || visible < 0) return;
  const key = page ? pageKey(b, page.key) : null;
  // A report sent before a page view started cannot be about it (the same page viewed twice in a row).
  const matches = (view: MeasuredPageView | null | undefined) => (view && view.at <= e.timestamp && (key === null || view.key === key) ? view : null);
  // Without page information a report can only be about the page view still open.
  const view = matches(b.openPage) ?? (key === null ? null : matches(b.previousPage));
  if (!view) return;
  const delta = visible - view.accountedMs;
  // A smaller report than an earlier report is stale (reports are cumulative); a smaller report
  // than an estimate corrects it.
  if (delta > 0 || !view.reported) {
    addTime(b, view.key, view.category, delta);
    view.accountedMs = visible;
  }
  view.reported = true;
}

/** Adds (or, when correcting an estimate, removes) time on a page and its category; never below 0. */
function addTime(b: Behaviour, key: string, category: string | null, ms: number): void {
  if (ms === 0 || !Number.isFinite(ms)) return;
  const stat = Object.hasOwn(b.pages, key) ? b.pages[key] : undefined;
  if (stat) stat.timeMs = Math.max(0, stat.timeMs + ms);
  const categoryKey = category ?? OTHER;
  const cat = Object.hasOwn(b.categories, categoryKey) ? b.categories[categoryKey] : undefined;
  if (cat) cat.timeMs = Math.max(0, cat.timeMs + ms);
}

function pageKey(b: Behaviour, key: string): string {
  return Object.hasOwn(b.pages, key) || Object.keys(b.pages).length < MAX_PAGES ? key : OTHER;
}

/** The record's own entry for `key`, created when missing; defined as an own property even for `__proto__`. */
function ownEntry<T>(record: Record<string, T>, key: string, create: () => T): T {
  if (Object.hasOwn(record, key)) return record[key]!;
  const value = create();
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  return value;
}

function countEmail(email: EmailStats, field: EmailCounter, t: EpochMs): void {
  email[field]++;
  if (field === 'opened' && (email.lastOpenedAt === null || t > email.lastOpenedAt)) email.lastOpenedAt = t;
  if (field === 'clicked' && (email.lastClickedAt === null || t > email.lastClickedAt)) email.lastClickedAt = t;
}

function bump(counts: Record<string, number>, key: string, cap: number): void {
  const slot = Object.hasOwn(counts, key) || Object.keys(counts).length < cap ? key : OTHER;
  const count = ownEntry(counts, slot, () => 0);
  counts[slot] = count + 1;
}
