/**
 * parseTime reads ISO-8601 strictly and the same way whatever the server's time zone: an event's
 * time must never depend on where Tessera runs, and prose must never become a date.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTime, toIso } from '../../src/core/time.js';

const utc = (iso: string) => new Date(iso).getTime();

describe('parseTime', () => {
  it('reads ISO-8601 date-times with Z, offsets and fractions', () => {
    assert.equal(parseTime('2024-05-01T10:00:00Z'), utc('2024-05-01T10:00:00.000Z'));
    assert.equal(parseTime('2024-05-01T10:00:00.123Z'), utc('2024-05-01T10:00:00.123Z'));
    assert.equal(parseTime('2024-05-01T10:00:00.123456789Z'), utc('2024-05-01T10:00:00.123Z'), 'sub-millisecond digits are truncated');
    assert.equal(parseTime('2024-05-01T12:00:00+02:00'), utc('2024-05-01T10:00:00.000Z'));
    assert.equal(parseTime('2024-05-01T12:00:00+0200'), utc('2024-05-01T10:00:00.000Z'));
    assert.equal(parseTime('2024-05-01T05:30:00-04:30'), utc('2024-05-01T10:00:00.000Z'));
    assert.equal(parseTime('2024-05-01t10:00:00z'), utc('2024-05-01T10:00:00.000Z'), 'lower-case T and Z');
    assert.equal(parseTime('2024-05-01 10:00:00Z'), utc('2024-05-01T10:00:00.000Z'), 'RFC 3339 allows a space');
    assert.equal(parseTime('2024-05-01T10:00Z'), utc('2024-05-01T10:00:00.000Z'), 'seconds are optional');
  });

  it('reads short fractions as tenths and hundredths, and a comma as the decimal sign', () => {
    assert.equal(parseTime('2024-05-01T10:00:00.1Z'), utc('2024-05-01T10:00:00.100Z'));
    assert.equal(parseTime('2024-05-01T10:00:00,12Z'), utc('2024-05-01T10:00:00.120Z'));
    assert.equal(parseTime('2024-05-01T10:00:00.999999+00:00'), utc('2024-05-01T10:00:00.999Z'));
  });

  it('reads years below 100 literally and dates before 1970', () => {
    const literal = (year: number, month: number, day: number) => { const d = new Date(0); d.setUTCFullYear(year, month - 1, day); return d.getTime(); };
    assert.equal(parseTime('0000-01-01'), literal(0, 1, 1));
    assert.equal(parseTime('0099-12-31T23:59:59Z'), literal(99, 12, 31) + 86_399_000);
    assert.equal(parseTime('0400-02-29'), literal(400, 2, 29), 'year 400 is a leap year');
    assert.equal(parseTime('1969-12-31T23:59:59.999Z'), -1);
    assert.equal(parseTime('9999-12-31T23:59:59.999Z'), utc('9999-12-31T23:59:59.999Z'));
  });

  it('reads a date-time without an offset as UTC, not as server-local time', () => {
    // Date.parse would read this in the process time zone; run in one that is not UTC.
    const saved = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      assert.equal(new Date(2024, 4, 1).getTimezoneOffset(), -330, 'the time zone switch took effect');
      assert.equal(parseTime('2024-05-01T10:00:00'), utc('2024-05-01T10:00:00.000Z'));
      assert.equal(parseTime('2024-05-01'), utc('2024-05-01T00:00:00.000Z'));
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('accepts leap days only in leap years', () => {
    assert.equal(parseTime('2024-02-29T00:00:00Z'), utc('2024-02-29T00:00:00Z'));
    assert.equal(parseTime('2000-02-29T00:00:00Z'), utc('2000-02-29T00:00:00Z'));
    assert.equal(parseTime('2023-02-29T00:00:00Z'), undefined);
    assert.equal(parseTime('1900-02-29T00:00:00Z'), undefined);
  });

  for (const bad of [
    'hello 5', '1', '12', 'May 5', 'Tue, 01 May 2024 10:00:00 GMT', '1714557600', '2024-02-30T10:00:00Z', '2024-04-31',
    '2024-13-01T00:00:00Z', '2024-00-10T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T10:60:00Z', '2024-05-01T10:00:60Z',
    '2024-05-01T10:00:00+25:00', '2024-05-01T10:00:00+02:60', '2024-5-1', ' 2024-05-01T10:00:00Z', '', 'x'.repeat(65),
    '2024-05-01T10:00:00.Z', '2024-05-01T10:00:00Z ', '2024-05-01T10:00:00+02', '2024-05-01T10:00:00+02:0', '2024-05-01T10', '2024-05-01T',
    '2024-05-01Z', '2024-05-01T10:00:00ZZ', '2024-05-01T10:00:5Z', '2024-05-01T1:00:00Z', '2024-05-01X10:00:00Z', '２０２４-05-01',
  ]) {
    it(`refuses ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 20)}…` : bad)}`, () => {
      assert.equal(parseTime(bad), undefined);
    });
  }

  it('accepts finite epoch numbers and refuses other types', () => {
    assert.equal(parseTime(1714557600000), 1714557600000);
    assert.equal(parseTime(Number.NaN), undefined);
    assert.equal(parseTime(Number.POSITIVE_INFINITY), undefined);
    assert.equal(parseTime(null), undefined);
    assert.equal(parseTime({}), undefined);
  });

  it('round-trips through toIso', () => {
    const ms = utc('2024-05-01T10:00:00.042Z');
    assert.equal(parseTime(toIso(ms)), ms);
    assert.equal(toIso(ms), '2024-05-01T10:00:00.042Z');
  });
});
