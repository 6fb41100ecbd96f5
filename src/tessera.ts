/**
 * Composition of one Tessera instance: store → ingest queue → ingest service → HTTP app.
 * `main.ts` adds listening and signals; tests use this directly with a real store.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { newProfileId } from './ids.js';
import type { Config } from './config.js';
import { createIdentityGuard } from './core/identity/identity-key.js';
import { buildApp } from './http/app.js';
import { IngestQueue } from './ingest/ingest-queue.js';
import { createIngestService, type IngestService } from './ingest/ingest-service.js';
import { createProcessBatch } from './ingest/process-batch.js';
import type { Store } from './ports/store.js';
import { createPrivacyContexts } from './privacy/privacy-context.js';
import { scheduleRetention } from './privacy/retention-schedule.js';
import { createLinkSigner } from './links/link-signer.js';
import { createSmtpMailer } from './mail/smtp-mailer.js';

export interface Tessera {
  app: FastifyInstance;
  store: Store;
  ingest: IngestService;
  queue: IngestQueue;
  logger: Logger;
  /** Stops accepting, writes what was accepted, closes the app and the store. */
  close(): Promise<void>;
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'tessera' } });
}

export function createIngest(store: Store, config: Config, logger: Logger, now: () => number = Date.now) {
  const guard = createIdentityGuard(config.identity);
  const processBatch = createProcessBatch({ guard, newProfileId, newMessageId: () => `tessera-${randomUUID()}` });
  const queue = new IngestQueue(store, processBatch, {
    ...config.ingest,
    onFlushError: (error, events) => logger.error({ err: error, events }, 'ingest flush failed; the request was answered 503'),
  });
  const privacy = createPrivacyContexts(store, now);
  const ingest = createIngestService({ queue, guard, privacy, now, newMessageId: () => `srv-${randomUUID()}` });
  return { queue, ingest, privacy, guard };
}

export async function createTessera(options: { config: Config; store: Store; logger?: Logger; now?: () => number }): Promise<Tessera> {
  const logger = options.logger ?? createLogger(options.config);
  const now = options.now ?? Date.now;
  const { queue, ingest, privacy, guard } = createIngest(options.store, options.config, logger, now);
  const signer = createLinkSigner({ keyring: options.store.keyring, now });
  let draining = false;
  const retention = scheduleRetention({ store: options.store, privacy, logger, now }, options.config.retentionIntervalMinutes);
  const mailer = createSmtpMailer({ url: options.config.smtpUrl, from: options.config.mailFrom });
  const app = await buildApp({ store: options.store, ingest, privacy, logger, now, signer, guard, mailer, linkDomains: options.config.links.allowedDomains, isDraining: () => draining, trustProxy: options.config.trustProxy, ...(options.config.publicUrl ? { publicUrl: options.config.publicUrl } : {}) });
  return {
    app, store: options.store, ingest, queue, logger,
    async close() {
      draining = true;
      await retention.stop();
      await app.close();
      await queue.close();
      await mailer.close();
      await options.store.close();
    },
  };
}
