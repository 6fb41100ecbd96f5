/**
 * The webhook delivery worker, started with the server. It sleeps until the earliest due delivery
 * (at most `pollMs`, so that deliveries written by another server are found too), claims due rows
 * with a lease, sends them concurrently (up to `batchSize` attempts in flight), and records each
 * attempt: delivered, due again after an exponential, jittered delay (core/webhooks/backoff.ts),
 * or dead after the last attempt.
 *
 * At-least-once: a delivery is marked delivered only after the receiver answered 2xx; a server
 * that stops or dies mid-attempt leaves the row leased, and it becomes due again when the lease
 * runs out (the receiver may then see it twice and dedupes by Tessera-Delivery-Id). `stop` waits
 * for the attempts under way. Once an hour it deletes finished deliveries past `logRetentionMs`.
 *
 * Message webhooks (core/webhooks/webhook.ts `message`) obey the workspace's timing policy for
 * messages before each attempt (core/decisions/message-timing.ts): in quiet hours the delivery is
 * put back, due when they end (no attempt counted); over a frequency cap it is `suppressed` with
 * the reason in its log (never sent, counts nothing); once delivered it counts as the person's
 * exposure (global cap and the message's tags), shared with slots. The person's time zone is the
 * workspace's: profiles keep no time zone of their own.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DEFAULT_DECISION_SETTINGS } from '../core/decisions/decision-settings.js';
import { checkMessageTiming, recordMessage } from '../core/decisions/message-timing.js';
import { retryDelay, type BackoffPolicy } from '../core/webhooks/backoff.js';
import { SUPPRESSED_PREFIX } from '../core/webhooks/delivery-error.js';
import type { WebhookTargetPolicy } from '../core/webhooks/webhook-target.js';
import type { Store } from '../ports/store.js';
import type { ClaimedDelivery } from '../ports/webhook-store.js';
import { createDeliverySender, type ResolveHost } from './send-delivery.js';

const PURGE_CHUNK = 1000;

export interface DeliveryWorkerOptions {
  store: Store;
  logger: Logger;
  now: () => number;
  policy: BackoffPolicy;
  timeoutMs: number;
  /** Where deliveries may go: internal addresses are refused when connecting, after resolution. */
  targets: WebhookTargetPolicy;
  /** Resolves receivers' host names (default: the system resolver; tests inject one). */
  resolve?: ResolveHost;
  /** Longest sleep between two looks at the outbox (default 1 s). */
  pollMs?: number;
  /** Deliveries claimed (and sent concurrently) at once (default 16). */
  batchSize?: number;
  random?: () => number;
  /** Delivered and dead deliveries are deleted this long after they were created (default 30 days). */
  logRetentionMs?: number;
  /** Told of every recorded attempt (the metrics): delivered, due again, or dead. */
  onAttempt?: (outcome: 'delivered' | 'retry' | 'dead', seconds: number) => void;
}

export interface DeliveryWorker {
  /** Look at the outbox now (e.g. after a redeliver). */
  poke(): void;
  stop(): Promise<void>;
}

export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { store, logger, now, policy } = options;
  const pollMs = options.pollMs ?? 1_000;
  const batchSize = options.batchSize ?? 16;
  const random = options.random ?? Math.random;
  // The lease outlives the longest attempt, so a live worker never loses a row it is sending.
  const leaseMs = options.timeoutMs + 30_000;
  const worker = `w_${randomUUID()}`;
  const logRetentionMs = options.logRetentionMs ?? 30 * 86_400_000;
  let purgedAt = 0;
  // The delivery log is kept for a while, then deleted: it names people (payloads).
  const purge = async () => {
    if (now() - purgedAt < 3_600_000) return;
    purgedAt = now();
    let deleted = 0;
    for (let n = PURGE_CHUNK; n === PURGE_CHUNK && !stopped;) deleted += (n = await store.webhooks.purgeFinished(now() - logRetentionMs, PURGE_CHUNK));
    if (deleted > 0) logger.info({ deleted }, 'old webhook deliveries deleted');
  };
  let stopped = false;
  let wake: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    wake = resolve;
    timer = setTimeout(resolve, Math.max(0, ms));
  }).finally(() => { wake = null; if (timer) clearTimeout(timer); });

  const send = createDeliverySender({ now, timeoutMs: options.timeoutMs, targets: options.targets, ...(options.resolve ? { resolve: options.resolve } : {}) });
  // The timing policy of a message delivery: true when it may be sent now (else it was put back or suppressed).
  const timingAllows = async (delivery: ClaimedDelivery): Promise<boolean> => {
    const { message } = delivery;
    if (!message) return true;
    const [settings, counters] = await Promise.all([
      store.decisions.getSettings(delivery.workspaceId),
      store.decisions.getCounters(delivery.workspaceId, delivery.profileId),
    ]);
    const at = now();
    const verdict = checkMessageTiming({ tags: message.tags, counters, settings: settings ?? DEFAULT_DECISION_SETTINGS, timezone: undefined, now: at });
    if (verdict.action === 'send') return true;
    const log = { deliveryId: delivery.id, webhookId: delivery.webhookId, reason: verdict.reason };
    if (verdict.action === 'wait') {
      if (await store.webhooks.defer(delivery.id, delivery.lease, verdict.until)) logger.info({ ...log, due: new Date(verdict.until).toISOString() }, 'message webhook delivery waits for the end of quiet hours');
      return false;
    }
    const kept = await store.webhooks.finish(delivery.id, delivery.lease, { attempt: { at, status: null, error: `${SUPPRESSED_PREFIX}${verdict.reason}`, durationMs: 0 }, status: 'suppressed', nextAttemptAt: null });
    if (kept) logger.info(log, 'message webhook delivery suppressed by a frequency cap');
    return false;
  };

  // A delivered message counts as the person's exposure (read, add, write: a Slot Viewed of the
  // same person ingested in between may be lost; the counters are a cap's estimate, not a ledger).
  const countMessage = async (delivery: ClaimedDelivery, at: number) => {
    if (!delivery.message) return;
    const counters = await store.decisions.getCounters(delivery.workspaceId, delivery.profileId);
    await store.decisions.putCounters(delivery.workspaceId, { profileId: delivery.profileId, counters: recordMessage(counters, delivery.message.tags, at), updatedAt: at });
  };

  const attempt = async (delivery: ClaimedDelivery) => {
    if (!(await timingAllows(delivery))) return;
    const { attempt: result, detail } = await send(delivery);
    const attempts = delivery.attempts + 1;
    const delay = result.error === null ? null : retryDelay(attempts, policy, random());
    const status = result.error === null ? 'delivered' : delay === null ? 'dead' : 'pending';
    const nextAttemptAt = status === 'pending' ? now() + delay! : null;
    const kept = await store.webhooks.finish(delivery.id, delivery.lease, { attempt: result, status, nextAttemptAt });
    if (kept) options.onAttempt?.(status === 'pending' ? 'retry' : status, result.durationMs / 1000);
    if (kept && status === 'delivered') await countMessage(delivery, result.at);
    const log = { deliveryId: delivery.id, webhookId: delivery.webhookId, attempt: attempts, status: result.status, error: result.error, detail };
    if (!kept) logger.warn(log, 'webhook delivery lease lost; another worker will retry it');
    else if (status === 'dead') logger.warn(log, 'webhook delivery failed for the last time; marked dead');
    else if (status === 'pending') logger.info({ ...log, retryAt: new Date(nextAttemptAt!).toISOString() }, 'webhook delivery failed; will retry');
  };

  // Attempts run side by side, up to `batchSize`: a slow receiver holds one slot, not the worker.
  const inFlight = new Set<Promise<void>>();
  const loop = async () => {
    while (!stopped) {
      try {
        await purge();
        const free = batchSize - inFlight.size;
        const due = free > 0 ? await store.webhooks.nextDueAt() : null;
        const t = now();
        if (free > 0 && due !== null && due <= t) {
          const claimed = await store.webhooks.claim({ now: t, limit: free, leaseMs, lease: `${worker}:${randomUUID()}` });
          for (const d of claimed) {
            const run: Promise<void> = attempt(d)
              .catch((error) => logger.error({ err: error, deliveryId: d.id }, 'webhook delivery attempt failed to record'))
              .finally(() => { inFlight.delete(run); wake?.(); });
            inFlight.add(run);
          }
          if (claimed.length > 0) continue;
        }
        await sleep(free <= 0 || due === null ? pollMs : Math.min(pollMs, Math.max(10, due - now())));
      } catch (error) {
        if (stopped) break;
        logger.error({ err: error }, 'webhook delivery worker failed; retrying');
        await sleep(pollMs);
      }
    }
    await Promise.all(inFlight);
  };
  const running = loop();

  return {
    poke: () => wake?.(),
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
