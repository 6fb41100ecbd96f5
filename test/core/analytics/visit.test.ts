import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyMetrics, type Metrics, type VisitAttributes } from '../../../src/core/analytics/dimensions.js';
import { HOUR_MS, RollupChanges, visitorPoint } from '../../../src/core/analytics/rollup.js';
import { foldHit, visitCells, type Hit, type OpenVisit } from '../../../src/core/analytics/visit.js';

const T0 = Date.UTC(2026, 10, 3, 10, 0);
const MIN = 60_000;
const attributes: VisitAttributes = { audience: 'anonymous', channel: 'email', referrer: '(none)', utm_source: 'nl', utm_medium: 'email', utm_campaign: 'w', utm_content: '(none)', utm_term: '(none)', device: 'mobile', browser: 'Safari', os: 'iOS', language: 'de' };
const page = (at: number, path: string): Hit => ({ at, kind: 'page', path, name: null, visibleMs: null });
const left = (at: number, path: string | null, visibleMs: number): Hit => ({ at, kind: 'time', path, name: null, visibleMs });
const event = (at: number, name: string): Hit => ({ at, kind: 'event', path: null, name, visibleMs: null });

function fold(hits: Hit[], start: OpenVisit | null = null) {
  const changes = new RollupChanges(visitCells);
  let visit = start;
  for (const hit of hits) visit = foldHit(visit, hit, { changes, point: visitorPoint('v1'), attributes: () => ({ ...attributes }) });
  const sum = (dim: string, value = '') => changes.metricRows().filter((r) => r.dim === dim && r.value === value).reduce((acc, r) => {
    for (const k in r.metrics) acc[k as keyof Metrics] += r.metrics[k as keyof Metrics];
    return acc;
  }, emptyMetrics());
  return { visit, sum, changes };
}

test('a single page view is a visit and a bounce, its page an entry and an exit', () => {
  const { sum } = fold([page(T0, '/a')]);
  assert.deepEqual(sum('all'), { ...emptyMetrics(), visits: 1, bounces: 1, pageviews: 1 });
  assert.deepEqual(sum('page', '/a'), { ...emptyMetrics(), pageviews: 1, entries: 1, exits: 1, bounces: 1 });
  assert.equal(sum('channel', 'email').visits, 1);
});

test('a second page view takes the bounce back and moves the exit; duration is last − first', () => {
  const { sum } = fold([page(T0, '/a'), page(T0 + 2 * MIN, '/b'), page(T0 + 5 * MIN, '/c')]);
  assert.deepEqual(sum('all'), { ...emptyMetrics(), visits: 1, bounces: 0, pageviews: 3, durationMs: 5 * MIN });
  assert.deepEqual(sum('page', '/a'), { ...emptyMetrics(), pageviews: 1, entries: 1, exits: 0, bounces: 0 });
  assert.equal(sum('page', '/b').exits, 0);
  assert.equal(sum('page', '/c').exits, 1);
});

test('the same fold split over two batches (the open visit kept between them) gives the same rows', () => {
  const hits = [page(T0, '/a'), left(T0 + MIN, '/a', 50_000), page(T0 + 2 * MIN, '/b'), event(T0 + 3 * MIN, 'Signed Up')];
  const whole = fold(hits);
  const first = fold(hits.slice(0, 2));
  const second = fold(hits.slice(2), JSON.parse(JSON.stringify(first.visit)) as OpenVisit);
  for (const dim of ['all', 'channel']) {
    const value = dim === 'all' ? '' : 'email';
    const a = first.sum(dim, value);
    const b = second.sum(dim, value);
    for (const k in a) a[k as keyof Metrics] += b[k as keyof Metrics];
    assert.deepEqual(a, whole.sum(dim, value));
  }
  assert.deepEqual(whole.sum('event', 'Signed Up'), { ...emptyMetrics(), events: 1 });
});

test('visible time: cumulative reports add only their growth; a report for another page or with no open page counts nothing', () => {
  const { sum } = fold([page(T0, '/a'), left(T0 + MIN, '/a', 20_000), left(T0 + 2 * MIN, '/a', 30_000), left(T0 + 3 * MIN, '/a', 25_000), left(T0 + 3 * MIN, '/z', 99_000)]);
  assert.equal(sum('all').visibleMs, 30_000);
  assert.equal(sum('page', '/a').visibleMs, 30_000);
  assert.deepEqual(fold([left(T0, '/a', 5_000)]).changes.metricRows(), []);
});

test('more than 30 minutes apart is a new visit; a time report never opens one', () => {
  const { sum } = fold([page(T0, '/a'), left(T0 + 40 * MIN, '/a', 1000), page(T0 + 80 * MIN, '/a')]);
  assert.equal(sum('all').visits, 2);
  assert.equal(sum('all').bounces, 2);
  assert.equal(sum('all').durationMs, 0);
});

test('a late page view counts but moves neither duration nor exit; visit sums stay in the hour it began', () => {
  const { sum, changes } = fold([page(T0 + 50 * MIN, '/a'), page(T0 + 70 * MIN, '/b'), page(T0 + 60 * MIN, '/late')]);
  assert.equal(sum('all').pageviews, 3);
  assert.equal(sum('all').durationMs, 20 * MIN);
  assert.equal(sum('page', '/b').exits, 1);
  assert.equal(sum('page', '/late').exits, 0);
  const startHour = Math.floor((T0 + 50 * MIN) / HOUR_MS);
  const visits = changes.metricRows().filter((r) => r.dim === 'all' && r.metrics.visits !== 0);
  assert.deepEqual(visits.map((r) => r.hour), [startHour]);
});

test('a goal per exit page follows the exit; per title and event, the visits that touched the value convert before or after', () => {
  const converts = (hit: Hit) => (hit.kind === 'event' && hit.name === 'Buy' ? ['g1'] : []);
  const titled = (at: number, path: string, title: string): Hit => ({ ...page(at, path), labels: [['title', title]] });
  const changes = new RollupChanges(visitCells);
  let visit: OpenVisit | null = null;
  const hits = [titled(T0, '/a', 'A'), event(T0 + MIN, 'Buy'), titled(T0 + 2 * MIN, '/b', 'B'), titled(T0 + 3 * MIN, '/c', 'A'), event(T0 + 4 * MIN, 'Buy')];
  for (const hit of hits) visit = foldHit(visit, hit, { changes, point: visitorPoint('v1'), attributes: () => ({ ...attributes }), converts, touches: true });
  const rows = changes.metricRows();
  const visits = (dim: string, value: string) => rows.filter((r) => r.dim === dim && r.value === value).reduce((n, r) => n + r.metrics.visits, 0);
  // Converted on /a, left on /c: one conversion under exit /c, none left under /a or /b.
  assert.equal(visits('g:g1:exit', '/a'), 0);
  assert.equal(visits('g:g1:exit', '/b'), 0);
  assert.equal(visits('g:g1:exit', '/c'), 1);
  // Title A (twice) and B (after the conversion) each count the visit once, and its conversion once.
  assert.equal(visits('v:title', 'A'), 1);
  assert.equal(visits('v:title', 'B'), 1);
  assert.equal(visits('g:g1:title', 'A'), 1);
  assert.equal(visits('g:g1:title', 'B'), 1);
  assert.equal(visits('v:event', 'Buy'), 1);
  assert.equal(visits('g:g1:event', 'Buy'), 1);
  assert.equal(visits('g:g1:all', ''), 1, 'the visit converts once');
});
