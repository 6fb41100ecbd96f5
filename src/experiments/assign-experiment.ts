/**
 * Assignment of a person to a flag experiment for server code (`POST /v1/experiments/{key}/assign`).
 *
 * 1. Only a live experiment (running, inside its schedule) assigns.
 * 2. Sticky: a person (profile) who has an assignment keeps it, whatever the weights say now.
 * 3. Otherwise: targeting (a segment condition on the profile; an unknown person is an empty profile), then the
 *    GrowthBook-compatible hash of the hash attribute (core/experiments/assign-variation.ts).
 * 4. An `Experiment Viewed` event (Segment's spec: experiment_id, experiment_name, variation_id, variation_name)
 *    goes through the normal ingest path with a messageId derived from (workspace, experiment, hashed id), so
 *    repeated calls for one person store it once; then the assignment is stored, the first one winning.
 *
 * Slot experiments (the decisions engine) will ask through the same `assignExperiment`, with the unit ids of the
 * decide request; see `SlotAssignmentRequest` below.
 */
import { createHash } from 'node:crypto';
import { aggregateValue } from '../core/computed-traits/aggregate.js';
import { TesseraError, type FieldIssue } from '../core/errors.js';
import { assignVariation } from '../core/experiments/assign-variation.js';
import { isLive, type Experiment } from '../core/experiments/experiment.js';
import { inNamespace } from '../core/experiments/namespace.js';
import { rolledOutVariation } from '../core/experiments/optimisation-settings.js';
import { EVENT_LIMITS } from '../core/events/limits.js';
import { newProfile, type Profile } from '../core/profiles/profile.js';
import { evaluateCondition } from '../core/segments/evaluate-condition.js';
import type { IngestService } from '../ingest/ingest-service.js';
import type { ExperimentAssignment } from '../ports/experiment-store.js';
import type { Store } from '../ports/store.js';
import type { SegmentDefinitionsSource } from '../segments/segment-definitions.js';

export const EXPOSURE_EVENT = 'Experiment Viewed';

export interface AssignDeps {
  store: Store;
  ingest: Pick<IngestService, 'accept'>;
  /** Computed traits and segment names for targeting (absent: computed-trait clauses see no value). */
  definitions?: SegmentDefinitionsSource;
  now: () => number;
}

/** Who is asking: at least one of the ids. */
export interface UnitIds {
  userId?: string;
  anonymousId?: string;
}

/**
 * The interface a slot of the decisions engine (issue 14) uses to ask for an assignment: the slot's experiment
 * key and the ids of the decide request. The answer is `AssignAnswer`; the slot shows variation.id's variant
 * and, for a person in the global holdout (core/experiments/holdout.ts `isInHoldout`), asks nothing at all.
 */
export interface SlotAssignmentRequest {
  workspaceId: string;
  experimentKey: string;
  unit: UnitIds;
}

/** `variation_removed`: the person's sticky arm no longer exists (the experiment was edited to fewer variations). */
export type NotInReason = 'not_running' | 'no_unit' | 'not_targeted' | 'outside_namespace' | 'outside_coverage' | 'not_recorded' | 'variation_removed';

export type AssignAnswer =
  | { experiment: string; inExperiment: true; variation: { index: number; id: string; name: string }; sticky: boolean; contaminated: boolean }
  | { experiment: string; inExperiment: false; reason: NotInReason }
  /** A concluded experiment whose winner was rolled out (core/experiments/optimisation-settings.ts): show `variation`; nothing is recorded. */
  | { experiment: string; inExperiment: false; reason: 'concluded'; variation: { index: number; id: string; name: string } };

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Validates the request body {userId?, anonymousId?}; every failing field is named. */
export function parseUnitIds(body: unknown): UnitIds {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'must be a JSON object {userId?, anonymousId?}' }] });
  const b = body as Record<string, unknown>;
  const issues: FieldIssue[] = Object.keys(b).filter((k) => k !== 'userId' && k !== 'anonymousId').map((k) => ({ field: k, reason: 'is not a field of an assignment request; expected userId, anonymousId' }));
  const ids: UnitIds = {};
  for (const field of ['userId', 'anonymousId'] as const) {
    const v = b[field];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.trim() === '' || v.length > EVENT_LIMITS.maxIdLength || CONTROL.test(v)) issues.push({ field, reason: `must be a non-empty string of at most ${EVENT_LIMITS.maxIdLength} characters without control characters` });
    else ids[field] = v;
  }
  if (issues.length === 0 && ids.userId === undefined && ids.anonymousId === undefined) issues.push({ field: 'userId', reason: 'userId or anonymousId is required' });
  if (issues.length > 0) throw new TesseraError('invalid_body', { issues });
  return ids;
}

export function exposureMessageId(workspaceId: string, experimentKey: string, unitValue: string): string {
  return `experiment-viewed-${createHash('sha256').update(`${workspaceId}\n${experimentKey}\n${unitValue}`).digest('hex').slice(0, 40)}`;
}

async function resolvePerson(store: Store, workspaceId: string, unit: UnitIds): Promise<string | null> {
  for (const id of [unit.userId, unit.anonymousId]) {
    if (id === undefined) continue;
    const found = await store.profiles.resolve(workspaceId, id);
    if (found) return found;
  }
  return null;
}

async function targeted(deps: AssignDeps, experiment: Experiment, workspaceId: string, profile: Profile): Promise<boolean> {
  if (!experiment.targeting) return true;
  const now = deps.now();
  const defs = deps.definitions ? await deps.definitions.get(workspaceId) : null;
  return evaluateCondition(experiment.targeting, {
    profile, now, trackers: profile.segments?.events ?? {},
    computed: (key) => {
      const def = defs?.computed.find((d) => d.key === key);
      const entry = profile.computed?.[key];
      return def && entry ? aggregateValue(def, entry.state, now) : undefined;
    },
    member: (id) => Object.hasOwn(profile.segments?.member ?? {}, id),
    segmentName: (id) => defs?.segments.find((s) => s.id === id)?.name,
  }).match;
}

export async function assignExperiment(deps: AssignDeps, request: SlotAssignmentRequest): Promise<AssignAnswer> {
  const { workspaceId, experimentKey: key, unit } = request;
  const stored = await deps.store.experiments.get(workspaceId, key);
  if (!stored) throw new TesseraError('not_found', { message: `No experiment "${key}".` });
  const experiment = stored.experiment;
  const out = (reason: NotInReason): AssignAnswer => ({ experiment: key, inExperiment: false, reason });
  const rolledOut = rolledOutVariation(experiment);
  if (rolledOut !== null) return rolloutAnswer(deps, { workspaceId, experiment, unit, index: rolledOut });
  if (!isLive(experiment, deps.now())) return out('not_running');

  const answer = (a: ExperimentAssignment, sticky: boolean): AssignAnswer => {
    const v = experiment.variations[a.variation];
    if (!v) return out('variation_removed');
    return { experiment: key, inExperiment: true, variation: { index: a.variation, id: v.id, name: v.name }, sticky, contaminated: a.contaminated };
  };

  const known = await resolvePerson(deps.store, workspaceId, unit);
  const existing = known ? await deps.store.experiments.assignmentOf(workspaceId, key, known) : null;
  if (existing) {
    if (existing.variation >= experiment.variations.length) return out('variation_removed');
    await exposeOnce(deps, { workspaceId, experiment, unit, variation: existing.variation, unitValue: existing.unitValue });
    return answer(existing, true);
  }

  const unitValue = experiment.hashAttribute === 'userId' ? (unit.userId ?? unit.anonymousId) : unit.anonymousId;
  if (unitValue === undefined) return out('no_unit');
  const profile = (known ? await deps.store.profiles.get(workspaceId, known) : null) ?? newProfile('', workspaceId, deps.now());
  if (!(await targeted(deps, experiment, workspaceId, profile))) return out('not_targeted');
  const assigned = assignVariation({ key, seed: experiment.seed, hashVersion: experiment.hashVersion, weights: experiment.variations.map((v) => v.weight), coverage: experiment.coverage, ...(experiment.namespace ? { namespace: experiment.namespace } : {}) }, unitValue);
  if (!assigned.inExperiment) return out(assigned.reason);

  const result = await recordExposure(deps, { workspaceId, experiment, unit, variation: assigned.variation, unitValue });
  if (!result) return out('not_recorded');
  return answer(result.assignment, !result.first);
}

/** The rolled-out winner for everyone the experiment reaches (its targeting and namespace), as decide shows it on slots. */
async function rolloutAnswer(deps: AssignDeps, r: { workspaceId: string; experiment: Experiment; unit: UnitIds; index: number }): Promise<AssignAnswer> {
  const { experiment } = r;
  const key = experiment.key;
  const unitValue = experiment.hashAttribute === 'userId' ? (r.unit.userId ?? r.unit.anonymousId) : r.unit.anonymousId;
  if (experiment.namespace && (unitValue === undefined || !inNamespace(unitValue, experiment.namespace))) return { experiment: key, inExperiment: false, reason: 'outside_namespace' };
  if (experiment.targeting) {
    const known = await resolvePerson(deps.store, r.workspaceId, r.unit);
    const profile = (known ? await deps.store.profiles.get(r.workspaceId, known) : null) ?? newProfile('', r.workspaceId, deps.now());
    if (!(await targeted(deps, experiment, r.workspaceId, profile))) return { experiment: key, inExperiment: false, reason: 'not_targeted' };
  }
  const v = experiment.variations[r.index]!;
  return { experiment: key, inExperiment: false, reason: 'concluded', variation: { index: r.index, id: v.id, name: v.name } };
}

/** What an exposure records: who saw which variation, and the id that was hashed. */
export interface ExposureRecord {
  workspaceId: string;
  experiment: Experiment;
  /** The ids the `Experiment Viewed` event carries (they find or make the person). */
  unit: UnitIds;
  /** Index into the experiment's variations. */
  variation: number;
  unitValue: string;
}

/** Ingests the `Experiment Viewed` event, stored once per (workspace, experiment, hashed id) by its messageId. */
async function exposeOnce(deps: AssignDeps, r: ExposureRecord): Promise<void> {
  const v = r.experiment.variations[r.variation]!;
  await deps.ingest.accept({
    workspaceId: r.workspaceId, impliedType: 'track',
    items: [{
      messageId: exposureMessageId(r.workspaceId, r.experiment.key, r.unitValue), event: EXPOSURE_EVENT, ...r.unit,
      properties: { experiment_id: r.experiment.key, experiment_name: r.experiment.name, variation_id: v.id, variation_name: v.name },
    }],
  });
}

/**
 * The one recording path of an exposure, for flag experiments (`assignExperiment`) and slot experiments (a
 * `Slot Viewed` at ingest, record-slot-exposures.ts): the `Experiment Viewed` event (deduplicated per hashed id),
 * then the sticky assignment on the person it made or found, the first one winning. Null when no person could be
 * found for the ids (the event was withheld, e.g. by consent).
 */
export async function recordExposure(deps: AssignDeps, r: ExposureRecord): Promise<{ first: boolean; assignment: ExperimentAssignment } | null> {
  await exposeOnce(deps, r);
  // The exposure made (or found) the person's profile; the assignment is kept on it, the first one winning.
  const profileId = await resolvePerson(deps.store, r.workspaceId, r.unit);
  if (!profileId) return null;
  return deps.store.experiments.assign({ workspaceId: r.workspaceId, experimentKey: r.experiment.key, profileId, variation: r.variation, unitValue: r.unitValue, assignedAt: deps.now(), contaminated: false });
}
