/**
 * What the Home dashboard asks the analytics API, read from and written to the address (pure, no
 * DOM): the date range (a preset or custom dates), the filters, and which breakdowns can be asked
 * under them. The API's rule (docs/analytics.md): audience, channel and device filters combine with
 * anything; the other dimensions (page, referrer, utm_*, …) filter only their own rows — at most one
 * of them, and under it only the breakdown by its own dimension can be asked (not even by channel
 * or device: the rollup rows of a page carry no other dimension). The funnel asked on the dashboard is
 * in the address too (`step` repeated, `within`), so that a funnel can be shared and comes back with
 * the browser's back button.
 */

export const PRESETS = ['today', '7d', '30d', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

export const SLICE_FILTERS = ['audience', 'channel', 'device'] as const;
export const ROW_FILTERS = ['page', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'browser', 'os', 'language', 'event'] as const;
export const FILTER_KEYS = [...SLICE_FILTERS, ...ROW_FILTERS] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** The steps of the dashboard's funnel as typed (`page:/pricing`, `event:Demo Requested`) and its time limit ('' for none). */
export interface FunnelAsked { steps: string[]; within: string }
export const MAX_FUNNEL_STEPS = 8;

export interface DashboardState {
  preset: Preset;
  /** The range asked: local dates, both included. */
  from: string;
  to: string;
  filters: Partial<Record<FilterKey, string>>;
  /** The funnel asked, if any. */
  funnel?: FunnelAsked;
}

const DAY = 86_400_000;

/** YYYY-MM-DD of an instant in a time zone. */
export function localDate(at: number, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

const isDate = (s: string | null): s is string => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

/** The dashboard of an address (`?range=7d&page=/pricing`); unknown values fall back to 7 days. */
export function readState(query: URLSearchParams, now: number, timeZone: string): DashboardState {
  const today = localDate(now, timeZone);
  const asked = query.get('range');
  const preset: Preset = (PRESETS as readonly string[]).includes(asked ?? '') ? asked as Preset : '7d';
  const filters: DashboardState['filters'] = {};
  for (const key of FILTER_KEYS) {
    const v = query.get(key);
    if (v) filters[key] = v;
  }
  const steps = query.getAll('step').map((x) => x.trim()).filter((x) => x !== '').slice(0, MAX_FUNNEL_STEPS);
  const funnel = steps.length > 0 ? { funnel: { steps, within: (query.get('within') ?? '').trim() } } : {};
  if (preset === 'custom') {
    const from = query.get('from');
    const to = query.get('to');
    if (isDate(from) && isDate(to)) return { preset, from, to, filters, ...funnel };
    return { preset: '7d', from: shiftDate(today, -6), to: today, filters, ...funnel };
  }
  const days = preset === 'today' ? 1 : preset === '7d' ? 7 : 30;
  return { preset, from: shiftDate(today, -(days - 1)), to: today, filters, ...funnel };
}

/** The address of a dashboard state (the 7-day default without filters is plain `/`). */
export function writeState(state: DashboardState): string {
  const q = new URLSearchParams();
  if (state.preset !== '7d') q.set('range', state.preset);
  if (state.preset === 'custom') { q.set('from', state.from); q.set('to', state.to); }
  for (const key of FILTER_KEYS) { const v = state.filters[key]; if (v) q.set(key, v); }
  for (const step of state.funnel?.steps ?? []) q.append('step', step);
  if (state.funnel?.within) q.set('within', state.funnel.within);
  const qs = q.toString();
  return qs ? `/?${qs}` : '/';
}

/** Days in the range, both ends included. */
export const rangeDays = (s: Pick<DashboardState, 'from' | 'to'>) => Math.round((Date.parse(`${s.to}T00:00:00Z`) - Date.parse(`${s.from}T00:00:00Z`)) / DAY) + 1;

/** Hours for a range of up to two days, else days. */
export const intervalOf = (s: Pick<DashboardState, 'from' | 'to'>): 'hour' | 'day' => (rangeDays(s) <= 2 ? 'hour' : 'day');

/** The row filter in force, if any. */
export const rowFilterOf = (filters: DashboardState['filters']) => ROW_FILTERS.find((k) => filters[k] !== undefined);

/**
 * Whether a breakdown by `dimension` can be asked under these filters, and if not, the row filter
 * that prevents it.
 */
export function breakdownAllowed(dimension: string, filters: DashboardState['filters']): { ok: true } | { ok: false; blockedBy: FilterKey } {
  const row = rowFilterOf(filters);
  if (!row || row === dimension) return { ok: true };
  return { ok: false, blockedBy: row };
}

/**
 * Adds a filter from a clicked breakdown row. A row filter replaces any other row filter (the
 * API takes one); slice filters add to what is there. Clicking the filter in force removes it.
 */
export function withFilter(filters: DashboardState['filters'], key: FilterKey, value: string): DashboardState['filters'] {
  if (filters[key] === value) return withoutFilter(filters, key);
  const next = { ...filters };
  if ((ROW_FILTERS as readonly string[]).includes(key)) for (const k of ROW_FILTERS) delete next[k];
  next[key] = value;
  return next;
}

export function withoutFilter(filters: DashboardState['filters'], key: FilterKey): DashboardState['filters'] {
  const next = { ...filters };
  delete next[key];
  return next;
}

/** The query every analytics request of the dashboard shares. */
export function apiQuery(state: DashboardState, timeZone: string): Record<string, string> {
  return { from: state.from, to: state.to, timezone: timeZone, ...state.filters } as Record<string, string>;
}

/**
 * The change shown on a KPI tile: relative for counts and durations (+12 %), in percentage points
 * for the bounce rate (a rate's relative change misleads). Null when there is nothing to compare.
 */
export function delta(metric: string, current: number | null | undefined, previous: number | null | undefined): { value: number; unit: 'percent' | 'points' } | null {
  if (current === null || current === undefined || previous === null || previous === undefined) return null;
  if (metric === 'bounceRate') return { value: (current - previous) * 100, unit: 'points' };
  if (previous === 0) return null;
  return { value: ((current - previous) / previous) * 100, unit: 'percent' };
}
