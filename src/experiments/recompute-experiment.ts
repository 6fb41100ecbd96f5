/**
 * Recomputes an experiment's aggregates from the stored events (`tessera experiments recompute KEY`), for changed
 * metric definitions, events that arrived out of order, or experiments that ran before aggregates existed.
 *
 * A new run starts a new metrics generation (results read it at once, with a `recompute_needed` warning and the
 * progress until it finishes), then walks the experiment's assigned people in profile id order, a page per write
 * transaction: each person's unit is rebuilt from all their events with the same steps ingest runs
 * (core/experiments/unit-metrics.ts `replayUnit`) and its contributions written with the page, together with the
 * cursor. An interrupted run resumes from the cursor; people whose unit already has the current generation
 * (rebuilt by an earlier page, or exposed since the start) are skipped, so a page done twice counts once.
 * When the last page is done, the older generations' rows are deleted.
 *
 * People are found through their assignments (POST /assign and slot decisions store one); exposures sent as
 * `Experiment Viewed` events by a client SDK alone are counted by ingest but not found by a recompute.
 */
import { TesseraError } from '../core/errors.js';
import { AggregateDeltas } from '../core/experiments/aggregates.js';
import { plansOf } from '../core/experiments/plans.js';
import { replayUnit } from '../core/experiments/unit-metrics.js';
import type { Profile } from '../core/profiles/profile.js';
import type { RecomputeProgress } from '../ports/experiment-store.js';
import type { Store } from '../ports/store.js';

export interface RecomputeDeps {
  store: Store;
  now: () => number;
  /** Told when the generation changes (ingest's cached plans). */
  onGenerationChange?: (workspaceId: string) => void;
}

export interface RecomputeOptions {
  /** People per transaction. */
  chunk: number;
  signal?: AbortSignal;
  /** Start a new run even when one is unfinished. */
  restart?: boolean;
  onProgress?: (progress: RecomputeProgress, total: number) => void;
}

export async function recomputeExperiment(deps: RecomputeDeps, workspaceId: string, key: string, options: RecomputeOptions): Promise<{ progress: RecomputeProgress; total: number; done: boolean }> {
  const stored = await deps.store.experiments.get(workspaceId, key);
  if (!stored) throw new TesseraError('not_found', { message: `No experiment "${key}".` });
  let progress = await deps.store.experiments.recomputeOf(workspaceId, key);
  if (!progress || progress.finishedAt !== null || progress.generation !== stored.metricsGeneration || options.restart) {
    const generation = stored.metricsGeneration + 1;
    await deps.store.experiments.update({ ...stored, metricsGeneration: generation });
    deps.onGenerationChange?.(workspaceId);
    progress = { experimentKey: key, generation, cursor: '', processed: 0, startedAt: deps.now(), finishedAt: null };
  }
  const plan = plansOf([{ experiment: { ...stored.experiment, status: 'running' }, metricsGeneration: progress.generation }])!.byKey.get(key)!;
  const total = await deps.store.experiments.assignedCount(workspaceId, key);
  options.onProgress?.(progress, total);
  for (;;) {
    if (options.signal?.aborted) return { progress, total, done: false };
    const ids = await deps.store.experiments.assignedProfiles(workspaceId, key, progress.cursor, options.chunk);
    const last = ids.length < options.chunk;
    const next: RecomputeProgress = { ...progress, cursor: ids.at(-1) ?? progress.cursor, processed: progress.processed + ids.length, finishedAt: last ? deps.now() : null };
    await deps.store.write(async (tx) => {
      const deltas = new AggregateDeltas();
      const profiles = await tx.loadProfiles(workspaceId, ids);
      const changed = new Map<string, Profile>();
      for (const profile of profiles.values()) {
        if (changed.has(profile.id) || profile.experiments?.[key]?.g === plan.generation) continue;
        const events = await tx.loadEvents(workspaceId, [profile.id]);
        const unit = replayUnit(plan, events, profile.behaviour, deltas);
        const units = { ...profile.experiments };
        if (unit) units[key] = unit; else delete units[key];
        profile.experiments = units;
        changed.set(profile.id, profile);
      }
      await tx.apply({
        workspaceId, newProfiles: [], merges: [], identities: [], events: [], consents: [], counters: [],
        profiles: [...changed.values()], experiments: { aggregates: deltas.list, recompute: next },
      });
    });
    progress = next;
    options.onProgress?.(progress, total);
    if (last) break;
  }
  await deps.store.experiments.dropOlderAggregates(workspaceId, key, progress.generation);
  return { progress, total, done: true };
}
