/**
 * The click-redirect allow list: an email link redirects only to http(s) URLs whose host is an
 * allowed domain or a subdomain of one (`acme.com` allows `www.acme.com`, never `evilacme.com` nor
 * `acme.com.evil.example`). The target is part of the signed token, so a link cannot be pointed
 * elsewhere; the allow list also stops a leaked key or a careless admin call from turning
 * Tessera's domain into an open redirect, and is checked again at click time (a domain removed
 * from the list stops redirecting).
 *
 * A target with a control character (core/safe-url.ts) is never a target: refused when minted and
 * again at click time, for tokens signed before that rule. Redirects go to the parsed URL's
 * serialisation (`URL.href`: ASCII, percent-encoded), never to the raw text.
 */
import { urlTextProblem } from '../safe-url.js';

/** The URL, parsed, when it is an absolute http(s) URL without credentials; else null. */
export function parseLinkTarget(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048 || urlTextProblem(raw) !== null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  // user:pass@host hides the real host from a reader of the link.
  if (url.username || url.password) return null;
  return url;
}

/** Lower-cased, without a trailing dot. */
export function normaliseDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

export function isAllowedHost(host: string, allowed: readonly string[]): boolean {
  const h = normaliseDomain(host);
  return allowed.some((d) => {
    const domain = normaliseDomain(d);
    return domain.length > 0 && (h === domain || h.endsWith(`.${domain}`));
  });
}

/** The parsed target when a raw URL may be a click-redirect target under the allow list; else null. */
export function allowedTarget(raw: unknown, allowed: readonly string[]): URL | null {
  const url = parseLinkTarget(raw);
  return url !== null && isAllowedHost(url.hostname, allowed) ? url : null;
}

/** Whether a raw URL may be a click-redirect target under the allow list. */
export function isAllowedTarget(raw: unknown, allowed: readonly string[]): boolean {
  return allowedTarget(raw, allowed) !== null;
}
