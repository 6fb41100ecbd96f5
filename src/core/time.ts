/** Time values inside the core are epoch milliseconds; ISO strings exist only at the edges. */
export type EpochMs = number;

export function toIso(ms: EpochMs): string {
  return new Date(ms).toISOString();
}

// ISO-8601 / RFC 3339: a date, optionally a time (`T` or a space), optionally seconds, a fraction
// and an offset. Anything else is refused: `Date.parse` alone would read "hello 5" as 1 May 2001.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?)?$/i;

/**
 * Parses an ISO-8601 string or epoch number into epoch ms; undefined when it is not a valid time.
 *
 * A date-time without an offset is read as UTC, so that the result never depends on the server's
 * time zone (`Date.parse` would read it as local time). Impossible dates (30 February) are refused
 * rather than rolled over. Fractions below a millisecond are truncated.
 */
export function parseTime(value: unknown): EpochMs | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  const m = ISO_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const offsetMinutes = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || Number(m[10] ?? 0) > 23 || Number(m[11] ?? 0) > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // setUTCFullYear, not Date.UTC: years 0–99 stay literal
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime() - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
