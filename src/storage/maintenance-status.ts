/** The StoreMaintenance of a store (ports/store-maintenance.ts): what its background tasks reported. */
import type { MaintenanceProblem, MaintenanceReport, MaintenanceTask, StoreMaintenance } from '../ports/store-maintenance.js';

export interface MaintenanceStatus extends StoreMaintenance {
  /** The task failed. `persistent` (default true): it stays a problem until it succeeds again. */
  failed(task: MaintenanceTask, error: string, options?: { persistent?: boolean }): void;
  /** The task succeeded: it is no longer a problem. Cheap when it was not one (called once a second). */
  succeeded(task: MaintenanceTask): void;
}

/**
 * Nothing is swallowed: while no listener watches (a CLI command opened the store), a failure
 * becomes a process warning, once per task until it succeeds again.
 */
export function createMaintenanceStatus(now: () => number = Date.now): MaintenanceStatus {
  const failing = new Map<MaintenanceTask, MaintenanceProblem>();
  const listeners: Array<(report: MaintenanceReport) => void> = [];
  const warned = new Set<MaintenanceTask>();
  const tell = (report: MaintenanceReport) => {
    if (listeners.length === 0) {
      if (report.ok) warned.delete(report.task);
      else if (!warned.has(report.task)) {
        warned.add(report.task);
        process.emitWarning(`${report.task} failed: ${report.error}`, { code: 'TESSERA_MAINTENANCE' });
      }
      return;
    }
    for (const listener of listeners) {
      try { listener(report); } catch { /* a failing listener must not stop the store's upkeep */ }
    }
  };
  return {
    problems: () => [...failing.values()],
    watch(listener) { listeners.push(listener); },
    failed(task, error, options = {}) {
      const since = failing.get(task)?.since ?? now();
      if (options.persistent ?? true) failing.set(task, { task, error, since });
      tell({ task, ok: false, error, failingSince: since });
    },
    succeeded(task) {
      if (failing.delete(task)) tell({ task, ok: true });
    },
  };
}
