/**
 * The experiment plans of a workspace for ingest (core/experiments/plans.ts), cached for a second per workspace
 * (lru-cache `ttl`), so a changed definition reaches ingest within a second.
 */
import { LRUCache } from 'lru-cache';
import { plansOf, type ExperimentPlans } from '../core/experiments/plans.js';
import type { ExperimentPlansSource } from '../ingest/steps/update-experiment-metrics.js';
import type { Store } from '../ports/store.js';

const TTL_MS = 1_000;

export function createExperimentPlans(store: Store): ExperimentPlansSource & { invalidate(workspaceId: string): void } {
  const cache = new LRUCache<string, { plans: Promise<ExperimentPlans | null> }>({ max: 10_000, ttl: TTL_MS });
  return {
    plans(workspaceId) {
      let held = cache.get(workspaceId);
      if (!held) {
        held = { plans: store.experiments.list(workspaceId).then(plansOf) };
        held.plans.catch(() => cache.delete(workspaceId));
        cache.set(workspaceId, held);
      }
      return held.plans;
    },
    invalidate(workspaceId) {
      cache.delete(workspaceId);
    },
  };
}
