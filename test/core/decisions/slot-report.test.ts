/** Slot reports in the core: local days, periods, totals and rates, and the latest-view marks goals convert. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyCounters, mergeCounters, recordExposure, recordGoal } from '../../../src/core/decisions/exposure-counters.js';
import { buildSlotReport, localDay, mondayOf, periodsOf, reportSpecOf, sumIncrements, type ReportRow } from '../../../src/core/decisions/slot-report.js';

const T0 = Date.UTC(2026, 0, 5, 12); // a Monday, noon UTC
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const row = (over: Partial<ReportRow>): ReportRow => ({ slotId: 'hero', variantId: 'a', ruleId: 'r1', depth: 'segment', day: '2026-01-05', impressions: 0, clicks: 0, dismissals: 0, conversions: 0, ...over });

describe('days and periods', () => {
  test('the local day follows the zone', () => {
    assert.equal(localDay(Date.UTC(2026, 0, 5, 23, 30), 'UTC'), '2026-01-05');
    assert.equal(localDay(Date.UTC(2026, 0, 5, 23, 30), 'Europe/Berlin'), '2026-01-06');
    assert.equal(localDay(Date.UTC(2026, 0, 5, 3), 'America/New_York'), '2026-01-04');
  });

  test('weeks start on Monday; every period of the range is listed', () => {
    assert.equal(mondayOf('2026-01-11'), '2026-01-05');
    assert.equal(mondayOf('2026-01-05'), '2026-01-05');
    assert.equal(mondayOf('2026-03-01'), '2026-02-23');
    assert.deepEqual(periodsOf('2026-01-04', '2026-01-06', 'day'), ['2026-01-04', '2026-01-05', '2026-01-06']);
    assert.deepEqual(periodsOf('2026-01-04', '2026-01-12', 'week'), ['2025-12-29', '2026-01-05', '2026-01-12']);
  });
});

describe('the report', () => {
  const rows = [
    row({ impressions: 3, clicks: 1, conversions: 1 }),
    row({ variantId: 'b', ruleId: 'default', depth: 'none', impressions: 1, dismissals: 1 }),
    row({ day: '2026-01-07', impressions: 2, clicks: 2 }),
    row({ day: '2026-01-07', variantId: 'b', ruleId: 'unknown', depth: 'unknown', clicks: 1 }),
    row({ day: '2026-02-01', impressions: 100 }),
  ];
  const report = buildSlotReport(rows, { from: '2026-01-05', to: '2026-01-07', interval: 'day' });

  test('totals with rates rounded to 4 places and the depth mix of impressions; rows outside the range are left out', () => {
    assert.deepEqual(report.totals, { impressions: 6, clicks: 4, dismissals: 1, conversions: 1, ctr: 0.6667, conversionRate: 0.1667, depthMix: { segment: 5, none: 1 } });
  });

  test('a series point for every day, zeros included; no impressions: rates are null', () => {
    assert.deepEqual(report.series.map((p) => [p.period, p.impressions, p.clicks, p.ctr]), [['2026-01-05', 4, 1, 0.25], ['2026-01-06', 0, 0, null], ['2026-01-07', 2, 3, 1.5]]);
  });

  test('per variant, rule and depth, sorted by id', () => {
    assert.deepEqual(report.variants.map((v) => [v.id, v.totals.impressions, v.totals.clicks]), [['a', 5, 3], ['b', 1, 1]]);
    assert.deepEqual(report.rules.map((r) => [r.id, r.totals.impressions]), [['default', 1], ['r1', 5], ['unknown', 0]]);
    assert.deepEqual(report.depths.map((d) => [d.id, d.totals.impressions]), [['none', 1], ['segment', 5], ['unknown', 0]]);
    assert.equal(report.rules[2]!.totals.ctr, null);
  });

  test('weeks add the days up', () => {
    const weekly = buildSlotReport(rows, { from: '2026-01-05', to: '2026-02-01', interval: 'week' });
    assert.deepEqual(weekly.series.map((p) => [p.period, p.impressions]), [['2026-01-05', 6], ['2026-01-12', 0], ['2026-01-19', 0], ['2026-01-26', 100]]);
  });

  test('increments add up per key', () => {
    assert.deepEqual(sumIncrements([row({ impressions: 1 }), row({ clicks: 1 }), row({ depth: 'none', impressions: 1 })]).map((r) => [r.depth, r.impressions, r.clicks]), [['segment', 1, 1], ['none', 1, 0]]);
  });

  test('the spec lists goals by lower-cased event name, with the default window of 7 days', () => {
    const spec = reportSpecOf([{ id: 'hero', goal: { event: 'Demo Requested' } }, { id: 'cta', goal: { event: 'demo requested', within: '1d' } }, { id: 'x' }], 'UTC')!;
    assert.deepEqual(spec.goals.get('demo requested'), [{ slotId: 'hero', withinMs: 7 * DAY }, { slotId: 'cta', withinMs: DAY }]);
    assert.equal(reportSpecOf([], 'UTC'), null);
  });
});

describe('latest views and goals', () => {
  const seen = (at: number, variantId = 'a', ruleId = 'r1') => (c: ReturnType<typeof emptyCounters>) => recordExposure(c, { slotId: 'hero', variantId, ruleId, depth: 'segment', tags: [], at });

  test('the latest view wins, also when an older one arrives late', () => {
    const c = seen(T0 - HOUR, 'old')(seen(T0, 'new')(emptyCounters()));
    assert.equal(c.lastViews?.hero?.variantId, 'new');
  });

  test('a goal converts the latest view once, within the window, never a view after it', () => {
    const c = seen(T0)(emptyCounters());
    assert.equal(recordGoal(c, 'hero', T0 - 1, DAY).converted, null, 'the view came after the goal');
    assert.equal(recordGoal(c, 'hero', T0 + DAY + 1, DAY).converted, null, 'outside the window');
    assert.equal(recordGoal(c, 'other', T0 + 1, DAY).converted, null, 'another slot');
    const first = recordGoal(c, 'hero', T0 + DAY, DAY);
    assert.deepEqual(first.converted, { at: T0, variantId: 'a', ruleId: 'r1', depth: 'segment', convertedAt: T0 + DAY });
    assert.equal(recordGoal(first.counters, 'hero', T0 + DAY, DAY).converted, null, 'once');
    assert.equal(c.lastViews?.hero?.convertedAt, undefined, 'the input is not changed');
  });

  test('a merge keeps the later view of each slot; records without views stay without', () => {
    const phone = seen(T0, 'phone')(emptyCounters());
    const laptop = seen(T0 + HOUR, 'laptop')(emptyCounters());
    assert.equal(mergeCounters(phone, laptop).lastViews?.hero?.variantId, 'laptop');
    assert.equal(mergeCounters(laptop, phone).lastViews?.hero?.variantId, 'laptop');
    assert.equal(mergeCounters(emptyCounters(), emptyCounters()).lastViews, undefined);
  });
});
