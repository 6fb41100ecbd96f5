import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type VisitAttributes } from '../../../src/core/analytics/dimensions.js';
import { goalDimension, goalsOfHit, type GoalRule } from '../../../src/core/analytics/goal.js';
import { RollupChanges, visitorPoint } from '../../../src/core/analytics/rollup.js';
import { foldHit, visitCells, type Hit, type OpenVisit } from '../../../src/core/analytics/visit.js';

const T0 = Date.UTC(2026, 10, 3, 10, 50);
const MIN = 60_000;
const attributes: VisitAttributes = { audience: 'known', channel: 'email', referrer: '(none)', utm_source: 'nl', utm_medium: 'email', utm_campaign: 'w', utm_content: '(none)', utm_term: '(none)', device: 'mobile', browser: 'Safari', os: 'iOS', language: 'de' };
const page = (at: number, path: string): Hit => ({ at, kind: 'page', path, name: null, visibleMs: null });
const event = (at: number, name: string): Hit => ({ at, kind: 'event', path: null, name, visibleMs: null });
const rules: GoalRule[] = [
  { key: 'checkout.1', since: 0, match: { kind: 'page', path: '/checkout/', prefix: true }, properties: [] },
  { key: 'pro.1', since: 0, match: { kind: 'event', name: 'Purchased' }, properties: [{ key: 'plan', json: ['"pro"'] }, { key: 'seats', json: ['"3"', '3'] }] },
  { key: 'late.1', since: T0 + 60 * MIN, match: { kind: 'page', path: '/', prefix: false }, properties: [] },
];

test('a goal matches its page, a page prefix, or an event with its property values, from its instant on', () => {
  assert.deepEqual(goalsOfHit(rules, page(T0, '/checkout/done'), undefined), ['checkout.1']);
  assert.deepEqual(goalsOfHit(rules, page(T0, '/checkout'), undefined), []);
  assert.deepEqual(goalsOfHit(rules, event(T0, 'Purchased'), { plan: 'pro', seats: 3 }), ['pro.1']);
  assert.deepEqual(goalsOfHit(rules, event(T0, 'Purchased'), { plan: 'pro', seats: '3' }), ['pro.1']);
  assert.deepEqual(goalsOfHit(rules, event(T0, 'Purchased'), { plan: 'free', seats: 3 }), []);
  assert.deepEqual(goalsOfHit(rules, event(T0, 'Purchased'), { plan: 'pro' }), []);
  assert.deepEqual(goalsOfHit(rules, page(T0, '/'), undefined), [], 'before the goal counts');
  assert.deepEqual(goalsOfHit(rules, page(T0 + 61 * MIN, '/'), undefined), ['late.1']);
});

test('a visit converts a goal once, under each of its rows, in the hour it began; its next visit converts again', () => {
  const changes = new RollupChanges(visitCells);
  let visit: OpenVisit | null = null;
  const hits = [page(T0, '/'), page(T0 + 5 * MIN, '/docs'), page(T0 + 12 * MIN, '/checkout/cart'), page(T0 + 14 * MIN, '/checkout/done'), page(T0 + 3 * 60 * MIN, '/checkout/cart')];
  for (const hit of hits) visit = foldHit(visit, hit, { changes, point: visitorPoint('v1'), attributes: () => ({ ...attributes }), converts: (h) => goalsOfHit(rules, h, undefined) });
  const rows = changes.metricRows().filter((r) => r.dim.startsWith('g:'));
  const conversions = (dim: string, value: string) => rows.filter((r) => r.dim === dim && r.value === value).reduce((n, r) => n + r.metrics.visits, 0);
  assert.equal(conversions(goalDimension('checkout.1', 'all'), ''), 2);
  assert.equal(conversions(goalDimension('checkout.1', 'channel'), 'email'), 2);
  assert.equal(conversions(goalDimension('checkout.1', 'device'), 'mobile'), 2);
  assert.equal(conversions(goalDimension('checkout.1', 'referrer'), '(none)'), 0, 'no row where the visit has none');
  // The first visit's conversion (at 11:02) is in its start hour (10:00), as its visit is.
  const first = rows.filter((r) => r.dim === goalDimension('checkout.1', 'all')).map((r) => r.hour).sort();
  assert.equal(first[0], Math.floor(T0 / 3_600_000));
  assert.deepEqual(visit?.goals, ['checkout.1']);
  // Visitors: the totals' sketch per slice and one for every slice; other dimensions per value only.
  const sketches = changes.sketchRows().filter((r) => r.dim === goalDimension('checkout.1', 'all'));
  assert.ok(sketches.some((s) => s.audience === 'known' && s.channel === 'email') && sketches.some((s) => s.audience === '*'));
});
