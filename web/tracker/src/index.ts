/**
 * Entry of /t.js: reads the script tag's data-* attributes, starts the tracker as
 * `window.tessera`, replays calls a page queued before the script arrived
 * (`window.tessera = window.tessera || []; tessera.push(['consent', {...}])`), and mounts every
 * `<div data-tessera-form="FORM_ID">` on the page.
 */
import { readConfig } from './config.js';
import { startTracker, type TesseraApi } from './tracker.js';

type Queued = [keyof TesseraApi, ...unknown[]];

function boot(): void {
  const w = window as unknown as { tessera?: TesseraApi | Queued[] };
  if (w.tessera && !Array.isArray(w.tessera)) return; // loaded twice
  const script = (document.currentScript ?? document.querySelector('script[data-write-key]')) as HTMLScriptElement | null;
  const cfg = readConfig((name) => script?.getAttribute(`data-${name}`) ?? null, script?.src ?? '', location.origin);
  if (typeof cfg === 'string') {
    console.warn(`tessera: ${cfg}`);
    return;
  }
  const queued = Array.isArray(w.tessera) ? w.tessera : [];
  const api = startTracker(cfg);
  w.tessera = api;
  for (const [method, ...args] of queued) {
    const fn = api[method];
    if (typeof fn === 'function') (fn as (...a: unknown[]) => unknown)(...args);
  }
  const mount = () => document.querySelectorAll<HTMLElement>('[data-tessera-form]').forEach((el) => { void api.form(el.getAttribute('data-tessera-form')!, el); });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount);
  else mount();
}

boot();
