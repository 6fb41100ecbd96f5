import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ComputedTraitDefinition } from '../../../src/core/computed-traits/computed-trait.js';
import { validateComputedTrait } from '../../../src/core/computed-traits/validate-computed-trait.js';
import { evaluateProfile } from '../../../src/core/segments/membership.js';
import { T0, trackedEvent, pageView } from '../fixtures.js';
import { DAY, definitions, profileWith, segment } from '../segments/segment-fixtures.js';

const order = (at: number, total: unknown) => trackedEvent({ timestamp: at, receivedAt: at, name: 'Order Completed', properties: { total } });
const def = (d: Partial<ComputedTraitDefinition> & Pick<ComputedTraitDefinition, 'key' | 'aggregate'>): ComputedTraitDefinition =>
  ({ name: d.key, event: { name: 'Order Completed' }, ...d });

function valuesAt(defs: ComputedTraitDefinition[], events: ReturnType<typeof order>[], now: number) {
  const compiled = definitions([], defs);
  const p = profileWith(events, compiled);
  const result = evaluateProfile(p, compiled, now);
  return { values: Object.fromEntries(Object.entries(p.computed ?? {}).map(([k, v]) => [k, v.value])), dueAt: result.dueAt };
}

describe('computed traits', () => {
  const orders = [order(T0, 10), order(T0 + DAY, '30'), order(T0 + 40 * DAY, 5), order(T0 + 41 * DAY, 'n/a')];
  test('count, sum, min, max, average over all time', () => {
    const { values } = valuesAt([
      def({ key: 'n', aggregate: 'count' }), def({ key: 's', aggregate: 'sum', property: 'total' }), def({ key: 'lo', aggregate: 'min', property: 'total' }),
      def({ key: 'hi', aggregate: 'max', property: 'total' }), def({ key: 'avg', aggregate: 'average', property: 'total' }),
    ], orders, T0 + 42 * DAY);
    assert.deepEqual(values, { n: 4, s: 45, lo: 5, hi: 30, avg: 15 });
  });

  test('windows expire without new events; the due time says when', () => {
    const defs = [def({ key: 'n90', aggregate: 'count', within: '30d' }), def({ key: 'sum30', aggregate: 'sum', property: 'total', within: '30d' })];
    const early = valuesAt(defs, orders.slice(0, 2), T0 + DAY);
    assert.deepEqual(early.values, { n90: 2, sum30: 40 });
    // Day buckets: the first order's bucket leaves the window 30 days after the end of its day.
    assert.equal(early.dueAt, T0 - (T0 % DAY) + DAY + 30 * DAY);
    const later = valuesAt(defs, orders, T0 + 42 * DAY);
    assert.deepEqual(later.values, { n90: 2, sum30: 5 });
  });

  test('first, last, most frequent, distinct count, days since last', () => {
    const views = [pageView(T0, 'https://a.com/blog/x'), pageView(T0 + 1000, 'https://a.com/docs/y'), pageView(T0 + 2000, 'https://a.com/blog/z')];
    const page = { type: 'page' as const };
    const defs: ComputedTraitDefinition[] = [
      { key: 'fav', name: 'Favourite', event: page, aggregate: 'most_frequent', property: 'category' },
      { key: 'first_path', name: 'First', event: page, aggregate: 'first', property: 'path' },
      { key: 'last_path', name: 'Last', event: page, aggregate: 'last', property: 'path' },
      { key: 'paths', name: 'Paths', event: page, aggregate: 'distinct_count', property: 'path' },
      { key: 'since', name: 'Since', event: page, aggregate: 'days_since_last' },
    ];
    const compiled = definitions([], defs);
    const p = profileWith(views, compiled);
    const r = evaluateProfile(p, compiled, T0 + 2 * DAY + 5000);
    const v = Object.fromEntries(Object.entries(p.computed!).map(([k, x]) => [k, x.value]));
    assert.deepEqual(v, { fav: 'blog', first_path: '/blog/x', last_path: '/blog/z', paths: 3, since: 2 });
    assert.equal(r.dueAt, T0 + 2000 + 3 * DAY, 'days since last changes every day');
  });

  test('a segment on a computed trait', () => {
    const compiled = definitions([segment('big', { computed: { key: 's', op: 'gte', value: 40 } })], [def({ key: 's', aggregate: 'sum', property: 'total' })]);
    const p = profileWith(orders.slice(0, 2), compiled);
    assert.deepEqual(evaluateProfile(p, compiled, T0 + DAY).changes.map((c) => c.segmentId), ['big']);
  });

  test('validation names the field', () => {
    const bad = validateComputedTrait({ key: 'Total!', event: { name: 'Order Completed' }, aggregate: 'sum', within: '3 months' });
    assert.equal(bad.ok, false);
    const fields = bad.ok ? [] : bad.issues.map((i) => i.field).sort();
    assert.deepEqual(fields, ['key', 'property', 'within']);
    const firstWithWindow = validateComputedTrait({ key: 'f', event: { name: 'X' }, aggregate: 'first', property: 'p', within: '7d' });
    assert.equal(firstWithWindow.ok, false);
    assert.ok(validateComputedTrait({ key: 'orders_90d', name: 'Orders (90 days)', event: { name: 'Order Completed' }, aggregate: 'count', within: '90d' }).ok);
  });
});
