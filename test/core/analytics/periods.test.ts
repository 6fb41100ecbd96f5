import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hourRange, localToUtc, parseBound, periodsOf, previousRange } from '../../../src/core/analytics/periods.js';

test('a local date range becomes the hour buckets of those local days', () => {
  const from = parseBound('2026-03-29', 'Europe/Berlin', false)!;
  const to = parseBound('2026-03-29', 'Europe/Berlin', true)!;
  assert.equal(new Date(from).toISOString(), '2026-03-28T23:00:00.000Z');
  assert.equal(new Date(to).toISOString(), '2026-03-29T22:00:00.000Z');
  assert.equal(hourRange(from, to).toHour - hourRange(from, to).fromHour, 23, 'the day DST begins has 23 hours');
});

test('impossible dates and instants without an offset are refused; instants are exact', () => {
  assert.equal(parseBound('2026-02-30', 'UTC', false), null);
  assert.equal(parseBound('2026-02-01T10:00', 'UTC', false), null);
  assert.equal(parseBound('2026-02-01T10:00:00+01:00', 'UTC', false), Date.UTC(2026, 1, 1, 9));
});

test('days, weeks from Monday and months are the local calendar', () => {
  const range = hourRange(parseBound('2026-10-24', 'Europe/Berlin', false)!, parseBound('2026-11-02', 'Europe/Berlin', true)!);
  const days = periodsOf('Europe/Berlin', range, 'day');
  assert.equal(days.length, 10);
  assert.equal(days.find((d) => d.period === '2026-10-25')!.hours.length, 25, 'the day DST ends has 25 hours');
  assert.deepEqual(periodsOf('Europe/Berlin', range, 'week').map((w) => w.period), ['2026-10-19', '2026-10-26', '2026-11-02']);
  assert.deepEqual(periodsOf('Europe/Berlin', range, 'month').map((w) => w.period), ['2026-10', '2026-11']);
});

test('the previous range has the same length and ends where the range begins', () => {
  assert.deepEqual(previousRange({ fromHour: 100, toHour: 148 }), { fromHour: 52, toHour: 100 });
  assert.equal(localToUtc('America/New_York', 2026, 11, 3), Date.UTC(2026, 10, 3, 5));
});
