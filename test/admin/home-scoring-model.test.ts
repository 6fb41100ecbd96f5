/**
 * The pure parts of the Home and Scoring & lifecycle screens: the dashboard's address and the
 * breakdowns the analytics API can answer under its filters (admin/src/analytics-view.ts), the
 * rule forms to the JSON the API takes — checked by the server's own parsers — with the API's
 * issue paths renamed to the form's inputs (admin/src/scoring-model.ts), and the sortable
 * table's ordering (admin/src/sort-rows.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breakdownAllowed, delta, intervalOf, readState, withFilter, writeState } from '../../admin/src/analytics-view.js';
import {
  bandCondition, engagementFields, engagementRule, fitRule, issuesOfRule, lifecycleFields, lifecycleRule, newEngagementFields, newFitFields, newLifecycleFields,
} from '../../admin/src/scoring-model.js';
import { sortRows, type Column } from '../../admin/src/sort-rows.js';
import { parseLifecycleConfig } from '../../src/core/lifecycle/lifecycle-config.js';
import { parseScoringConfig } from '../../src/core/scoring/scoring-config.js';
import { validateCondition } from '../../src/core/segments/validate-condition.js';

const NOON = Date.parse('2026-12-07T12:00:00Z');

describe('the dashboard state', () => {
  it('reads presets and custom ranges from the address and writes them back', () => {
    const week = readState(new URLSearchParams(''), NOON, 'UTC');
    assert.deepEqual(week, { preset: '7d', from: '2026-12-01', to: '2026-12-07', filters: {} });
    assert.equal(writeState(week), '/');
    assert.deepEqual(readState(new URLSearchParams('range=today'), NOON, 'UTC'), { preset: 'today', from: '2026-12-07', to: '2026-12-07', filters: {} });
    assert.equal(readState(new URLSearchParams('range=30d'), NOON, 'UTC').from, '2026-11-08');
    const custom = readState(new URLSearchParams('range=custom&from=2026-01-01&to=2026-01-31&page=/pricing&junk=1'), NOON, 'UTC');
    assert.deepEqual(custom, { preset: 'custom', from: '2026-01-01', to: '2026-01-31', filters: { page: '/pricing' } });
    assert.equal(writeState(custom), '/?range=custom&from=2026-01-01&to=2026-01-31&page=%2Fpricing');
    assert.equal(readState(new URLSearchParams('range=custom&from=nonsense'), NOON, 'UTC').preset, '7d', 'a broken custom range falls back');
    // The day is the time zone's: 23:30 UTC is the next day in Berlin.
    assert.equal(readState(new URLSearchParams('range=today'), Date.parse('2026-12-07T23:30:00Z'), 'Europe/Berlin').to, '2026-12-08');
    assert.equal(intervalOf(readState(new URLSearchParams('range=today'), NOON, 'UTC')), 'hour');
    assert.equal(intervalOf(week), 'day');
  });

  it('keeps the funnel asked in the address: its steps in order, the time limit, at most eight steps', () => {
    const asked = readState(new URLSearchParams('range=30d&step=page:/&step=%20event:Demo%20Requested%20&step=&within=1h&channel=email'), NOON, 'UTC');
    assert.deepEqual(asked.funnel, { steps: ['page:/', 'event:Demo Requested'], within: '1h' }, 'trimmed, empty steps left out');
    assert.equal(writeState(asked), '/?range=30d&channel=email&step=page%3A%2F&step=event%3ADemo+Requested&within=1h');
    assert.deepEqual(readState(new URLSearchParams(writeState(asked).slice(2)), NOON, 'UTC'), asked, 'read back as written');
    assert.equal(readState(new URLSearchParams(''), NOON, 'UTC').funnel, undefined);
    const many = readState(new URLSearchParams(Array.from({ length: 10 }, (_, i) => `step=page:/${i}`).join('&')), NOON, 'UTC');
    assert.equal(many.funnel?.steps.length, 8);
    assert.equal(readState(new URLSearchParams('step=page:/'), NOON, 'UTC').funnel?.within, '', 'no limit');
  });

  it('adds filters from clicked rows as the API allows: one row filter, slices on top; a second click removes it', () => {
    let f = withFilter({}, 'channel', 'email');
    f = withFilter(f, 'page', '/pricing');
    assert.deepEqual(f, { channel: 'email', page: '/pricing' });
    f = withFilter(f, 'utm_campaign', 'spring');
    assert.deepEqual(f, { channel: 'email', utm_campaign: 'spring' }, 'a row filter replaces the other');
    assert.deepEqual(withFilter(f, 'channel', 'email'), { utm_campaign: 'spring' });
  });

  it('knows which breakdowns a filter allows', () => {
    assert.deepEqual(breakdownAllowed('referrer', { channel: 'email', device: 'mobile' }), { ok: true });
    assert.deepEqual(breakdownAllowed('page', { page: '/pricing' }), { ok: true });
    assert.deepEqual(breakdownAllowed('referrer', { page: '/pricing' }), { ok: false, blockedBy: 'page' });
    assert.deepEqual(breakdownAllowed('channel', { page: '/pricing' }), { ok: false, blockedBy: 'page' });
  });

  it('shows changes relative for counts and in points for the bounce rate', () => {
    assert.deepEqual(delta('visits', 150, 100), { value: 50, unit: 'percent' });
    assert.deepEqual(delta('bounceRate', 0.4, 0.5)?.unit, 'points');
    assert.ok(Math.abs(delta('bounceRate', 0.4, 0.5)!.value + 10) < 1e-9);
    assert.equal(delta('visits', 5, 0), null);
    assert.equal(delta('visitors', null, 3), null);
  });
});

describe('the scoring forms', () => {
  it('builds rules the server accepts, typed by the operator, and reads them back', () => {
    const engagement = engagementRule({ ...newEngagementFields(), id: 'whitepaper', event: 'Whitepaper Downloaded', points: '10', cap: '50', halfLife: 'none',
      where: [{ property: 'topic', op: 'in', value: 'smart factory, iot' }, { property: 'pages', op: 'gte', value: '3' }, { property: 'email', op: 'exists', value: 'ignored' }] });
    const fit = fitRule({ ...newFitFields(), id: 'size', trait: 'company_size', op: 'gte', value: '200', points: '10' });
    const parsed = parseScoringConfig({ engagement: { halfLifeDays: 30, rules: [engagement] }, fit: { rules: [fit] } });
    assert.ok(parsed.ok, JSON.stringify(parsed));
    const rule = parsed.config.engagement.rules[0]!;
    assert.deepEqual(rule.where, [{ property: 'topic', op: 'in', value: ['smart factory', 'iot'] }, { property: 'pages', op: 'gte', value: 3 }, { property: 'email', op: 'exists' }]);
    assert.equal(rule.halfLifeDays, null);
    assert.deepEqual(engagementFields(rule).where[0], { property: 'topic', op: 'in', value: 'smart factory, iot' });
    assert.equal(parsed.config.fit.rules[0]!.value, 200);
  });

  it('sends what cannot be typed as it was typed, so that the API names it at its input', () => {
    const bad = engagementRule({ ...newEngagementFields(), id: 'Bad Id', points: 'ten', where: [{ property: 'size', op: 'gt', value: 'big' }] });
    const parsed = parseScoringConfig({ engagement: { rules: [{ id: 'ok', points: 1 }, bad] } });
    assert.ok(!parsed.ok);
    const mine = issuesOfRule(parsed.issues, 'engagement.rules[1]').map((i) => i.field).sort();
    assert.deepEqual(mine, ['id', 'points', 'where[0].value']);
  });

  it('builds lifecycle rules, names the failing leaf, and keeps a condition the form cannot show', () => {
    const f = { ...newLifecycleFields('marketing_qualified'), id: 'mql', leaves: [{ kind: 'engagement' as const, op: 'gte', value: '50', trait: '' }, { kind: 'fit' as const, op: 'gte', value: 'x', trait: '' }] };
    const parsed = parseLifecycleConfig({ rules: [lifecycleRule(f)] });
    assert.ok(!parsed.ok);
    assert.deepEqual(issuesOfRule(parsed.issues, 'rules[0]').map((i) => i.field), ['leaf[1]']);
    const good = parseLifecycleConfig({ rules: [lifecycleRule({ ...f, from: ['lead'], leaves: [f.leaves[0]!, { kind: 'bant', op: 'atLeast', value: '3', trait: '' }, { kind: 'trait', op: 'equals', value: 'CTO', trait: 'role' }] })] });
    assert.ok(good.ok, JSON.stringify(good));
    assert.deepEqual(good.config.rules[0]!.when, { all: [{ engagement: { gte: 50 } }, { bant: { atLeast: 3 } }, { trait: 'role', op: 'equals', value: 'CTO' }] });
    assert.deepEqual(lifecycleFields(good.config.rules[0]!).leaves.length, 3);
    const single = parseLifecycleConfig({ rules: [lifecycleRule({ ...f, leaves: [{ kind: 'fit', op: 'lt', value: 'low', trait: '' }] })] });
    assert.ok(!single.ok);
    assert.deepEqual(issuesOfRule(single.issues, 'rules[0]', 1).map((i) => i.field), ['leaf[0]']);
    const nested = { id: 'x', to: 'lead', when: { not: { bant: 'complete' as const } } };
    const kept = lifecycleFields(nested);
    assert.deepEqual(kept.kept, nested.when);
    assert.deepEqual(lifecycleRule({ ...kept, id: 'y' }).when, nested.when, 'kept as it is');
  });

  it('counts score bands with conditions the segment validator accepts', () => {
    const refs = { segments: new Set<string>(), computedTraits: new Set<string>(), purposes: new Set<string>() };
    for (const band of [{ gte: null, lt: 10 }, { gte: 10, lt: 25 }, { gte: 100, lt: null }]) {
      assert.deepEqual(validateCondition(bandCondition('engagement', band), refs), []);
    }
  });
});

describe('sorting a table', () => {
  const rows = [{ v: 'page 10', n: 3 }, { v: 'Page 2', n: null }, { v: 'page 1', n: 3 }, { v: 'Äpfel', n: 7 }];
  const columns: Array<Column<(typeof rows)[number]>> = [
    { id: 'v', label: 'v', render: (r) => r.v, sortValue: (r) => r.v },
    { id: 'n', label: 'n', numeric: true, render: (r) => String(r.n), sortValue: (r) => r.n },
  ];
  it('orders text by the language, numbers as numbers, nulls last, ties as given', () => {
    assert.deepEqual(sortRows(rows, columns, { column: 'v', direction: 'ascending' }, 'de').map((r) => r.v), ['Äpfel', 'page 1', 'Page 2', 'page 10']);
    assert.deepEqual(sortRows(rows, columns, { column: 'n', direction: 'descending' }, 'en').map((r) => r.v), ['Äpfel', 'page 10', 'page 1', 'Page 2']);
    assert.deepEqual(sortRows(rows, columns, { column: 'n', direction: 'ascending' }, 'en').map((r) => r.v), ['page 10', 'page 1', 'Äpfel', 'Page 2']);
    assert.deepEqual(sortRows(rows, columns, null, 'en'), rows);
  });
});
