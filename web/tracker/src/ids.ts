/**
 * Random ids and the first-party cookie. Pure string functions: the DOM side (document.cookie,
 * localStorage) lives in storage.ts.
 */

/** A random UUID v4 (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function uuid(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') {
    try { return c.randomUUID(); } catch { /* insecure context: fall through */ }
  }
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface CookieOptions {
  /** Shared with subdomains when set (`acme.com`); the page's host only otherwise. */
  domain: string | null;
  /** Lifetime in seconds; 0 deletes the cookie. */
  maxAge: number;
  secure: boolean;
}

/** The `document.cookie` assignment that sets (or, with maxAge 0, deletes) one cookie. */
export function cookieString(name: string, value: string, o: CookieOptions): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${o.maxAge}; SameSite=Lax`
    + (o.domain ? `; Domain=${o.domain}` : '') + (o.secure ? '; Secure' : '');
}

/** The value of cookie `name` in a `document.cookie` string, or null. */
export function readCookie(cookies: string, name: string): string | null {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try { return decodeURIComponent(part.slice(eq + 1).trim()); } catch { return null; }
    }
  }
  return null;
}

/** Whether the page at `hostname` may set a cookie for `domain` (the host itself or a parent of it). */
export function cookieDomainFits(hostname: string, domain: string | null): boolean {
  if (!domain) return true;
  const host = hostname.toLowerCase();
  return host === domain || host.endsWith(`.${domain}`);
}
