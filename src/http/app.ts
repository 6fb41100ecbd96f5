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
import type { Metrics } from '../metrics/metrics.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerBodyParsing } from './body.js';
import { answerClientError, answerFrameworkError, registerClosingAnswer, registerErrorHandling } from './errors.js';
import { registerCollectRoutes } from './routes/collect.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerProfileRoutes } from './routes/profiles.js';
import { registerUnmergeRoutes, type UnmergeRouteDeps } from './routes/unmerge.js';
import { registerPrivacyRoutes } from './routes/privacy.js';
import { registerConsentRoutes } from './routes/consent.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';
import { registerSettingsRoutes } from './routes/settings.js';
import { registerAnalyticsJsRoutes } from './routes/analytics-js.js';
import { registerSegmentRoutes } from './routes/segments.js';
import { registerSlotRoutes } from './routes/slots.js';
import { registerDecideRoutes } from './routes/decide.js';
import { createDecideForVisitor } from '../decisions/decide-for-visitor.js';
import { registerWhyPages } from './routes/why.js';
import { createWhyDecision } from '../decisions/why-decision.js';
import type { SlotService } from '../decisions/slot-service.js';
import { registerComputedTraitRoutes } from './routes/computed-traits.js';
import { registerLeadScoringRoutes, type LeadScoringRouteDeps } from './routes/lead-scoring.js';
import { registerWebhookRoutes, type WebhookRouteDeps } from './routes/webhooks.js';
import type { SegmentServices } from '../segments/segment-service.js';
import type { LinkSigner } from '../links/link-signer.js';
import type { IdentityGuard } from '../core/identity/identity-key.js';
import { registerFormsAdminRoutes } from './routes/forms-admin.js';
import { registerFormRoutes } from './routes/forms.js';
import { registerRecognitionRoutes } from './routes/recognition.js';
import { createRecognitionService } from '../forms/recognition.js';
import { registerTrackerRoutes } from './routes/tracker.js';
import { registerAdminAppRoutes } from './routes/admin-app.js';
import type { Mailer } from '../ports/mailer.js';
import { registerEmailLinks } from './routes/email-links-plugin.js';
import { resolvePublicBase, type PublicBase } from '../public-base.js';
import { registerDeadLetterRoutes } from './routes/dead-letters.js';
import { registerPersonaRoutes, type PersonaRouteDeps } from './routes/personas.js';
import { registerItemRoutes } from './routes/items.js';
import { registerRecommendationRoutes } from './routes/recommendations.js';
import { registerVisitorRecommendationRoutes } from './routes/visitor-recommendations.js';
import { createRecommendationService, recommendationLoader } from '../recommendations/recommendation-service.js';
import type { RecommendationSettingsService } from '../recommendations/recommendation-settings.js';
import { createItemService } from '../recommendations/item-service.js';
import { createCatalogueGenerations, type CatalogueGenerations } from '../recommendations/list-cache.js';
import { createServingIndex, type ServingIndex } from '../recommendations/serving-index.js';
import { registerAnalyticsRoutes } from './routes/analytics.js';
import { registerAnalyticsProfilesRoutes } from './routes/analytics-profiles.js';
import { createAnalyticsService } from '../analytics/analytics-service.js';
import { withSegmentFilter } from '../analytics/segment-filter.js';
import { withGoals } from '../analytics/goal-conversions.js';
import { createGoalService, type GoalService } from '../analytics/goals.js';
import { registerAnalyticsGoalRoutes } from './routes/analytics-goals.js';
import { registerFunnelRoutes } from './routes/analytics-funnels.js';
import { createFunnelService } from '../analytics/funnels.js';
import { createRetentionService } from '../analytics/retention.js';
import { settledFirst, type RollupSettle } from '../analytics/settled.js';
import { registerAudienceRoutes } from './routes/audiences.js';
import { createAudienceService } from '../audiences/audience-service.js';
import type { IngestQueue } from '../ingest/ingest-queue.js';
import { registerApiReference } from './openapi.js';
import { registerSchemaSupport } from './schemas/schema-support.js';
import { registerExperimentRoutes } from './routes/experiments.js';
import { newTimeOrderedId } from '../ids.js';
import { registerMeasureRoutes } from './routes/measures.js';
import { createExperimentService } from '../experiments/experiment-service.js';
import { createUserService } from '../access/users.js';
import { createSessionService } from '../access/sessions.js';
import { registerSessionAuth } from './session-auth.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerUserRoutes } from './routes/users.js';

export interface AppDeps {
  store: Store;
  ingest: IngestService;
  privacy: PrivacyContexts;
  /** Segments and computed traits (absent: their routes are not registered). */
  segments?: SegmentServices;
  /** Personalization slots and settings (absent: their admin routes are not registered). */
  slots?: SlotService;
  /** What ingest knows of the experiments; told of every definition change (absent: it learns within a second). */
  experimentPlans?: { invalidate(workspaceId: string): void };
  /** Scoring, lifecycle and webhooks (absent: their routes are not registered). */
  leadScoring?: Pick<LeadScoringRouteDeps, 'settings' | 'move' | 'rescore'> & Pick<WebhookRouteDeps, 'webhooks' | 'targets' | 'poke'>;
  /** Persona fits in the background (absent: the persona routes are not registered). */
  personas?: Pick<PersonaRouteDeps, 'fits'>;
  /** Recommendation settings, the instance ingest reads (absent: its routes are not registered). */
  recommendationSettings?: RecommendationSettingsService;
  /** How long popular / trending rows and content candidates are cached (recommendations/list-cache.ts); default 1 s, 0: off. */
  recommendationListCacheTtlMs?: number;
  /**
   * Neighbour lists and items in memory (recommendations/serving-index.ts), told by the ingest
   * queue what it learned; with the catalogue generations its items are keyed by (absent: its own,
   * which only its staleness bound refreshes).
   */
  recommendationIndex?: { index: ServingIndex; generations: CatalogueGenerations };
  /** Analytics goals, the instance ingest reads (absent: one of its own). */
  goals?: GoalService;
  /** The rollup worker ingest feeds: analytics answers and erasure settle it first (absent: the rollups are read as they are). */
  rollups?: RollupSettle;
  logger: Logger;
  now: () => number;
  isDraining?: () => boolean;
  /**
   * The base of every absolute URL Tessera hands out, from configuration only (public-base.ts);
   * never a request's Host. Absent: derived from the default listen address (127.0.0.1:8780), so
   * emails with links are refused.
   */
  publicBase?: PublicBase;
  trustProxy?: boolean | number | string;
  /** Prometheus metrics (`GET /metrics`, and the count of every request); absent in some tests. */
  metrics?: Metrics;
  /** Bearer token of `GET /metrics`; without it, loopback clients only. */
  metricsToken?: string | undefined;
  /** Signs and verifies email-link and recognition tokens (issue 6). */
  signer: LinkSigner;
  guard: IdentityGuard;
  /** Sends Tessera's own emails (double opt-in, POST /v1/emails/send); default: none configured. */
  mailer?: Mailer;
  /** Domains email-link clicks may redirect to, for every workspace (config `links.allowedDomains`). */
  linkDomains?: readonly string[];
  /** Undoing merges (absent: POST /v1/profiles/{id}/unmerge is not registered). */
  unmerge?: UnmergeRouteDeps['unmerge'];
  /** The ingest queue, for retrying dead letters (absent: the dead-letter routes are not registered). */
  queue?: Pick<IngestQueue, 'submit'>;
  /** Sessions of signed-in people (config `sessions`); default: 30 minutes idle, 12 hours at most, 10 sign-ins a minute per address. */
  sessions?: { idleMs: number; absoluteMs: number; signInsPerMinute: number };
}

export const DEFAULT_SESSION_LIMITS = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000, signInsPerMinute: 10 };

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const publicBase = deps.publicBase ?? resolvePublicBase({ host: '127.0.0.1', port: 8780 });
  const app = Fastify({
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: EVENT_LIMITS.maxBodyBytes,
    forceCloseConnections: false,
    // Both answered in the envelope by our own handlers (http/errors.ts), never Fastify's body.
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
    // The client address (kept truncated in consent evidence) comes through configured proxies only.
    // (A hop count is documented and supported by Fastify; its typings only lack it.)
    trustProxy: (deps.trustProxy ?? false) as boolean | string,
    frameworkErrors: answerFrameworkError,
    // A profile is looked up by any of its ids (`/v1/profiles/{id}`); ids may be 512 characters,
    // percent-encoded up to 12 bytes each. Fastify's default of 100 made long ids unreachable.
    routerOptions: { maxParamLength: 8 * 1024 },
  });
  // Query and path parameters are checked by our compiler (finite numbers, no control characters);
  // the routes' shared schemas (the error envelope) are registered.
  registerSchemaSupport(app);
  // Any origin may send events (the write key is public). Request headers are reflected rather than
  // listed: analytics.js adds X-Retry-Count on retries (a fixed list blocked every browser retry) and
  // sites may configure their own. Retry-After is exposed so that the browser client can honour it.
  await app.register(cors, { origin: true, methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'], exposedHeaders: ['Retry-After'], maxAge: 86_400 });
  // While draining for shutdown, tell keep-alive clients to reconnect (to another instance)
  // instead of holding the connection open until the keep-alive timeout.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (deps.isDraining?.()) reply.header('connection', 'close');
    done(null, payload);
  });
  registerBodyParsing(app);
  registerErrorHandling(app);
  registerClosingAnswer(app);
  // Before any route: the reference collects every route registered after it.
  await registerApiReference(app, { ...(deps.publicBase?.source === 'configured' ? { publicUrl: deps.publicBase.url } : {}) });
  if (deps.metrics) registerMetricsRoutes(app, { metrics: deps.metrics, token: deps.metricsToken });
  const keys = createKeyResolver(deps.store, deps.now);
  // Signed-in people: before every route, so that the session hook guards them all.
  const sessionLimits = deps.sessions ?? DEFAULT_SESSION_LIMITS;
  const users = createUserService({ users: deps.store.users, now: deps.now });
  const sessions = createSessionService({ users: deps.store.users, now: deps.now, limits: sessionLimits });
  const audit = (entry: Parameters<Store['privacy']['audit']>[0]) => deps.store.privacy.audit(entry);
  const secure = publicBase.url.startsWith('https:');
  await registerSessionAuth(app, { sessions, audit, now: deps.now, secure });
  await registerSessionRoutes(app, { users, sessions, audit, now: deps.now, secure, signInsPerMinute: sessionLimits.signInsPerMinute });
  registerUserRoutes(app, { keys, users, store: deps.store.users, audit, publicBase, now: deps.now });
  registerHealthRoutes(app, { store: deps.store, isDraining: deps.isDraining ?? (() => false) });
  registerCollectRoutes(app, { ingest: deps.ingest, keys });
  registerSettingsRoutes(app, { keys, publicBase });
  registerAnalyticsJsRoutes(app, { keys });
  registerProfileRoutes(app, { store: deps.store, keys, privacy: deps.privacy, now: deps.now, ...(deps.segments ? { definitions: deps.segments.definitions } : {}), ...(deps.rollups ? { rollups: deps.rollups } : {}) });
  const goals = deps.goals ?? createGoalService({ store: deps.store, now: deps.now });
  const analytics = withSegmentFilter(createAnalyticsService({ store: deps.store, now: deps.now }), { store: deps.store, now: deps.now });
  registerAnalyticsRoutes(app, { keys, analytics: settledFirst(withGoals(analytics, { goals, store: deps.store, now: deps.now }), deps.rollups) });
  registerAnalyticsGoalRoutes(app, { keys, goals });
  registerAnalyticsProfilesRoutes(app, { keys, store: deps.store, now: deps.now });
  registerFunnelRoutes(app, {
    keys, funnels: settledFirst(createFunnelService({ store: deps.store, now: deps.now }), deps.rollups), retention: settledFirst(createRetentionService({ store: deps.store, now: deps.now }), deps.rollups),
  });
  if (deps.unmerge) registerUnmergeRoutes(app, { store: deps.store, keys, unmerge: deps.unmerge, now: deps.now });
  if (deps.leadScoring) {
    registerLeadScoringRoutes(app, { store: deps.store, keys, now: deps.now, settings: deps.leadScoring.settings, move: deps.leadScoring.move, rescore: deps.leadScoring.rescore });
    registerWebhookRoutes(app, { store: deps.store, keys, now: deps.now, webhooks: deps.leadScoring.webhooks, targets: deps.leadScoring.targets, poke: deps.leadScoring.poke });
  }
  if (deps.personas) registerPersonaRoutes(app, { store: deps.store, keys, privacy: deps.privacy, now: deps.now, fits: deps.personas.fits });
  registerAudienceRoutes(app, { store: deps.store, keys, now: deps.now, service: createAudienceService({ store: deps.store, privacy: deps.privacy, now: deps.now }) });
  if (deps.segments) {
    registerSegmentRoutes(app, { store: deps.store, keys, now: deps.now, ...deps.segments });
    registerComputedTraitRoutes(app, { keys, service: deps.segments.service, backfills: deps.segments.backfills, now: deps.now });
  }
  const catalogueGenerations = deps.recommendationIndex?.generations ?? createCatalogueGenerations();
  const index = deps.recommendationIndex?.index ?? createServingIndex(deps.store.recommendations, { generations: catalogueGenerations });
  const recommendations = deps.recommendationSettings ? createRecommendationService({ store: deps.store, settings: deps.recommendationSettings, listCacheTtlMs: deps.recommendationListCacheTtlMs ?? 1_000, catalogueGenerations, index }) : null;
  if (deps.slots) {
    registerSlotRoutes(app, { store: deps.store, keys, slots: deps.slots, now: deps.now, signer: deps.signer, ...(recommendations ? { recommend: recommendationLoader(recommendations) } : {}) });
    const decide = createDecideForVisitor({
      store: deps.store, slots: deps.slots, signer: deps.signer, now: deps.now, publicUrl: publicBase.url, ...(recommendations ? { recommend: recommendationLoader(recommendations) } : {}),
    });
    registerDecideRoutes(app, { keys, guard: deps.guard, decide });
    await registerWhyPages(app, { why: createWhyDecision({ store: deps.store, slots: deps.slots, ingest: deps.ingest, signer: deps.signer, now: deps.now }) });
  }
  registerTrackerRoutes(app);
  await registerAdminAppRoutes(app);
  registerPrivacyRoutes(app, { store: deps.store, keys, privacy: deps.privacy, now: deps.now });
  registerConsentRoutes(app, { ingest: deps.ingest, keys, store: deps.store });
  registerFormsAdminRoutes(app, { store: deps.store, keys, privacy: deps.privacy, now: deps.now });
  registerFormRoutes(app, { store: deps.store, ingest: deps.ingest, privacy: deps.privacy, signer: deps.signer, now: deps.now, logger: deps.logger, keys, guard: deps.guard });
  registerRecognitionRoutes(app, { keys, guard: deps.guard, recognition: createRecognitionService({ store: deps.store, ingest: deps.ingest, signer: deps.signer, guard: deps.guard, now: deps.now }) });
  const experimentService = createExperimentService({
    store: deps.store, now: deps.now,
    ...(deps.experimentPlans ? { onChange: (workspaceId: string) => deps.experimentPlans!.invalidate(workspaceId) } : {}),
    refs: async (workspaceId) => (deps.segments ? deps.segments.service.refs(workspaceId) : { segments: new Set(), computedTraits: new Set(), purposes: new Set() }),
  });
  registerExperimentRoutes(app, {
    store: deps.store, keys,
    service: experimentService,
    assign: { ingest: deps.ingest, now: deps.now, ...(deps.segments ? { definitions: deps.segments.definitions } : {}) },
    conclude: {
      now: deps.now, newDeliveryId: () => newTimeOrderedId('dlv_'),
      ...(deps.experimentPlans ? { onChange: (workspaceId: string) => deps.experimentPlans!.invalidate(workspaceId) } : {}),
      ...(deps.leadScoring ? { onQueued: deps.leadScoring.poke } : {}),
    },
  });
  registerMeasureRoutes(app, { store: deps.store, keys, now: deps.now, settings: (workspaceId) => experimentService.settings(workspaceId) });
  registerItemRoutes(app, { keys, items: createItemService({ store: deps.store, now: deps.now, generations: catalogueGenerations }) });
  if (deps.recommendationSettings && recommendations) {
    registerRecommendationRoutes(app, { store: deps.store, keys, settings: deps.recommendationSettings, recommendations, now: deps.now });
    registerVisitorRecommendationRoutes(app, { store: deps.store, keys, signer: deps.signer, recommendations, now: deps.now });
  }
  if (deps.queue) registerDeadLetterRoutes(app, { store: deps.store, keys, queue: deps.queue, privacy: deps.privacy, now: deps.now });
  await registerEmailLinks(app, { ...deps, keys, publicBase });
  return app;
}
