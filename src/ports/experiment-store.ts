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
import type { ConversionGoal, Experiment } from '../core/experiments/experiment.js';
import type { EpochMs } from '../core/time.js';

export interface StoredExperiment {
  workspaceId: string;
  experiment: Experiment;
  createdAt: EpochMs;
  updatedAt: EpochMs;
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
  /** Replaces the definition (keeps createdAt); false when there is none. */
  update(stored: StoredExperiment): Promise<boolean>;
  /** Deletes the experiment and its assignments; false when there was none. */
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
}
