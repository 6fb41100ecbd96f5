/**
 * A person's state in the experiments they were exposed to, kept on the profile (`Profile.experiments`), so the
 * person's export shows it, their erasure deletes it, and merges are decided with the profiles in hand
 * (ingest/steps/update-experiment-metrics.ts). Keys are short because the state is stored with every profile.
 */
import type { EpochMs } from '../time.js';
import type { MetricValue } from './metric.js';

export interface ExperimentUnit {
  /** Variation index (0: control). */
  v: number;
  /** First exposure: the `Experiment Viewed` event's time; metric windows start here. */
  at: EpochMs;
  /** The experiment's metrics generation these values were computed under (aggregates.ts). */
  g: number;
  /** Set when a merge joined two people who were in different arms: left out of the aggregates. */
  x?: true;
  /** Metric id → [numerator, denominator] since `at`. */
  m: Record<string, MetricValue>;
  /** Metric id → behaviour counters at `at` (metrics that read counters only). */
  b?: Record<string, MetricValue>;
  /** Metric id → the metric's value over the pre-exposure window (the CUPED covariate). */
  p?: Record<string, number>;
}

/** Experiment key → the unit's state. */
export type ProfileExperiments = Record<string, ExperimentUnit>;
