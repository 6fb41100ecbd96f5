/**
 * What a page view says: the page's address (without the email-link token), title, referrer and
 * the campaign from its utm_* parameters, in the shape Tessera's behaviour model reads
 * (`properties` of a page event, `context.page` and `context.campaign` of every event).
 */
export interface PageProps {
  url: string;
  path: string;
  search: string;
  title: string;
  referrer: string;
}

export type Campaign = Partial<Record<'source' | 'medium' | 'name' | 'term' | 'content', string>>;

const UTM: ReadonlyArray<[string, keyof Campaign]> = [
  ['utm_source', 'source'], ['utm_medium', 'medium'], ['utm_campaign', 'name'], ['utm_term', 'term'], ['utm_content', 'content'],
];

/** The campaign named by utm_* parameters of a query string, or null when there is none. */
export function campaignOf(search: string): Campaign | null {
  const params = new URLSearchParams(search);
  const campaign: Campaign = {};
  let any = false;
  for (const [param, field] of UTM) {
    const value = params.get(param)?.trim();
    if (value) { campaign[field] = value.slice(0, 200); any = true; }
  }
  return any ? campaign : null;
}

/** `href` without query parameter `name` (and without a `?` left empty); unparsable input as is. */
export function withoutParam(href: string, name: string): string {
  let url: URL;
  try { url = new URL(href); } catch { return href; }
  if (!url.searchParams.has(name)) return href;
  url.searchParams.delete(name);
  return url.href.replace(/\?(?=#|$)/, '');
}

/** The page properties of an address (already without the token), title and referrer. */
export function pageOf(href: string, title: string, referrer: string): PageProps {
  const url = new URL(href);
  return { url: url.href, path: url.pathname, search: url.search, title, referrer };
}
