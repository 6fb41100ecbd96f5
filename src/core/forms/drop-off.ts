/**
 * The drop-off model: how likely a visitor is to leave a form without submitting when a field is
 * shown, learned per form and field from stored counters.
 *
 * Strategy (Beta-binomial): each time a field is shown and the visitor starts the form is a trial;
 * it fails when the visitor leaves without submitting because of it. Failures are
 *   - the abandons that name the field (the tracker reports the fields left unanswered), plus
 *   - its share of the unexplained losses: starts that became neither a submit nor a reported
 *     abandon (a page closed without a report). Nobody knows which field caused them, so the
 *     fields shown share them: each is blamed for 1 / (average number of fields shown).
 * An abandon that names other fields does not count against this one (`exits` counts every
 * reported abandon of a view that showed the field). When the form's client reports no start
 * events at all (a form posted without the tracker), views are the trials; when it does, a view
 * never started is nobody's fault (the visitor did not engage) and starts are the trials. The estimate is the posterior mean under a Beta(α, β) prior,
 * so a field with no data starts at the prior (α / (α + β) = 10%) and moves toward what is measured
 * as evidence grows; the prior weighs as much as α + β = 20 trials.
 */

export interface FieldCounters {
  views: number;
  starts: number;
  submits: number;
  abandons: number;
  /** Reported abandons of views that showed the field, whichever fields they named (default: abandons). */
  exits?: number;
  /** Whether the form's client reports start events (default: this field has some). */
  startsReported?: boolean;
  /** The share of an unexplained loss blamed on one field shown, 0–1 (default 1). */
  share?: number;
}

export interface DropOffEstimate {
  /** Expected probability of losing the visitor when this field is shown, 0–1. */
  rate: number;
  trials: number;
  failures: number;
  /** True while no trial has been measured (the estimate is the prior). */
  prior: boolean;
}

export const DROP_OFF_PRIOR = { alpha: 2, beta: 18 } as const;

export const NO_COUNTERS: FieldCounters = { views: 0, starts: 0, submits: 0, abandons: 0 };

export function estimateDropOff(c: FieldCounters = NO_COUNTERS, prior: { alpha: number; beta: number } = DROP_OFF_PRIOR): DropOffEstimate {
  const base = (c.startsReported ?? c.starts > 0) ? c.starts : c.views;
  const trials = Math.max(base, c.submits, c.abandons, 0);
  const unexplained = Math.max(0, base - c.submits - (c.exits ?? c.abandons));
  const failures = Math.min(trials, Math.round((c.abandons + unexplained * (c.share ?? 1)) * 100) / 100);
  return { rate: (failures + prior.alpha) / (trials + prior.alpha + prior.beta), trials, failures, prior: trials === 0 };
}

/** A counter summed over the model's window (ports/form-store.ts): `form`, `field:<key>` or `shown:<n>`. */
export interface CounterTotal {
  scope: string;
  metric: 'views' | 'starts' | 'submits' | 'abandons' | 'exits';
  count: number;
}

/** The per-field counters of a form with the form-level facts the estimate needs. */
export function fieldCountersFrom(totals: readonly CounterTotal[]): Map<string, FieldCounters> {
  const byField = new Map<string, Required<Omit<FieldCounters, 'startsReported' | 'share'>>>();
  let formStarts = 0;
  let views = 0;
  let shownFields = 0;
  for (const t of totals) {
    if (t.scope === 'form' && t.metric === 'starts') formStarts += t.count;
    if (t.scope.startsWith('shown:') && t.metric === 'views') {
      views += t.count;
      shownFields += Number(t.scope.slice('shown:'.length)) * t.count;
    }
    if (!t.scope.startsWith('field:')) continue;
    const key = t.scope.slice('field:'.length);
    const held = byField.get(key) ?? { views: 0, starts: 0, submits: 0, abandons: 0, exits: 0 };
    held[t.metric] += t.count;
    byField.set(key, held);
  }
  const share = views > 0 && shownFields > 0 ? Math.min(1, views / shownFields) : 1;
  return new Map([...byField].map(([key, c]) => [key, { ...c, startsReported: formStarts > 0, share }]));
}

/**
 * The fields an abandon is blamed on, given the fields the visitor touched (in order): those left
 * untouched (where the visitor stopped), else the last one touched; all shown when unknown.
 */
export function blamedFields(shown: readonly string[], touched: readonly string[] | undefined): string[] {
  if (!touched) return [...shown];
  const untouched = shown.filter((k) => !touched.includes(k));
  if (untouched.length > 0) return untouched;
  const last = [...touched].reverse().find((k) => shown.includes(k));
  return last ? [last] : [...shown];
}
