/**
 * VACUUM after erasure. A DELETE in PostgreSQL only marks rows dead: their bytes stay in the table
 * and index pages until VACUUM prunes them, and index entries (an identity's value in the primary
 * key, a message id) until VACUUM cleans the indexes. After an erasure the store asks for a VACUUM
 * of the tables it deleted from, with INDEX_CLEANUP ON (PostgreSQL 14+ may otherwise skip the
 * indexes when few rows died, which is exactly the case after erasing one person).
 *
 * VACUUM cannot run inside a transaction, so it runs after the erasure committed, on a pooled
 * connection, in the background: requests made while one runs are gathered into the next run
 * (retention may erase thousands of profiles in a row; they cost one or two runs, not thousands).
 * It is best effort: a failure (no privilege, the server going away) is reported to `onError` and
 * never fails the erasure; autovacuum gets to the dead rows later anyway. `idle()` resolves when no
 * run is pending (the store's close waits for it).
 */
import type { Queryable } from './database.js';

export interface VacuumScheduler {
  /** Asks for a VACUUM of these tables soon. */
  request(tables: readonly string[]): void;
  /** Resolves once every requested run has finished (or failed). */
  idle(): Promise<void>;
}

export function createVacuumScheduler(db: Queryable, onError: (error: Error) => void): VacuumScheduler {
  const pending = new Set<string>();
  let running: Promise<void> | null = null;

  const drain = async () => {
    while (pending.size > 0) {
      const tables = [...pending].sort();
      pending.clear();
      // One table at a time, so that one failing does not keep the others from being vacuumed.
      for (const table of tables) {
        try {
          await db.query(`VACUUM (INDEX_CLEANUP ON) "${table.replace(/"/g, '""')}"`);
        } catch (error) {
          try { onError(error as Error); } catch { /* a failing reporter must not stop the runs */ }
        }
      }
    }
    // In the same synchronous step as the last check, so that a request from now on starts a run.
    running = null;
  };

  return {
    request(tables) {
      for (const t of tables) pending.add(t);
      // drain() returns at its first await (pending is not empty), before it can reset `running`.
      if (pending.size > 0) running ??= drain();
    },
    async idle() {
      while (running) await running;
    },
  };
}
