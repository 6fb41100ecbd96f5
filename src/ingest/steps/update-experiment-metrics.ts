/**
 * Keeps the experiment aggregates (core/experiments/aggregates.ts) as events arrive, in the batch's write
 * transaction (ChangeSet.experiments), from the per-person state on the profile (Profile.experiments):
 *   1. merges of this batch: the merged person's units join the survivor's (core/experiments/unit-metrics.ts
 *      `mergeUnits`: different arms → contaminated);
 *   2. each event in batch order: an `Experiment Viewed` starts a unit (or contaminates one seen in another arm);
 *      any event a metric reads updates the person's clean units of the current metrics generation (units of an
 *      older one wait for the recompute);
 *   3. metrics on behaviour counters (bounce rate) are brought up to date once per profile;
 *   4. new units get their CUPED covariate from the person's stored and batch events before the exposure
 *      (one `loadEvents` for the batch's newly exposed people, only when an experiment uses CUPED).
 * A workspace without experiments costs one cached lookup per batch; an event no metric reads, one set lookup.
 * Events that arrive after their window, or before the exposure they follow, are not counted here (a recompute
 * counts them: experiments/recompute-experiment.ts).
 */
import type { TrackedEvent } from '../../core/events/event.js';
import { AggregateDeltas, emptySums } from '../../core/experiments/aggregates.js';
import type { ExperimentPlan, ExperimentPlans } from '../../core/experiments/plans.js';
import { contaminate, exposureOf, mergeUnits, preExposureValues, startUnit, updateCounters, updateUnit, EXPOSURE_EVENT } from '../../core/experiments/unit-metrics.js';
import type { ExperimentUnit } from '../../core/experiments/unit-state.js';
import type { Profile } from '../../core/profiles/profile.js';
import type { IngestBatch } from '../ingest-batch.js';

/** Where the step learns the workspace's experiments (experiments/experiment-plans.ts). */
export interface ExperimentPlansSource {
  /** Null when the workspace has no experiment to keep aggregates for. */
  plans(workspaceId: string): Promise<ExperimentPlans | null>;
}

export async function updateExperimentMetrics(batch: IngestBatch, source: ExperimentPlansSource | undefined): Promise<void> {
  if (!source) return;
  const plans = await source.plans(batch.workspaceId);
  if (!plans) return;
  const deltas = new AggregateDeltas();
  for (const { profile: merged, survivorId, at } of batch.mergedAway) foldMerged(plans, batch.profile(survivorId), merged, at, deltas);

  const fresh: Array<{ profile: Profile; plan: ExperimentPlan; unit: ExperimentUnit }> = [];
  for (const { event, profileId } of batch.assigned) {
    if (event.type !== 'track' || event.name === null) continue;
    if (event.name === EXPOSURE_EVENT) {
      const plan = typeof event.properties.experiment_id === 'string' ? plans.byKey.get(event.properties.experiment_id) : undefined;
      const variation = plan ? exposureOf(plan, event) : null;
      if (!plan || variation === null) continue;
      const profile = batch.profile(profileId);
      const units = (profile.experiments ??= {});
      const unit = units[plan.key];
      if (!unit) {
        units[plan.key] = startUnit({ plan, variation, at: event.timestamp, pre: undefined, behaviour: profile.behaviour, deltas });
        if (plan.cupedDays > 0) fresh.push({ profile, plan, unit: units[plan.key]! });
      } else if (unit.g === plan.generation && unit.v !== variation) contaminate(plan, unit, event.timestamp, deltas);
      // A unit of an older metrics generation waits for the recompute, which rebuilds it from all its events.
      continue;
    }
    if (!plans.eventNames.has(event.name)) continue;
    const profile = batch.profile(profileId);
    if (!profile.experiments) continue;
    for (const key in profile.experiments) {
      const plan = plans.byKey.get(key);
      if (plan) updateUnit(plan, profile.experiments[key]!, event, deltas);
    }
  }

  if (plans.counters) {
    const latest = latestEventTimes(batch);
    for (const profile of batch.profiles.values()) {
      if (!profile.experiments) continue;
      const at = latest.get(profile.id);
      if (at === undefined) continue;
      for (const key in profile.experiments) {
        const plan = plans.byKey.get(key);
        if (plan) updateCounters(plan, profile.experiments[key]!, profile.behaviour, at, deltas);
      }
    }
  }

  if (fresh.length > 0) await addCovariates(batch, fresh, deltas);
  if (deltas.list.length > 0) (batch.experimentChanges ??= { aggregates: [] }).aggregates.push(...deltas.list);
}

function foldMerged(plans: ExperimentPlans, survivor: Profile, merged: Profile, at: number, deltas: AggregateDeltas): void {
  if (!merged.experiments) return;
  for (const [key, unit] of Object.entries(merged.experiments)) {
    const plan = plans.byKey.get(key);
    const units = (survivor.experiments ??= {});
    units[key] = plan ? mergeUnits(plan, units[key], unit, at, deltas) : (units[key] ?? unit);
  }
  delete merged.experiments;
}

function latestEventTimes(batch: IngestBatch): Map<string, number> {
  const out = new Map<string, number>();
  for (const { event, profileId } of batch.assigned) {
    const id = batch.live(profileId);
    out.set(id, Math.max(out.get(id) ?? -Infinity, event.timestamp));
  }
  return out;
}

/**
 * The CUPED covariate of units started in this batch: their metric values over the days before the exposure,
 * from stored events and this batch's; added to the aggregates with the unit's current value (Σx, Σx², Σxy).
 */
async function addCovariates(batch: IngestBatch, fresh: ReadonlyArray<{ profile: Profile; plan: ExperimentPlan; unit: ExperimentUnit }>, deltas: AggregateDeltas): Promise<void> {
  const byProfile = new Map<string, TrackedEvent[]>();
  for (const id of new Set(fresh.map((f) => f.profile.id))) {
    const merged = [...(batch.mergedInto.get(id) ?? [])];
    byProfile.set(id, batch.newProfileIds.has(id) && merged.length === 0 ? [] : await batch.tx.loadEvents(batch.workspaceId, [id, ...merged]));
  }
  for (const { event, profileId } of batch.assigned) byProfile.get(batch.live(profileId))?.push(event);
  for (const { profile, plan, unit } of fresh) {
    if (unit.x || unit.g !== plan.generation) continue;
    const pre = preExposureValues(plan, byProfile.get(profile.id) ?? [], unit.at);
    if (!pre) continue;
    unit.p = pre;
    for (const metric of plan.metrics) {
      const x = pre[metric.id];
      if (x === undefined || x === 0) continue;
      const y = unit.m[metric.id]?.[0] ?? 0;
      deltas.addAt({ experimentKey: plan.key, generation: plan.generation, variation: unit.v, metricId: metric.id, at: unit.at }, { ...emptySums(), pre: x, preSq: x * x, preCross: x * y });
    }
  }
}
