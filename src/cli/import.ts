/**
 * `tessera import FILE.ndjson`: bulk import of Segment-format events through the same validation
 * and ingest queue as the HTTP API (the job itself is ingest/import-ndjson.ts). Progress goes to
 * stderr, the summary to stdout. Exit codes: 0 all lines imported, 1 some lines rejected (the
 * others were imported), 2 usage or configuration error, 3 the store failed (re-run to continue),
 * 130 interrupted.
 */
import { closeSync, createReadStream, createWriteStream, fchmodSync, openSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import pino from 'pino';
import { importNdjson, type ImportProgress, type ImportSummary, type RejectedLine } from '../ingest/import-ndjson.js';
import type { Config } from '../config.js';
import type { Store } from '../ports/store.js';
import { createIngest } from '../tessera.js';
import { configFrom, EXIT_INTERRUPTED, EXIT_STORE_FAILED, EXIT_USAGE, openCommandStore, withInterrupt, withStoreOptions } from './options.js';

const EXIT_REJECTED = 1;
const MAX_BATCH_SIZE = 10_000;

export function importCommand(): Command {
  return withStoreOptions(new Command('import').description('bulk import Segment-format events from an NDJSON file'))
    .argument('<file>', 'NDJSON file: one Segment event per line, each with its "type" (like the items of /v1/batch)')
    .addOption(new Option('--workspace <id>', 'workspace to import into').default('default'))
    .addOption(new Option('--batch-size <n>', `valid events submitted to the ingest queue together (1-${MAX_BATCH_SIZE})`).default(1000).argParser(batchSize))
    .addOption(new Option('--rejects <file>', 'write each rejected line as NDJSON: {"line", "reasons", "text"}'))
    .addHelpText('after', `
Each line is validated like an event sent to the HTTP API. Blank lines are ignored; lines that are
not JSON, longer than 32 KB or invalid are rejected and listed by reason, and the valid lines are
still imported. Events keep their own timestamp (no clock-skew correction against the import time).

Running an import again is harmless: events whose messageId is already stored are skipped, and a
line without a messageId gets one derived from its text.

Exit codes: 0 every line imported, 1 some lines rejected, 2 usage or configuration error,
3 the store failed (run the import again to continue), 130 interrupted.
`)
    .action(async (file: string, flags: Record<string, unknown>) => {
      const config = configFrom(flags);
      const size = fileSize(file);
      if (size === undefined) return;
      const rejectsFile = typeof flags.rejects === 'string' ? flags.rejects : undefined;
      if (rejectsFile !== undefined && resolve(rejectsFile) === resolve(file)) {
        process.stderr.write('--rejects must name another file than the one imported.\n');
        process.exitCode = EXIT_USAGE;
        return;
      }
      const store = await openCommandStore(config);
      try {
        const workspaceId = String(flags.workspace);
        if (!(await store.workspaces.get(workspaceId))) {
          process.stderr.write(`No workspace "${workspaceId}". Create it with \`tessera workspace create\`, or start \`tessera serve\` once to create "default".\n`);
          process.exitCode = EXIT_USAGE;
          return;
        }
        const rejects = rejectsFile === undefined ? null : openRejects(rejectsFile);
        if (rejects === undefined) return;
        process.exitCode = await runImport({ store, config, file, size, workspaceId, batchSize: Number(flags.batchSize), rejects, rejectsFile });
      } finally {
        await store.close();
      }
    });
}

interface ImportRun {
  store: Store;
  config: Config;
  file: string;
  size: number;
  workspaceId: string;
  batchSize: number;
  rejects: RejectsFile | null;
  rejectsFile: string | undefined;
}

/** Runs the import with progress and Ctrl-C handling, prints the summary; returns the exit code. */
async function runImport(run: ImportRun): Promise<number> {
  // Logs go to stderr: stdout carries the summary.
  const logger = pino({ level: run.config.logLevel, base: { service: 'tessera' } }, pino.destination(2));
  const { queue, ingest, rollups } = createIngest(run.store, run.config, logger);
  const workspaceIngest = await ingest.forWorkspace(run.workspaceId);
  const started = performance.now();
  const progress = createProgressReporter(run.size, started);
  const summary = await withInterrupt((signal) => importNdjson({
    source: createReadStream(run.file, { highWaterMark: 1 << 20 }),
    workspaceId: run.workspaceId, ingest: workspaceIngest, batchSize: run.batchSize,
    submit: (_workspaceId, events) => workspaceIngest.submit(events),
    onProgress: progress.update,
    ...(run.rejects ? { onReject: run.rejects.write } : {}),
    signal,
  }));
  progress.stop(summary);
  await queue.close();
  // The imported hits are counted now (otherwise the server's next start would count them from the events).
  await rollups.close();
  await run.rejects?.close();
  process.stdout.write(formatSummary({ file: run.file, workspaceId: run.workspaceId, summary, seconds: (performance.now() - started) / 1000, rejectsFile: run.rejectsFile }));
  return exitCode(summary);
}

function batchSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BATCH_SIZE) throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_BATCH_SIZE}.`);
  return n;
}

function exitCode(summary: ImportSummary): number {
  if (summary.stopped?.cause === 'failed') return EXIT_STORE_FAILED;
  if (summary.stopped?.cause === 'aborted') return EXIT_INTERRUPTED;
  return summary.rejected > 0 ? EXIT_REJECTED : 0;
}

/** The file's size in bytes; undefined (and exit code 2) when it cannot be read. */
function fileSize(file: string): number | undefined {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    closeSync(openSync(file, 'r'));
    return stat.size;
  } catch (error) {
    process.stderr.write(`Cannot read ${file}: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
    return undefined;
  }
}

interface RejectsFile {
  write(rejected: RejectedLine): Promise<void> | undefined;
  close(): Promise<void>;
}

/** Opened (and truncated) before the import starts so that a bad path is a usage error; undefined then. */
function openRejects(path: string): RejectsFile | undefined {
  let stream: WriteStream;
  try {
    // The rejected lines are people's data: only the owner may read the file.
    const fd = openSync(path, 'w', 0o600);
    fchmodSync(fd, 0o600);
    stream = createWriteStream('', { fd });
  } catch (error) {
    process.stderr.write(`Cannot write the rejects file ${path}: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
    return undefined;
  }
  return {
    write(rejected) {
      const record = { line: rejected.line, reasons: rejected.issues, ...(rejected.text === undefined ? { bytes: rejected.bytes } : { text: rejected.text }) };
      // Awaiting only when the stream's buffer is full keeps a huge rejects file from filling memory.
      return stream.write(`${JSON.stringify(record)}\n`) ? undefined : once(stream, 'drain').then(() => undefined);
    },
    close: () => new Promise((done, fail) => stream.end((error?: Error | null) => (error ? fail(error) : done()))),
  };
}

interface ProgressReporter {
  update(progress: ImportProgress): void;
  stop(summary: ImportSummary): void;
}

/** A bar when stderr is a terminal; otherwise a plain line at every 10% of the file or 10 s, and at the end. */
function createProgressReporter(size: number, started: number): ProgressReporter {
  const rate = (p: ImportProgress) => Math.round(p.accepted / Math.max((performance.now() - started) / 1000, 0.001));
  const payload = (p: ImportProgress) => ({ read: megabytes(p.bytesRead), size: megabytes(size), rate: count(rate(p)), accepted: count(p.accepted), rejected: count(p.rejected) });
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      stream: process.stderr, hideCursor: true, fps: 5,
      format: 'import [{bar}] {percentage}% | {read}/{size} MB | {rate} events/s | {accepted} accepted | {rejected} rejected | ETA {eta_formatted}',
    });
    bar.start(Math.max(size, 1), 0, payload({ bytesRead: 0, lines: 0, accepted: 0, rejected: 0 }));
    return {
      update: (p) => bar.update(p.bytesRead, payload(p)),
      stop: (s) => { bar.update(s.bytesRead, payload(s)); bar.stop(); },
    };
  }
  let lastStep = 0;
  let lastAt = performance.now();
  const line = (p: ImportProgress) => {
    const percent = size > 0 ? Math.floor((p.bytesRead / size) * 100) : 100;
    process.stderr.write(`import: ${percent}% (${megabytes(p.bytesRead)}/${megabytes(size)} MB), ${count(rate(p))} events/s, ${count(p.accepted)} accepted, ${count(p.rejected)} rejected\n`);
    lastAt = performance.now();
  };
  return {
    update(p) {
      const step = size > 0 ? Math.floor((p.bytesRead / size) * 10) : 10;
      if ((step > lastStep && step < 10) || performance.now() - lastAt > 10_000) { lastStep = step; line(p); }
    },
    stop: line,
  };
}

function formatSummary(o: { file: string; workspaceId: string; summary: ImportSummary; seconds: number; rejectsFile: string | undefined }): string {
  const s = o.summary;
  const width = count(s.lines).length;
  const row = (label: string, value: number, note = '') => `  ${label.padEnd(16)} ${count(value).padStart(width)}${note ? `  ${note}` : ''}`;
  const out = [
    `${s.stopped ? 'Stopped importing' : 'Imported'} ${basename(o.file)} into workspace "${o.workspaceId}" in ${o.seconds.toFixed(1)} s (${count(Math.round(s.accepted / Math.max(o.seconds, 0.001)))} events/s).`,
    row('lines read', s.lines),
    row('blank lines', s.blank, '(ignored)'),
    row('events accepted', s.accepted),
    row('  new', s.stored, '(stored by this import)'),
    row('  duplicates', s.duplicates, '(their messageId was stored already: not stored twice)'),
    ...(s.deadLettered > 0 ? [row('  dead letters', s.deadLettered, '(failed by themselves; see GET /v1/dead-letters)')] : []),
    row('lines rejected', s.rejected),
  ];
  for (const r of s.reasons) {
    const more = r.lines > r.firstLines.length ? ', …' : '';
    out.push(`    ${count(r.lines).padStart(width)}  ${r.reason}  (line${r.lines > 1 ? 's' : ''} ${r.firstLines.join(', ')}${more})`);
  }
  if (s.rejected > 0 && o.rejectsFile) out.push(`Rejected lines are in ${o.rejectsFile}.`);
  else if (s.rejected > 0) out.push('Use --rejects FILE to keep the rejected lines with their reasons.');
  if (s.stopped?.cause === 'failed') out.push(`The store failed: ${(s.stopped.error as Error)?.message ?? String(s.stopped.error)}. What was accepted is stored; run the import again to continue.`);
  if (s.stopped?.cause === 'aborted') out.push('Interrupted. What was accepted is stored; run the import again to continue.');
  return `${out.join('\n')}\n`;
}

const count = (n: number) => n.toLocaleString('en-US');
const megabytes = (bytes: number) => (bytes / 1_048_576).toFixed(1);
