/**
 * The query of GET /v1/slots/{id}/report: the range of local days (validated, every bad parameter
 * named) and the CSV form of the report's rows.
 */
import { REPORT_MEASURES, mondayOf, sumIncrements, type ReportInterval, type ReportRow } from '../../core/decisions/slot-report.js';
import { TesseraError, type FieldIssue } from '../../core/errors.js';
import { csvField } from './segment-members.js';

export interface ReportQuery {
  from?: string;
  to?: string;
  interval?: ReportInterval;
  format?: 'json' | 'csv';
}

/** The longest range a report covers. */
export const MAX_REPORT_DAYS = 731;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const isDay = (v: string) => DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
const shift = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** [from, to] with defaults (the 30 days up to `today`); a 400 naming every bad parameter. */
export function reportRange(q: ReportQuery, today: string): { from: string; to: string; interval: ReportInterval } {
  const issues: FieldIssue[] = [];
  const to = q.to ?? today;
  if (!isDay(to)) issues.push({ field: 'to', reason: 'must be a date YYYY-MM-DD' });
  const from = q.from ?? (isDay(to) ? shift(to, -29) : today);
  if (!isDay(from)) issues.push({ field: 'from', reason: 'must be a date YYYY-MM-DD' });
  if (issues.length === 0 && from > to) issues.push({ field: 'from', reason: `is after to (${to})` });
  if (issues.length === 0 && Date.parse(to) - Date.parse(from) >= MAX_REPORT_DAYS * DAY_MS) issues.push({ field: 'from', reason: `must be less than ${MAX_REPORT_DAYS} days before to` });
  if (issues.length > 0) throw new TesseraError('invalid_query', { issues });
  return { from, to, interval: q.interval ?? 'day' };
}

/** One line per period, variant, rule and depth (periods: days, or ISO weeks by their Monday). */
export function reportCsv(rows: readonly ReportRow[], interval: ReportInterval): string {
  const bucketed = sumIncrements(rows.map((r) => ({ ...r, day: interval === 'day' ? r.day : mondayOf(r.day) })))
    .sort((a, b) => (a.day + a.variantId + a.ruleId + a.depth < b.day + b.variantId + b.ruleId + b.depth ? -1 : 1));
  const header = ['period', 'variant', 'rule', 'depth', ...REPORT_MEASURES, 'ctr', 'conversion_rate'];
  const rate = (n: number, d: number) => (d === 0 ? '' : String(Math.round((n / d) * 10_000) / 10_000));
  const lines = bucketed.map((r) => [r.day, r.variantId, r.ruleId, r.depth, ...REPORT_MEASURES.map((m) => r[m]), rate(r.clicks, r.impressions), rate(r.conversions, r.impressions)]);
  return [header, ...lines].map((line) => `${line.map(csvField).join(',')}\r\n`).join('');
}
