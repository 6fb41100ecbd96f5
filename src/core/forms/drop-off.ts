/**
 * The drop-off model: how likely a visitor is to leave a form without submitting when a field is
 * shown, learned per form and field from stored counters.
 *
 * Strategy (Beta-binomial): each time a field is shown and the visitor starts the form is a trial;
 * it fails when the visitor leaves without submitting. Failures are the larger of the explicit
 * abandons naming the field (the tracker reports the fields left unanswered) and the starts that
 * never became a submit. Without start events (a form posted without the tracker), views are the
 * trials. The estimate is the posterior mean under a Beta(α, β) prior, so a field with no data
 * starts at the prior (α / (α + β) = 10%) and moves toward what is measured as evidence grows; the
 * prior weighs as much as α + β = 20 trials.
 */

export interface FieldCounters {
  views: number;
  starts: number;
  submits: number;
  abandons: number;
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
  const failures = Math.min(trials, Math.max(c.abandons, base - c.submits, 0));
  return { rate: (failures + prior.alpha) / (trials + prior.alpha + prior.beta), trials, failures, prior: trials === 0 };
}
