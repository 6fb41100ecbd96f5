/**
 * Retention cohorts: people grouped by the period (day, week, month of the time zone) of their first
 * hit, and for each later period the share of the cohort active in it. Period 0 is the cohort's own
 * (everyone, by definition); period n is the n-th period after it. Periods after the range's end are
 * absent, so younger cohorts have shorter rows (the triangle a retention chart draws).
 */

export interface Cohort {
  /** The cohort's period (e.g. `2026-11-02` for the week from that Monday). */
  cohort: string;
  start: string;
  people: number;
  /** People active in period 0, 1, 2, … after the cohort's own. */
  returning: number[];
  /** returning / people, per period (4 decimals). */
  rates: number[];
}

/**
 * The cohorts of people from the periods they were active in (period indexes of the range, any
 * order, repeats allowed); each person's cohort is their first period.
 */
export function cohortsOf(periods: ReadonlyArray<{ period: string; start: string }>, activity: ReadonlyMap<string, readonly number[]>): Cohort[] {
  const returning = periods.map((_, c) => new Array<number>(periods.length - c).fill(0));
  for (const active of activity.values()) {
    const distinct = [...new Set(active)].sort((a, b) => a - b);
    const first = distinct[0];
    if (first === undefined) continue;
    for (const p of distinct) returning[first]![p - first]!++;
  }
  return periods.map(({ period, start }, c) => {
    const row = returning[c]!;
    const people = row[0]!;
    return { cohort: period, start, people, returning: row, rates: row.map((n) => (people > 0 ? Math.round((n / people) * 1e4) / 1e4 : 0)) };
  });
}
