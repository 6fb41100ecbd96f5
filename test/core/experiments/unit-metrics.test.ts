/**
 * The per-person experiment state and its aggregate deltas (core/experiments/unit-metrics.ts), by hand-counted
 * cases: exposure, events in and out of the window, contamination by a second arm and by merges (the
 * contaminated count stays one per person), a same-arm merge (one unit, values added), behaviour counters.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AggregateDeltas, totals, totalsKey, UNITS } from '../../../src/core/experiments/aggregates.js';
import type { TrackedEvent } from '../../../src/core/events/event.js';
import type { Metric } from '../../../src/core/experiments/metric.js';
import type { ExperimentPlan } from '../../../src/core/experiments/plans.js';
import { contaminate, mergeUnits, replayUnit, startUnit, updateCounters, updateUnit } from '../../../src/core/experiments/unit-metrics.js';
import { emptyBehaviour } from '../../../src/core/profiles/behaviour.js';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 0, 10);
const ev = (name: string, at: number, properties: Record<string, unknown> = {}) => ({ type: 'track', name, timestamp: at, properties }) as unknown as TrackedEvent;
const metrics: Metric[] = [
  { id: 'buy', name: 'Buy', kind: 'conversion', numerator: { event: 'Buy', properties: {}, valueProperty: null, scale: 1 }, denominator: null, windowHours: 24, guardrail: false, higherIsBetter: true },
  { id: 'rev', name: 'Revenue', kind: 'sum', numerator: { event: 'Buy', properties: {}, valueProperty: 'revenue', scale: 1 }, denominator: null, windowHours: 24, guardrail: false, higherIsBetter: true },
  { id: 'bounce', name: 'Bounce', kind: 'ratio', numerator: { counter: 'bounces' }, denominator: { counter: 'sessions' }, windowHours: 24, guardrail: false, higherIsBetter: false },
];
const plan: ExperimentPlan = { key: 'e', generation: 0, variationIds: ['a', 'b'], metrics, cupedDays: 14 };
const sumOf = (d: AggregateDeltas, v: number, id: string) => totals(d.list).get(totalsKey(v, id));

describe('unit metrics', () => {
  test('events in the window count; a second conversion does not; after the window nothing', () => {
    const d = new AggregateDeltas();
    const u = startUnit({ plan, variation: 1, at: T, pre: { buy: 1, rev: 40 }, behaviour: emptyBehaviour(), deltas: d });
    updateUnit(plan, u, ev('Buy', T + HOUR, { revenue: 10 }), d);
    updateUnit(plan, u, ev('Buy', T + 2 * HOUR, { revenue: 5 }), d);
    updateUnit(plan, u, ev('Buy', T + 25 * HOUR, { revenue: 100 }), d);
    updateUnit(plan, u, ev('Buy', T - HOUR, { revenue: 100 }), d);
    assert.deepEqual(u.m, { buy: [1, 0], rev: [15, 0] }, 'zeros are not stored');
    const rev = sumOf(d, 1, 'rev')!;
    assert.deepEqual([rev.units, rev.sum, rev.sumSq, rev.pre, rev.preSq, rev.preCross], [1, 15, 225, 40, 1600, 600]);
    assert.deepEqual([sumOf(d, 1, 'buy')!.sum, sumOf(d, 1, 'buy')!.sumSq], [1, 1]);
  });

  test('a second arm contaminates: contributions out, one contaminated; merging two contaminated people keeps one', () => {
    const d = new AggregateDeltas();
    const u = startUnit({ plan, variation: 0, at: T, pre: undefined, behaviour: emptyBehaviour(), deltas: d });
    updateUnit(plan, u, ev('Buy', T + HOUR, { revenue: 10 }), d);
    contaminate(plan, u, T + 2 * HOUR, d);
    const other = startUnit({ plan, variation: 1, at: T, pre: undefined, behaviour: emptyBehaviour(), deltas: d });
    contaminate(plan, other, T + 3 * HOUR, d);
    mergeUnits(plan, u, other, T + 4 * HOUR, d);
    const units = [sumOf(d, 0, UNITS)!, sumOf(d, 1, UNITS)!];
    assert.deepEqual(units.map((s) => [s.units, s.sum]), [[0, 1], [0, 0]], 'no clean unit, one contaminated person');
    assert.equal(sumOf(d, 0, 'rev')!.sum, 0);
  });

  test('merging two people in the same arm: one unit from the earlier exposure, values added', () => {
    const d = new AggregateDeltas();
    const s = startUnit({ plan, variation: 1, at: T + HOUR, pre: undefined, behaviour: emptyBehaviour(), deltas: d });
    const m = startUnit({ plan, variation: 1, at: T, pre: undefined, behaviour: emptyBehaviour(), deltas: d });
    updateUnit(plan, s, ev('Buy', T + 2 * HOUR, { revenue: 3 }), d);
    updateUnit(plan, m, ev('Buy', T + 2 * HOUR, { revenue: 4 }), d);
    const one = mergeUnits(plan, s, m, T + 3 * HOUR, d);
    assert.equal(one.at, T);
    assert.deepEqual(one.m.rev, [7, 0]);
    assert.deepEqual(one.m.buy, [1, 0]);
    assert.deepEqual([sumOf(d, 1, UNITS)!.units, sumOf(d, 1, 'rev')!.sum, sumOf(d, 1, 'rev')!.sumSq, sumOf(d, 1, 'buy')!.sum], [1, 7, 49, 1]);
  });

  test('bounce rate from the session counters since the exposure', () => {
    const d = new AggregateDeltas();
    const behaviour = emptyBehaviour();
    behaviour.sessions.count = 5;
    behaviour.sessions.bounces = 2;
    const u = startUnit({ plan, variation: 0, at: T, pre: undefined, behaviour, deltas: d });
    behaviour.sessions.count = 9;
    behaviour.sessions.bounces = 3;
    updateCounters(plan, u, behaviour, T + HOUR, d);
    assert.deepEqual(u.m.bounce, [1, 4]);
    const b = sumOf(d, 0, 'bounce')!;
    assert.deepEqual([b.sum, b.den, b.cross], [1, 4, 4]);
  });

  test('a replay equals the same events applied one by one', () => {
    const events = [ev('Buy', T - 3 * HOUR, { revenue: 8 }), ev('Experiment Viewed', T, { experiment_id: 'e', variation_id: 'b' }), ev('Buy', T + HOUR, { revenue: 2 })];
    const d = new AggregateDeltas();
    const u = replayUnit(plan, events, emptyBehaviour(), d)!;
    assert.deepEqual([u.v, u.at, u.m.rev, u.p], [1, T, [2, 0], { buy: 1, rev: 8 }]);
    assert.deepEqual([sumOf(d, 1, 'rev')!.preCross, sumOf(d, 1, UNITS)!.units], [16, 1]);
  });
});
