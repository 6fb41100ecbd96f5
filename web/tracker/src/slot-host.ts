/**
 * The handshake between /t.js and its slot module /t-slots.js (issue 14). t.js loads the module
 * only on pages with `[data-tessera-slot]` elements; before it does, it puts this object on
 * `window.__tsrSlots`. The module reads it once, sets `nav`, and from then on talks to Tessera
 * only through it, so that the visitor id, recognition, consent and the send policy stay the
 * tracker's alone.
 *
 * The contract (keep it small: both files are size-budgeted, and a cached old t.js may meet a new
 * module for up to five minutes, so fields are only ever added):
 * - `t`       the tracker's public API (`window.tessera`): `anonymousId()`, `track()`, `consent()`,
 *             `ready` (the recognition step has finished).
 * - `post`    the tracker's transport: POST with the write key in a text/plain JSON body.
 * - `rec`     the recognition token of this device (signed email link or the site's server), or null.
 * - `locale`  the page's language (data-locale, else <html lang>, else the browser's).
 * - `timeout` the anti-flicker bound in ms (data-slot-timeout, default 300).
 * - `t0`      performance.now() when t.js hid the first slots; their answer counts until t0 + timeout.
 * - `styles`  false when data-styles="false": the module injects no stylesheet of its own.
 * - `nav`     set by the module: t.js calls it after every single-page-app navigation.
 */
import type { Decision } from './consent.js';
import type { Transport } from './transport.js';

/** The part of the tracker's public API (tracker.ts, TesseraApi) the slot module uses. */
export interface SlotTracker {
  anonymousId(): string;
  track(event: string, properties?: Record<string, unknown>): void;
  /** With purposes: records them (POST /v1/consent); without: the current decision or null. */
  consent(purposes?: Decision): Decision | null | Promise<boolean>;
  readonly ready: Promise<void>;
}

export interface SlotHost {
  t: SlotTracker;
  post: Transport['post'];
  rec: () => string | null;
  locale: string;
  timeout: number;
  t0?: number;
  styles: boolean;
  nav?: () => void;
}

/** The slot elements: `<div data-tessera-slot="hero">default HTML</div>`. */
export const SLOT_SELECTOR = '[data-tessera-slot]';
/** The class that hides a slot (keeping its space) until it is filled or its time is up. */
export const WAIT_CLASS = 'tsr-wait';

/**
 * Hides the page's slots and loads the slot module from `src` once; later calls (single-page-app
 * navigations) hand over to the module. Whatever happens to the module (blocked, slow, failing),
 * the slots show their default HTML after `timeout` ms.
 */
export function loadSlots(h: SlotHost, src: string): void {
  if (h.nav) return h.nav();
  const els = document.querySelectorAll<HTMLElement>(SLOT_SELECTOR);
  if (h.t0 || els.length === 0) return;
  h.t0 = performance.now();
  const style = document.createElement('style');
  style.textContent = `.${WAIT_CLASS}{visibility:hidden}`;
  document.head.append(style);
  els.forEach((el) => el.classList.add(WAIT_CLASS));
  setTimeout(() => els.forEach((el) => el.classList.remove(WAIT_CLASS)), h.timeout);
  (window as unknown as { __tsrSlots: SlotHost }).__tsrSlots = h;
  const script = document.createElement('script');
  script.src = src; // async, as every inserted script
  document.head.append(script);
}
