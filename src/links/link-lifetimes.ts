/**
 * How long each kind of email-link token lives, and the URL paths they are served under.
 * Unsubscribe links must keep working long after the send (RFC 8058 and CAN-SPAM expect at least
 * 30 days; people unsubscribe from old emails), so they live the longest; an identify token only
 * bridges a click to the landing page's tracker, so it lives two hours.
 */
const DAY = 24 * 3600_000;

export const LINK_TTL_MS = {
  click: 180 * DAY,
  open: 180 * DAY,
  survey: 90 * DAY,
  unsubscribe: 365 * DAY,
  optin: 7 * DAY,
  identify: 2 * 3600_000,
} as const;

export const LINK_PATHS = { click: 'c', open: 'o', survey: 's', unsubscribe: 'u', optin: 'optin' } as const;

/** `<base>/e/<path>/<token>`; `base` without a trailing slash. */
export function linkUrl(base: string, kind: keyof typeof LINK_PATHS, token: string): string {
  return `${base}/e/${LINK_PATHS[kind]}/${token}`;
}

/** The URL with `tsr=<token>` set (replacing one already there). */
export function withTsr(url: string, token: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('tsr', token);
  return parsed.toString();
}
