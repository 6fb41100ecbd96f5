/**
 * WAL checkpoints off the ingest path. By default SQLite checkpoints inside the COMMIT that pushes
 * the WAL past 1,000 pages: the committing request pays for copying the pages into the database,
 * on the event loop. Here the writer's automatic checkpoint is off and a worker thread, with its
 * own connection, runs PASSIVE checkpoints (they never block the writer or readers) once a second;
 * the WAL is reused from the start once a checkpoint has caught up. Once a second rather than more
 * often: a page that several commits rewrote is copied into the database once, and each pass costs
 * two fsyncs that compete on the disk with the WAL fsyncs acknowledgements wait for. Each pass reports the
 * frames the WAL holds, so that the writer catches up itself only when the WAL has grown (store.ts).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// CommonJS source of the worker, so that it runs the same under tsx and from dist/.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try {
    const result = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (result && result.log >= 0) parentPort.postMessage({ frames: result.log });
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

export function startCheckpointer(file: string, options: { intervalMs?: number; onError?: (message: string) => void } = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, intervalMs: options.intervalMs ?? 1000 } });
  worker.unref();
  let frames = 0;
  worker.on('message', (m: { error?: string; frames?: number }) => {
    if (m.error) options.onError?.(m.error);
    if (m.frames !== undefined) frames = m.frames;
  });
  worker.on('error', (e) => options.onError?.(e.message));
  return {
    walFrames: () => frames,
    caughtUp() { frames = 0; },
    async close() {
      // Unreferenced while it runs (it must not keep a finished process alive); referenced while
      // closing, so that the wait for its exit keeps the event loop going.
      worker.ref();
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('close');
      await exited;
    },
  };
}
