/**
 * A flag experiment: who is in it (status and schedule, targeting, namespace, coverage), how units are hashed
 * (attribute, seed, hash version — GrowthBook-compatible, assign-variation.ts), its variations with weights, and
 * the metrics its results measure (the goal and `metrics`), how they are analysed, and an optional bandit.
 */
import type { Condition } from '../segments/condition.js';
import type { EpochMs } from '../time.js';
import type { HashVersion } from './hashing.js';
import type { NamespaceRange } from './namespace.js';
import type { BanditSettings } from './bandit.js';
import { goalMetric, type Metric } from './metric.js';
import { DEFAULT_ANALYSIS, type AnalysisSettings } from './validate-metrics.js';
import type { Conclusion, ExperimentAlert, OptimisationSettings } from './optimisation-settings.js';

export const EXPERIMENT_STATUSES = ['draft', 'running', 'stopped', 'concluded'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/**
 * Which id is hashed: `anonymousId` (the default, the device's id) or `userId` (the user id when the caller gives
 * one, else the anonymous id — GrowthBook's `fallbackAttribute`), so logged-in people keep one arm across devices.
 */
export const HASH_ATTRIBUTES = ['anonymousId', 'userId'] as const;
export type HashAttribute = (typeof HASH_ATTRIBUTES)[number];

export interface Variation {
  /** Stable id sent as `variation_id` in `Experiment Viewed`. */
  id: string;
  name: string;
  /** Share of the covered traffic, 0..1; the weights of an experiment sum to 1. */
  weight: number;
}

/** Conversion goal: the unit did `event` (with every property equal to the given text) within `windowHours` after its first exposure. */
export interface ConversionGoal {
  event: string;
  properties: Record<string, string>;
  windowHours: number;
}

export interface Experiment {
  key: string;
  name: string;
  description: string;
  status: ExperimentStatus;
  /** Variation 0 is the control. */
  variations: Variation[];
  /** Share of targeted units that enter the experiment, 0..1. */
  coverage: number;
  /** Segment condition the profile must meet; null: everyone. */
  targeting: Condition | null;
  hashAttribute: HashAttribute;
  hashVersion: HashVersion;
  /** Hash seed; defaults to the key (as GrowthBook). */
  seed: string;
  namespace: NamespaceRange | null;
  /** Assignment happens only from startAt (inclusive) to stopAt (exclusive); null: open-ended. */
  startAt: EpochMs | null;
  stopAt: EpochMs | null;
  goal: ConversionGoal | null;
  /** Further metrics (core/experiments/metric.ts); the goal, when set, is the first metric (id `goal`). */
  metrics: Metric[];
  analysis: AnalysisSettings;
  /** Set: the weights are moved by top-two Thompson sampling on the first metric (core/experiments/bandit.ts). */
  bandit: BanditSettings | null;
  /** Automatic optimisation chosen by the marketer (core/experiments/optimisation.ts); null: off. */
  optimisation?: OptimisationSettings | null;
  /**
   * State kept by the optimiser, not input (experiments/experiment-optimiser.ts): the conclusion once it rolled out a
   * winner (kept while the status is `concluded`), and the monitor's alerts, each raised once.
   */
  conclusion?: Conclusion | null;
  alerts?: ExperimentAlert[];
}

/** Every metric of the experiment: the legacy goal as the conversion metric `goal`, then `metrics`. */
export function metricsOf(experiment: Pick<Experiment, 'goal' | 'metrics'>): Metric[] {
  return experiment.goal ? [goalMetric(experiment.goal), ...(experiment.metrics ?? [])] : (experiment.metrics ?? []);
}

export function isLive(experiment: Experiment, now: EpochMs): boolean {
  return experiment.status === 'running' && (experiment.startAt === null || now >= experiment.startAt) && (experiment.stopAt === null || now < experiment.stopAt);
}

/** A definition as stored; those stored before metrics, analysis, bandits and optimisation existed get their defaults. */
export function normalizeExperiment(stored: Experiment): Experiment {
  return { ...stored, metrics: stored.metrics ?? [], analysis: { ...DEFAULT_ANALYSIS, ...stored.analysis }, bandit: stored.bandit ?? null, optimisation: stored.optimisation ?? null, conclusion: stored.conclusion ?? null, alerts: stored.alerts ?? [] };
}
