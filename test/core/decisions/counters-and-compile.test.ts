import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyCounters, mergeCounters, recordDismiss, recordEvent, recordExposure, countInWindow } from '../../../src/core/decisions/exposure-counters.js';
import { categoryAffinities } from '../../../src/core/decisions/strategies/affinity.js';
import { emptyBehaviour } from '../../../src/core/profiles/behaviour.js';
import { compile, DAY, slotDef, variant } from './decision-fixtures.js';
import { T0 } from '../fixtures.js';

describe('merging counters (two profiles found to be one person)', () => {
  test('exposures add up in order, the earliest first exposure and the latest dismiss and events win', () => {
    const a = recordDismiss(recordEvent(recordExposure(emptyCounters(), { slotId: 's', variantId: 'v', tags: ['t'], at: T0 + 2 }), 'Form Submitted', T0), 's', T0);
    const b = recordDismiss(recordEvent(recordExposure(emptyCounters(), { slotId: 's', variantId: 'v', tags: [], at: T0 + 1 }), 'form submitted', T0 + 5), 's', T0 + 9);
    const m = mergeCounters(a, b);
    assert.deepEqual(m.exposures['s:s'], [T0 + 1, T0 + 2]);
    assert.deepEqual(m.exposures['t:t'], [T0 + 2]);
    assert.equal(m.firstSeen['v:s/v'], T0 + 1);
    assert.equal(m.lastEvents['form submitted'], T0 + 5);
    assert.equal(m.dismissed.s, T0 + 9);
    assert.deepEqual(mergeCounters(b, a), m, 'the direction of a merge does not matter');
  });

  test('countInWindow counts the rolling window (now − window, now]', () => {
    const times = [T0, T0 + 10, T0 + 20];
    assert.equal(countInWindow(times, 20, T0 + 20), 2);
    assert.equal(countInWindow(times, 21, T0 + 20), 3);
    assert.equal(countInWindow(times, 100, T0 + 10), 2, 'later times do not count');
  });

  test('at most 500 keys per map: the least recently used go', () => {
    let c = emptyCounters();
    for (let i = 0; i < 510; i++) c = recordEvent(c, `e${i}`, T0 + i);
    assert.equal(Object.keys(c.lastEvents).length, 500);
    assert.ok(!Object.hasOwn(c.lastEvents, 'e0'));
    assert.ok(Object.hasOwn(c.lastEvents, 'e509'));
  });
});

describe('interest affinity', () => {
  test('decays each page\'s views by a half-life from its last view; categories case-insensitive; (other) skipped', () => {
    const b = emptyBehaviour();
    const page = (category: string | null, views: number, lastAt: number) => ({ url: null, path: '/', title: null, category, views, timeMs: 0, firstAt: lastAt, lastAt });
    b.pages = { a: page('Logistics', 2, T0), b: page('logistics', 1, T0 + 7 * DAY), c: page(null, 5, T0), '(other)': page('x', 9, T0) };
    const aff = categoryAffinities(b, T0 + 7 * DAY, 7 * DAY);
    assert.equal(aff.get('logistics'), 2 * 0.5 + 1);
    assert.equal(aff.has('x'), false);
    assert.equal(categoryAffinities(b, T0 + 7 * DAY, 7 * DAY), aff, 'remembered for the same instant');
  });
});

describe('compileSlot', () => {
  test('derives depths, data kinds, tags and watched events; lists conditions for trackers', () => {
    const c = compile(slotDef([
      { id: 'r', variantId: 'v', depth: 'none', tags: ['Spring'], condition: { page: { category: 'x' } }, context: { field: 'country', op: 'equals', value: 'DE' } },
    ], { tags: ['brand'], timing: { notWithin: [{ event: 'Form Submitted', window: '10m' }] } }));
    const r = c.rules[0]!;
    assert.equal(r.depth, 'segment');
    assert.deepEqual(r.dataKinds, ['region', 'reading-history']);
    assert.deepEqual(r.tags, ['brand', 'spring']);
    assert.deepEqual([...c.watchedEvents], ['form submitted']);
    assert.equal(c.conditions.length, 1);
  });

  test('refuses definitions that did not pass validation', () => {
    assert.throws(() => compile(slotDef([], { defaultVariantId: 'nope' })), /default variant "nope"/);
    assert.throws(() => compile(slotDef([], { variants: [variant('default', '{{oops}}')] })), /unknown placeholder/);
    assert.throws(() => compile(slotDef([], { strategy: { kind: 'magic' } })), /no strategy of kind "magic"/);
  });
});
