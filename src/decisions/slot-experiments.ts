/**
 * Slot experiments and the global holdout on the decide path (issue 16 §1), read only:
 *
 * - `holdout(workspaceId, unit)`: whether the person is in the global holdout (core/experiments/holdout.ts,
 *   the workspace's `holdoutShare`, default 5%). The unit is the person's user id when known, else the
 *   device's anonymous id (`holdoutUnitOf`).
 * - `armOf(...)`: the visitor's arm of the slot's experiment, or null (not running, outside its targeting,
 *   namespace or coverage, no id to hash). Sticky: an assignment stored for the person wins, whatever the
 *   weights say now (the store is *read*, `assignmentOf`); otherwise the GrowthBook-compatible hash of the
 *   experiment's hash attribute (core/experiments/assign-variation.ts). A concluded experiment whose winner was
 *   rolled out shows the winner to everyone it reaches (`rolloutArm`).
 *
 * Nothing is written here: the assignment is recorded when the visitor *sees* the slot (`Slot Viewed` at ingest,
 * experiments/record-slot-exposures.ts), through the flag experiments' own recording (`recordExposure`), so the
 * first exposure wins and decide stays write-free.
 *
 * Experiment definitions and holdout settings are cached for EXPERIMENT_TTL_MS per workspace (a change is seen by
 * decide within that time).
 */
import { LRUCache } from 'lru-cache';
import { assignVariation } from '../core/experiments/assign-variation.js';
import { isLive, type Experiment } from '../core/experiments/experiment.js';
import { inNamespace } from '../core/experiments/namespace.js';
import { rolledOutVariation } from '../core/experiments/optimisation-settings.js';
import { DEFAULT_HOLDOUT_SHARE, isInHoldout, type HoldoutSettings } from '../core/experiments/holdout.js';
import { newProfile, type Profile } from '../core/profiles/profile.js';
import { evaluateCondition } from '../core/segments/evaluate-condition.js';
import type { EpochMs } from '../core/time.js';
import type { Store } from '../ports/store.js';

export const EXPERIMENT_TTL_MS = 2_000;

export interface UnitOfVisit {
  anonymousId?: string;
  userId?: string;
}

export interface SlotArm {
  experiment: string;
  /** The variation id (= the slot's variant id). */
  variation: string;
  /** The id that was hashed (or that the stored assignment hashed). */
  unit: string;
  sticky: boolean;
}

export interface ArmRequest {
  workspaceId: string;
  experimentKey: string;
  profile: Profile | null;
  unit: UnitOfVisit;
  now: EpochMs;
}

export type SlotExperiments = ReturnType<typeof createSlotExperiments>;

/** The ids of a visit: the request's, with the profile's user id when the request named none. */
export function unitOfVisit(request: UnitOfVisit, profile: Profile | null): UnitOfVisit {
  const userId = request.userId ?? profile?.identities.find((i) => i.kind === 'user_id')?.value;
  return { ...(request.anonymousId !== undefined ? { anonymousId: request.anonymousId } : {}), ...(userId !== undefined ? { userId } : {}) };
}

/** The holdout's unit: the user id when known (one answer on every device once logged in), else the anonymous id. */
export function holdoutUnitOf(unit: UnitOfVisit): string | undefined {
  return unit.userId ?? unit.anonymousId;
}

export function createSlotExperiments(deps: { store: Store }) {
  const experiments = new LRUCache<string, { value: Promise<Map<string, Experiment>> }>({ max: 10_000, ttl: EXPERIMENT_TTL_MS });
  const holdouts = new LRUCache<string, { value: Promise<number> }>({ max: 10_000, ttl: EXPERIMENT_TTL_MS });

  const cached = <T>(cache: LRUCache<string, { value: Promise<T> }>, key: string, load: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    if (hit) return hit.value;
    const value = load();
    cache.set(key, { value });
    value.catch(() => cache.delete(key));
    return value;
  };
  const experimentsOf = (workspaceId: string) => cached(experiments, workspaceId, async () => new Map((await deps.store.experiments.list(workspaceId)).map((s) => [s.experiment.key, s.experiment])));
  const shareOf = (workspaceId: string) => cached(holdouts, workspaceId, async () => ((await deps.store.configs.get(workspaceId, 'experiments')) as HoldoutSettings | null)?.holdoutShare ?? DEFAULT_HOLDOUT_SHARE);

  return {
    /** Drops the cached definitions (after a change through this process). */
    invalidate(workspaceId: string): void {
      experiments.delete(workspaceId);
      holdouts.delete(workspaceId);
    },

    /** The workspace's global holdout share (default DEFAULT_HOLDOUT_SHARE). */
    holdoutShare(workspaceId: string): Promise<number> {
      return shareOf(workspaceId);
    },

    async holdout(workspaceId: string, unit: UnitOfVisit): Promise<boolean> {
      const id = holdoutUnitOf(unit);
      return id !== undefined && isInHoldout({ holdoutShare: await shareOf(workspaceId) }, id);
    },

    async armOf(request: ArmRequest): Promise<SlotArm | null> {
      const experiment = (await experimentsOf(request.workspaceId)).get(request.experimentKey);
      if (!experiment) return null;
      const { profile, unit } = request;
      const rolledOut = rolledOutVariation(experiment);
      if (rolledOut !== null) return rolloutArm(experiment, rolledOut, profile, unit, request.now);
      if (!isLive(experiment, request.now)) return null;
      const stored = profile ? await deps.store.experiments.assignmentOf(request.workspaceId, experiment.key, profile.id) : null;
      if (stored) {
        const v = experiment.variations[stored.variation];
        return v ? { experiment: experiment.key, variation: v.id, unit: stored.unitValue, sticky: true } : null;
      }
      const unitValue = experiment.hashAttribute === 'userId' ? (unit.userId ?? unit.anonymousId) : unit.anonymousId;
      if (unitValue === undefined) return null;
      if (experiment.targeting && !targeted(experiment, profile, request.now)) return null;
      const assigned = assignVariation({
        key: experiment.key, seed: experiment.seed, hashVersion: experiment.hashVersion, weights: experiment.variations.map((v) => v.weight),
        coverage: experiment.coverage, ...(experiment.namespace ? { namespace: experiment.namespace } : {}),
      }, unitValue);
      if (!assigned.inExperiment) return null;
      return { experiment: experiment.key, variation: experiment.variations[assigned.variation]!.id, unit: unitValue, sticky: false };
    },
  };
}

/**
 * A concluded experiment whose winner was rolled out (core/experiments/optimisation.ts): everyone it reaches (its
 * targeting and namespace) sees the winner; nothing is recorded (exposures of an experiment no longer running are
 * not), so the results stay as they were at the conclusion.
 */
function rolloutArm(experiment: Experiment, index: number, profile: Profile | null, unit: UnitOfVisit, now: EpochMs): SlotArm | null {
  const unitValue = experiment.hashAttribute === 'userId' ? (unit.userId ?? unit.anonymousId) : unit.anonymousId;
  if (experiment.targeting && !targeted(experiment, profile, now)) return null;
  if (experiment.namespace && (unitValue === undefined || !inNamespace(unitValue, experiment.namespace))) return null;
  return { experiment: experiment.key, variation: experiment.variations[index]!.id, unit: unitValue ?? '', sticky: false };
}

/** Targeting on the profile as decide sees it (computed traits by their kept value); no profile: an empty one, which meets only conditions that need nothing. */
function targeted(experiment: Experiment, known: Profile | null, now: EpochMs): boolean {
  const profile = known ?? newProfile('', '', now);
  const member = profile.segments?.member ?? {};
  const computed = profile.computed ?? {};
  return evaluateCondition(experiment.targeting!, {
    profile, now, trackers: profile.segments?.events ?? {},
    computed: (key) => (Object.hasOwn(computed, key) ? computed[key]!.value : undefined),
    member: (id) => Object.hasOwn(member, id),
    segmentName: () => undefined,
  }).match;
}
