/**
 * Builds the HTTP app without listening (tests inject requests into it). The app only parses,
 * authenticates, calls the ingest service or the store, and maps errors.
 */
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { EVENT_LIMITS } from '../core/events/limits.js';
import type { IngestService } from '../ingest/ingest-service.js';
import type { Store } from '../ports/store.js';
import { createKeyResolver } from './auth.js';
import { registerBodyParsing } from './body.js';
import { registerErrorHandling } from './errors.js';
import { registerCollectRoutes } from './routes/collect.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerProfileRoutes } from './routes/profiles.js';
import { registerSettingsRoutes } from './routes/settings.js';

export interface AppDeps {
  store: Store;
  ingest: IngestService;
  logger: Logger;
  now: () => number;
  isDraining?: () => boolean;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: EVENT_LIMITS.maxBodyBytes,
    forceCloseConnections: false,
    return503OnClosing: true,
    trustProxy: false,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, useDefaults: true } },
  });
  await app.register(cors, { origin: true, methods: ['GET', 'POST', 'OPTIONS'], allowedHeaders: ['Content-Type', 'Content-Encoding', 'Authorization'], maxAge: 86_400 });
  registerBodyParsing(app);
  registerErrorHandling(app);
  const keys = createKeyResolver(deps.store, deps.now);
  registerHealthRoutes(app, { store: deps.store, isDraining: deps.isDraining ?? (() => false) });
  registerCollectRoutes(app, { ingest: deps.ingest, keys });
  registerSettingsRoutes(app, { keys });
  registerProfileRoutes(app, { store: deps.store, keys });
  return app;
}
