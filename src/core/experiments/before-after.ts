/**
 * Before/after of a personalization measure switched on at `at` without an experiment (issue 16 §4): which KPI,
 * which periods, and each person's value in a period.
 *
 * - The periods are [at − days, at) and [at, at + days).
 * - A person belongs to a period when they have any event in it (the people who were there to be measured); their
 *   value is the KPI over their events of that period: a conversion (1 when they did the goal event, else 0 — the
 *   conversion rate), a count or a sum of a numeric property, or a duration (dwell time), as experiment metrics
 *   count them (metric.ts `applyEvent`), so a metric of an experiment can be reused as it is.
 * - Whether a person is in the global holdout is decided as the decision engine decides it: their user id when
 *   known, else their anonymous id (holdout.ts).
 */
import type { FieldIssue } from '../errors.js';
import type { TrackedEvent } from '../events/event.js';
import { parseTime, type EpochMs } from '../time.js';
import { applyEvent, ZERO, type Metric, type MetricValue } from './metric.js';

export const BEFORE_AFTER_KINDS = ['conversion', 'count', 'sum'] as const;
type BeforeAfterKind = (typeof BEFORE_AFTER_KINDS)[number];
/** Experiment metric kinds a before/after can reuse: per-person values (ratios and quantiles are per group). */
export const REUSABLE_KINDS: readonly Metric['kind'][] = ['conversion', 'count', 'sum', 'duration'];
export const MAX_DAYS = 90;
const DAY_MS = 86_400_000;

export interface BeforeAfterQuery {
  at: EpochMs;
  days: number;
  alpha: number;
  /** The KPI given directly (`event`, `kind`, `valueProperty`), or null: the experiment's metric named. */
  metric: Metric | null;
  reuse: { experiment: string; metric: string } | null;
}

const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Reads the query parameters; every failing one is named. Strings as the query string carries them. */
export function parseBeforeAfterQuery(params: Record<string, unknown>): { query: BeforeAfterQuery | null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const at = parseTime(params.at);
  if (typeof params.at !== 'string' || at === undefined) issues.push({ field: 'at', reason: 'is required: the ISO time the measure was switched on (2026-12-01T00:00:00Z)' });
  // Numbers are read from their decimal text only (" 5", "5e0", "0x5" are refused, not converted).
  const days = params.days === undefined ? 14 : typeof params.days === 'string' && /^[0-9]{1,3}$/.test(params.days) ? Number(params.days) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) issues.push({ field: 'days', reason: `must be a whole number of days from 1 to ${MAX_DAYS}: the length of each period` });
  const alpha = params.alpha === undefined ? 0.05 : typeof params.alpha === 'string' && /^0?\.[0-9]{1,6}$/.test(params.alpha) ? Number(params.alpha) : NaN;
  if (!Number.isFinite(alpha) || alpha < 0.001 || alpha > 0.2) issues.push({ field: 'alpha', reason: 'must be a number from 0.001 to 0.2' });

  const direct = params.event !== undefined;
  const reused = params.experiment !== undefined || params.metric !== undefined;
  let metric: Metric | null = null;
  let reuse: BeforeAfterQuery['reuse'] = null;
  if (direct === reused) {
    issues.push({ field: direct ? 'experiment' : 'event', reason: 'give either event (a goal event, with kind and valueProperty) or experiment and metric (a metric of an experiment), not both and not neither' });
  } else if (direct) {
    const kind = (params.kind ?? 'conversion') as BeforeAfterKind;
    if (!BEFORE_AFTER_KINDS.includes(kind)) issues.push({ field: 'kind', reason: `must be one of ${BEFORE_AFTER_KINDS.join(', ')}` });
    const event = params.event;
    if (typeof event !== 'string' || event.trim() === '' || event.length > 200) issues.push({ field: 'event', reason: 'must be the name of a track event (1 to 200 characters)' });
    const valueProperty = params.valueProperty ?? null;
    if (valueProperty !== null && (typeof valueProperty !== 'string' || !PROPERTY_NAME.test(valueProperty))) issues.push({ field: 'valueProperty', reason: 'must be a property name: 1 to 64 of A-Z, a-z, 0-9 and _, not starting with a digit' });
    if (kind === 'sum' && valueProperty === null) issues.push({ field: 'valueProperty', reason: 'is required with kind sum: the numeric property summed (for example revenue)' });
    if (kind !== 'sum' && valueProperty !== null && BEFORE_AFTER_KINDS.includes(kind)) issues.push({ field: 'valueProperty', reason: 'is read only with kind sum' });
    metric = {
      id: 'kpi', name: String(event), kind, numerator: { event: String(event), properties: {}, valueProperty: kind === 'sum' ? (valueProperty as string | null) : null, scale: 1 },
      denominator: null, windowHours: days * 24, guardrail: false, higherIsBetter: true,
    };
  } else {
    for (const name of ['experiment', 'metric'] as const) if (typeof params[name] !== 'string' || (params[name] as string).trim() === '') issues.push({ field: name, reason: `is required with ${name === 'metric' ? 'experiment' : 'metric'}: ${name === 'metric' ? 'the id of one of its metrics (goal: its goal)' : 'the key of the experiment whose metric is reused'}` });
    for (const name of ['kind', 'valueProperty'] as const) if (params[name] !== undefined) issues.push({ field: name, reason: 'is read only with event' });
    reuse = { experiment: String(params.experiment), metric: String(params.metric) };
  }
  if (issues.length > 0) return { query: null, issues };
  return { query: { at: at!, days, alpha, metric, reuse }, issues };
}

export const periodsOf = (q: Pick<BeforeAfterQuery, 'at' | 'days'>) => ({
  before: { from: q.at - q.days * DAY_MS, to: q.at },
  after: { from: q.at, to: q.at + q.days * DAY_MS },
});

/**
 * A person's KPI value in [from, to) from their events (any order), or null when they have no event in it (not
 * in that period's population).
 */
export function periodValue(metric: Metric, events: readonly TrackedEvent[], from: EpochMs, to: EpochMs): number | null {
  let active = false;
  let value: MetricValue = ZERO;
  for (const e of events) {
    if (e.timestamp < from || e.timestamp >= to) continue;
    active = true;
    value = applyEvent(metric, value, e);
  }
  return active ? value[0] : null;
}
