/**
 * Group commit. Requests submit validated events and wait; the queue writes whatever has
 * accumulated in one transaction and then answers every waiting request. An event is acknowledged
 * only after the transaction holding it has committed and the commit is on disk (the store's
 * `write` resolves then), so a 2xx answer means it is stored.
 *
 * Batching adapts to load: a flush starts in the turn of the event loop after a submission, and
 * while `maxInFlight` flushes are under way (committing, or waiting for their commit to reach the
 * disk) new submissions collect for the next one. When more than `maxPendingEvents` wait,
 * submissions are refused as `overloaded` (HTTP 429 with Retry-After) instead of queueing without
 * bound.
 *
 * A failed flush (see failure-kind.ts):
 * - a systemic failure (database busy or unreachable, disk full) fails every request in it: 503
 *   with Retry-After, nothing stored by that write;
 * - a catalogue error (TesseraError) belongs to one request: the flush is split until that request
 *   is alone, which gets the error; the others commit;
 * - any other error may be one poison event: the flush is split in halves, and a request's events
 *   in halves, until the event that fails alone is found. It is written to the dead letters
 *   (durably) and its request is acknowledged with the count, the rest of its events stored. So
 *   nothing acknowledged is lost and no event makes its client retry forever. Halving costs about
 *   2·log2(n) extra transactions per poison event, instead of one per request.
 * Happy path: one transaction per flush, nothing more.
 */
import type { TrackedEvent } from '../core/events/event.js';
import { isTesseraError, TesseraError } from '../core/errors.js';
import { isSystemicFailure } from './failure-kind.js';
import type { Store } from '../ports/store.js';
import type { BatchOutcome, ProcessBatch } from './process-batch.js';
import type { PrivacyContext } from '../privacy/privacy-context.js';

export interface IngestQueueOptions {
  /** Events written in one transaction at most (a single larger submission still goes whole). */
  maxBatchEvents: number;
  /** Events allowed to wait; beyond it submissions are refused as overloaded. */
  maxPendingEvents: number;
  /** Flushes under way at once (one holds the writer, the others wait for their commit to reach the disk). */
  maxInFlight: number;
  /** A write failed and `events` were refused (logged by the composition). */
  onFlushError?: (error: unknown, events: number) => void;
  /**
   * Keeps an event that failed alone (a dead letter); resolves once it is on disk. Without it, such
   * an event fails its request like a systemic failure.
   */
  deadLetter?: (workspaceId: string, event: TrackedEvent, error: unknown) => Promise<void>;
  /** Told of every flush and refusal (the metrics). */
  observer?: IngestObserver;
  /**
   * Told, after a transaction committed, of each workspace's events in it (duplicates included) and what the
   * pipeline made of them: workers fed by ingest (slot experiment exposures, decisions/record-slot-exposures.ts;
   * the web-analytics rollups, analytics/rollup-worker.ts; the items whose co-occurrence or popularity changed,
   * for the recommendation serving index). Must return at once and not throw.
   */
  onCommitted?: (workspaceId: string, events: readonly TrackedEvent[], outcome: BatchOutcome) => void;
  /** Told, before a transaction, of each workspace's events it will write (the rollup worker's `expect`). Must return at once and not throw. */
  onCommitting?: (workspaceId: string, events: readonly TrackedEvent[]) => void;
}

/** What became of a submission's events besides being stored. */
export interface SubmitResult {
  /** Events that failed alone and were kept as dead letters instead (0 almost always). */
  deadLettered: number;
  /** Events not stored because their messageId was stored already (a retry, a re-import). */
  duplicates: number;
}

export interface SubmitOptions {
  /**
   * Dead-letter an event that fails alone (default true). False for the retry of a dead letter:
   * the failure is reported to the caller, whose letter stays (with one more attempt).
   */
  deadLetter?: boolean;
}

/** What the queue reports as it works; the metrics implement it. */
export interface IngestObserver {
  /** A flush committed (on disk): what became of its events, and how long it took. */
  flushed(outcome: BatchOutcome, seconds: number): void;
  /** Valid events not taken: the queue was full, closing, or the write failed. */
  refused(reason: 'overloaded' | 'unavailable' | 'failed', events: number): void;
  /** Events that failed alone and were kept as dead letters (their requests were acknowledged). */
  deadLettered(events: number): void;
}

interface Submission {
  workspaceId: string;
  events: TrackedEvent[];
  privacy: PrivacyContext;
  deadLetter: boolean;
  resolve: (result: SubmitResult) => void;
  reject: (error: unknown) => void;
  /** Set while a failed flush is isolated: the error the request gets, or the dead letters it had. */
  failure?: unknown;
  deadLettered: number;
  duplicates: number;
}

/** Some events of one submission: a failed flush is split into parts until the failure is alone. */
interface Part {
  submission: Submission;
  events: TrackedEvent[];
}

export class IngestQueue {
  private pending: Submission[] = [];
  private pendingEvents = 0;
  private inFlight = 0;
  private scheduled = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly store: Store,
    private readonly processBatch: ProcessBatch,
    private readonly options: IngestQueueOptions,
  ) {}

  /**
   * Resolves once every event is committed or kept as a dead letter (both on disk); rejects when
   * they were not stored (a TesseraError: 429/503 with Retry-After, or the catalogue error).
   */
  submit(workspaceId: string, events: TrackedEvent[], privacy: PrivacyContext, options: SubmitOptions = {}): Promise<SubmitResult> {
    if (this.closed) {
      this.options.observer?.refused('unavailable', events.length);
      return Promise.reject(new TesseraError('unavailable', { message: 'The server is shutting down.', retryAfterSeconds: 1 }));
    }
    if (this.pendingEvents > 0 && this.pendingEvents + events.length > this.options.maxPendingEvents) {
      this.options.observer?.refused('overloaded', events.length);
      return Promise.reject(new TesseraError('overloaded', { retryAfterSeconds: 1 }));
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ workspaceId, events, privacy, deadLetter: options.deadLetter ?? true, resolve, reject, deadLettered: 0, duplicates: 0 });
      this.pendingEvents += events.length;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => { this.scheduled = false; this.pump(); });
      }
    });
  }

  /** Events waiting to be written or being written. */
  get depth(): number {
    return this.pendingEvents;
  }

  /** Refuses new submissions and resolves when everything accepted so far is written. */
  close(): Promise<void> {
    this.closed = true;
    if (this.pendingEvents === 0 && this.inFlight === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Starts flushes while fewer than `maxInFlight` run. A flush holds the store's writer only for
   * its transaction; waiting for the commit to reach the disk overlaps with the next flush.
   */
  private pump(): void {
    while (this.pending.length > 0 && this.inFlight < this.options.maxInFlight) {
      const take: Submission[] = [];
      let count = 0;
      while (this.pending.length > 0 && (take.length === 0 || count + this.pending[0]!.events.length <= this.options.maxBatchEvents)) {
        const next = this.pending.shift()!;
        take.push(next);
        count += next.events.length;
      }
      this.inFlight++;
      void this.flush(take).finally(() => {
        this.inFlight--;
        this.pendingEvents -= count;
        this.pump();
        if (this.pendingEvents === 0 && this.inFlight === 0) for (const done of this.idleWaiters.splice(0)) done();
      });
    }
  }

  private async flush(submissions: Submission[]): Promise<void> {
    try {
      await this.commitOrIsolate(submissions.map((submission) => ({ submission, events: submission.events })));
    } catch (error) {
      // A bug in the isolation itself (or in a reporter): no request may be left waiting.
      const answer = new TesseraError('unavailable', { message: 'The events could not be stored; retry.', retryAfterSeconds: 1, cause: error });
      for (const s of submissions) s.failure ??= answer;
    }
    for (const s of submissions) {
      if (s.failure === undefined) s.resolve({ deadLettered: s.deadLettered, duplicates: s.duplicates });
      else s.reject(s.failure);
    }
  }

  /** Commits the parts in one transaction; on failure, isolates it as the header says. */
  private async commitOrIsolate(parts: Part[]): Promise<void> {
    const live = parts.filter((p) => p.submission.failure === undefined);
    if (live.length === 0) return;
    try {
      await this.commit(live);
      return;
    } catch (error) {
      const systemic = isSystemicFailure(error);
      if (systemic || (isTesseraError(error) && live.length === 1)) return this.fail(live, error);
      if (live.length > 1) {
        const half = Math.ceil(live.length / 2);
        await this.commitOrIsolate(live.slice(0, half));
        await this.commitOrIsolate(live.slice(half));
        return;
      }
      const part = live[0]!;
      if (part.events.length > 1) {
        const half = Math.ceil(part.events.length / 2);
        await this.commitOrIsolate([{ submission: part.submission, events: part.events.slice(0, half) }]);
        await this.commitOrIsolate([{ submission: part.submission, events: part.events.slice(half) }]);
        return;
      }
      await this.keepDeadLetter(part, error);
    }
  }

  private async commit(parts: Part[]): Promise<void> {
    const startedAt = performance.now();
    const total: BatchOutcome = { stored: 0, duplicates: 0, withheld: 0 };
    let duplicateEvents: TrackedEvent[] = [];
    const groups = groupByWorkspace(parts);
    let outcomes: BatchOutcome[] = [];
    if (this.options.onCommitting) for (const group of groups) this.options.onCommitting(group.workspaceId, group.events);
    await this.store.write(async (tx) => {
      total.stored = total.duplicates = total.withheld = 0; // a retried transaction counts once
      duplicateEvents = [];
      outcomes = [];
      for (const group of groups) {
        const outcome = await this.processBatch(tx, group.workspaceId, group.events, group.privacy);
        outcomes.push(outcome);
        total.stored += outcome.stored;
        total.duplicates += outcome.duplicates;
        total.withheld += outcome.withheld;
        if (outcome.duplicateEvents) duplicateEvents.push(...outcome.duplicateEvents);
      }
    });
    if (duplicateEvents.length > 0) {
      const dropped = new Set(duplicateEvents);
      for (const part of parts) for (const event of part.events) if (dropped.has(event)) part.submission.duplicates++;
    }
    this.options.observer?.flushed(total, (performance.now() - startedAt) / 1000);
    if (this.options.onCommitted) groups.forEach((group, i) => this.options.onCommitted!(group.workspaceId, group.events, outcomes[i]!));
  }

  /** The event failed alone: keep it as a dead letter, or fail its request when that is not possible. */
  private async keepDeadLetter(part: Part, error: unknown): Promise<void> {
    const event = part.events[0]!;
    if (!part.submission.deadLetter || !this.options.deadLetter) return this.fail([part], error);
    try {
      await this.options.deadLetter(part.submission.workspaceId, event, error);
    } catch (letterError) {
      return this.fail([part], letterError);
    }
    part.submission.deadLettered++;
    this.options.observer?.deadLettered(1);
  }

  /** The parts' requests are answered with the error (catalogue) or 503 with Retry-After. */
  private fail(parts: Part[], error: unknown): void {
    const events = parts.reduce((n, p) => n + p.events.length, 0);
    this.options.onFlushError?.(error, events);
    this.options.observer?.refused('failed', events);
    const answer = isTesseraError(error) ? error : new TesseraError('unavailable', { message: 'The events could not be stored; retry.', retryAfterSeconds: 1, cause: error });
    for (const p of parts) p.submission.failure ??= answer;
  }
}

function groupByWorkspace(parts: Part[]): Array<{ workspaceId: string; events: TrackedEvent[]; privacy: PrivacyContext }> {
  const groups = new Map<string, { workspaceId: string; events: TrackedEvent[]; privacy: PrivacyContext }>();
  for (const { submission: s, events } of parts) {
    const group = groups.get(s.workspaceId);
    if (group) for (const e of events) group.events.push(e);
    else groups.set(s.workspaceId, { workspaceId: s.workspaceId, events: [...events], privacy: s.privacy });
  }
  return [...groups.values()];
}
