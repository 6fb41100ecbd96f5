/**
 * `tessera recommendations evaluate`: the offline evaluation of the recommendation models on the
 * workspace's stored events (recommendations/evaluate-recommendations.ts): leave-last-out hit
 * rate @k, recall @k, NDCG @k and coverage of item-to-item against the popularity baseline. Read only.
 * Prints a table and, last, one JSON line; progress goes to stderr.
 *
 * `tessera recommendations rebuild`: rebuilds what recommendations learned from the stored events
 * (recommendations/rebuild-recommendations.ts), with a progress bar, resuming after an
 * interruption (SIGINT or SIGTERM: the page under way is written, then it stops). Exit codes: 0 done, 2 usage error, 3 the store failed (run again to resume),
 * 130 interrupted (run again to resume).
 */
import { Command, Option } from 'commander';
import { evaluateRecommendations } from '../recommendations/evaluate-recommendations.js';
import { createRecommendationSettings } from '../recommendations/recommendation-settings.js';
import { rebuildRecommendations } from '../recommendations/rebuild-recommendations.js';
import { configFrom, EXIT_INTERRUPTED, EXIT_STORE_FAILED, EXIT_USAGE, openCommandStore, wholeNumber, withInterrupt, withStoreOptions } from './options.js';
import { countProgress } from './progress.js';

export function recommendationsCommand(): Command {
  const recs = new Command('recommendations').description('recommendation models: offline evaluation, rebuild from stored events');
  withStoreOptions(recs.command('evaluate').description('leave-last-out evaluation of the models on the stored events'))
    .addOption(new Option('--workspace <id>', 'workspace to evaluate').default('default'))
    .addOption(new Option('--k <n>', 'list length (hit rate @k, recall @k)').default(10).argParser(wholeNumber(1, 100)))
    .addHelpText('after', `
Per person, the last interaction with an item they had not met before is held out; the models learn
from everything before it as ingest does. Item-to-item (the neighbours of their recent items,
filled up with popular items) is compared with popularity alone. Hit rate @k: the share of people
whose held-out item is in their top k (with one held-out item, recall @k is the same); NDCG @k:
the mean of 1 / log2(rank + 1) of the held-out item (0 past k). Coverage:
the share of the trained items that appear in any list. See docs/recommendations.md.
`)
    .action(async (flags: Record<string, unknown>) => {
      const config = configFrom(flags);
      const store = await openCommandStore(config);
      try {
        const settings = createRecommendationSettings({ store, now: Date.now });
        const result = await evaluateRecommendations({ store, settings }, {
          workspaceId: flags.workspace as string, k: flags.k as number, onProgress: (people) => process.stderr.write(`\rpeople read: ${people}`),
        });
        process.stderr.write('\n');
        process.stdout.write(`Leave-last-out on workspace ${flags.workspace as string}: ${result.people} people, ${result.catalogue} items, k = ${result.k}\n`);
        process.stdout.write('strategy       hit rate@k  recall@k  NDCG@k  coverage\n');
        for (const s of result.strategies) process.stdout.write(`${s.strategy.padEnd(13)}  ${s.hitRate.toFixed(4).padStart(10)}  ${s.recall.toFixed(4).padStart(8)}  ${s.ndcg.toFixed(4).padStart(6)}  ${s.coverage.toFixed(4).padStart(8)}\n`);
        process.stdout.write(`${JSON.stringify({ evaluation: 'recommendations', workspace: flags.workspace, ...result })}\n`);
      } finally {
        await store.close();
      }
    });
  withStoreOptions(recs.command('rebuild').description('rebuild co-occurrence, popularity, histories and stubs from the stored events'))
    .addOption(new Option('--workspace <id>', 'workspace to rebuild').default('default'))
    .addOption(new Option('--chunk <n>', 'people per transaction').default(200).argParser(wholeNumber(1, 10_000)))
    .addOption(new Option('--restart', 'start again even when a rebuild is unfinished'))
    .addOption(new Option('--stop-after <pages>', 'stop after this many pages, as an interruption would (tests)').argParser(wholeNumber(0, 1_000_000)).hideHelp())
    .addOption(new Option('--page-pause <ms>', 'wait this long before writing each page (tests: a signal arrives mid-rebuild)').argParser(wholeNumber(0, 60_000)).hideHelp())
    .addHelpText('after', `
Rebuilds what recommendations learned from events in the workspace (co-occurrence, popularity
and trending, each person's recent items and rotation counts; catalogue items and the per-list
report stay) into a new generation beside the one served: the stored events of every person are
replayed, in profile id order, a page per transaction, through the same learning code as ingest.
The last page switches the new generation in, in one transaction, and drops the old one (and the
item stubs no event names any more); until then requests are answered from the old state.
Interrupted (Ctrl-C, SIGTERM), it resumes after the last page written when run again (--restart
starts over). A running server keeps ingesting: events received after the rebuild started are
learned by ingest (into both generations) and not replayed. A server's cached lists show the
switch within a minute. See docs/recommendations.md.

Exit codes: 0 done, 2 usage error, 3 the store failed (run again to resume), 130 interrupted (run
again to resume).
`)
    .action(async (flags: Record<string, unknown>) => {
      const config = configFrom(flags);
      const store = await openCommandStore(config);
      try {
        const workspaceId = String(flags.workspace);
        if (!(await store.workspaces.get(workspaceId))) {
          process.stderr.write(`No workspace "${workspaceId}".\n`);
          process.exitCode = EXIT_USAGE;
          return;
        }
        const settings = createRecommendationSettings({ store, now: Date.now });
        const progress = countProgress('rebuild', 'people');
        try {
          const result = await withInterrupt((signal) => rebuildRecommendations({ store, settings, now: Date.now }, workspaceId, {
            chunk: flags.chunk as number, signal, restart: flags.restart === true, onProgress: progress.update,
            ...(flags.stopAfter !== undefined ? { stopAfterPages: flags.stopAfter as number } : {}),
            ...(flags.pagePause !== undefined ? { beforeWrite: () => new Promise<void>((resolve) => setTimeout(resolve, flags.pagePause as number)) } : {}),
          }));
          progress.stop();
          const people = result.progress.processed.toLocaleString('en-US');
          process.stdout.write(result.done
            ? `Rebuilt recommendations of workspace "${workspaceId}"${result.resumed ? ' (resumed)' : ''}: ${people} people.\n`
            : `Interrupted after ${people} of ${result.total.toLocaleString('en-US')} people; run again to resume.\n`);
          if (!result.done) process.exitCode = EXIT_INTERRUPTED;
        } catch (error) {
          progress.stop();
          process.stderr.write(`The rebuild failed: ${(error as Error).message}. Run again to resume.\n`);
          process.exitCode = EXIT_STORE_FAILED;
        }
      } finally {
        await store.close();
      }
    });
  return recs;
}
