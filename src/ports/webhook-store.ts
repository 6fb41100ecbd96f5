/**
 * Webhooks and their deliveries (the outbox). Delivery rows are written by ingest in the same
 * transaction as the change they announce (ChangeSet.deliveries), so a change is never committed
 * without its deliveries nor announced without being committed. A worker claims due rows with a
 * lease, so that two servers never send one attempt twice at the same moment, and a worker that
 * dies mid-attempt leaves a row that becomes due again when its lease runs out (at-least-once:
 * receivers dedupe by the delivery id).
 */
import type { EpochMs } from '../core/time.js';
import type { Webhook, WebhookEvent, WebhookMessage } from '../core/webhooks/webhook.js';

/** `suppressed`: a message webhook's delivery that a frequency cap stopped (never sent; its log says why). */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'suppressed';

export interface DeliveryAttempt {
  at: EpochMs;
  /** HTTP status of the answer; null when there was none (timeout, refused connection). */
  status: number | null;
  /** Why it failed; null when it succeeded. */
  error: string | null;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  workspaceId: string;
  webhookId: string;
  /** The profile the change is about (erasure deletes its deliveries). */
  profileId: string;
  event: WebhookEvent;
  /** The exact body sent (and signed). */
  payload: string;
  status: DeliveryStatus;
  /** Attempts since the delivery was created or last redelivered. */
  attempts: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: EpochMs | null;
  createdAt: EpochMs;
  deliveredAt: EpochMs | null;
  /** Every attempt, oldest first (bounded by the retry policy and redeliveries). */
  log: DeliveryAttempt[];
}

/** A claimed delivery with what the worker needs to send it. */
export interface ClaimedDelivery extends WebhookDelivery {
  url: string;
  secret: string;
  /** The webhook's message setting (null: not a message): the worker applies the timing policy. */
  message: WebhookMessage | null;
  /** The lease token; `finish` only applies while the lease is this worker's. */
  lease: string;
}

export interface DeliveryOutcome {
  attempt: DeliveryAttempt;
  status: DeliveryStatus;
  /** Pending: when to try again. */
  nextAttemptAt: EpochMs | null;
}

export interface WebhookStore {
  create(webhook: Webhook): Promise<void>;
  get(workspaceId: string, id: string): Promise<Webhook | null>;
  /** Oldest first. */
  list(workspaceId: string): Promise<Webhook[]>;
  /** Replaces the webhook's settings and secret; false when it does not exist. */
  update(webhook: Webhook): Promise<boolean>;
  /** Deletes the webhook and its deliveries; false when it did not exist. */
  delete(workspaceId: string, id: string): Promise<boolean>;
  /**
   * Claims up to `limit` pending deliveries due at `now` (oldest due first) whose lease is free or
   * expired, and leases them to `lease` until `now + leaseMs`. Deliveries of deleted or inactive
   * webhooks are not claimed. Safe with concurrent claimers (another server): each row goes to one.
   */
  claim(options: { now: EpochMs; limit: number; leaseMs: number; lease: string }): Promise<ClaimedDelivery[]>;
  /** Records an attempt and the new status; false (nothing written) when the lease was lost. */
  finish(id: string, lease: string, outcome: DeliveryOutcome): Promise<boolean>;
  /**
   * Puts a claimed delivery back, due at `at`, without counting an attempt (a message waiting for
   * the end of quiet hours); false (nothing written) when the lease was lost.
   */
  defer(id: string, lease: string, at: EpochMs): Promise<boolean>;
  /** The earliest moment a pending delivery becomes due (its next attempt or its lease's end), or null. */
  nextDueAt(): Promise<EpochMs | null>;
  /** A webhook's deliveries, newest first. */
  deliveries(workspaceId: string, webhookId: string, options: { limit: number; cursor?: string; status?: DeliveryStatus }): Promise<{ deliveries: WebhookDelivery[]; nextCursor: string | null }>;
  delivery(workspaceId: string, id: string): Promise<WebhookDelivery | null>;
  /** Makes a delivery pending again, due at `at`, with a fresh count of attempts; false when unknown. */
  redeliver(workspaceId: string, id: string, at: EpochMs): Promise<boolean>;
  /**
   * Retention of the delivery log: deletes up to `limit` delivered, dead or suppressed deliveries created, and
   * delivered, before `before`, in any workspace; returns how many. Pending ones stay.
   */
  purgeFinished(before: EpochMs, limit: number): Promise<number>;
  /** The deliveries about these profiles (export). */
  deliveriesOf(workspaceId: string, profileIds: readonly string[]): Promise<WebhookDelivery[]>;
}
