/**
 * The acquisition touch of a session: how the visitor arrived, read from the event that opened it.
 *
 * - Campaign tags (context.campaign, utm_*, click ids) win over the referrer (see channel.ts).
 * - A referrer on the visitor's own site is internal navigation (a visit that outlived the session
 *   timeout), not a source: it is classified as direct with no source, and it does not replace a
 *   touch already known — as web analytics ignore self-referrals.
 * - An event without page or campaign information (a server-side call) says nothing about how the
 *   person arrived: it is no touch at all, so a backend `identify` never shows up as a "direct" visit.
 */
import type { TrackedEvent } from '../events/event.js';
import { classifyChannel, type Touch } from './channel.js';
import { campaignOf, hostOf, type PageInfo } from './page-info.js';

export type SessionTouch =
  | { kind: 'touch'; touch: Touch }
  /** Own-site referrer: a touch only when nothing better is known. */
  | { kind: 'internal'; touch: Touch }
  | { kind: 'none' };

export function sessionTouch(e: TrackedEvent, page: PageInfo | null): SessionTouch {
  const campaign = campaignOf(e, page);
  const tagged = Boolean(campaign.source || campaign.medium || campaign.name || campaign.clickId);
  if (!page && !tagged) return { kind: 'none' };
  const referrerHost = hostOf(page?.referrer ?? null);
  const internal = referrerHost !== null && sameSite(referrerHost, hostOf(page?.url ?? null));
  const external = internal ? null : referrerHost;
  const touch: Touch = {
    channel: classifyChannel(campaign, external),
    source: campaign.source ?? external ?? null,
    medium: campaign.medium ?? null,
    campaign: campaign.name ?? null,
    referrer: page?.referrer ?? null,
    landingPage: page?.url ?? page?.path ?? null,
    at: e.timestamp,
  };
  return { kind: internal && !tagged ? 'internal' : 'touch', touch };
}

/** The same site, ignoring a `www.` prefix (example.com and www.example.com are one site). */
function sameSite(a: string, b: string | null): boolean {
  const bare = (host: string) => host.replace(/^www\./, '');
  return b !== null && bare(a) === bare(b);
}
