/**
 * WAL checkpoints off the ingest path. By default SQLite checkpoints inside the COMMIT that pushes
 * the WAL past 1,000 pages: the committing request pays for copying the pages into the database,
 * on the event loop. Here the writer's automatic checkpoint is off and a worker thread, with its
 * own connection, runs PASSIVE checkpoints (they never block the writer or readers) once a second;
 * the WAL is reused from the start once a checkpoint has caught up. Once a second rather than more
 * often: a page that several commits rewrote is copied into the database once, and each pass costs
 * two fsyncs that compete on the disk with the WAL fsyncs acknowledgements wait for. Each pass reports the
 * frames the WAL holds, so that the writer catches up itself only when the WAL has grown (store.ts).
 *
 * Every pass is reported to the store's maintenance status (ports/store-maintenance.ts): a failure
 * (a full disk, an I/O error, the worker gone) makes the store not ready until a pass succeeds.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { MaintenanceStatus } from '../maintenance-status.js';

// CommonJS source of the worker, so that it runs the same under tsx and from dist/.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try {
    const result = db.prepare(workerData.statement).get();
    if (result && result.log >= 0) parentPort.postMessage({ frames: Number(result.log) });
  } catch (error) { parentPort.postMessage({ error: String(error && error.message || error) }); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  /** Frames in the WAL at the worker's last pass (0 before the first, and after `caughtUp`). */
  walFrames(): number;
  /** The writer has checkpointed everything itself: the WAL restarts with its next transaction. */
  caughtUp(): void;
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  /** Where passes are reported. */
  status: MaintenanceStatus;
  /** Between passes (default 1,000 ms). */
  intervalMs?: number;
  /**
   * The statement a pass runs (default `PRAGMA wal_checkpoint(PASSIVE)`), answering a row with
   * `log`, the frames in the WAL; tests give one that fails while they want it to.
   */
  statement?: string;
}

export function startCheckpointer(file: string, options: CheckpointerOptions): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const statement = options.statement ?? 'PRAGMA wal_checkpoint(PASSIVE)';
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, intervalMs: options.intervalMs ?? 1000, statement } });
  worker.unref();
  let frames = 0;
  let closing = false;
  worker.on('message', (m: { error?: string; frames?: number }) => {
    if (m.error !== undefined) options.status.failed('wal-checkpoint', m.error);
    if (m.frames !== undefined) {
      frames = m.frames;
      options.status.succeeded('wal-checkpoint');
    }
  });
  worker.on('error', (e) => options.status.failed('wal-checkpoint', `the checkpoint worker failed: ${e.message}`));
  worker.on('exit', (code) => { if (!closing) options.status.failed('wal-checkpoint', `the checkpoint worker stopped (exit code ${code})`); });
  return {
    walFrames: () => frames,
    caughtUp() { frames = 0; },
    async close() {
      // Unreferenced while it runs (it must not keep a finished process alive); referenced while
      // closing, so that the wait for its exit keeps the event loop going.
      closing = true;
      worker.ref();
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('close');
      await exited;
    },
  };
}
