/**
 * One attempt of one delivery: a signed POST with a timeout. Any 2xx answer is success; anything
 * else (another status, a timeout, a refused connection, an internal address) is a failure the
 * worker retries.
 *
 * No internal targets (server-side request forgery): the URL is checked again here (a webhook may
 * have been stored before the check, or before the operator narrowed the allow-list), and the name
 * is resolved by this module's `lookup`, which checks every address it resolved to and hands the
 * checked addresses to the socket, so that the address connected to is the address checked: no
 * second resolution, no DNS rebinding between check and connect (core/webhooks/webhook-target.ts).
 *
 * Redirects are not followed: a receiver that moved must be updated, not chased; and following
 * one would be a second, unchecked request to wherever the receiver points (an internal address).
 *
 * What the delivery log (shown to workspace admins) records is a closed set of categories
 * (core/webhooks/delivery-error.ts) with the status of the answer, never its body or headers, and
 * never the reason a connection failed: a refused port and a live service that is not HTTP look
 * the same. The precise reason is returned as `detail`, for the server log only.
 *
 * Headers: `Tessera-Signature` (core/webhooks/signature.ts), `Tessera-Delivery-Id` (the same on
 * every attempt: receivers dedupe by it), `Tessera-Event`, `Tessera-Attempt`.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { answerError, DELIVERY_ERRORS } from '../core/webhooks/delivery-error.js';
import { signPayload } from '../core/webhooks/signature.js';
import { hostOf, type WebhookTargetPolicy } from '../core/webhooks/webhook-target.js';
import type { ClaimedDelivery, DeliveryAttempt } from '../ports/webhook-store.js';

/** The addresses a host name resolves to (the system resolver, or a test's). */
export type ResolveHost = (host: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: ResolveHost = (host) => dnsLookup(host, { all: true, verbatim: true });

export interface DeliverySenderOptions {
  now: () => number;
  timeoutMs: number;
  targets: WebhookTargetPolicy;
  /** Default: the system resolver (getaddrinfo, as every other connection of this machine). */
  resolve?: ResolveHost;
}

export interface SentDelivery {
  /** What the delivery log records. */
  attempt: DeliveryAttempt;
  /** Why it failed, precisely (an error code, the refused address): for the server log only. */
  detail: string | null;
}

export type SendDelivery = (delivery: ClaimedDelivery) => Promise<SentDelivery>;

const REFUSED = 'ERR_TESSERA_INTERNAL_ADDRESS';

export function createDeliverySender(options: DeliverySenderOptions): SendDelivery {
  const { targets } = options;
  const resolve = options.resolve ?? systemResolver;

  // Resolves `hostname`, refuses the whole name if any of its addresses is not allowed (a name
  // that mixes public and internal addresses is a rebinding attempt), and answers the socket with
  // exactly the addresses checked.
  const checkedLookup = (host: string): LookupFunction => (hostname, lookupOptions, callback) => {
    resolve(hostname).then((all) => {
      const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? all.filter((a) => a.family === lookupOptions.family) : all;
      const refused = all.find((a) => !targets.allowsAddress(host, a.address));
      if (refused) return callback(Object.assign(new Error(`${hostname} resolves to ${refused.address}, an internal address`), { code: REFUSED }), '', 0);
      const first = wanted[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if (lookupOptions.all) callback(null, wanted);
      else callback(null, first.address, first.family);
    }, (error: Error) => callback(error, '', 0));
  };

  return async (delivery) => {
    const at = options.now();
    const started = performance.now();
    const done = (status: number | null, error: string | null, detail: string | null = error): SentDelivery =>
      ({ attempt: { at, status, error, durationMs: Math.round(performance.now() - started) }, detail });

    let url: URL;
    try { url = new URL(delivery.url); } catch { return done(null, DELIVERY_ERRORS.connection, 'the stored URL does not parse'); }
    const refusal = targets.checkUrl(delivery.url);
    if (refusal !== null) return done(null, DELIVERY_ERRORS.internal, `${hostOf(url)} is an internal address or name`);

    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const response = await new Promise<IncomingMessage>((resolveResponse, reject) => {
        const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
          method: 'POST',
          // A fresh connection per attempt: never a pooled socket checked under another policy.
          agent: false,
          lookup: checkedLookup(hostOf(url)),
          signal,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(delivery.payload),
            'user-agent': 'Tessera-Webhooks/1',
            'tessera-signature': signPayload(delivery.secret, delivery.payload, at),
            'tessera-delivery-id': delivery.id,
            'tessera-event': delivery.event,
            'tessera-attempt': String(delivery.attempts + 1),
          },
        }, resolveResponse);
        request.on('error', reject);
        request.end(delivery.payload);
      });
      // The body is never read: only the status matters, and nothing of the answer is kept.
      response.destroy();
      const status = response.statusCode ?? 0;
      const error = answerError(status);
      return done(status, error, error === null ? null : `HTTP ${status}`);
    } catch (error) {
      const e = error as Error & { code?: string };
      if (e.code === REFUSED) return done(null, DELIVERY_ERRORS.internal, e.message);
      if (signal.aborted) return done(null, DELIVERY_ERRORS.timeout, `no answer within ${options.timeoutMs / 1000} s`);
      return done(null, DELIVERY_ERRORS.connection, e.code ?? e.message);
    }
  };
}
