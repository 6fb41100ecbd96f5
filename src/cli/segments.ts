/**
 * `tessera segments`: list the segments and computed traits of a workspace, and backfill one over
 * the stored profiles with a progress bar (the server starts the same backfill by itself when a
 * definition is created or changed; this command runs or resumes it from a terminal). Exit codes:
 * 0 done, 2 usage or configuration error, 3 the store failed (run again to resume), 130 interrupted
 * (run again to resume).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import pino from 'pino';
import { describeCondition } from '../core/segments/describe-condition.js';
import type { BackfillProgress } from '../ports/segment-store.js';
import { progressFigures, runBackfill } from '../segments/backfill.js';
import { segmentOf } from '../segments/segment-definitions.js';
import { createIngest } from '../tessera.js';
import { configFrom, EXIT_INTERRUPTED, EXIT_STORE_FAILED, EXIT_USAGE, openCommandStore, withInterrupt, withStoreOptions } from './options.js';

export function segmentsCommand(): Command {
  const segments = new Command('segments').description('segments and computed traits: list them, backfill one over stored profiles');
  withStoreOptions(segments.command('list').description('list the segments (with member counts) and computed traits of a workspace'))
    .addOption(new Option('--workspace <id>', 'workspace id').default('default'))
    .option('--json', 'print JSON')
    .action(async (flags: Record<string, unknown>) => {
      const store = await openCommandStore(configFrom(flags));
      try {
        const workspaceId = String(flags.workspace);
        const all = await store.segments.list(workspaceId);
        const rows = await Promise.all(all.map(async (d) => ({ kind: d.kind, id: d.id, name: String(d.body.name ?? d.id), members: d.kind === 'segment' ? await store.segments.memberCount(workspaceId, d.id) : null, backfill: d.backfill?.state ?? null, readable: d.kind === 'segment' ? describeCondition(segmentOf(d).condition) : null })));
        if (flags.json) { process.stdout.write(`${JSON.stringify(rows)}\n`); return; }
        if (rows.length === 0) process.stdout.write(`No segments or computed traits in workspace "${workspaceId}".\n`);
        for (const r of rows) {
          process.stdout.write(r.kind === 'segment'
            ? `segment  ${r.id}  "${r.name}"  ${r.members} members${r.backfill && r.backfill !== 'done' ? `  (backfill ${r.backfill})` : ''}\n         ${r.readable}\n`
            : `computed ${r.id}  "${r.name}"${r.backfill && r.backfill !== 'done' ? `  (backfill ${r.backfill})` : ''}\n`);
        }
      } finally {
        await store.close();
      }
    });
  withStoreOptions(segments.command('backfill').description('evaluate a segment (or computed trait) over every stored profile, with progress'))
    .argument('<id>', 'segment id (or computed trait key with --computed)')
    .addOption(new Option('--workspace <id>', 'workspace id').default('default'))
    .option('--computed', 'the id is a computed trait key')
    .option('--restart', 'start from the first profile instead of resuming an unfinished backfill')
    .addOption(new Option('--chunk <n>', 'profiles per transaction (1-10000)').default(500).argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('must be a whole number from 1 to 10000.');
      return n;
    }))
    .addHelpText('after', `
Entries and exits found by the backfill are recorded on the profiles' timelines (cause "backfill")
and announced to webhooks, as live ones are. Progress is saved after every chunk: an interrupted
backfill (Ctrl-C, a crash) continues where it stopped when run again (or when the server starts).

Exit codes: 0 done, 2 usage or configuration error, 3 the store failed (run again to resume),
130 interrupted (run again to resume).
`)
    .action(async (id: string, flags: Record<string, unknown>) => {
      const config = configFrom(flags);
      const store = await openCommandStore(config);
      try {
        const workspaceId = String(flags.workspace);
        const kind = flags.computed ? 'computed' : 'segment';
        if (!(await store.segments.get(workspaceId, kind, id))) {
          process.stderr.write(`No ${kind === 'segment' ? 'segment' : 'computed trait'} "${id}" in workspace "${workspaceId}".\n`);
          process.exitCode = EXIT_USAGE;
          return;
        }
        const logger = pino({ level: config.logLevel, base: { service: 'tessera' } }, pino.destination(2));
        const { queue, privacy, definitions, derive } = createIngest(store, config, logger);
        const progress = createProgressReporter();
        try {
          const final = await withInterrupt((signal) => runBackfill({ store, privacy, derive, definitions, now: Date.now, logger }, { workspaceId, kind, id }, {
            chunk: Number(flags.chunk), signal, restart: flags.restart === true, onProgress: progress.update,
          }));
          progress.stop(final);
          const f = progressFigures(final, Date.now());
          process.stdout.write(final.state === 'done'
            ? `Backfilled ${kind} "${id}": ${final.processed.toLocaleString('en-US')} profiles (${(f.rate ?? 0).toLocaleString('en-US')} profiles/s).\n`
            : `Interrupted after ${final.processed.toLocaleString('en-US')} of ${final.total.toLocaleString('en-US')} profiles; run again to resume.\n`);
          if (final.state !== 'done') process.exitCode = EXIT_INTERRUPTED;
        } catch (error) {
          progress.stop(null);
          process.stderr.write(`The backfill failed: ${(error as Error).message}. Run again to resume.\n`);
          process.exitCode = EXIT_STORE_FAILED;
        } finally {
          await queue.close();
        }
      } finally {
        await store.close();
      }
    });
  return segments;
}

/** A bar when stderr is a terminal; otherwise a line every 10 s and at the end. */
function createProgressReporter(): { update(p: BackfillProgress): void; stop(p: BackfillProgress | null): void } {
  const payload = (p: BackfillProgress) => {
    const f = progressFigures(p, Date.now());
    return { rate: (f.rate ?? 0).toLocaleString('en-US'), done: p.processed.toLocaleString('en-US'), all: p.total.toLocaleString('en-US') };
  };
  if (process.stderr.isTTY) {
    let bar: SingleBar | null = null;
    return {
      update(p) {
        if (!bar) {
          bar = new SingleBar({ stream: process.stderr, hideCursor: true, fps: 5, format: 'backfill [{bar}] {percentage}% | {done}/{all} profiles | {rate} profiles/s | ETA {eta_formatted}' });
          bar.start(Math.max(p.total, 1), p.processed, payload(p));
        }
        bar.setTotal(Math.max(p.total, 1));
        bar.update(p.processed, payload(p));
      },
      stop(p) { if (bar && p) bar.update(p.processed, payload(p)); bar?.stop(); },
    };
  }
  let lastAt = 0;
  const line = (p: BackfillProgress) => {
    const f = progressFigures(p, Date.now());
    const pl = payload(p);
    process.stderr.write(`backfill: ${f.percent}% (${pl.done}/${pl.all} profiles), ${pl.rate} profiles/s${f.etaSeconds ? `, ETA ${f.etaSeconds} s` : ''}\n`);
    lastAt = Date.now();
  };
  return {
    update(p) { if (Date.now() - lastAt > 10_000) line(p); },
    stop(p) { if (p) line(p); },
  };
}
