/**
 * The device store: a first-party cookie (on the configured domain, so that subdomains share the
 * visitor), with localStorage as the fallback where cookies cannot be written (blocked, or a
 * cookie domain the page's host does not belong to). Every access is guarded: storage that throws
 * (Safari private mode, sandboxed frames) reads as empty.
 */
import { cookieDomainFits, cookieString, readCookie } from './ids.js';

export interface DeviceStore {
  get(name: string): string | null;
  /** Keeps `value` for `days` days. */
  set(name: string, value: string, days: number): void;
  remove(name: string): void;
}

function local(): Storage | null {
  try { return globalThis.localStorage; } catch { return null; }
}

export function deviceStore(cookieDomain: string | null): DeviceStore {
  const domain = cookieDomainFits(location.hostname, cookieDomain) ? cookieDomain : null;
  const secure = location.protocol === 'https:';
  const cookie = (name: string, value: string, maxAge: number) => {
    try { document.cookie = cookieString(name, value, { domain, maxAge, secure }); } catch { /* cookies blocked */ }
  };
  const fromCookie = (name: string) => {
    try { return readCookie(document.cookie, name); } catch { return null; }
  };
  return {
    get: (name) => {
      const value = fromCookie(name);
      if (value !== null) return value;
      try { return local()?.getItem(name) ?? null; } catch { return null; }
    },
    set(name, value, days) {
      cookie(name, value, days * 86_400);
      try {
        // Written to both, so that a visitor whose cookies are blocked or cleared (browser settings,
        // cookie limits) stays the same visitor on this origin.
        local()?.setItem(name, value);
      } catch { /* storage blocked */ }
    },
    remove(name) {
      cookie(name, '', 0);
      try { local()?.removeItem(name); } catch { /* storage blocked */ }
    },
  };
}
