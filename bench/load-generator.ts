/**
 * Entry of the load-generator child process (forked by bench/ingest.ts, so that generating load
 * never shares an event loop with the server or the orchestrator). Protocol over IPC: the parent
 * sends one LoadPlan, the child answers one LoadResult and exits. It exits too when the parent goes.
 */
import type { LoadPlan } from './load-plan.js';
import { runLoad } from './load-run.js';

process.on('disconnect', () => process.exit(0));
process.once('message', (plan: LoadPlan) => {
  runLoad(plan).then(
    (result) => process.send!({ ok: true, result }, () => process.exit(0)),
    (error: Error) => process.send!({ ok: false, error: error.stack ?? String(error) }, () => process.exit(1)),
  );
});
