/**
 * What keeping an experiment's aggregates needs (ingest/steps/update-experiment-metrics.ts, the recompute): per
 * workspace, every experiment that is not a draft, with its variation ids, metrics, metrics generation and CUPED
 * window, and the event names any metric reads (so an event no metric reads costs one set lookup).
 */
import { metricsOf } from './experiment.js';
import type { Metric } from './metric.js';
import { readsCounters } from './metric.js';

export interface ExperimentPlan {
  key: string;
  generation: number;
  variationIds: string[];
  metrics: Metric[];
  cupedDays: number;
  /**
   * Track event name → the metrics that read it (numerator or denominator), in `metrics` order: an event
   * touches only its own metrics instead of being matched against every one (built by plansOf; absent: all).
   */
  byEvent?: ReadonlyMap<string, readonly Metric[]>;
}

/** The metrics of each event name (ExperimentPlan.byEvent). */
export function metricsByEvent(metrics: readonly Metric[]): Map<string, Metric[]> {
  const out = new Map<string, Metric[]>();
  for (const m of metrics) {
    const names = new Set<string>();
    for (const side of [m.numerator, m.denominator]) if (side && 'event' in side) names.add(side.event);
    for (const name of names) { const list = out.get(name); if (list) list.push(m); else out.set(name, [m]); }
  }
  return out;
}

export interface ExperimentPlans {
  byKey: ReadonlyMap<string, ExperimentPlan>;
  /** Track event names some metric reads. */
  eventNames: ReadonlySet<string>;
  /** Whether some metric reads a behaviour counter (then every profile with units is looked at). */
  counters: boolean;
}

export function plansOf(experiments: ReadonlyArray<{ experiment: Parameters<typeof metricsOf>[0] & { key: string; status: string; variations: Array<{ id: string }>; analysis: { cupedDays: number } }; metricsGeneration: number }>): ExperimentPlans | null {
  const byKey = new Map<string, ExperimentPlan>();
  const eventNames = new Set<string>();
  let counters = false;
  for (const { experiment: e, metricsGeneration } of experiments) {
    if (e.status === 'draft') continue;
    const metrics = metricsOf(e);
    byKey.set(e.key, { key: e.key, generation: metricsGeneration, variationIds: e.variations.map((v) => v.id), metrics, cupedDays: e.analysis.cupedDays, byEvent: metricsByEvent(metrics) });
    for (const m of metrics) {
      for (const side of [m.numerator, m.denominator]) if (side && 'event' in side) eventNames.add(side.event);
      if (readsCounters(m)) counters = true;
    }
  }
  return byKey.size === 0 ? null : { byKey, eventNames, counters };
}

