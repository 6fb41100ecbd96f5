/** Time values inside the core are epoch milliseconds; ISO strings exist only at the edges. */
export type EpochMs = number;

export function toIso(ms: EpochMs): string {
  return new Date(ms).toISOString();
}

/**
 * Parses an ISO-8601 string or epoch number into epoch ms; undefined when it is not a valid time.
 *
 * Accepted (ISO-8601 / RFC 3339): a date `YYYY-MM-DD`, optionally a time after `T` or a space
 * (`HH:MM`, optionally `:SS`, optionally a fraction after `.` or `,`), then optionally `Z` or an
 * offset `±HH:MM` / `±HHMM`; `T` and `Z` in either case. Anything else is refused: `Date.parse`
 * alone would read "hello 5" as 1 May 2001.
 *
 * A date-time without an offset is read as UTC, so that the result never depends on the server's
 * time zone (`Date.parse` would read it as local time). Impossible dates (30 February) are refused
 * rather than rolled over. Fractions below a millisecond are truncated.
 *
 * A scanner rather than a regular expression and `Date` setters: every event carries one or two
 * times, and this ran at about 10% of the request path's CPU before.
 */
export function parseTime(value: unknown): EpochMs | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  const s = value;
  const n = s.length;
  if (n < 10 || s.charCodeAt(4) !== DASH || s.charCodeAt(7) !== DASH) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let ms = daysFromCivil(year, month, day) * 86_400_000;
  if (n === 10) return ms;

  const sep = s.charCodeAt(10);
  if ((sep !== UPPER_T && sep !== LOWER_T && sep !== SPACE) || n < 16 || s.charCodeAt(13) !== COLON) return undefined;
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  ms += hour * 3_600_000 + minute * 60_000;
  let i = 16;
  if (i < n && s.charCodeAt(i) === COLON) {
    const second = digits(s, i + 1, 2);
    if (second < 0 || second > 59) return undefined;
    ms += second * 1000;
    i += 3;
    if (i < n && (s.charCodeAt(i) === DOT || s.charCodeAt(i) === COMMA)) {
      const from = ++i;
      let fraction = 0;
      while (i < n && isDigit(s.charCodeAt(i))) {
        if (i - from < 3) fraction = fraction * 10 + (s.charCodeAt(i) - ZERO);
        i++;
      }
      if (i === from) return undefined;
      for (let k = Math.min(i - from, 3); k < 3; k++) fraction *= 10;
      ms += fraction;
    }
  }
  if (i === n) return ms;
  const zone = s.charCodeAt(i);
  if (zone === UPPER_Z || zone === LOWER_Z) return i + 1 === n ? ms : undefined;
  if (zone !== PLUS && zone !== MINUS) return undefined;
  const colon = n - i === 6 && s.charCodeAt(i + 3) === COLON;
  if (n - i !== 5 && !colon) return undefined;
  const offsetHours = digits(s, i + 1, 2);
  const offsetMinutes = digits(s, colon ? i + 4 : i + 3, 2);
  if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) return undefined;
  return ms - (zone === MINUS ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
}

const ZERO = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const COMMA = 44;
const SPACE = 32;
const PLUS = 43;
const MINUS = 45;
const UPPER_T = 84;
const LOWER_T = 116;
const UPPER_Z = 90;
const LOWER_Z = 122;

const isDigit = (code: number) => code >= ZERO && code <= ZERO + 9;

/** The decimal number in `count` characters from `from`; -1 when one of them is not a digit (or missing). */
function digits(s: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const code = s.charCodeAt(i); // NaN past the end, which fails the test below
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (any year, 0–99 literally). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
