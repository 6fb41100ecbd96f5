/**
 * Reading the parameters of funnels, retention and goals (issue 18): the steps (`step1` … `step8`),
 * the time limit (`within`), the retention interval; the range, time zone and filters are read as
 * for every analytics request (analytics-query.ts). Every failing parameter is named.
 *
 * A step (or goal) is written as
 *   `page:/pricing`            the page with that path (a trailing slash is ignored, as in ingest)
 *   `page:/blog/*`             every page whose path begins with `/blog/`
 *   `event:Signed Up`          the custom event of that name
 *   `event:Signed Up;plan=pro;trial=true`   … whose properties have these values
 * A property value matches the string, or the number or boolean it spells (`5`, `true`).
 *
 * Funnels and retention read events, which carry no visit attributes (channel, UTM, device are
 * fixed per visit in the rollups): of the filters only `audience` applies; the others are refused.
 */
import type { FieldIssue } from '../core/errors.js';
import type { HitMatch } from '../core/analytics/hit-key.js';
import { MAX_VALUE_LENGTH } from '../core/analytics/dimensions.js';
import type { Interval } from '../core/analytics/periods.js';
import type { PropertyMatch } from '../ports/hit-store.js';
import { ROW_FILTERS, SLICE_FILTERS, type AnalyticsQuery, type RawParams } from './analytics-query.js';

export const MIN_STEPS = 2;
export const MAX_STEPS = 8;
export const MAX_PROPERTIES = 5;
const MINUTE_MS = 60_000;
const UNIT_MS = { m: MINUTE_MS, h: 60 * MINUTE_MS, d: 24 * 60 * MINUTE_MS } as const;
export const MAX_WITHIN_DAYS = 366;
/** Most periods a retention table has (its triangle grows with the square). */
export const MAX_RETENTION_PERIODS = 120;
export const RETENTION_INTERVALS = ['day', 'week', 'month'] as const;
const PROPERTY_KEY = /^[A-Za-z0-9_.$ -]{1,100}$/;

export interface Step { label: string; match: HitMatch; properties: PropertyMatch[] }

/** One step or goal from its text (see above); null with an issue on `field` when it is not one. */
export function parseStep(text: unknown, field: string, issues: FieldIssue[]): Step | null {
  const fail = (reason: string) => { issues.push({ field, reason }); return null; };
  if (typeof text !== 'string' || text.trim() === '') return fail('must be page:<path>, page:<path prefix>* or event:<name>[;<property>=<value>…]');
  const label = text.trim();
  const colon = label.indexOf(':');
  const kind = label.slice(0, colon);
  const rest = label.slice(colon + 1);
  if (kind === 'page') {
    if (rest === '' || rest.length > MAX_VALUE_LENGTH) return fail(`a page step needs a path of 1 to ${MAX_VALUE_LENGTH} characters (page:/pricing, page:/blog/*)`);
    const prefix = rest.endsWith('*');
    const path = prefix ? rest.slice(0, -1) : normalisePath(rest);
    if (path === '') return fail('a page prefix needs at least one character before * (page:/blog/*)');
    return { label, match: { kind: 'page', path, prefix }, properties: [] };
  }
  if (kind === 'event') {
    const [name, ...props] = rest.split(';');
    if (!name || name.trim() === '' || name.length > MAX_VALUE_LENGTH) return fail(`an event step needs an event name of 1 to ${MAX_VALUE_LENGTH} characters (event:Signed Up)`);
    if (props.length > MAX_PROPERTIES) return fail(`at most ${MAX_PROPERTIES} property conditions per step`);
    const properties: PropertyMatch[] = [];
    for (const p of props) {
      const eq = p.indexOf('=');
      const key = p.slice(0, eq).trim();
      if (eq < 1 || !PROPERTY_KEY.test(key)) return fail(`"${p}" is not <property>=<value> with a property name of letters, digits, _ . $ - or space`);
      properties.push({ key, json: valueForms(p.slice(eq + 1)) });
    }
    return { label, match: { kind: 'event', name: name.trim() }, properties };
  }
  return fail('must begin with page: or event: (page:/pricing, event:Signed Up)');
}

/** The JSON texts a property value matches: the string, and the number or boolean it spells. */
export function valueForms(value: string): string[] {
  const forms = [JSON.stringify(value)];
  if (value === 'true' || value === 'false' || value === 'null') forms.push(value);
  else if (/^-?\d+(\.\d+)?$/.test(value) && Number.isFinite(Number(value))) forms.push(JSON.stringify(Number(value)));
  return forms;
}

/** As ingest keeps paths: `/pricing/` and `/pricing` are one page (core/profiles/page-info.ts). */
function normalisePath(path: string): string {
  return path.length > 1 && path.startsWith('/') ? path.replace(/\/+$/, '') || '/' : path;
}

/** `step1` … `step8`: consecutive from step1, 2 to 8 of them. */
export function parseSteps(params: RawParams, issues: FieldIssue[]): Step[] {
  const given = Object.keys(params).filter((k) => /^step\d+$/.test(k)).map((k) => Number(k.slice(4))).sort((a, b) => a - b);
  if (given.length < MIN_STEPS || given.length > MAX_STEPS) {
    issues.push({ field: 'steps', reason: `a funnel has ${MIN_STEPS} to ${MAX_STEPS} steps (step1 … step${MAX_STEPS}); got ${given.length}` });
    return [];
  }
  const gap = given.findIndex((n, i) => n !== i + 1);
  if (gap >= 0) {
    issues.push({ field: `step${given[gap]}`, reason: `steps are numbered from step1 without gaps (step${gap + 1} is missing)` });
    return [];
  }
  const steps = given.map((n) => parseStep(params[`step${n}`], `step${n}`, issues));
  return steps.every((s) => s !== null) ? steps as Step[] : [];
}

/** `within`: a time limit from the first step to the last, `30m`, `12h`, `7d`; none when absent. */
export function parseWithin(params: RawParams, issues: FieldIssue[]): number | null {
  const text = params.within;
  if (text === undefined || text === '') return null;
  const m = typeof text === 'string' ? /^(\d{1,6})([mhd])$/.exec(text) : null;
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : NaN;
  if (!m || ms < MINUTE_MS || ms > MAX_WITHIN_DAYS * UNIT_MS.d) {
    issues.push({ field: 'within', reason: `must be a whole number of minutes, hours or days (30m, 12h, 7d), from 1m to ${MAX_WITHIN_DAYS}d` });
    return null;
  }
  return ms;
}

/** Funnels and retention answer one range (their filters: people-filter.ts). */
export function refuseCompare(query: AnalyticsQuery, issues: FieldIssue[]): void {
  if (query.compare) issues.push({ field: 'compare', reason: 'funnels and retention answer one range; ask for the previous range with its own from and to' });
}

export function parseRetentionInterval(params: RawParams, issues: FieldIssue[]): Interval {
  const interval = params.interval ?? 'week';
  if (typeof interval !== 'string' || !(RETENTION_INTERVALS as readonly string[]).includes(interval)) {
    issues.push({ field: 'interval', reason: `must be one of ${RETENTION_INTERVALS.join(', ')}` });
    return 'week';
  }
  return interval as Interval;
}
