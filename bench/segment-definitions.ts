/**
 * The workload of `npm run bench:segments`: 100 segments and 20 computed traits of the kinds a
 * marketing team defines (event counts in windows with property filters, sequences, page and
 * email conditions, trait comparisons, computed traits, other segments, nested AND/OR/NOT), and
 * Segment-spec traffic that touches them.
 */
import type { Random } from './random.js';

export const EVENT_NAMES = [
  'Whitepaper Downloaded', 'Webinar Registered', 'Demo Requested', 'Trial Started', 'Pricing Viewed', 'Product Viewed',
  'Order Completed', 'Cart Viewed', 'Signed Up', 'Logged In', 'Feature Used', 'Invite Sent', 'Email Opened', 'Email Link Clicked',
  'Form Submitted', 'Video Played', 'Search Performed', 'Plan Upgraded', 'Support Ticket Opened', 'Survey Answered',
];
export const TOPICS = ['smart factory', 'logistics', 'ai', 'security', 'cloud'];
export const CATEGORIES = ['blog', 'docs', 'pricing', 'products', 'careers', 'news'];
const WINDOWS = ['1d', '7d', '14d', '30d', '90d'];
const ROLES = ['CTO', 'CIO', 'Engineer', 'Marketing', 'Sales', 'CEO'];

export function computedTraitDefinitions(): Array<Record<string, unknown>> {
  const defs: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 20; i++) {
    const name = EVENT_NAMES[i % EVENT_NAMES.length]!;
    const kind = i % 5;
    defs.push(
      kind === 0 ? { key: `ct_${i}_count`, name: `${name} (${WINDOWS[i % 5]})`, event: { name }, aggregate: 'count', within: WINDOWS[i % 5] }
        : kind === 1 ? { key: `ct_${i}_sum`, name: `${name} value`, event: { name }, aggregate: 'sum', property: 'value', within: '90d' }
          : kind === 2 ? { key: `ct_${i}_fav`, name: 'Favourite category', event: { type: 'page' }, aggregate: 'most_frequent', property: 'category', within: '30d' }
            : kind === 3 ? { key: `ct_${i}_since`, name: `Days since ${name}`, event: { name }, aggregate: 'days_since_last' }
              : { key: `ct_${i}_topics`, name: 'Topics read', event: { name }, aggregate: 'distinct_count', property: 'topic' },
    );
  }
  return defs;
}

export function segmentDefinitions(): Array<Record<string, unknown>> {
  const segments: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 100; i++) {
    const name = EVENT_NAMES[i % EVENT_NAMES.length]!;
    const other = EVENT_NAMES[(i * 7 + 3) % EVENT_NAMES.length]!;
    const window = WINDOWS[i % WINDOWS.length]!;
    const event = { event: { name, where: [{ property: 'topic', op: 'equals', value: TOPICS[i % TOPICS.length] }], atLeast: 1 + (i % 3), within: window } };
    const conditions: Array<Record<string, unknown>> = [
      { and: [event, { not: { trait: { key: 'contacted_by_sales', op: 'equals', value: true } } }] },
      { or: [{ trait: { key: 'role', op: 'in', values: [ROLES[i % ROLES.length], ROLES[(i + 1) % ROLES.length]] } }, { event: { name: other, atLeast: 2, within: '30d' } }] },
      { page: { category: CATEGORIES[i % CATEGORIES.length], atLeast: 2, within: window } },
      { sequence: { steps: [{ name }, { name: other }], within: '14d' } },
      { and: [{ email: { action: i % 2 ? 'opened' : 'clicked', within: '30d' } }, { trait: { key: 'employees', op: 'between', min: 50, max: 5000 } }] },
      { computed: { key: `ct_${(i % 4) * 5}_count`, op: 'gte', value: 2 } },
      { and: [{ trait: { key: 'plan', op: 'equals', value: 'pro' } }, { event: { name, atMost: 0, within: '7d' } }] },
      { or: [{ event: { name, before: '30d' } }, { trait: { key: 'signed_up_at', op: 'within_last', value: '14d' } }] },
      i >= 10 ? { and: [{ segment: { id: `seg-${i - 10}` } }, { not: { event: { name: other, within: '1d' } } }] } : event,
      { and: [{ score: { kind: 'engagement', op: 'gte', value: 30 } }, event] },
    ];
    segments.push({ id: `seg-${i}`, name: `Segment ${i}: ${name}`, condition: conditions[i % conditions.length] });
  }
  return segments;
}

/** One event of the traffic: mostly tracks from the lists above, page views, some identifies. */
export function trafficEvent(random: Random, userId: string): Record<string, unknown> {
  const r = random.next();
  if (r < 0.1) {
    return {
      type: 'identify', userId,
      traits: { role: random.pick(ROLES), employees: Math.floor(random.next() * 10_000), plan: random.next() < 0.3 ? 'pro' : 'free', signed_up_at: new Date(Date.now() - Math.floor(random.next() * 60) * 86_400_000).toISOString() },
    };
  }
  if (r < 0.45) {
    const category = random.pick(CATEGORIES);
    return { type: 'page', userId, name: category, properties: { url: `https://acme.example/${category}/${Math.floor(random.next() * 50)}`, path: `/${category}/${Math.floor(random.next() * 50)}` } };
  }
  return { type: 'track', userId, event: random.pick(EVENT_NAMES), properties: { topic: random.pick(TOPICS), value: Math.round(random.next() * 500) } };
}
