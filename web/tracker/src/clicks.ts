/**
 * Which clicks the tracker reports: a link leaving the site (outbound), and any element marked
 * `data-tessera-click="Event Name"` (reported as that track event). Hosts under the cookie domain
 * are the same site (www.acme.com → shop.acme.com is not outbound).
 */
export function isOutbound(href: string, pageHref: string, cookieDomain: string | null): boolean {
  let target: URL;
  let page: URL;
  try { target = new URL(href, pageHref); page = new URL(pageHref); } catch { return false; }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return false;
  const host = target.hostname.toLowerCase();
  if (host === page.hostname.toLowerCase()) return false;
  return !(cookieDomain && (host === cookieDomain || host.endsWith(`.${cookieDomain}`)));
}

/** Short visible text of a clicked element, for the event's properties. */
export function clickText(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim().slice(0, 100);
}
