/**
 * The ingest performance targets (issue 2 §6; PostgreSQL: issue 3) and their evaluation against a
 * run's records. A target whose run did not happen is absent; one whose run failed is a fail.
 */
import type { RunRecord, Target } from './bench-runs.js';
import type { ScenarioName } from './load-plan.js';

export interface TargetSpec {
  store: Exclude<Target, 'baseline'>;
  scenario: ScenarioName;
  metric: 'eventsPerSecond' | 'requestsPerSecond' | 'p99Ms';
  label: string;
  /** Pass when value >= threshold ('min') or value < threshold ('max'). */
  kind: 'min' | 'max';
  threshold: number;
}

export interface TargetResult extends TargetSpec {
  value: number | null;
  pass: boolean;
}

export const TARGETS: TargetSpec[] = [
  { store: 'sqlite', scenario: 'batched', metric: 'eventsPerSecond', label: 'SQLite batched ≥ 50,000 events/s', kind: 'min', threshold: 50_000 },
  { store: 'sqlite', scenario: 'single', metric: 'requestsPerSecond', label: 'SQLite single events ≥ 10,000 requests/s', kind: 'min', threshold: 10_000 },
  { store: 'sqlite', scenario: 'single', metric: 'p99Ms', label: 'SQLite single events p99 < 20 ms at 50 connections', kind: 'max', threshold: 20 },
  { store: 'postgres', scenario: 'batched', metric: 'eventsPerSecond', label: 'PostgreSQL batched ≥ 25,000 events/s', kind: 'min', threshold: 25_000 },
];

export function metricOf(record: RunRecord, metric: TargetSpec['metric']): number | null {
  const w = record.load?.window;
  if (!w) return null;
  return metric === 'p99Ms' ? w.latencyMs.p99 : w[metric];
}

export function evaluateTargets(records: RunRecord[]): TargetResult[] {
  const results: TargetResult[] = [];
  for (const spec of TARGETS) {
    const record = records.find((r) => r.target === spec.store && r.scenario === spec.scenario);
    if (!record) continue;
    const value = metricOf(record, spec.metric);
    // Throughput bought by refusing requests (429/503) or losing events does not count.
    const errorsFree = record.load !== undefined && record.verification?.ok === true && failedRequests(record) === 0;
    const meets = value !== null && (spec.kind === 'min' ? value >= spec.threshold : value < spec.threshold);
    results.push({ ...spec, value: value === null ? null : Math.round(value * 10) / 10, pass: meets && errorsFree });
  }
  return results;
}

/** Requests answered outside 2xx, failed on the connection, or never answered. */
export function failedRequests(record: RunRecord): number {
  const t = record.load?.totals;
  if (!t) return 0;
  return Object.values(t.non2xx).reduce((a, b) => a + b, 0) + t.transportErrors + t.unanswered;
}
