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
 * bound. A failed flush is retried submission by submission, so one bad request cannot fail others.
 */
import type { TrackedEvent } from '../core/events/event.js';
import { TesseraError } from '../core/errors.js';
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
  onFlushError?: (error: unknown, events: number) => void;
  /** Told of every flush and refusal (the metrics). */
  observer?: IngestObserver;
}

/** What the queue reports as it works; the metrics implement it. */
export interface IngestObserver {
  /** A flush committed (on disk): what became of its events, and how long it took. */
  flushed(outcome: BatchOutcome, seconds: number): void;
  /** Valid events not taken: the queue was full, closing, or the write failed. */
  refused(reason: 'overloaded' | 'unavailable' | 'failed', events: number): void;
}

interface Submission {
  workspaceId: string;
  events: TrackedEvent[];
  privacy: PrivacyContext;
  resolve: () => void;
  reject: (error: unknown) => void;
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

  /** Resolves once the events are committed; rejects when they were not stored. */
  submit(workspaceId: string, events: TrackedEvent[], privacy: PrivacyContext): Promise<void> {
    if (this.closed) {
      this.options.observer?.refused('unavailable', events.length);
      return Promise.reject(new TesseraError('unavailable', { message: 'The server is shutting down.', retryAfterSeconds: 1 }));
    }
    if (this.pendingEvents > 0 && this.pendingEvents + events.length > this.options.maxPendingEvents) {
      this.options.observer?.refused('overloaded', events.length);
      return Promise.reject(new TesseraError('overloaded', { retryAfterSeconds: 1 }));
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ workspaceId, events, privacy, resolve, reject });
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
    const startedAt = performance.now();
    try {
      const total: BatchOutcome = { stored: 0, duplicates: 0, withheld: 0 };
      await this.store.write(async (tx) => {
        total.stored = total.duplicates = total.withheld = 0; // a retried transaction counts once
        for (const group of groupByWorkspace(submissions)) {
          const outcome = await this.processBatch(tx, group.workspaceId, group.events, group.privacy);
          total.stored += outcome.stored;
          total.duplicates += outcome.duplicates;
          total.withheld += outcome.withheld;
        }
      });
      this.options.observer?.flushed(total, (performance.now() - startedAt) / 1000);
      for (const s of submissions) s.resolve();
    } catch (error) {
      if (submissions.length > 1) {
        for (const s of submissions) await this.flush([s]);
        return;
      }
      const events = submissions[0]?.events.length ?? 0;
      this.options.onFlushError?.(error, events);
      this.options.observer?.refused('failed', events);
      submissions[0]?.reject(error instanceof TesseraError ? error : new TesseraError('unavailable', { message: 'The events could not be stored; retry.', retryAfterSeconds: 1 }));
    }
  }
}

function groupByWorkspace(submissions: Submission[]): Array<{ workspaceId: string; events: TrackedEvent[]; privacy: PrivacyContext }> {
  const groups = new Map<string, { workspaceId: string; events: TrackedEvent[]; privacy: PrivacyContext }>();
  for (const s of submissions) {
    const group = groups.get(s.workspaceId);
    if (group) for (const e of s.events) group.events.push(e);
    else groups.set(s.workspaceId, { workspaceId: s.workspaceId, events: [...s.events], privacy: s.privacy });
  }
  return [...groups.values()];
}
