/**
 * What an event says about the page it happened on and how the visitor arrived: from a page
 * event's properties, else from `context.page` (analytics.js puts it on every event), and the
 * campaign from `context.campaign` or the URL's utm_* parameters.
 */
import type { JsonObject, TrackedEvent } from '../events/event.js';
import type { Campaign } from './channel.js';

export interface PageInfo {
  /**
   * Stable key of the page: host + path, without query or fragment, and without a trailing slash
   * (`/pricing/` and `/pricing` are one page to a marketer). The path always starts with `/`.
   */
  key: string;
  url: string | null;
  path: string;
  title: string | null;
  referrer: string | null;
  category: string | null;
  search: string | null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function parseUrl(url: string | null): URL | null {
  if (!url) return null;
  try { return new URL(url); } catch { return null; }
}

// A base for relative URLs (`/pricing?x=1`), whose host is then ignored.
const RELATIVE_BASE = 'http://relative.invalid';

/**
 * The page of an event, read once per event: profiles, the web-analytics hit, its visit and its labels
 * each ask for it (an event is not changed once validated, so the answer stays right).
 */
export function pageInfo(event: TrackedEvent): PageInfo | null {
  let info = read.get(event);
  if (info === undefined) read.set(event, (info = readPageInfo(event)));
  return info;
}

const read = new WeakMap<TrackedEvent, PageInfo | null>();

function readPageInfo(event: TrackedEvent): PageInfo | null {
  const props = event.properties;
  const ctxPage = (typeof event.context.page === 'object' && event.context.page !== null ? event.context.page : {}) as JsonObject;
  const isView = event.type === 'page' || event.type === 'screen';
  const pick = (field: string) => (isView ? str(props[field]) : null) ?? str(ctxPage[field]);
  if (event.type === 'screen') {
    const name = event.name ?? str(props.name) ?? 'screen';
    return { key: `screen:${name}`, url: null, path: name, title: name, referrer: null, category: event.category ?? str(props.category), search: null };
  }
  const url = pick('url');
  const parsed = parseUrl(url);
  const resolved = parsed ?? relativeUrl(url);
  const path = pick('path') ?? resolved?.pathname ?? null;
  if (path === null && url === null) return null;
  const host = parsed?.host ?? '';
  const cleanPath = normalisePath(path ?? '/');
  const category = (isView ? event.category ?? str(props.category) : null) ?? firstSegment(cleanPath);
  return {
    key: host + cleanPath,
    url: url ?? null,
    path: cleanPath,
    title: pick('title') ?? (isView ? event.name : null),
    referrer: pick('referrer'),
    category,
    search: pick('search') ?? (resolved?.search || null),
  };
}

function normalisePath(path: string): string {
  const bare = path.split('?')[0]!.split('#')[0]!;
  const rooted = bare.startsWith('/') ? bare : `/${bare}`;
  return rooted.length > 1 ? rooted.replace(/\/+$/, '') || '/' : rooted;
}

function relativeUrl(url: string | null): URL | null {
  if (!url) return null;
  try { return new URL(url, RELATIVE_BASE); } catch { return null; }
}

function firstSegment(path: string): string {
  const segment = path.split('/').find((s) => s.length > 0);
  return segment ? decodeSafe(segment).toLowerCase() : '(home)';
}

function decodeSafe(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

export function campaignOf(event: TrackedEvent, page: PageInfo | null): Campaign {
  const c = (typeof event.context.campaign === 'object' && event.context.campaign !== null ? event.context.campaign : {}) as JsonObject;
  const query = new URLSearchParams(page?.search ?? '');
  const pick = (ctxField: string, utm: string) => str(c[ctxField]) ?? str(query.get(utm)) ?? undefined;
  const clickId = (['gclid', 'msclkid', 'fbclid'] as const).find((id) => query.has(id));
  return { source: pick('source', 'utm_source'), medium: pick('medium', 'utm_medium'), name: pick('name', 'utm_campaign'), clickId };
}

export function hostOf(url: string | null): string | null {
  return parseUrl(url)?.host.toLowerCase() ?? null;
}
