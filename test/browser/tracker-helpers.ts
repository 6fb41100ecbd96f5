/**
 * What the browser tests of Tessera's own tracker (/t.js) share: the tracker's API as the page
 * sees it, waiting for it, and visibility control (headless Chromium keeps every page visible, so
 * tests switch `document.visibilityState` themselves and fire the event a browser would).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { DELIVERY_TIMEOUT_MS } from './browser-harness.js';

/** `window` of a page with the tracker, as seen by functions passed to page.evaluate. */
export type TrackerWindow = {
  tessera: unknown[] | { anonymousId(): string; track(name: string, properties?: object): void; ready: Promise<void> };
  consentRecorded?: Promise<boolean>;
  __tsrHidden?: boolean;
};

/** Resolves with the anonymous id once /t.js has started and its recognition step has finished. */
export async function trackerReady(page: Page): Promise<string> {
  await page.waitForFunction(() => {
    const t = (globalThis as unknown as TrackerWindow).tessera;
    return typeof t === 'object' && t !== null && !Array.isArray(t);
  }, undefined, { timeout: DELIVERY_TIMEOUT_MS });
  return page.evaluate(async () => {
    const t = (globalThis as unknown as TrackerWindow).tessera as Exclude<TrackerWindow['tessera'], unknown[]>;
    await t.ready;
    return t.anonymousId();
  });
}

/**
 * Installs the visibility switch in every page of the context (before the page's scripts run). A
 * string, not a function: tsx wraps named functions in a `__name` helper the page does not have.
 */
export async function controlVisibility(context: BrowserContext): Promise<void> {
  await context.addInitScript({
    content: "Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: function () { return window.__tsrHidden ? 'hidden' : 'visible'; } });",
  });
}

export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    (globalThis as unknown as TrackerWindow).__tsrHidden = h;
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}
