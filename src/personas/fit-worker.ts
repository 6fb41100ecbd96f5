/**
 * Runs `buildPersonaModel` (EM over the sample: seconds of CPU) in a worker thread, so the event
 * loop that serves ingest and the API is never blocked by a fit. The input and the result cross the
 * thread boundary by structured clone; one worker per fit, ended when it answers. The worker runs
 * at the lowest CPU priority (below).
 *
 * This file is both sides: imported, it exports `fitInWorker`; started as a worker, it fits the
 * `workerData` it was given and posts the result back.
 */
import { setPriority } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { buildPersonaModel, type BuildModelInput, type BuiltModel } from '../core/personas/build-model.js';

export function fitInWorker(input: BuildModelInput): Promise<BuiltModel> {
  return new Promise((resolve, reject) => {
    const [entry, options] = workerEntry();
    const worker = new Worker(entry, { ...options, workerData: input });
    worker.once('message', (result: BuiltModel) => { resolve(result); void worker.terminate(); });
    worker.once('error', reject);
    worker.once('exit', (code) => { if (code !== 0) reject(new Error(`the persona fit worker stopped with exit code ${code}`)); });
  });
}

/**
 * The built file runs as it is. Run from source (tests, `npm run tessera`), the worker is a .ts
 * file: Node 20 does not apply the parent's `--import tsx` hooks to a worker's entry, so the
 * worker registers tsx (a dev dependency, present wherever sources run) before importing it.
 */
function workerEntry(): [string | URL, { eval?: boolean }] {
  const url = new URL(import.meta.url);
  if (!url.pathname.endsWith('.ts')) return [url, {}];
  return [`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`, { eval: true }];
}

if (!isMainThread && parentPort && (workerData as { rows?: unknown } | null)?.rows) {
  // The fit is background work: this thread takes the lowest CPU priority (nice 19), so that on a
  // busy machine the event loop serving ingest and the API is scheduled first. On Linux the nice
  // value is per thread (setpriority(2), "who" 0 is the calling thread), so only the fit yields;
  // where lowering it is refused, the fit simply runs at normal priority.
  try { setPriority(19); } catch { /* normal priority */ }
  parentPort.postMessage(buildPersonaModel(workerData as BuildModelInput));
}
