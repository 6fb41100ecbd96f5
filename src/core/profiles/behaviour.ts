/**
 * Behaviour of a profile, computed incrementally: `applyEvent` folds one event into the state, so
 * that ingest never rescans history. A merge replays both profiles' events through the same fold
 * (`replayBehaviour`), so the incremental and the recomputed figures agree by construction.
 *
 * - Sessions: 30 minutes without an event closes a session; a session with at most one page view
 *   is a bounce.
 * - Time on page: the time until the next page view of the same session, or — when the tracker
 *   reports it — the visible time sent in `Page Left` / `Page Ping` events (`properties.visibleMs`,
 *   cumulative for the page view), which then replaces the estimate.
 * - Acquisition: the first session's touch (first touch) and the latest session's (last touch).
 * - Email: Segment's email spec event names (Email Sent/Delivered/Opened/Link Clicked/Bounced,
 *   Unsubscribed) count into counters.
 * - Events older than the last seen event still count, but do not move sessions or pages back.
 */
import type { TrackedEvent } from '../events/event.js';
import type { EpochMs } from '../time.js';
import { classifyChannel, type Touch } from './channel.js';
import { campaignOf, hostOf, pageInfo, type PageInfo } from './page-info.js';

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
  openPage: { key: string; category: string | null; at: EpochMs; accountedMs: number; reported: boolean } | null;
  firstTouch: Touch | null;
  lastTouch: Touch | null;
  email: EmailStats;
  groups: string[];
}

export function emptyBehaviour(): Behaviour {
  return {
    firstSeenAt: null, lastSeenAt: null, eventCount: 0, counts: {},
    sessions: { count: 0, closedMs: 0, bounces: 0, current: null },
    pageViews: 0, pages: {}, categories: {}, openPage: null, firstTouch: null, lastTouch: null,
    email: { sent: 0, delivered: 0, opened: 0, clicked: 0, bounced: 0, unsubscribed: 0, lastOpenedAt: null, lastClickedAt: null },
    groups: [],
  };
}

const EMAIL_EVENTS: Record<string, keyof Omit<EmailStats, 'lastOpenedAt' | 'lastClickedAt'>> = {
  'email sent': 'sent', 'email delivered': 'delivered', 'email opened': 'opened',
  'email link clicked': 'clicked', 'email bounced': 'bounced', unsubscribed: 'unsubscribed',
};
const TIME_EVENTS = new Set(['page left', 'page ping']);

/** Folds one event into the behaviour (mutates `b`). System timeline entries are ignored. */
export function applyEvent(b: Behaviour, e: TrackedEvent): void {
  if (e.type === 'system') return;
  const t = e.timestamp;
  const late = b.lastSeenAt !== null && t < b.lastSeenAt;
  b.eventCount++;
  bump(b.counts, e.type, MAX_EVENT_NAMES);
  if (b.firstSeenAt === null || t < b.firstSeenAt) b.firstSeenAt = t;
  if (!late) b.lastSeenAt = t;

  const page = pageInfo(e);
  if (!late) trackSession(b, e, page);

  if (e.type === 'track' && e.name) {
    bump(b.counts, `track:${e.name}`, MAX_EVENT_NAMES);
    const lower = e.name.toLowerCase();
    const emailField = EMAIL_EVENTS[lower];
    if (emailField) countEmail(b.email, emailField, t);
    else if (TIME_EVENTS.has(lower)) reportVisibleTime(b, e, page);
  } else if ((e.type === 'page' || e.type === 'screen') && page) {
    viewPage(b, page, t, late);
  } else if (e.type === 'group' && e.groupId && !b.groups.includes(e.groupId) && b.groups.length < MAX_GROUPS) {
    b.groups.push(e.groupId);
  }
}

export function replayBehaviour(events: readonly TrackedEvent[]): Behaviour {
  const b = emptyBehaviour();
  const sorted = [...events].sort((x, y) => x.timestamp - y.timestamp);
  for (const e of sorted) applyEvent(b, e);
  return b;
}

function trackSession(b: Behaviour, e: TrackedEvent, page: PageInfo | null): void {
  const s = b.sessions;
  const t = e.timestamp;
  if (s.current && t - s.current.last <= SESSION_TIMEOUT_MS) {
    s.current.last = t;
    return;
  }
  if (s.current) closeSession(b);
  s.count++;
  s.current = { start: t, last: t, pageViews: 0 };
  b.openPage = null;
  const campaign = campaignOf(e, page);
  const referrerHost = hostOf(page?.referrer ?? null);
  const ownHost = hostOf(page?.url ?? null);
  const touch: Touch = {
    channel: classifyChannel(campaign, referrerHost && referrerHost !== ownHost ? referrerHost : null),
    source: campaign.source ?? referrerHost ?? null,
    medium: campaign.medium ?? null,
    campaign: campaign.name ?? null,
    referrer: page?.referrer ?? null,
    landingPage: page?.url ?? page?.path ?? null,
    at: t,
  };
  if (!b.firstTouch) b.firstTouch = touch;
  b.lastTouch = touch;
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
  if (!late && b.sessions.current) b.sessions.current.pageViews++;
  const key = pageKey(b, page.key);
  const stat = (b.pages[key] ??= { url: page.url, path: page.path, title: page.title, category: page.category, views: 0, timeMs: 0, firstAt: t, lastAt: t });
  stat.views++;
  if (t < stat.firstAt) stat.firstAt = t;
  if (t >= stat.lastAt) { stat.lastAt = t; stat.title = page.title ?? stat.title; stat.url = page.url ?? stat.url; }
  const category = page.category ?? OTHER;
  const cat = (b.categories[category] ??= { views: 0, timeMs: 0 });
  cat.views++;
  if (late) return;
  const open = b.openPage;
  if (open && !open.reported) addTime(b, open.key, open.category, Math.min(t - open.at, MAX_ESTIMATED_PAGE_MS) - open.accountedMs);
  b.openPage = { key, category, at: t, accountedMs: 0, reported: false };
}

function reportVisibleTime(b: Behaviour, e: TrackedEvent, page: PageInfo | null): void {
  const visible = e.properties.visibleMs;
  if (typeof visible !== 'number' || !Number.isFinite(visible) || visible < 0) return;
  const open = b.openPage;
  if (open && (!page || pageKey(b, page.key) === open.key)) {
    addTime(b, open.key, open.category, visible - open.accountedMs);
    open.accountedMs = Math.max(open.accountedMs, visible);
    open.reported = true;
  } else if (page && b.pages[pageKey(b, page.key)]) {
    addTime(b, pageKey(b, page.key), page.category ?? OTHER, visible);
  }
}

function addTime(b: Behaviour, key: string, category: string | null, ms: number): void {
  if (!(ms > 0)) return;
  const stat = b.pages[key];
  if (stat) stat.timeMs += ms;
  const cat = b.categories[category ?? OTHER];
  if (cat) cat.timeMs += ms;
}

function pageKey(b: Behaviour, key: string): string {
  return key in b.pages || Object.keys(b.pages).length < MAX_PAGES ? key : OTHER;
}

function countEmail(email: EmailStats, field: keyof Omit<EmailStats, 'lastOpenedAt' | 'lastClickedAt'>, t: EpochMs): void {
  email[field]++;
  if (field === 'opened' && (email.lastOpenedAt === null || t > email.lastOpenedAt)) email.lastOpenedAt = t;
  if (field === 'clicked' && (email.lastClickedAt === null || t > email.lastClickedAt)) email.lastClickedAt = t;
}

function bump(counts: Record<string, number>, key: string, cap: number): void {
  if (key in counts) counts[key]!++;
  else if (Object.keys(counts).length < cap) counts[key] = 1;
  else counts[OTHER] = (counts[OTHER] ?? 0) + 1;
}
