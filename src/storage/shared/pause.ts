/**
 * A short wait inside a store operation (a retry after a busy checkpoint or a transient conflict).
 *
 * It uses the timer captured when this module loads, not the global one at call time: a test that
 * mocks the process's timers to drive a schedule (retention, segments) must not freeze the store
 * under it. A frozen retry wait never resolves, and the operation, the job that awaits it and the
 * test's clean-up hang for good (CI ran out of time on exactly that, when a checkpoint was busy).
 */
const realSetTimeout = globalThis.setTimeout;

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => { realSetTimeout(resolve, ms); });
}
