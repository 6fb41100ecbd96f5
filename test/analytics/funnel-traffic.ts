/**
 * Generated people with a known funnel outcome and known retention, for the funnel and retention
 * suite. The funnel is /pricing → Signed Up (plan pro) → any /welcome/ page, within 7 days, over the
 * four weeks from Monday 2026-10-05. Each person follows a script whose furthest step is known by
 * construction — including the traps: steps out of order, the wrong property, a step after the
 * limit, a second start that succeeds where the first ran out of time, a first step before the
 * range. Retention truth is counted from the generated times (UTC weeks from the range's Monday).
 */
import { seededRandom } from '../../src/core/seeded-random.js';

export const RANGE_FROM = '2026-10-05';
export const RANGE_TO = '2026-11-01';
const START = Date.parse(`${RANGE_FROM}T00:00:00Z`);
const END = Date.parse('2026-11-02T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
export const FUNNEL = { step1: 'page:/pricing', step2: 'event:Signed Up;plan=pro', step3: 'page:/welcome/*', within: '7d' };

type Script = 'none' | 'r1' | 'r1-wrong-plan' | 'r2' | 'r2-out-of-order' | 'r3' | 'late' | 'restart' | 'before-range';
const SCRIPTS: readonly Script[] = ['none', 'r1', 'r1-wrong-plan', 'r2', 'r2-out-of-order', 'r3', 'late', 'restart', 'before-range'];
const REACHED: Record<Script, number> = { none: 0, r1: 1, 'r1-wrong-plan': 1, r2: 2, 'r2-out-of-order': 2, r3: 3, late: 1, restart: 3, 'before-range': 0 };

export interface FunnelTruth {
  /** People whose furthest step is k (index k − 1), all and known only. */
  reached: number[];
  reachedKnown: number[];
  /** The same of the people arriving by email (every page view carries the campaign), and of those who read /blog in the range. */
  reachedEmail: number[];
  reachedBlog: number[];
  /** Weekly cohorts of the people who read /blog in the range. */
  cohortsBlog: Array<{ people: number; returning: number[] }>;
  /** Weekly cohorts: people per cohort week, and per week after it how many came back. */
  cohorts: Array<{ people: number; returning: number[] }>;
}

export function generateFunnelTraffic(people: number, seed = 25): { events: object[]; truth: FunnelTruth } {
  const random = seededRandom(seed);
  const events: object[] = [];
  const cohorts = () => [0, 1, 2, 3].map((c) => ({ people: 0, returning: new Array(4 - c).fill(0) }));
  const truth: FunnelTruth = { reached: [0, 0, 0], reachedKnown: [0, 0, 0], reachedEmail: [0, 0, 0], reachedBlog: [0, 0, 0], cohorts: cohorts(), cohortsBlog: cohorts() };
  for (let v = 0; v < people; v++) {
    const script = SCRIPTS[v % SCRIPTS.length]!;
    const known = random() < 0.3;
    const ids = { anonymousId: `fun-${seed}-${v}`, ...(known ? { userId: `fun-user-${seed}-${v}` } : {}) };
    const times: number[] = [];
    const email = v % 4 < 2;
    const campaign = email ? { campaign: { source: 'newsletter', medium: 'email', name: 'autumn' } } : {};
    let blog = false;
    let n = 0;
    const page = (path: string, at: number) => {
      times.push(at);
      const url = `https://shop.example${path}`;
      if (path === '/blog' && at >= START && at < END) blog = true;
      events.push({ type: 'page', ...ids, messageId: `f-${seed}-${v}-${n++}`, timestamp: new Date(at).toISOString(), properties: { url, path }, context: { page: { url, path, referrer: '' }, ...campaign } });
    };
    const track = (name: string, properties: object, at: number) => {
      times.push(at);
      events.push({ type: 'track', ...ids, messageId: `f-${seed}-${v}-${n++}`, event: name, timestamp: new Date(at).toISOString(), properties, context: {} });
    };
    // A start in the first two weeks, so that every script fits in the range.
    const t = START + Math.floor(random() * 14 * DAY);
    const gap = () => HOUR + Math.floor(random() * 2 * DAY);
    switch (script) {
      case 'none': page('/about', t); track('Signed Up', { plan: 'pro' }, t + HOUR); break;
      case 'r1': page('/pricing', t); page('/welcome/tour', t - HOUR); break;
      case 'r1-wrong-plan': page('/pricing', t); track('Signed Up', { plan: 'free' }, t + gap()); page('/welcome/tour', t + 3 * DAY); break;
      case 'r2': page('/pricing', t); track('Signed Up', { plan: 'pro', seats: 3 }, t + gap()); break;
      case 'r2-out-of-order': page('/welcome/a', t); page('/pricing', t + HOUR); track('Signed Up', { plan: 'pro' }, t + 2 * HOUR); break;
      case 'r3': { const a = t + gap(); page('/pricing', t); track('Signed Up', { plan: 'pro' }, a); page('/welcome/b/c', a + gap()); break; }
      case 'late': page('/pricing', t); track('Signed Up', { plan: 'pro' }, t + 7 * DAY + HOUR); page('/welcome/a', t + 7 * DAY + 2 * HOUR); break;
      case 'restart': page('/pricing', t); page('/pricing', t + 8 * DAY); track('Signed Up', { plan: 'pro' }, t + 9 * DAY); page('/welcome/a', t + 9 * DAY + HOUR); break;
      case 'before-range': page('/pricing', START - 3 * DAY); track('Signed Up', { plan: 'pro' }, t); page('/welcome/a', t + HOUR); break;
    }
    // Some come back in later weeks (one page each), for retention.
    for (let w = 1; w < 4; w++) if (random() < 0.4) page('/blog', t + w * WEEK + HOUR);
    const reached = REACHED[script];
    if (reached > 0) {
      truth.reached[reached - 1]!++;
      if (known) truth.reachedKnown[reached - 1]!++;
      if (email) truth.reachedEmail[reached - 1]!++;
      if (blog) truth.reachedBlog[reached - 1]!++;
    }
    const first = Math.min(...times);
    if (first >= START) {
      const cohort = Math.floor((first - START) / WEEK);
      const weeks = new Set(times.filter((at) => at < END).map((at) => Math.floor((at - START) / WEEK)));
      for (const c of blog ? [truth.cohorts, truth.cohortsBlog] : [truth.cohorts]) {
        c[cohort]!.people++;
        for (const w of weeks) c[cohort]!.returning[w - cohort]!++;
      }
    }
  }
  return { events, truth };
}
