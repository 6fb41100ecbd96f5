/**
 * Bulk import of Segment-format events from NDJSON: one JSON object per line, each naming its own
 * `type` like a batch item. The job behind `tessera import`, independent of the CLI.
 *
 * Contract:
 * - The source is read as a stream. Memory is bounded by `batchSize` events and `maxInFlight`
 *   chunks awaiting commit, never by the size of the file.
 * - Each line passes the same validation as the HTTP API (`IngestService.validate`); the valid
 *   events go to the ingest queue in chunks of `batchSize`, and count as accepted once committed.
 * - Blank lines are ignored. A line that is longer than the event size limit (it is not parsed and
 *   its bytes are not kept), is not JSON, holds what a request body may not (a `__proto__` key, a
 *   number beyond the range of a double) or fails validation is rejected with its 1-based line
 *   number and its reasons; the other lines are still imported.
 * - Running an import twice is harmless: the queue skips events whose messageId is already stored.
 *   A line without a messageId gets one derived from its text (`import-<sha256>`) so that it is
 *   skipped too; two identical lines without a messageId are therefore one event.
 * - Time: an imported event keeps its own timestamp. The API corrects client clock skew against
 *   the receive time (timestamp = receivedAt − (sentAt − timestamp)); against the import time that
 *   would move historical events to today, so imports make no correction. The stored receivedAt is
 *   the line's own `receivedAt` when it has one (Segment's exports do), else the time of the
 *   import. Otherwise the rules of every client time apply (core/events/event-time.ts): times
 *   between 1970 and 2100, a timestamp after receivedAt (beyond the tolerance) clamped to it; and a
 *   line's receivedAt may not be later than the import.
 * - A failed commit stops the import and is reported in the summary; what was committed stays,
 *   and running the import again continues where it stopped.
 */
import { createHash } from 'node:crypto';
import type { TrackedEvent } from '../core/events/event.js';
import { EVENT_LIMITS } from '../core/events/limits.js';
import { jsonProblems } from '../core/json-problems.js';
import { FUTURE_TOLERANCE_MS, readClientTime } from '../core/events/event-time.js';
import type { WorkspaceIngest } from './ingest-service.js';
import type { SubmitResult } from './ingest-queue.js';

export interface LineIssue {
  /** The offending field (`userId`, `context.page`), or '' for the line as a whole. */
  field: string;
  reason: string;
}

export interface RejectedLine {
  line: number;
  issues: LineIssue[];
  /** The line as read; absent when it was too long to keep. */
  text?: string;
  bytes: number;
}

export interface ImportProgress {
  /** Bytes of the source consumed so far. */
  bytesRead: number;
  lines: number;
  accepted: number;
  rejected: number;
}

export interface ReasonCount {
  /** `field: reason`, with quoted values replaced by "…" so that lines group by kind of problem. */
  reason: string;
  lines: number;
  /** The first line numbers with this reason, at most `lineExamples`. */
  firstLines: number[];
}

export interface ImportSummary extends ImportProgress {
  blank: number;
  /** Accepted events that were new: stored by this import. */
  stored: number;
  /** Accepted events whose messageId was stored already (a re-import), not stored twice. */
  duplicates: number;
  /** Accepted events that failed by themselves and were kept as dead letters. */
  deadLettered: number;
  /** Most frequent first. */
  reasons: ReasonCount[];
  /** Set when the import ended before the end of the source. */
  stopped?: { cause: 'aborted' } | { cause: 'failed'; error: unknown };
}

export interface ImportNdjsonOptions {
  source: AsyncIterable<Uint8Array | string>;
  workspaceId: string;
  ingest: Pick<WorkspaceIngest, 'validate'>;
  /** Commits events; the ingest queue's `submit`, which says how many were stored already or dead-lettered. */
  submit: (workspaceId: string, events: TrackedEvent[]) => Promise<Partial<SubmitResult> | void>;
  /** Valid events per submission (default 1000). */
  batchSize?: number;
  /** Submissions awaiting commit before reading pauses (default 4). */
  maxInFlight?: number;
  now?: () => number;
  /** Called after each piece of the source is handled. */
  onProgress?: (progress: ImportProgress) => void;
  /** Called for every rejected line; a returned promise is awaited (backpressure of a rejects file). */
  onReject?: (rejected: RejectedLine) => void | Promise<void>;
  signal?: AbortSignal;
  /** Line numbers kept per reason (default 5). */
  lineExamples?: number;
}

/** Distinct reasons kept; further ones are counted under one "other reasons" entry. */
const MAX_REASONS = 100;
const OTHER_REASONS = 'other reasons';

export async function importNdjson(options: ImportNdjsonOptions): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 1000;
  const maxInFlight = options.maxInFlight ?? 4;
  const now = options.now ?? Date.now;
  const examples = options.lineExamples ?? 5;
  const splitter = new LineSplitter(EVENT_LIMITS.maxEventBytes);
  const progress: ImportProgress = { bytesRead: 0, lines: 0, accepted: 0, rejected: 0 };
  let blank = 0;
  let duplicates = 0;
  let deadLettered = 0;
  const reasons = new Map<string, ReasonCount>();
  let events: TrackedEvent[] = [];
  const inFlight: Array<Promise<void>> = [];
  let failure: { error: unknown } | null = null;

  const reject = async (rejected: RejectedLine) => {
    progress.rejected += 1;
    for (const key of new Set(rejected.issues.map(reasonKey))) {
      let group = reasons.get(key);
      if (!group) {
        const name = reasons.size < MAX_REASONS ? key : OTHER_REASONS;
        group = reasons.get(name) ?? { reason: name, lines: 0, firstLines: [] };
        reasons.set(name, group);
      }
      group.lines += 1;
      if (group.firstLines.length < examples) group.firstLines.push(rejected.line);
    }
    const pending = options.onReject?.(rejected);
    if (pending) await pending;
  };

  const submit = async () => {
    const chunk = events;
    events = [];
    const committed = options.submit(options.workspaceId, chunk).then(
      (result) => {
        progress.accepted += chunk.length;
        duplicates += result?.duplicates ?? 0;
        deadLettered += result?.deadLettered ?? 0;
      },
      (error: unknown) => { failure ??= { error }; },
    );
    inFlight.push(committed);
    while (inFlight.length >= maxInFlight) await inFlight.shift();
  };

  const handle = async (line: SplitLine) => {
    progress.lines += 1;
    if ('tooLong' in line) {
      await reject({ line: line.number, bytes: line.tooLong, issues: [{ field: '', reason: `longer than ${EVENT_LIMITS.maxEventBytes} bytes, the limit for one event` }] });
      return;
    }
    if (line.text.trim() === '') { blank += 1; return; }
    const outcome = toEvent(line.text, options, now);
    if ('issues' in outcome) {
      await reject({ line: line.number, bytes: Buffer.byteLength(line.text), text: line.text, issues: outcome.issues });
      return;
    }
    events.push(outcome.event);
    if (events.length >= batchSize) await submit();
  };

  let stoppedEarly = false;
  for await (const piece of options.source) {
    for (const line of splitter.push(piece)) await handle(line);
    progress.bytesRead = splitter.bytes;
    options.onProgress?.({ ...progress });
    if (failure || options.signal?.aborted) { stoppedEarly = true; break; }
  }
  if (!stoppedEarly) for (const line of splitter.end()) await handle(line);
  if (events.length > 0 && !failure) await submit();
  await Promise.all(inFlight);
  options.onProgress?.({ ...progress });

  const stored = progress.accepted - duplicates - deadLettered;
  const summary: ImportSummary = { ...progress, blank, stored, duplicates, deadLettered, reasons: [...reasons.values()].sort((a, b) => b.lines - a.lines) };
  const failed = failure as { error: unknown } | null;
  if (failed) summary.stopped = { cause: 'failed', error: failed.error };
  else if (stoppedEarly) summary.stopped = { cause: 'aborted' };
  return summary;
}

/** Parses and validates one line; the event as it will be stored, or the reasons it is refused. */
function toEvent(text: string, options: ImportNdjsonOptions, now: () => number): { event: TrackedEvent } | { issues: LineIssue[] } {
  let item: unknown;
  try {
    item = JSON.parse(text);
  } catch (error) {
    return { issues: [{ field: '', reason: error instanceof RangeError ? 'nests too deeply' : 'is not valid JSON' }] };
  }
  // As for a request body: refused, not silently changed (1e400 stored as null) or dropped (__proto__).
  const problems = jsonProblems(item, { maxDepth: EVENT_LIMITS.maxDepth, wholeField: '' });
  if (problems !== null) return { issues: problems };
  const importedAt = now();
  let receivedAt = importedAt;
  const issues: LineIssue[] = [];
  if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
    const fields = item as Record<string, unknown>;
    fields.messageId ??= `import-${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;
    // A Segment export's own receive time, under the rules of every client time (event-time.ts),
    // and not after the import: the events' timestamps are clamped to it.
    if (fields.receivedAt != null) {
      const given = readClientTime(fields.receivedAt);
      if (typeof given === 'string') issues.push({ field: 'receivedAt', reason: given });
      else if (given > importedAt + FUTURE_TOLERANCE_MS) issues.push({ field: 'receivedAt', reason: 'is later than the time of the import' });
      else receivedAt = given;
    }
  }
  const validated = options.ingest.validate({ workspaceId: options.workspaceId, items: [item], receivedAt, correctSkew: false });
  issues.push(...validated.issues.map((i) => ({ field: i.field.replace(/^batch\[\d+\]\.?/, ''), reason: i.reason })));
  const event = validated.events[0];
  if (issues.length > 0 || !event) return { issues };
  return { event };
}

/** Groups issues by kind: `anonymousId: "null" is not usable` and `… "undefined" …` are one reason. */
export function reasonKey(issue: LineIssue): string {
  const reason = issue.reason.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
  return issue.field ? `${issue.field}: ${reason}` : reason;
}

export type SplitLine = { number: number; text: string } | { number: number; tooLong: number };

/**
 * Splits a byte stream into lines on `\n` (a `\r` before it is dropped, as is a UTF-8 byte order
 * mark at the start). A line longer than `maxLineBytes` is reported by its length only: its bytes
 * are dropped as they arrive, so one endless line cannot exhaust memory. Splitting bytes before
 * decoding is safe because 0x0A never occurs inside a multi-byte UTF-8 character.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private tooLong = false;
  private count = 0;
  /** Bytes pushed so far. */
  bytes = 0;

  constructor(private readonly maxLineBytes: number) {}

  push(piece: Uint8Array | string): SplitLine[] {
    const buffer = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    this.bytes += buffer.length;
    const lines: SplitLine[] = [];
    let start = 0;
    for (let newline = buffer.indexOf(10, start); newline !== -1; newline = buffer.indexOf(10, start)) {
      this.take(buffer.subarray(start, newline));
      lines.push(this.finish());
      start = newline + 1;
    }
    if (start < buffer.length) this.take(buffer.subarray(start));
    return lines;
  }

  /** The last line when the source does not end with a newline. */
  end(): SplitLine[] {
    return this.partBytes > 0 ? [this.finish()] : [];
  }

  private take(segment: Buffer): void {
    this.partBytes += segment.length;
    if (this.tooLong) return;
    if (this.partBytes > this.maxLineBytes + 1) { // + 1: room for a `\r` before the newline
      this.tooLong = true;
      this.parts = [];
    } else if (segment.length > 0) {
      this.parts.push(segment);
    }
  }

  private finish(): SplitLine {
    this.count += 1;
    const number = this.count;
    const bytes = this.partBytes;
    const tooLong = this.tooLong;
    const joined = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    this.partBytes = 0;
    this.tooLong = false;
    const carriageReturn = joined.length > 0 && joined[joined.length - 1] === 13 ? 1 : 0;
    if (tooLong || bytes - carriageReturn > this.maxLineBytes) return { number, tooLong: bytes };
    const text = joined.toString('utf8', 0, joined.length - carriageReturn);
    return { number, text: number === 1 && text.startsWith('\uFEFF') ? text.slice(1) : text };
  }
}
