/**
 * Acquisition channel of a visit, from its campaign parameters (UTM, click ids) and its referrer.
 * Campaign tags win over the referrer, as in the common web-analytics channel groupings.
 *
 * Site lists: an entry ending in a dot (`google.`) is a site name under any domain and subdomain
 * (google.de, www.google.com); any other entry (`t.co`) is that exact domain or a subdomain of it, so
 * that `t.company.com` is not Twitter. Webmail hosts (mail.google.com, outlook.live.com) are email,
 * although they live under a search engine's or a portal's domain.
 */

export type Channel =
  | 'paid_search' | 'paid_social' | 'display' | 'email' | 'social' | 'organic_search'
  | 'affiliate' | 'referral' | 'other_campaign' | 'direct';

export interface Touch {
  channel: Channel;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  referrer: string | null;
  landingPage: string | null;
  at: number;
}

export interface Campaign {
  source?: string | undefined;
  medium?: string | undefined;
  name?: string | undefined;
  clickId?: 'gclid' | 'msclkid' | 'fbclid' | undefined;
}

const SEARCH_ENGINES = ['google.', 'bing.', 'duckduckgo.', 'yahoo.', 'ecosia.', 'baidu.', 'yandex.', 'qwant.', 'startpage.', 'brave.', 'search.'];
const SOCIAL_SITES = ['facebook.', 'instagram.', 'linkedin.', 'lnkd.in', 't.co', 'twitter.', 'x.com', 'reddit.', 'youtube.', 'pinterest.', 'xing.', 'tiktok.', 'threads.', 'mastodon.', 'bsky.'];
const WEBMAIL_SITES = ['mail.', 'webmail.', 'outlook.live.com', 'outlook.office.com', 'outlook.office365.com'];
/** utm_source values that name a social network without being a host (`utm_source=fb`). */
const SOCIAL_SOURCE_NAMES = new Set(['facebook', 'fb', 'instagram', 'ig', 'meta', 'linkedin', 'twitter', 'x', 'reddit', 'youtube', 'pinterest', 'xing', 'tiktok', 'threads', 'mastodon', 'bluesky', 'snapchat']);
const PAID = new Set(['cpc', 'ppc', 'paid', 'paidsearch', 'paid_search', 'paid-search', 'sem']);
const PAID_SOCIAL = new Set(['paid_social', 'paidsocial', 'paid-social', 'social_paid', 'social-paid']);
const DISPLAY = new Set(['display', 'banner', 'cpm', 'programmatic']);
const SOCIAL = new Set(['social', 'social-media', 'social_media', 'sm', 'social-network']);

function hostMatches(host: string, list: readonly string[]): boolean {
  return list.some((p) => (p.endsWith('.')
    ? host.startsWith(p) || host.includes(`.${p}`)
    : host === p || host.endsWith(`.${p}`)));
}

/** Webmail is a subdomain (`mail.google.com`) or a known host, never a bare site name. */
function isWebmail(host: string): boolean {
  return WEBMAIL_SITES.some((p) => (p.endsWith('.') ? host.startsWith(p) : host === p));
}

/** A utm_source naming a social network: `facebook`, `fb`, `facebook.com`, `m.facebook.com`. */
function isSocialSource(source: string): boolean {
  return SOCIAL_SOURCE_NAMES.has(source) || hostMatches(source, SOCIAL_SITES);
}

export function classifyChannel(campaign: Campaign, referrerHost: string | null): Channel {
  const medium = campaign.medium?.toLowerCase();
  const source = campaign.source?.toLowerCase();
  if (medium) {
    const socialSource = source !== undefined && isSocialSource(source);
    if (PAID_SOCIAL.has(medium) || (PAID.has(medium) && socialSource)) return 'paid_social';
    if (PAID.has(medium)) return 'paid_search';
    if (DISPLAY.has(medium)) return 'display';
    if (medium === 'email' || medium === 'e-mail' || medium === 'newsletter') return 'email';
    if (SOCIAL.has(medium)) return 'social';
    if (medium === 'organic') return 'organic_search';
    if (medium === 'affiliate') return 'affiliate';
    if (medium === 'referral') return 'referral';
    return 'other_campaign';
  }
  if (campaign.clickId === 'gclid' || campaign.clickId === 'msclkid') return 'paid_search';
  if (campaign.clickId === 'fbclid') return 'social';
  if (source) {
    if (source.includes('newsletter') || source.includes('mail')) return 'email';
    if (isSocialSource(source)) return 'social';
    if (SEARCH_ENGINES.some((p) => source === p.replace(/\.$/, '')) || hostMatches(source, SEARCH_ENGINES)) return 'organic_search';
    return 'other_campaign';
  }
  if (referrerHost) {
    if (isWebmail(referrerHost)) return 'email';
    if (hostMatches(referrerHost, SEARCH_ENGINES)) return 'organic_search';
    if (hostMatches(referrerHost, SOCIAL_SITES)) return 'social';
    return 'referral';
  }
  return 'direct';
}
