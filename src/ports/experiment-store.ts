/**
 * Experiments and their sticky assignments (issue 16). Store.experiments.
 *
 * An assignment is kept per profile and experiment: the first one stored wins and is never changed by a later
 * `assign` (sticky across identify calls and across changes of weights or coverage). Merges move assignments
 * within the ingest write transaction (WriteTx.apply): the merged profile's assignment moves to the survivor when
 * the survivor has none; when both have one, the survivor's is kept, and marked `contaminated` if the arms
 * differ (the person saw both), so analyses can leave it out.
 *
 * An assignment names a person (profile id and the hashed id): erasure deletes the person's assignments
 * (PrivacyStore.erase) and the export lists them (`assignmentsOf`).
 */
import type { AggregateRow } from '../core/experiments/aggregates.js';
import type { ConversionGoal, Experiment } from '../core/experiments/experiment.js';
import type { EpochMs } from '../core/time.js';

export interface StoredExperiment {
  workspaceId: string;
  experiment: Experiment;
  createdAt: EpochMs;
  updatedAt: EpochMs;
  /**
   * Which generation of aggregates the results read (core/experiments/aggregates.ts). A change of the metrics
   * starts a new one (the service), a recompute fills it from stored events; units kept under an older
   * generation are not updated by ingest until they are recomputed. 0 for experiments stored before.
   */
  metricsGeneration: number;
}

/** Progress of a recompute of an experiment's aggregates from stored events (one per experiment, the latest). */
export interface RecomputeProgress {
  experimentKey: string;
  generation: number;
  /** The last profile id done (pages go in profile id order); '' before the first page. */
  cursor: string;
  processed: number;
  startedAt: EpochMs;
  finishedAt: EpochMs | null;
}

/** A bandit's weights from `at` on, and why they changed (`bandit`, `definition`). */
export interface WeightChange {
  at: EpochMs;
  weights: number[];
  reason: string;
}

export interface ExperimentAssignment {
  workspaceId: string;
  experimentKey: string;
  profileId: string;
  /** Index into the experiment's variations (0: control). */
  variation: number;
  /** The id that was hashed (anonymous id or user id) at the first assignment. */
  unitValue: string;
  assignedAt: EpochMs;
  /** Set when a merge joined two people who were in different arms. */
  contaminated: boolean;
}

/** Counts of one variation: every assigned unit, the contaminated ones, and the clean ones that converted. */
export interface VariationCounts {
  variation: number;
  units: number;
  contaminated: number;
  /** Clean (not contaminated) units with a goal event in [assignedAt, assignedAt + window). */
  conversions: number;
}

export interface ExperimentStore {
  /** Every experiment of the workspace, by key. */
  list(workspaceId: string): Promise<StoredExperiment[]>;
  get(workspaceId: string, key: string): Promise<StoredExperiment | null>;
  /** Inserts; false (and nothing written) when the key exists in the workspace. */
  create(stored: StoredExperiment): Promise<boolean>;
  /**
   * Replaces the definition and the metrics generation (keeps createdAt); false when there is none, or when
   * `ifUpdatedAt` is given and the stored experiment's updatedAt is another (someone changed it since it was read:
   * the background jobs pass it so that they never overwrite a marketer's change with the state they read before).
   */
  update(stored: StoredExperiment, options?: { ifUpdatedAt?: EpochMs }): Promise<boolean>;
  /** Deletes the experiment, its assignments, aggregates, recompute progress and weight history; false when there was none. */
  delete(workspaceId: string, key: string): Promise<boolean>;
  /**
   * Stores the assignment unless the profile already has one for the experiment, atomically across servers;
   * answers the stored one (the given one when it was first).
   */
  assign(assignment: ExperimentAssignment): Promise<{ first: boolean; assignment: ExperimentAssignment }>;
  assignmentOf(workspaceId: string, experimentKey: string, profileId: string): Promise<ExperimentAssignment | null>;
  /** The person's assignments (any of `profileIds`), by experiment key (for the export). */
  assignmentsOf(workspaceId: string, profileIds: readonly string[]): Promise<ExperimentAssignment[]>;
  /**
   * Per variation with at least one assignment, in variation order: units, contaminated units, and clean units
   * with a track event named `goal.event` whose string properties equal `goal.properties`, at or after the
   * assignment and before assignment + `goal.windowHours` (no goal: conversions are 0). Computed by query over the
   * stored events on every call (cost grows with the assigned units; see docs).
   */
  conversionCounts(workspaceId: string, experimentKey: string, goal: ConversionGoal | null): Promise<VariationCounts[]>;
  /**
   * The aggregate rows of one generation (any order), as ingest and recomputes left them: deltas added per
   * (variation, metric, day) — summing the rows up to a day gives the state at the end of that day.
   */
  aggregates(workspaceId: string, experimentKey: string, generation: number): Promise<AggregateRow[]>;
  /** Deletes the aggregate rows of generations below `generation` (after a recompute finished). */
  dropOlderAggregates(workspaceId: string, experimentKey: string, generation: number): Promise<void>;
  /** Profile ids with an assignment, after `after` in id order, at most `limit` (recompute pages). */
  assignedProfiles(workspaceId: string, experimentKey: string, after: string, limit: number): Promise<string[]>;
  /** Assigned units (for the recompute's progress). */
  assignedCount(workspaceId: string, experimentKey: string): Promise<number>;
  /** The latest recompute's progress; null when none ran. */
  recomputeOf(workspaceId: string, experimentKey: string): Promise<RecomputeProgress | null>;
  /** Appends to the weight history (a bandit's updates). */
  recordWeights(workspaceId: string, experimentKey: string, change: WeightChange): Promise<void>;
  /** The weight history, oldest first. */
  weightHistory(workspaceId: string, experimentKey: string): Promise<WeightChange[]>;
}

/**
 * Experiment changes written with an ingest batch or a recompute page (ChangeSet.experiments), in the same
 * transaction as the profiles that hold the per-person state: aggregate deltas added to the rows, and a
 * recompute's progress replaced.
 */
export interface ExperimentChanges {
  aggregates: AggregateRow[];
  recompute?: RecomputeProgress;
}
