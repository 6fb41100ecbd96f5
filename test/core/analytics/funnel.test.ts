/** Funnel reach, the funnel chart, retention cohorts and hit-key ranges (core/analytics/funnel.ts, retention.ts, hit-key.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { funnelSteps, stepsReached, type Point } from '../../../src/core/analytics/funnel.js';
import { cohortsOf } from '../../../src/core/analytics/retention.js';
import { hitKey, keyRange } from '../../../src/core/analytics/hit-key.js';

const DAY = 86_400_000;
const at = (ts: number, seq = ts): Point => ({ ts, seq });

test('steps are reached in order; a step before the previous one does not count', () => {
  assert.equal(stepsReached([[at(10)], [at(20)], [at(30)]], null), 3);
  assert.equal(stepsReached([[at(10)], [at(5)], [at(30)]], null), 1);
  assert.equal(stepsReached([[at(10)], [at(20)], [at(15)]], null), 2);
  assert.equal(stepsReached([[], [at(20)], [at(30)]], null), 0);
});

test('at the same time the stored order decides, and one event never counts for two steps', () => {
  assert.equal(stepsReached([[at(10, 1)], [at(10, 2)]], null), 2);
  assert.equal(stepsReached([[at(10, 2)], [at(10, 1)]], null), 1);
  // The same event matching both steps (page /pricing under "page:/*" and "page:/pricing").
  assert.equal(stepsReached([[at(10, 7)], [at(10, 7)]], null), 1);
});

test('the time limit runs from the first step to the last; a later start can succeed where the first ran out', () => {
  assert.equal(stepsReached([[at(0)], [at(7 * DAY)]], 7 * DAY), 2);
  assert.equal(stepsReached([[at(0)], [at(7 * DAY + 1)]], 7 * DAY), 1);
  assert.equal(stepsReached([[at(0), at(8 * DAY)], [at(9 * DAY)], [at(9 * DAY + 1)]], 7 * DAY), 3);
  // Greedy from each start: the earliest next occurrence.
  assert.equal(stepsReached([[at(0)], [at(1), at(5)], [at(3)]], 10), 3);
});

test('the chart: people per step, conversion from the previous and the first, drop-off', () => {
  const steps = funnelSteps(['a', 'b', 'c'], [5, 3, 2]);
  assert.deepEqual(steps.map((s) => s.people), [10, 5, 2]);
  assert.deepEqual(steps[1], { step: 2, label: 'b', people: 5, conversionFromPrevious: 0.5, conversionFromFirst: 0.5, dropOff: 5, dropOffRate: 0.5 });
  assert.equal(steps[2]!.conversionFromFirst, 0.2);
  const empty = funnelSteps(['a', 'b'], [0, 0]);
  assert.deepEqual(empty.map((s) => [s.conversionFromPrevious, s.conversionFromFirst, s.dropOffRate]), [[null, null, null], [null, null, null]]);
});

test('retention cohorts by first period, returns counted once per period, a triangle', () => {
  const periods = ['w0', 'w1', 'w2'].map((period) => ({ period, start: period }));
  const cohorts = cohortsOf(periods, new Map([['a', [0, 0, 2]], ['b', [1, 2]], ['c', [0, 1]], ['d', [2]]]));
  assert.deepEqual(cohorts.map((c) => [c.people, c.returning]), [[2, [2, 1, 1]], [1, [1, 1]], [1, [1]]]);
  assert.deepEqual(cohorts[0]!.rates, [1, 0.5, 0.5]);
});

test('hit keys and the key ranges of steps', () => {
  assert.equal(hitKey({ at: 0, kind: 'page', path: '/x', name: null, visibleMs: null }), 'p/x');
  assert.equal(hitKey({ at: 0, kind: 'event', path: null, name: 'Signed Up', visibleMs: null }), 'eSigned Up');
  assert.equal(hitKey({ at: 0, kind: 'time', path: '/x', name: null, visibleMs: 5 }), null);
  assert.deepEqual(keyRange({ kind: 'page', path: '/blog/', prefix: true }), { from: 'p/blog/', to: 'p/blog0' });
  assert.deepEqual(keyRange({ kind: 'page', path: '/blog', prefix: false }), { equals: 'p/blog' });
  const range = keyRange({ kind: 'page', path: '/\u{10ffff}', prefix: true }) as { from: string; to: string };
  assert.equal(range.to, 'p0');
  for (const inside of ['p/blog/', 'p/blog/a', 'p/blog/\u{10ffff}x']) assert.ok(inside >= 'p/blog/' && inside < 'p/blog0', inside);
});
