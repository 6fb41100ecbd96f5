/**
 * The front door of ingestion, shared by the HTTP API and `tessera import`: validates a request's
 * events as a whole (a batch is all or nothing, with every item's problems listed), then waits until
 * the queue has committed them.
 */
import type { EventType } from '../core/events/event.js';
import { EVENT_LIMITS } from '../core/events/limits.js';
import { validateEvent, type EventDefaults } from '../core/events/validate-event.js';
import { TesseraError, type FieldIssue } from '../core/errors.js';
import type { IdentityGuard } from '../core/identity/identity-key.js';
import type { TrackedEvent } from '../core/events/event.js';
import type { IngestQueue } from './ingest-queue.js';

export interface IngestServiceDeps {
  queue: IngestQueue;
  guard: IdentityGuard;
  now: () => number;
  newMessageId: () => string;
}

export interface AcceptRequest {
  workspaceId: string;
  /** One event for the single-event endpoints, the `batch` array otherwise. */
  items: unknown[];
  /** Set by single-event endpoints; batch items carry their own `type`. */
  impliedType?: EventType;
  defaults?: EventDefaults;
  receivedAt?: number;
}

export interface IngestService {
  /** Validates and stores; resolves with the number of events accepted. Throws TesseraError. */
  accept(request: AcceptRequest): Promise<number>;
  /** Validates only. */
  validate(request: AcceptRequest): { events: TrackedEvent[]; issues: FieldIssue[] };
}

export function createIngestService(deps: IngestServiceDeps): IngestService {
  const validate = (request: AcceptRequest) => {
    const receivedAt = request.receivedAt ?? deps.now();
    const isBatch = request.impliedType === undefined;
    const events: TrackedEvent[] = [];
    const issues: FieldIssue[] = [];
    request.items.forEach((item, i) => {
      const result = validateEvent(item, {
        workspaceId: request.workspaceId, receivedAt, guard: deps.guard, newMessageId: deps.newMessageId,
        ...(request.impliedType ? { impliedType: request.impliedType } : {}),
        ...(request.defaults ? { defaults: request.defaults } : {}),
        ...(isBatch ? { fieldPrefix: `batch[${i}].` } : {}),
      });
      if (result.ok) events.push(result.event);
      else issues.push(...result.issues);
    });
    return { events, issues };
  };

  return {
    validate,
    async accept(request) {
      if (request.items.length > EVENT_LIMITS.maxBatchItems) {
        throw new TesseraError('invalid_batch', { issues: [{ field: 'batch', reason: `holds ${request.items.length} events; the limit is ${EVENT_LIMITS.maxBatchItems}` }] });
      }
      const { events, issues } = validate(request);
      if (issues.length > 0) throw new TesseraError(request.impliedType ? 'invalid_event' : 'invalid_batch', { issues: issues.slice(0, 100) });
      if (events.length > 0) await deps.queue.submit(request.workspaceId, events);
      return events.length;
    },
  };
}
