/**
 * The drop-off model: how likely a visitor is to leave a form without submitting when a field is
 * shown, learned per form and field from stored counters.
 *
 * Strategy (Beta-binomial): each time a field is shown and the visitor starts the form is a trial;
 * it fails when the visitor leaves without submitting because of it. Failures are
 *   - the abandons that name the field (the tracker reports the fields left unanswered), plus
 *   - the unexplained losses: starts that became neither a submit nor a reported abandon (a page
 *     closed without a report); nobody knows which field caused them, so every field shown shares
 *     them.
 * An abandon that names other fields does not count against this one (`exits` counts every
 * reported abandon of a view that showed the field). Without start events (a form posted without
 * the tracker), views are the trials. The estimate is the posterior mean under a Beta(α, β) prior,
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
  const base = c.starts > 0 ? c.starts : c.views;
  const trials = Math.max(base, c.submits, c.abandons, 0);
  const unexplained = Math.max(0, base - c.submits - (c.exits ?? c.abandons));
  const failures = Math.min(trials, c.abandons + unexplained);
  return { rate: (failures + prior.alpha) / (trials + prior.alpha + prior.beta), trials, failures, prior: trials === 0 };
}
