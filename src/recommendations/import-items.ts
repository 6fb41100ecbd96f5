/**
 * Bulk import of catalogue items from NDJSON (one item object per line, as `PUT /v1/items/{id}`
 * takes with its `id`) or CSV (a header row naming the columns). The job behind
 * `tessera items import`, independent of the CLI.
 *
 * Contract:
 * - The source is read as a stream; memory is bounded by `batchSize` items.
 * - Each record is validated by the core (core/recommendations/item.ts) like an API item. Blank
 *   lines are ignored; a record that is not JSON, too long (over 64 KB) or invalid is rejected
 *   with its 1-based line number and every failing field; the other records are still imported.
 * - CSV: columns are the item's fields (`id`, `title`, `url`, `image`, `type`, `categories`,
 *   `tags`, `price`, `currency`, `available`, `publishedAt`) and `properties.<name>` for free
 *   properties (kept as text). `categories` and `tags` are separated by `|`; `price` is a decimal
 *   number with a point; `available` is true/false/yes/no/1/0. An empty cell is an absent field.
 *   A header naming any other column is a usage error before anything is imported (never a
 *   silently dropped column).
 * - Running an import again is harmless: a put replaces the item with the same fields. `skip`
 *   continues after the first `skip` records of an import that stopped (the summary says where).
 * - A failed write stops the import; what was written stays.
 */
import { parse as parseCsv } from 'csv-parse';
import { Transform, type Readable } from 'node:stream';
import { jsonProblems } from '../core/json-problems.js';
import type { FieldIssue } from '../core/errors.js';
import { parseItem, type Item } from '../core/recommendations/item.js';
import { LineSplitter, type SplitLine } from '../ingest/import-ndjson.js';

export const MAX_RECORD_BYTES = 64 * 1024;
export const CSV_FIELDS = ['id', 'title', 'url', 'image', 'type', 'categories', 'tags', 'price', 'currency', 'available', 'publishedAt'] as const;

export type ItemFormat = 'ndjson' | 'csv';

export interface RejectedItem { line: number; issues: FieldIssue[]; text?: string }

export interface ItemImportProgress { bytesRead: number; records: number; imported: number; rejected: number }

export interface ItemImportSummary extends ItemImportProgress {
  created: number;
  replaced: number;
  skipped: number;
  stopped?: { cause: 'aborted'; afterRecords: number } | { cause: 'failed'; afterRecords: number; error: unknown };
}

export interface ImportItemsOptions {
  source: Readable;
  format: ItemFormat;
  put(items: Item[]): Promise<{ created: number; replaced: number }>;
  batchSize?: number;
  /** Records to pass over first (a resumed import). */
  skip?: number;
  onProgress?(progress: ItemImportProgress): void;
  onReject?(rejected: RejectedItem): Promise<void> | void;
  signal?: AbortSignal;
}

/** A header problem (CSV): thrown before anything is imported; the CLI reports it as a usage error. */
export class BadHeader extends Error {}

/** `issues`: the record cannot be read at all; `cellIssues`: CSV cells that could not be read (the rest is still checked). */
interface RawRecord { line: number; value: unknown; issues?: FieldIssue[]; cellIssues?: FieldIssue[]; text?: string }

export async function importItems(options: ImportItemsOptions): Promise<ItemImportSummary> {
  const batchSize = options.batchSize ?? 500;
  const summary: ItemImportSummary = { bytesRead: 0, records: 0, imported: 0, rejected: 0, created: 0, replaced: 0, skipped: 0 };
  const counter = new Transform({ transform(chunk: Buffer, _enc, done) { summary.bytesRead += chunk.length; done(null, chunk); } });
  const counted = options.source.pipe(counter);
  options.source.on('error', (error) => counted.destroy(error));
  const records = options.format === 'csv' ? csvRecords(counted) : ndjsonRecords(counted);
  let pending: Item[] = [];
  let committed = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const outcome = await options.put(pending);
    summary.created += outcome.created;
    summary.replaced += outcome.replaced;
    summary.imported += pending.length;
    pending = [];
    committed = summary.records;
    options.onProgress?.({ ...summary });
  };
  try {
    for await (const record of records) {
      if (options.signal?.aborted) { await flush(); summary.stopped = { cause: 'aborted', afterRecords: committed }; break; }
      summary.records++;
      if (summary.records <= (options.skip ?? 0)) { summary.skipped++; continue; }
      const parsed = record.issues ? { ok: false as const, issues: record.issues } : parseItem(record.value);
      const issues = [...(record.cellIssues ?? []), ...(parsed.ok ? [] : parsed.issues)];
      if (!parsed.ok || issues.length > 0) {
        summary.rejected++;
        await options.onReject?.({ line: record.line, issues, ...(record.text !== undefined ? { text: record.text } : {}) });
        continue;
      }
      pending.push(parsed.item);
      if (pending.length >= batchSize) await flush();
    }
    if (!summary.stopped) await flush();
  } catch (error) {
    if (error instanceof BadHeader) throw error;
    summary.stopped = { cause: 'failed', afterRecords: committed, error };
  }
  options.onProgress?.({ ...summary });
  return summary;
}

async function* ndjsonRecords(stream: Readable): AsyncGenerator<RawRecord> {
  // The event import's splitter: a BOM is dropped, \r\n ends a line, an over-long line is reported by its size only.
  const splitter = new LineSplitter(MAX_RECORD_BYTES);
  const one = (l: SplitLine): RawRecord | null => {
    if ('tooLong' in l) return { line: l.number, value: null, issues: [{ field: '', reason: `the line is ${l.tooLong} bytes, longer than ${MAX_RECORD_BYTES}` }] };
    if (l.text.trim() === '') return null;
    let value: unknown;
    try { value = JSON.parse(l.text); } catch { return { line: l.number, value: null, issues: [{ field: '', reason: 'is not JSON' }], text: l.text }; }
    const problems = jsonProblems(value, { maxDepth: 10, wholeField: '' });
    return problems ? { line: l.number, value, issues: problems, text: l.text } : { line: l.number, value, text: l.text };
  };
  for await (const chunk of stream) {
    for (const l of splitter.push(chunk as Buffer)) { const record = one(l); if (record) yield record; }
  }
  for (const l of splitter.end()) { const record = one(l); if (record) yield record; }
}

async function* csvRecords(stream: Readable): AsyncGenerator<RawRecord> {
  const parser = stream.pipe(parseCsv({
    columns: (header: string[]) => {
      const unknown = header.filter((h) => !(CSV_FIELDS as readonly string[]).includes(h) && !/^properties\.[^.]+$/.test(h));
      if (unknown.length > 0) throw new BadHeader(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((h) => JSON.stringify(h)).join(', ')}; expected ${CSV_FIELDS.join(', ')} or properties.<name>`);
      if (!header.includes('id')) throw new BadHeader('the header has no "id" column');
      return header;
    },
    bom: true, skip_empty_lines: true, info: true, max_record_size: MAX_RECORD_BYTES, relax_column_count: false,
  }));
  stream.on('error', (error) => parser.destroy(error));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const { value, issues } = itemOfCsv(record);
      yield { line: info.lines, value, ...(issues.length > 0 ? { cellIssues: issues } : {}), text: JSON.stringify(record) };
    }
  } catch (error) {
    if (error instanceof BadHeader) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof BadHeader) throw cause;
    throw error;
  }
}

/** A CSV row as an item document; cells that cannot be read are issues, not guesses. */
export function itemOfCsv(row: Record<string, string>): { value: Record<string, unknown>; issues: FieldIssue[] } {
  const value: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  const properties: Record<string, string> = {};
  for (const [column, cell] of Object.entries(row)) {
    if (cell === '') continue;
    if (column.startsWith('properties.')) { properties[column.slice('properties.'.length)] = cell; continue; }
    switch (column) {
      case 'categories': case 'tags': value[column] = cell.split('|').map((s) => s.trim()).filter((s) => s !== ''); break;
      case 'price': {
        if (!/^\d+(\.\d+)?$/.test(cell.trim())) issues.push({ field: 'price', reason: 'must be a decimal number with a point, e.g. 19.90' });
        else value.price = Number(cell.trim());
        break;
      }
      case 'available': {
        const v = cell.trim().toLowerCase();
        if (['true', 'yes', '1'].includes(v)) value.available = true;
        else if (['false', 'no', '0'].includes(v)) value.available = false;
        else issues.push({ field: 'available', reason: 'must be true, false, yes, no, 1 or 0' });
        break;
      }
      default: value[column] = cell;
    }
  }
  if (Object.keys(properties).length > 0) value.properties = properties;
  return { value, issues };
}

/** The format named by a file's extension; undefined when it does not say. */
export function formatOfFile(file: string): ItemFormat | undefined {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(ndjson|jsonl)$/i.test(file)) return 'ndjson';
  return undefined;
}
