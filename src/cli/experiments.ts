/**
 * `tessera experiments`: recompute an experiment's aggregates from stored events, with progress; resumable.
 * Exit codes: 0 done, 2 usage or configuration error, 3 the store failed (run again to resume), 130 interrupted
 * (run again to resume).
 */
import { Command, Option } from 'commander';
import { recomputeExperiment } from '../experiments/recompute-experiment.js';
import type { RecomputeProgress } from '../ports/experiment-store.js';
import { configFrom, EXIT_INTERRUPTED, EXIT_STORE_FAILED, EXIT_USAGE, openCommandStore, wholeNumber, withInterrupt, withStoreOptions } from './options.js';

export function experimentsCommand(): Command {
  const experiments = new Command('experiments').description('experiments: recompute the aggregates of one from stored events');
  withStoreOptions(experiments.command('recompute').description('rebuild an experiment\'s aggregates from the stored events of its assigned people, with progress'))
    .argument('<key>', 'experiment key')
    .addOption(new Option('--workspace <id>', 'workspace id').default('default'))
    .option('--restart', 'start a new run instead of resuming an unfinished one')
    .addOption(new Option('--chunk <n>', 'people per transaction (1-10000)').default(500).argParser(wholeNumber(1, 10_000)))
    .addHelpText('after', `
Run it after changing an experiment's metrics (the results warn "recompute_needed" until it finishes), or
for an experiment that ran before aggregates were kept. A run starts a new generation of the aggregates;
the results read it at once, filled as the run goes. Progress is saved with every chunk: an interrupted
run (Ctrl-C, a crash) continues where it stopped when run again.

Exit codes: 0 done, 2 usage or configuration error, 3 the store failed (run again to resume),
130 interrupted (run again to resume).
`)
    .action(async (key: string, flags: Record<string, unknown>) => {
      const store = await openCommandStore(configFrom(flags));
      try {
        const workspaceId = String(flags.workspace);
        if (!(await store.experiments.get(workspaceId, key))) {
          process.stderr.write(`No experiment "${key}" in workspace "${workspaceId}".\n`);
          process.exitCode = EXIT_USAGE;
          return;
        }
        const startedAt = Date.now();
        let lastLine = 0;
        const line = (p: RecomputeProgress, total: number) => {
          const seconds = (Date.now() - startedAt) / 1000;
          process.stderr.write(`recompute ${key}: ${p.processed.toLocaleString('en-US')}/${total.toLocaleString('en-US')} people (${total > 0 ? Math.floor((100 * p.processed) / total) : 100}%), ${seconds > 0 ? Math.round(p.processed / seconds).toLocaleString('en-US') : '–'} people/s\n`);
          lastLine = Date.now();
        };
        const result = await withInterrupt((signal) => recomputeExperiment({ store, now: Date.now }, workspaceId, key, {
          chunk: Number(flags.chunk), signal, restart: flags.restart === true,
          onProgress: (p, total) => { if (Date.now() - lastLine > 2_000 || p.finishedAt !== null) line(p, total); },
        }));
        process.stdout.write(result.done
          ? `Recomputed "${key}" (generation ${result.progress.generation}): ${result.progress.processed.toLocaleString('en-US')} people.\n`
          : `Interrupted after ${result.progress.processed.toLocaleString('en-US')} of ${result.total.toLocaleString('en-US')} people; run again to resume.\n`);
        if (!result.done) process.exitCode = EXIT_INTERRUPTED;
      } catch (error) {
        process.stderr.write(`The recompute failed: ${(error as Error).message}. Run again to resume.\n`);
        process.exitCode = EXIT_STORE_FAILED;
      } finally {
        await store.close();
      }
    });
  return experiments;
}
