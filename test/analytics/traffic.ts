/**
 * Generated web traffic with known truth, for the analytics correctness suite: visitors with one
 * to three visits each (two hours apart), each visit arriving through a known channel with one to
 * four page views at known gaps, some `Page Left` visible-time reports and custom events. The truth
 * is counted while generating, independently of the code under test.
 */
import { seededRandom } from '../../src/core/seeded-random.js';

export const DAY = '2026-11-03';
const START = Date.parse(`${DAY}T06:00:00Z`);
const SITE = 'https://shop.example';
const PAGES = ['/', '/pricing', '/blog/launch', '/docs', '/contact'];
const UA = {
  desktop: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  mobile: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
};
/** How a visit arrives, and the channel the house's rule gives it. */
const ARRIVALS = [
  { channel: 'direct', referrer: '', query: '' },
  { channel: 'organic_search', referrer: 'https://www.google.com/', query: '' },
  { channel: 'social', referrer: 'https://www.linkedin.com/feed/', query: '' },
  { channel: 'email', referrer: '', query: '?utm_source=newsletter&utm_medium=email&utm_campaign=winter' },
  { channel: 'paid_search', referrer: 'https://www.google.com/', query: '?utm_source=google&utm_medium=cpc&utm_campaign=brand' },
  { channel: 'referral', referrer: 'https://partner.example.org/list', query: '' },
] as const;

export interface Truth {
  visitors: number;
  knownVisitors: number;
  visits: number;
  bounces: number;
  pageviews: number;
  durationMs: number;
  visibleMs: number;
  events: number;
  visitsByChannel: Record<string, number>;
  pageviewsByPath: Record<string, number>;
  entriesByPath: Record<string, number>;
  exitsByPath: Record<string, number>;
  visitsByDevice: Record<string, number>;
  eventsByName: Record<string, number>;
  /** Page views per UTC hour (ISO hour start). */
  pageviewsByHour: Record<string, number>;
  /** The anonymous id of a known visitor, to erase. */
  someKnownAnonymousId: string;
}

const bump = (r: Record<string, number>, k: string, n = 1) => { r[k] = (r[k] ?? 0) + n; };

export function generateTraffic(visitorCount: number, seed = 18): { events: object[]; truth: Truth } {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const events: object[] = [];
  const truth: Truth = { visitors: visitorCount, knownVisitors: 0, visits: 0, bounces: 0, pageviews: 0, durationMs: 0, visibleMs: 0, events: 0, visitsByChannel: {}, pageviewsByPath: {}, entriesByPath: {}, exitsByPath: {}, visitsByDevice: {}, eventsByName: {}, pageviewsByHour: {}, someKnownAnonymousId: '' };
  for (let v = 0; v < visitorCount; v++) {
    const anonymousId = `anon-${seed}-${v}`;
    const known = v % 4 === 0;
    if (known) { truth.knownVisitors++; truth.someKnownAnonymousId ||= anonymousId; }
    const device = v % 3 === 0 ? 'mobile' : 'desktop';
    const ids = { anonymousId, ...(known ? { userId: `user-${seed}-${v}` } : {}) };
    const visits = 1 + Math.floor(random() * 3);
    let t = START + Math.floor(random() * 8 * 3_600_000);
    for (let s = 0; s < visits; s++) {
      const arrival = pick(ARRIVALS);
      const pages = 1 + Math.floor(random() * 4);
      truth.visits++;
      bump(truth.visitsByChannel, arrival.channel);
      bump(truth.visitsByDevice, device);
      if (pages === 1) truth.bounces++;
      const visitStart = t;
      let path = '';
      for (let p = 0; p < pages; p++) {
        path = p === 0 ? pick(PAGES) : pick(PAGES.filter((x) => x !== path));
        if (p === 0) bump(truth.entriesByPath, path);
        const url = `${SITE}${path}${p === 0 ? arrival.query : ''}`;
        const referrer = p === 0 ? arrival.referrer : `${SITE}/`;
        const context = { page: { url, path, referrer, title: path }, userAgent: UA[device], locale: 'de-DE' };
        events.push({ type: 'page', ...ids, messageId: `m-${seed}-${v}-${s}-${p}`, timestamp: new Date(t).toISOString(), name: path, properties: { url, path, referrer, title: path }, context });
        truth.pageviews++;
        bump(truth.pageviewsByPath, path);
        bump(truth.pageviewsByHour, new Date(Math.floor(t / 3_600_000) * 3_600_000).toISOString());
        if (random() < 0.3) {
          const at = t + 5_000;
          events.push({ type: 'track', ...ids, messageId: `e-${seed}-${v}-${s}-${p}`, event: 'Signed Up', timestamp: new Date(at).toISOString(), properties: {}, context });
          truth.events++;
          bump(truth.eventsByName, 'Signed Up');
          t = at;
        }
        const gap = 10_000 + Math.floor(random() * 110_000);
        if (random() < 0.5) {
          // The tracker reports the visible time when the page is left (just before the next page).
          const visible = Math.floor(gap * 0.8);
          events.push({ type: 'track', ...ids, messageId: `l-${seed}-${v}-${s}-${p}`, event: 'Page Left', timestamp: new Date(t + gap - 1000).toISOString(), properties: { visibleMs: visible }, context });
          truth.visibleMs += visible;
          if (p === pages - 1) t += gap - 1000; // the visit's last event
        }
        if (p < pages - 1) t += gap;
      }
      bump(truth.exitsByPath, path);
      truth.durationMs += t - visitStart;
      t += 2 * 3_600_000;
    }
  }
  return { events, truth };
}
