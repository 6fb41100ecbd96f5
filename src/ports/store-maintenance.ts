/**
 * Background upkeep a store does on its own: SQLite's WAL checkpoints (storage/sqlite/
 * checkpointer.ts), PostgreSQL's VACUUM after erasure. Their failures reach no request, so they are
 * reported here: the composition logs them (rate-limited), the metrics count them, and `/readyz`
 * answers 503 while a task that must succeed keeps failing (a full disk stops checkpoints, and the
 * WAL then grows without bound).
 */
import type { EpochMs } from '../core/time.js';

export type MaintenanceTask = 'wal-checkpoint' | 'vacuum';

export interface MaintenanceProblem {
  task: MaintenanceTask;
  /** The last error's message. */
  error: string;
  /** When the task started failing (its first failure since it last succeeded). */
  since: EpochMs;
}

/** One report: a failure, or the task succeeding again after failing. */
export type MaintenanceReport = { task: MaintenanceTask; ok: false; error: string; failingSince: EpochMs } | { task: MaintenanceTask; ok: true };

export interface StoreMaintenance {
  /** Tasks failing now (since their last success); empty while healthy. Best-effort tasks (vacuum) never stay here. */
  problems(): MaintenanceProblem[];
  /** Called on every failure, and once when a failing task succeeds again. */
  watch(listener: (report: MaintenanceReport) => void): void;
}
