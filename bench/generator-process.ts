/** Runs a load plan in a separate load-generator process (bench/load-generator.ts) and returns its result. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.js';
import type { LoadPlan, LoadResult } from './load-plan.js';

const ENTRY = fileURLToPath(new URL('./load-generator.ts', import.meta.url));

type Answer = { ok: true; result: LoadResult } | { ok: false; error: string };

export function runGenerator(plan: LoadPlan): Promise<LoadResult> {
  const child = fork(ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const removeCleanup = onCleanup(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  return new Promise<LoadResult>((resolve, reject) => {
    let answered = false;
    child.once('message', (answer: Answer) => {
      answered = true;
      if (answer.ok) resolve(answer.result);
      else reject(new Error(`load generator failed: ${answer.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      removeCleanup();
      if (!answered) reject(new Error(`load generator exited without a result (${code ?? signal})`));
    });
    child.send(plan);
  });
}
