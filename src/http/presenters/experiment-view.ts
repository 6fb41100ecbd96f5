/** An experiment as the API shows it: the definition with ISO times, plus when it was created and changed. */
import { toIso } from '../../core/time.js';
import type { StoredExperiment } from '../../ports/experiment-store.js';
import { metricInput } from '../../core/experiments/validate-metrics.js';

export function experimentView(stored: StoredExperiment) {
  const e = stored.experiment;
  return {
    ...e,
    startAt: e.startAt === null ? null : toIso(e.startAt),
    stopAt: e.stopAt === null ? null : toIso(e.stopAt),
    metrics: e.metrics.map(metricInput),
    createdAt: toIso(stored.createdAt),
    updatedAt: toIso(stored.updatedAt),
    metricsGeneration: stored.metricsGeneration,
  };
}
