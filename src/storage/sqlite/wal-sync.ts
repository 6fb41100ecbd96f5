/**
 * Durability of commits without blocking the event loop. With `sync: full`, SQLite runs with
 * `synchronous=NORMAL` (its commit writes the WAL frames but does not fsync them) and the store
 * then waits for an fdatasync of the WAL file on libuv's thread pool before the commit counts as
 * done. Commits that land while a sync is in flight share the next one (group fsync), and the
 * event loop keeps serving requests meanwhile. SQLite itself syncs the WAL before every
 * checkpoint and the database after it (synchronous=NORMAL in WAL mode), so frames that are
 * checkpointed before our sync runs are durable in the database file.
 */
import { closeSync, fdatasync, openSync } from 'node:fs';

export interface WalSync {
  /** Resolves once everything committed before the call is on disk. */
  durable(): Promise<void>;
  close(): void;
}

export function createWalSync(walFile: string): WalSync {
  let fd: number | null = null;
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  const syncOnce = (): Promise<void> => new Promise((resolve, reject) => {
    fd ??= openSync(walFile, 'r');
    fdatasync(fd, (error) => (error ? reject(error) : resolve()));
  });

  const durable = (): Promise<void> => {
    if (!running) {
      running = syncOnce().finally(() => { running = null; });
      return running;
    }
    // A sync is in flight but may have started before our commit: wait for the one after it.
    next ??= running.then(() => { next = null; return durable(); }, () => { next = null; return durable(); });
    return next;
  };

  return {
    durable,
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
