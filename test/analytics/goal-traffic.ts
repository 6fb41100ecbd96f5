/**
 * Generated traffic with known goal conversions, for the goals suite: visitors with one to three
 * visits (three hours apart), each visit arriving through a known channel on the visitor's device,
 * with page views and purchases. Two goals are counted while generating, independently of the code
 * under test: `page:/checkout/*` (a prefix) and `event:Purchased;plan=pro` (a free plan does not
 * count). A visit converting a goal twice counts once.
 */
import { seededRandom } from '../../src/core/seeded-random.js';

export const GOAL_DAY = '2026-11-05';
const START = Date.parse(`${GOAL_DAY}T05:00:00Z`);
const SITE = 'https://shop.example';
const PAGES = ['/', '/pricing', '/checkout/cart', '/checkout/done', '/docs'];
const UA = {
  desktop: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  mobile: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
};
const ARRIVALS = [
  { channel: 'direct', referrer: '', query: '' },
  { channel: 'organic_search', referrer: 'https://www.google.com/', query: '' },
  { channel: 'email', referrer: '', query: '?utm_source=newsletter&utm_medium=email&utm_campaign=winter' },
  { channel: 'referral', referrer: 'https://partner.example.org/list', query: '' },
] as const;

export const GOALS = { checkout: 'page:/checkout/*', pro: 'event:Purchased;plan=pro' } as const;
export type GoalName = keyof typeof GOALS;

export interface GoalCounts { visits: number; conversions: Record<GoalName, number>; convertingVisitors: Record<GoalName, Set<string>>; visitors: Set<string> }
/**
 * `byExit`: per the visit's last page. `byTitle`, `byEvent`, `byPlan` (the Purchased event's `plan`
 * property): the visits that viewed the title (sent the event, with the value) at least once, and
 * those of them that converted — before or after.
 */
export interface GoalTruth {
  total: GoalCounts; byChannel: Record<string, GoalCounts>; byDevice: Record<string, GoalCounts>; byEntry: Record<string, GoalCounts>;
  byExit: Record<string, GoalCounts>; byTitle: Record<string, GoalCounts>; byEvent: Record<string, GoalCounts>; byPlan: Record<string, GoalCounts>;
}

const counts = (): GoalCounts => ({ visits: 0, conversions: { checkout: 0, pro: 0 }, convertingVisitors: { checkout: new Set(), pro: new Set() }, visitors: new Set() });

export function generateGoalTraffic(visitorCount: number, seed = 31): { events: object[]; truth: GoalTruth } {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const events: object[] = [];
  const truth: GoalTruth = { total: counts(), byChannel: {}, byDevice: {}, byEntry: {}, byExit: {}, byTitle: {}, byEvent: {}, byPlan: {} };
  for (let v = 0; v < visitorCount; v++) {
    const anonymousId = `ganon-${seed}-${v}`;
    const device = v % 3 === 0 ? 'mobile' : 'desktop';
    const visits = 1 + Math.floor(random() * 3);
    let t = START + Math.floor(random() * 6 * 3_600_000);
    for (let s = 0; s < visits; s++) {
      const arrival = pick(ARRIVALS);
      const rows = [truth.total, (truth.byChannel[arrival.channel] ??= counts()), (truth.byDevice[device] ??= counts())];
      const converted = { checkout: false, pro: false };
      const pages = 1 + Math.floor(random() * 4);
      const paths = Array.from({ length: pages }, () => pick(PAGES));
      rows.push((truth.byEntry[paths[0]!] ??= counts()), (truth.byExit[paths[pages - 1]!] ??= counts()));
      for (const title of new Set(paths)) rows.push((truth.byTitle[title] ??= counts()));
      for (const r of rows) { r.visits++; r.visitors.add(anonymousId); }
      const plans = new Set<string>();
      for (let p = 0; p < pages; p++) {
        const path = paths[p]!;
        const url = `${SITE}${path}${p === 0 ? arrival.query : ''}`;
        const referrer = p === 0 ? arrival.referrer : `${SITE}/`;
        const context = { page: { url, path, referrer, title: path }, userAgent: UA[device], locale: 'en-GB' };
        events.push({ type: 'page', anonymousId, messageId: `gp-${seed}-${v}-${s}-${p}`, timestamp: new Date(t).toISOString(), name: path, properties: { url, path, referrer, title: path }, context });
        if (path.startsWith('/checkout/')) converted.checkout = true;
        if (path === '/checkout/done') {
          const plan = random() < 0.6 ? 'pro' : 'free';
          events.push({ type: 'track', anonymousId, messageId: `gb-${seed}-${v}-${s}-${p}`, event: 'Purchased', timestamp: new Date(t + 1_000).toISOString(), properties: { plan, amount: 10 }, context });
          if (plan === 'pro') converted.pro = true;
          plans.add(plan);
        }
        t += 20_000 + Math.floor(random() * 60_000);
      }
      const sent = plans.size > 0 ? [(truth.byEvent.Purchased ??= counts()), ...[...plans].map((plan) => (truth.byPlan[plan] ??= counts()))] : [];
      for (const r of sent) { r.visits++; r.visitors.add(anonymousId); }
      rows.push(...sent);
      for (const goal of ['checkout', 'pro'] as const) {
        if (!converted[goal]) continue;
        for (const r of rows) { r.conversions[goal]++; r.convertingVisitors[goal].add(anonymousId); }
      }
      t += 3 * 3_600_000;
    }
  }
  return { events, truth };
}
