/**
 * `tessera items import FILE`: bulk import of catalogue items from NDJSON or CSV (the job is
 * recommendations/import-items.ts), with a progress bar and a reject report, as `tessera import`
 * does for events. Progress goes to stderr, the summary to stdout. Exit codes: 0 every record
 * imported, 1 some records rejected (the others were imported), 2 usage or configuration error,
 * 3 the store failed (run again with --skip to continue), 130 interrupted.
 */
import { closeSync, createReadStream, createWriteStream, openSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { createItemService } from '../recommendations/item-service.js';
import { BadHeader, CSV_FIELDS, formatOfFile, importItems, type ItemFormat, type ItemImportProgress, type ItemImportSummary, type RejectedItem } from '../recommendations/import-items.js';
import { configFrom, EXIT_INTERRUPTED, EXIT_STORE_FAILED, EXIT_USAGE, openCommandStore, wholeNumber, withInterrupt, withStoreOptions } from './options.js';

const EXIT_REJECTED = 1;

export function itemsCommand(): Command {
  const items = new Command('items').description('the item catalogue recommendations choose from');
  withStoreOptions(items.command('import').description('import catalogue items from an NDJSON or CSV file'))
    .argument('<file>', 'NDJSON (one item object per line) or CSV (a header row); the extension .ndjson/.jsonl/.csv tells which, or --format')
    .addOption(new Option('--workspace <id>', 'workspace to import into').default('default'))
    .addOption(new Option('--format <format>', 'file format, when the extension does not say').choices(['ndjson', 'csv']))
    .addOption(new Option('--batch-size <n>', 'items written together (1-1000)').default(500).argParser(wholeNumber(1, 1000)))
    .addOption(new Option('--skip <n>', 'records to pass over first: continue an import that stopped (its summary says where)').default(0).argParser(wholeNumber(0, Number.MAX_SAFE_INTEGER)))
    .addOption(new Option('--rejects <file>', 'write each rejected record as NDJSON: {"line", "reasons", "text"}'))
    .addHelpText('after', `
Each record is validated like PUT /v1/items/{id} (docs/recommendations.md): fields id, title, url,
image, type, categories, tags, price, currency, available, publishedAt, properties. Invalid records
are rejected with every failing field and the others are still imported; a put replaces the item
whole, so running the import again is harmless.

CSV: a header row with the columns ${CSV_FIELDS.join(', ')} and properties.<name>.
categories and tags are separated by "|"; price is a decimal with a point; available is
true/false/yes/no/1/0; an empty cell leaves the field out. Any other column is refused (exit 2).

Exit codes: 0 every record imported, 1 some rejected, 2 usage or configuration error, 3 the store
failed (run again with --skip N as the summary says), 130 interrupted.
`)
    .action(async (file: string, flags: Record<string, unknown>) => {
      const config = configFrom(flags);
      const format = (flags.format as ItemFormat | undefined) ?? formatOfFile(file);
      if (!format) return usage(`Cannot tell the format of ${file} from its extension: give --format ndjson or --format csv.`);
      let size: number;
      try {
        const stat = statSync(file);
        if (!stat.isFile()) throw new Error('not a file');
        closeSync(openSync(file, 'r'));
        size = stat.size;
      } catch (error) {
        return usage(`Cannot read ${file}: ${(error as Error).message}`);
      }
      const rejectsFile = typeof flags.rejects === 'string' ? flags.rejects : undefined;
      if (rejectsFile !== undefined && resolve(rejectsFile) === resolve(file)) return usage('--rejects must name another file than the one imported.');
      const store = await openCommandStore(config);
      try {
        const workspaceId = String(flags.workspace);
        if (!(await store.workspaces.get(workspaceId))) return usage(`No workspace "${workspaceId}". Create it with \`tessera workspace create\`.`);
        let rejects: ReturnType<typeof createWriteStream> | null = null;
        try {
          rejects = rejectsFile === undefined ? null : createWriteStream(rejectsFile, { mode: 0o600 });
        } catch (error) {
          return usage(`Cannot write the rejects file ${rejectsFile}: ${(error as Error).message}`);
        }
        const service = createItemService({ store, now: Date.now });
        const started = performance.now();
        const progress = progressReporter(size);
        let summary: ItemImportSummary;
        try {
          summary = await withInterrupt((signal) => importItems({
            source: createReadStream(file, { highWaterMark: 1 << 20 }), format, batchSize: Number(flags.batchSize), skip: Number(flags.skip),
            put: (parsed) => service.putParsed(workspaceId, parsed),
            onProgress: progress.update,
            onReject: (r: RejectedItem) => { rejects?.write(`${JSON.stringify({ line: r.line, reasons: r.issues, ...(r.text !== undefined ? { text: r.text } : {}) })}\n`); },
            signal,
          }));
        } catch (error) {
          progress.stop();
          if (error instanceof BadHeader) return usage(`The CSV header of ${file} is not usable: ${error.message}. Nothing was imported.`);
          throw error;
        } finally {
          if (rejects) await new Promise((done) => rejects!.end(done));
        }
        progress.stop();
        process.stdout.write(formatSummary(file, workspaceId, summary, (performance.now() - started) / 1000, rejectsFile));
        process.exitCode = summary.stopped?.cause === 'failed' ? EXIT_STORE_FAILED : summary.stopped?.cause === 'aborted' ? EXIT_INTERRUPTED : summary.rejected > 0 ? EXIT_REJECTED : 0;
      } finally {
        await store.close();
      }
    });
  return items;
}

function usage(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = EXIT_USAGE;
}

/** A bar when stderr is a terminal; otherwise a line at every 10% of the file, and at the end. */
function progressReporter(size: number): { update(p: ItemImportProgress): void; stop(): void } {
  const payload = (p: ItemImportProgress) => ({ imported: p.imported.toLocaleString('en-US'), rejected: p.rejected.toLocaleString('en-US') });
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ stream: process.stderr, hideCursor: true, fps: 5, format: 'items [{bar}] {percentage}% | {imported} imported | {rejected} rejected | ETA {eta_formatted}' });
    bar.start(Math.max(size, 1), 0, payload({ bytesRead: 0, records: 0, imported: 0, rejected: 0 }));
    return { update: (p) => bar.update(Math.min(p.bytesRead, size), payload(p)), stop: () => bar.stop() };
  }
  let lastStep = -1;
  return {
    update(p) {
      const step = size > 0 ? Math.floor((Math.min(p.bytesRead, size) / size) * 10) : 10;
      if (step > lastStep) { lastStep = step; process.stderr.write(`items: ${step * 10}%, ${p.imported} imported, ${p.rejected} rejected\n`); }
    },
    stop: () => undefined,
  };
}

function formatSummary(file: string, workspaceId: string, s: ItemImportSummary, seconds: number, rejectsFile: string | undefined): string {
  const out = [
    `${s.stopped ? 'Stopped importing' : 'Imported'} ${basename(file)} into workspace "${workspaceId}" in ${seconds.toFixed(1)} s.`,
    `  records read     ${s.records}`,
    ...(s.skipped > 0 ? [`  skipped          ${s.skipped}  (--skip)`] : []),
    `  items imported   ${s.imported}  (${s.created} new, ${s.replaced} replaced)`,
    `  records rejected ${s.rejected}`,
  ];
  if (s.rejected > 0) out.push(rejectsFile ? `Rejected records are in ${rejectsFile}.` : 'Use --rejects FILE to keep the rejected records with their reasons.');
  if (s.stopped) {
    const why = s.stopped.cause === 'failed' ? `The store failed: ${(s.stopped.error as Error)?.message ?? String(s.stopped.error)}.` : 'Interrupted.';
    out.push(`${why} The first ${s.stopped.afterRecords} records are done; continue with --skip ${s.stopped.afterRecords}.`);
  }
  return `${out.join('\n')}\n`;
}
