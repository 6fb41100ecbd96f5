/**
 * Cleanup that must happen however the benchmark ends (success, failure, Ctrl-C): child processes
 * killed, temp folders removed, bench databases dropped. Tasks run newest first, each once.
 *
 * After a signal the benchmark is "stopping": the orchestrator starts no new run, and anything
 * registered from then on (a store or process created by a run that was already under way) is
 * cleaned up at once, so nothing outlives the benchmark.
 */
type Task = () => void | Promise<void>;

const tasks: Task[] = [];
let stopping = false;

export function isStopping(): boolean {
  return stopping;
}

/** Registers a task; the returned function unregisters it (when the caller cleaned up itself). */
export function onCleanup(task: Task): () => void {
  if (stopping) {
    void runTask(task);
    return () => undefined;
  }
  tasks.push(task);
  return () => {
    const i = tasks.indexOf(task);
    if (i !== -1) tasks.splice(i, 1);
  };
}

async function runTask(task: Task): Promise<void> {
  try {
    await task();
  } catch (error) {
    process.stderr.write(`cleanup: ${(error as Error).message}\n`);
  }
}

export async function runCleanup(): Promise<void> {
  while (tasks.length > 0) await runTask(tasks.pop()!);
}

/** On SIGINT/SIGTERM: stop starting runs, clean up, then exit with 128 + signal number. */
export function cleanUpOnSignals(): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\n${signal}: stopping servers and removing temporary data…\n`);
      // A run under way may still register a store; give it a moment to do so before exiting.
      void runCleanup()
        .then(() => new Promise((r) => setTimeout(r, 500)))
        .then(runCleanup)
        .finally(() => process.exit(code));
    });
  }
}
