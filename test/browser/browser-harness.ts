/**
 * What the analytics.js browser tests share: a real Tessera process with the demo site pointing at
 * it, a watch on every request the browser makes to Tessera, and reads of the profile API.
 */
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { ADMIN_KEY, tempDir, WRITE_KEY } from '../support/tessera-under-test.js';
import { startDemoSite, type DemoSite } from './demo-site.js';

export const DELIVERY_TIMEOUT_MS = 30_000;

/** Tessera, restartable on the same port and data dir, and the demo site that points at it. */
export interface Stack {
  tessera: ServerProcess;
  site: DemoSite;
  restartTessera(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const dataDir = tempDir('tessera-browser-');
  let tessera = await startServerProcess({ dataDir: dataDir.path });
  const site = await startDemoSite({ tesseraUrl: tessera.url, writeKey: WRITE_KEY, port: await freePort() });
  return {
    get tessera() { return tessera; },
    site,
    async restartTessera() {
      await tessera.stop();
      tessera = await startServerProcess({ dataDir: dataDir.path, port: tessera.port });
    },
    async close() {
      await site.close();
      await tessera.stop();
      dataDir.remove();
    },
  };
}

/** What the tests read of analytics.js in the page. This file has no DOM types; the page has. */
export interface AnalyticsInPage {
  initialized: boolean;
  VERSION: string;
  user(): { id(): string | null; anonymousId(): string | null };
}
/** `window` as seen by functions passed to page.evaluate / waitForFunction, which run in the page. */
export type PageWindow = { analytics: AnalyticsInPage };

export async function analyticsReady(page: Page): Promise<{ anonymousId: string | null; userId: string | null; version: string }> {
  await page.waitForFunction(() => (globalThis as unknown as PageWindow).analytics.initialized === true, undefined, { timeout: DELIVERY_TIMEOUT_MS });
  return page.evaluate(() => {
    const analytics = (globalThis as unknown as PageWindow).analytics;
    return { anonymousId: analytics.user().anonymousId(), userId: analytics.user().id(), version: analytics.VERSION };
  });
}

export interface TesseraRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** `200`, `answered 400`, or `failed: net::ERR_…`. */
  outcome: string;
}

/** Every request the browser makes to Tessera (origin `tesseraUrl`) with its outcome. */
export function watchTessera(context: BrowserContext, tesseraUrl: string) {
  const requests: TesseraRequest[] = [];
  const isTessera = (url: string) => url.startsWith(`${tesseraUrl}/`);
  const entry = new Map<object, TesseraRequest>();
  // How often each page's main frame has navigated: a request still in flight when its page is left is aborted
  // for the page (net::ERR_ABORTED) although the browser goes on sending it (the tracker sends with keepalive or
  // sendBeacon for that reason); that is the visitor leaving, not Tessera failing to answer. Whether such events
  // arrive is checked on the server side by the tests that need them.
  const navigations = new WeakMap<Page, number>();
  const sentAt = new Map<object, { page: Page; navigation: number }>();
  const abortedIn = new Map<TesseraRequest, { page: Page; navigation: number }>();
  const watchPage = (page: Page) => page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations.set(page, (navigations.get(page) ?? 0) + 1); });
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  context.on('request', (request) => {
    if (!isTessera(request.url())) return;
    const r: TesseraRequest = { method: request.method(), path: new URL(request.url()).pathname, headers: request.headers(), outcome: 'pending' };
    entry.set(request, r);
    requests.push(r);
    let page: Page | null = null;
    try { page = request.frame().page(); } catch { /* a service worker's request has no frame */ }
    if (page) sentAt.set(request, { page, navigation: navigations.get(page) ?? 0 });
  });
  context.on('requestfailed', (request) => {
    const r = entry.get(request);
    if (!r) return;
    r.outcome = `failed: ${request.failure()?.errorText ?? 'unknown'}`;
    const origin = sentAt.get(request);
    if (r.outcome === 'failed: net::ERR_ABORTED' && origin) abortedIn.set(r, origin);
  });
  // Read when asked, not when the failure arrives: the page's navigation may be reported after its requests' abort.
  const leftWithThePage = (r: TesseraRequest) => {
    const origin = abortedIn.get(r);
    return origin !== undefined && (origin.page.isClosed() || (navigations.get(origin.page) ?? 0) > origin.navigation);
  };
  context.on('response', (response) => {
    const r = entry.get(response.request());
    if (r) r.outcome = response.status() >= 200 && response.status() <= 299 ? String(response.status()) : `answered ${response.status()}`;
  });
  return {
    requests,
    /** Requests still waiting for an answer or a failure. */
    pending: () => requests.filter((r) => r.outcome === 'pending'),
    /** Requests that failed or were answered non-2xx. */
    problems: () => requests.filter((r) => r.outcome !== 'pending' && !leftWithThePage(r) && !/^2\d\d$/.test(r.outcome)),
    describe: (list: TesseraRequest[] = requests) => list.map((r) => `${r.method} ${r.path} → ${r.outcome}${leftWithThePage(r) ? ' (its page was left)' : ''}`).join('\n'),
  };
}

/** Console errors and uncaught exceptions of the page: analytics.js reports CORS and load failures there. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

export interface EventView {
  type: string;
  messageId: string;
  event?: string;
  userId: string | null;
  anonymousId: string | null;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: { page?: Record<string, unknown>; library?: { name?: string; version?: string }; userAgent?: string; browser?: { name?: string | null }; device?: { class?: string } };
}

export interface ProfileView {
  id: string;
  traits: Record<string, unknown>;
  identities: Array<{ kind: string; value: string }>;
  behaviour: { pageViews: number; pages: Array<{ url: string | null; path: string; title: string | null; views: number }> };
}

export async function adminGet<T>(tesseraUrl: string, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${tesseraUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return { status: response.status, body: (await response.json()) as T };
}

/** The timeline of the profile known by `id`; empty while no profile is known by it. */
export async function timelineOf(tesseraUrl: string, id: string): Promise<EventView[]> {
  const response = await adminGet<{ events: EventView[] }>(tesseraUrl, `/v1/profiles/${encodeURIComponent(id)}/events?limit=1000`);
  return response.status === 200 ? response.body.events : [];
}

export const countOf = (events: EventView[], type: string) => events.filter((e) => e.type === type).length;

/**
 * Polls `probe` until `done` holds for its value, for at most DELIVERY_TIMEOUT_MS; on timeout fails
 * with the last value and whatever `diagnose` says (the browser's requests, page errors …).
 */
export async function eventually<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, diagnose: () => string): Promise<T> {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      assert.fail(`${what}: not seen within ${DELIVERY_TIMEOUT_MS / 1000} s.\nLast seen: ${JSON.stringify(value, null, 2)}\n${diagnose()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
