/**
 * `tessera analytics backfill`: gives the events stored before schema version 25 their web-analytics
 * hit key, so that funnels and retention cover them (analytics/hit-backfill.ts), with progress,
 * resuming after an interruption. Exit codes: 0 done, 2 usage error, 3 the store failed (run again
 * to resume), 130 interrupted (run again to resume).
 */
import { Command, Option } from 'commander';
import { backfillHitKeys } from '../analytics/hit-backfill.js';
import { configFrom, EXIT_INTERRUPTED, EXIT_STORE_FAILED, EXIT_USAGE, openCommandStore, wholeNumber, withInterrupt, withStoreOptions } from './options.js';
import { countProgress } from './progress.js';

export function analyticsCommand(): Command {
  const analytics = new Command('analytics').description('web analytics: backfill of the hit keys funnels and retention read');
  withStoreOptions(analytics.command('backfill').description('give events stored before schema version 25 their hit key, so that funnels and retention cover them'))
    .addOption(new Option('--workspace <id>', 'workspace to backfill').default('default'))
    .addOption(new Option('--chunk <n>', 'events per transaction').default(5000).argParser(wholeNumber(1, 100_000)))
    .addOption(new Option('--restart', 'start from the first event again even when a backfill is unfinished'))
    .addOption(new Option('--stop-after <pages>', 'stop after this many pages, as an interruption would (tests)').argParser(wholeNumber(0, 1_000_000)).hideHelp())
    .addHelpText('after', `
Walks the workspace's events that have no hit key, in the order they were stored, a page per
transaction, and writes the key of each page view and custom event (events analytics does not count
keep none). Each page's keys and the position after it are written together: interrupted, the
backfill resumes after the last page written when run again (--restart starts over). A running
server keeps ingesting: new events get their key from ingest. The web-analytics rollups are not
rebuilt (they are kept from their schema version on). See docs/analytics.md.

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
        const progress = countProgress('backfill', 'events');
        try {
          const result = await withInterrupt((signal) => backfillHitKeys({ store, now: Date.now }, workspaceId, {
            chunk: flags.chunk as number, signal, restart: flags.restart === true, onProgress: progress.update,
            ...(flags.stopAfter !== undefined ? { stopAfterPages: flags.stopAfter as number } : {}),
          }));
          progress.stop();
          const { processed, keyed } = result.progress;
          process.stdout.write(result.done
            ? `Backfilled hit keys of workspace "${workspaceId}"${result.resumed ? ' (resumed)' : ''}: ${keyed.toLocaleString('en-US')} of ${processed.toLocaleString('en-US')} events examined got a key.\n`
            : `Interrupted after ${processed.toLocaleString('en-US')} of ${result.total.toLocaleString('en-US')} events; run again to resume.\n`);
          if (!result.done) process.exitCode = EXIT_INTERRUPTED;
        } catch (error) {
          progress.stop();
          process.stderr.write(`The backfill failed: ${(error as Error).message}. Run again to resume.\n`);
          process.exitCode = EXIT_STORE_FAILED;
        }
      } finally {
        await store.close();
      }
    });
  return analytics;
}
