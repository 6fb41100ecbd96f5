/**
 * One attempt of one delivery: a signed POST with a timeout. Any 2xx answer is success; anything
 * else (another status, a timeout, a refused connection) is a failure the worker retries.
 * Redirects are not followed: a receiver that moved must be updated, not chased.
 *
 * Headers: `Tessera-Signature` (core/webhooks/signature.ts), `Tessera-Delivery-Id` (the same on
 * every attempt: receivers dedupe by it), `Tessera-Event`, `Tessera-Attempt`.
 */
import { signPayload } from '../core/webhooks/signature.js';
import type { ClaimedDelivery, DeliveryAttempt } from '../ports/webhook-store.js';

export async function sendDelivery(delivery: ClaimedDelivery, options: { now: () => number; timeoutMs: number }): Promise<DeliveryAttempt> {
  const at = options.now();
  const started = performance.now();
  const done = (status: number | null, error: string | null): DeliveryAttempt => ({ at, status, error, durationMs: Math.round(performance.now() - started) });
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      body: delivery.payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Tessera-Webhooks/1',
        'tessera-signature': signPayload(delivery.secret, delivery.payload, at),
        'tessera-delivery-id': delivery.id,
        'tessera-event': delivery.event,
        'tessera-attempt': String(delivery.attempts + 1),
      },
    });
    await response.body?.cancel().catch(() => undefined);
    return response.ok ? done(response.status, null) : done(response.status, `HTTP ${response.status}`);
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') return done(null, `no answer within ${options.timeoutMs / 1000} s`);
    return done(null, e.cause?.code ?? e.cause?.message ?? e.message);
  }
}
