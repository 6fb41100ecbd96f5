/**
 * Composition of one Tessera instance: store → ingest queue → ingest service → HTTP app.
 * `main.ts` adds listening and signals; tests use this directly with a real store.
 */
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { newProfileId, newTimeOrderedId } from './ids.js';
import type { Config } from './config.js';
import { createIdentityGuard } from './core/identity/identity-key.js';
import { buildApp } from './http/app.js';
import { IngestQueue } from './ingest/ingest-queue.js';
import { createIngestService, type IngestService } from './ingest/ingest-service.js';
import { createDerivedSteps, createProcessBatch, type EventStep } from './ingest/process-batch.js';
import { createDeadLetterWriter } from './ingest/dead-letter.js';
import type { Store } from './ports/store.js';
import type { StoreMaintenance } from './ports/store-maintenance.js';
import { createPrivacyContexts } from './privacy/privacy-context.js';
import { scheduleRetention } from './privacy/retention-schedule.js';
import { createSegmentDefinitions } from './segments/segment-definitions.js';
import { startSegmentScheduler } from './segments/segment-scheduler.js';
import { BackfillRunner } from './segments/backfill.js';
import { createSegmentService, type SegmentServices } from './segments/segment-service.js';
import { createSlotService } from './decisions/slot-service.js';
import { createExperimentPlans } from './experiments/experiment-plans.js';
import { createGoalService } from './analytics/goals.js';
import { BanditScheduler } from './experiments/bandit-update.js';
import { ExperimentOptimiser } from './experiments/experiment-optimiser.js';
import { createLeadScoringSettings } from './lead-scoring/lead-scoring-settings.js';
import { createWebhookList } from './webhooks/webhook-list.js';
import { startDeliveryWorker } from './webhooks/delivery-worker.js';
import { createWebhookTargetPolicy } from './core/webhooks/webhook-target.js';
import { RescoreRunner } from './lead-scoring/rescore.js';
import { PersonaFitRunner } from './personas/persona-fit-runner.js';
import { PersonaFitSchedule } from './personas/persona-fit-schedule.js';
import { createPersonaModels } from './personas/persona-models.js';
import { createRecommendationSettings } from './recommendations/recommendation-settings.js';
import { createServingIndex } from './recommendations/serving-index.js';
import { createCatalogueGenerations } from './recommendations/list-cache.js';
import { fitInWorker } from './personas/fit-worker.js';
import { createLinkSigner } from './links/link-signer.js';
import { createSmtpMailer } from './mail/smtp-mailer.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import type { IngestObserver } from './ingest/ingest-queue.js';
import { VERSION } from './version.js';
import { unmerge } from './identity/unmerge.js';
import { resolvePublicBase } from './public-base.js';
import { createRollupWorker, type RollupWorker, type RollupWorkerDeps } from './analytics/rollup-worker.js';
import { createSlotExposureRecorder, type SlotExposureRecorder } from './decisions/record-slot-exposures.js';
import { createCountryLookup } from './geo/country-of-ip.js';

export interface Tessera {
  app: FastifyInstance;
  store: Store;
  ingest: IngestService;
  queue: IngestQueue;
  logger: Logger;
  /** Segments and computed traits: service, definitions cache, backfills, time-window scheduler. */
  segments: SegmentServices;
  /** Prometheus metrics, served at `GET /metrics`. */
  metrics: Metrics;
  /** Records slot experiment exposures after their `Slot Viewed` committed (decisions/record-slot-exposures.ts). */
  slotExposures: SlotExposureRecorder;
  /** The web-analytics rollup worker (analytics/rollup-worker.ts). */
  rollups: RollupWorker;
  /** Stops accepting, writes what was accepted, closes the app and the store. */
  close(): Promise<void>;
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'tessera' } });
}

/** What a composition adds to ingest: the metrics' observer, added pipeline steps (tests). */
export interface IngestExtras {
  observer?: IngestObserver;
  eventSteps?: readonly EventStep[];
  /** Bounds of the analytics rollup worker (tests; the defaults otherwise). */
  rollupLimits?: Pick<RollupWorkerDeps, 'maxHeld' | 'maxPending' | 'intervalMs'>;
}

export function createIngest(store: Store, config: Config, logger: Logger, now: () => number = Date.now, extras: IngestExtras = {}) {
  const { observer } = extras;
  const guard = createIdentityGuard(config.identity);
  const newMessageId = () => newTimeOrderedId('tessera-');
  const leadScoring = { settings: createLeadScoringSettings(store, now), webhooks: createWebhookList(store, now), newMessageId, newDeliveryId: () => newTimeOrderedId('dlv_'), now };
  const definitions = createSegmentDefinitions(store, now);
  const privacy = createPrivacyContexts(store, now);
  const slots = createSlotService({ store, privacy, definitions, now });
  const personaModels = createPersonaModels(store, now);
  const recommendationSettings = createRecommendationSettings({ store, now });
  const experimentPlans = createExperimentPlans(store);
  const goals = createGoalService({ store, now });
  const batchDeps = { guard, newProfileId, newMessageId, leadScoring, definitions, slots, personas: personaModels, recommendations: recommendationSettings, experiments: experimentPlans, ...(extras.eventSteps ? { eventSteps: extras.eventSteps } : {}) };
  const keepDeadLetter = createDeadLetterWriter({ deadLetters: store.deadLetters, guard, now });
  const processBatch = createProcessBatch(batchDeps);
  const derive = createDerivedSteps(batchDeps);
  const signer = createLinkSigner({ keyring: store.keyring, now });
  // The recommendation serving index of this process's API, told by the queue what each committed batch learned.
  const catalogueGenerations = createCatalogueGenerations();
  const recommendationIndex = { index: createServingIndex(store.recommendations, { generations: catalogueGenerations }), generations: catalogueGenerations };
  // Fed by the queue once a batch committed; it records through `ingest`, made below.
  let slotExposures: SlotExposureRecorder | null = null;
  // The web-analytics rollups, counted out of the ingest transactions (analytics/rollup-worker.ts).
  const rollups = createRollupWorker({
    store, privacy, goals, ...extras.rollupLimits,
    onError: (error) => logger.error({ err: error }, 'counting web-analytics hits into the rollups failed; they stay pending'),
    onBehind: (released) => logger.warn({ released }, 'web-analytics rollups fell behind: the hits held in memory were let go and are read back from the stored events'),
  });
  const queue = new IngestQueue(store, processBatch, {
    ...config.ingest,
    onFlushError: (error, events) => logger.error({ err: error, events }, 'ingest flush failed; the request was answered 503'),
    // The error is not logged: its message may quote the event (the person's data, kept in the letter).
    deadLetter: async (workspaceId, event, error) => {
      await keepDeadLetter(workspaceId, event, error);
      logger.warn({ workspaceId, messageId: event.messageId, error: error instanceof Error ? error.name : typeof error }, 'an event failed alone and was kept as a dead letter; its request was acknowledged');
    },
    ...(observer ? { observer } : {}),
    onCommitting: (workspaceId, events) => rollups.expect(workspaceId, events.map((event) => event.messageId)),
    onCommitted: (workspaceId, events, outcome) => {
      slotExposures?.committed(workspaceId, events);
      if (outcome.learnedItems) recommendationIndex.index.learned(workspaceId, outcome.learnedItems);
      if (outcome.analytics) rollups.committed(workspaceId, outcome.analytics);
    },
  });
  const countryOf = createCountryLookup((error) => logger.error({ err: error }, 'the GeoIP country database could not be read; events are stored without a country'));
  const ingest = createIngestService({ queue, guard, privacy, now, newMessageId: () => newTimeOrderedId('srv-'), countryOf });
  slotExposures = createSlotExposureRecorder({ store, signer, ingest, now, onError: (error) => logger.error({ err: error }, 'recording a slot experiment exposure failed') });
  return { queue, ingest, privacy, guard, leadScoring, definitions, derive, slots, personaModels, recommendationSettings, recommendationIndex, experimentPlans, goals, signer, slotExposures, rollups };
}

/** At most one log line a minute per failing task (checkpoints fail once a second on a full disk). */
const MAINTENANCE_LOG_INTERVAL_MS = 60_000;

/** Logs the store's background failures, rate-limited, and when a failing task recovers. */
function logMaintenance(maintenance: StoreMaintenance, logger: Logger, now: () => number): void {
  const lastLogged = new Map<string, { at: number; suppressed: number }>();
  maintenance.watch((report) => {
    if (report.ok) {
      lastLogged.delete(report.task);
      logger.info({ task: report.task }, 'store maintenance succeeds again');
      return;
    }
    const last = lastLogged.get(report.task);
    if (last && now() - last.at < MAINTENANCE_LOG_INTERVAL_MS) { last.suppressed++; return; }
    logger.error({ task: report.task, error: report.error, failingSince: new Date(report.failingSince).toISOString(), suppressed: last?.suppressed ?? 0 },
      'store maintenance failed (the same failures are logged at most once a minute; see tessera_storage_maintenance_failures_total)');
    lastLogged.set(report.task, { at: now(), suppressed: 0 });
  });
}

export async function createTessera(options: { config: Config; store: Store; logger?: Logger; now?: () => number; processMetrics?: boolean; eventSteps?: readonly EventStep[]; rollupLimits?: IngestExtras['rollupLimits'] }): Promise<Tessera> {
  const logger = options.logger ?? createLogger(options.config);
  const now = options.now ?? Date.now;
  const metrics = createMetrics({ storeKind: options.store.kind, version: VERSION, processMetrics: options.processMetrics ?? false });
  const { queue, ingest, privacy, guard, leadScoring, definitions, derive, slots, personaModels, recommendationSettings, recommendationIndex, experimentPlans, goals, signer, slotExposures, rollups } = createIngest(options.store, options.config, logger, now, { observer: metrics.ingest, ...(options.eventSteps ? { eventSteps: options.eventSteps } : {}), ...(options.rollupLimits ? { rollupLimits: options.rollupLimits } : {}) });
  metrics.watchQueueDepth(() => queue.depth);
  metrics.watchDeadLetters(() => options.store.deadLetters.count());
  metrics.watchMaintenance(options.store.maintenance);
  logMaintenance(options.store.maintenance, logger, now);
  // Counts what a previous process left uncounted (its crash window), then flushes every second.
  const rollupsStarted = rollups.start().catch((error: unknown) => logger.error({ err: error }, 'catching up the web-analytics rollups failed'));
  const mailer = createSmtpMailer({ url: options.config.smtpUrl, from: options.config.mailFrom });
  const segmentDeps = { store: options.store, privacy, derive, definitions, logger, now };
  const segmentScheduler = startSegmentScheduler(segmentDeps, { enabled: options.config.segmentScheduler });
  const backfills = new BackfillRunner(segmentDeps);
  if (options.config.segmentScheduler) void options.store.workspaces.list().then((all) => backfills.resume(all.map((w) => w.id))).catch((error: unknown) => logger.error({ err: error }, 'resuming backfills failed'));
  const segments: SegmentServices = { service: createSegmentService({ store: options.store, privacy, definitions, backfills, now }), definitions, backfills, scheduler: segmentScheduler };
  const hooks = options.config.webhooks;
  // One policy for registration (the routes) and connection (the worker): no internal targets but the allowed.
  const targets = createWebhookTargetPolicy(hooks.allow);
  const deliveries = hooks.deliver
    ? startDeliveryWorker({ store: options.store, logger, now, targets, onAttempt: metrics.webhookAttempt, timeoutMs: hooks.timeoutSeconds * 1000, logRetentionMs: hooks.logRetentionDays * 86_400_000, policy: { baseMs: hooks.retryBaseSeconds * 1000, maxMs: hooks.retryMaxSeconds * 1000, maxAttempts: hooks.maxAttempts } })
    : null;
  let draining = false;
  const retention = scheduleRetention({ store: options.store, privacy, logger, now }, options.config.retentionIntervalMinutes);
  const rescore = new RescoreRunner({ store: options.store, privacy, derive, settings: leadScoring.settings, logger, now });
  if (options.config.segmentScheduler) void options.store.workspaces.list().then((all) => rescore.resume(all.map((w) => w.id))).catch((error: unknown) => logger.error({ err: error }, 'resuming re-scoring failed'));
  // Persona fits run EM in a worker thread, so ingest is served meanwhile.
  const personaFits = new PersonaFitRunner({ store: options.store, privacy, derive, logger, now, runFit: fitInWorker, onModelSaved: (ws) => personaModels.invalidate(ws) });
  if (options.config.segmentScheduler) void options.store.workspaces.list().then((all) => personaFits.resume(all.map((w) => w.id))).catch((error: unknown) => logger.error({ err: error }, 'resuming persona fits failed'));
  // Refits on each workspace's schedule (personas/persona-fit-schedule.ts), through the same runner.
  const personaSchedule = new PersonaFitSchedule({ store: options.store, fits: personaFits, logger, now });
  if (options.config.segmentScheduler) personaSchedule.start();
  // Bandits look as often as the optimiser (TESSERA_EXPERIMENT_OPTIMISER_SECONDS); each moves its weights on its own cadence.
  const bandits = new BanditScheduler({ store: options.store, now, onChange: (ws) => experimentPlans.invalidate(ws), onError: (error) => logger.error({ err: error }, 'updating bandit weights failed') },
    (options.config.experiments?.optimiserIntervalSeconds ?? 60) * 1000);
  if (options.config.segmentScheduler) bandits.start();
  const optimiser = new ExperimentOptimiser({
    store: options.store, now, newDeliveryId: leadScoring.newDeliveryId, onChange: (ws) => experimentPlans.invalidate(ws), onQueued: () => deliveries?.poke(),
    onError: (error) => logger.error({ err: error }, 'optimising or monitoring an experiment failed'),
  }, (options.config.experiments?.optimiserIntervalSeconds ?? 60) * 1000);
  if (options.config.segmentScheduler) optimiser.start();
  const leadScoringApi = { settings: leadScoring.settings, webhooks: leadScoring.webhooks, targets, move: { privacy, derive, newMessageId: leadScoring.newMessageId }, rescore, poke: () => deliveries?.poke() };
  const app = await buildApp({
    store: options.store, ingest, queue, privacy, segments, slots, experimentPlans, leadScoring: leadScoringApi, personas: { fits: personaFits }, recommendationSettings, recommendationIndex, goals, rollups, logger, now, signer, guard, mailer, linkDomains: options.config.links.allowedDomains,
    unmerge: (request) => unmerge({ store: options.store, privacy, derive, settings: leadScoring.settings, definitions, guard, newMessageId: leadScoring.newMessageId, now }, request),
    sessions: { idleMs: options.config.sessions.idleMinutes * 60_000, absoluteMs: options.config.sessions.absoluteHours * 3600_000, signInsPerMinute: options.config.sessions.signInsPerMinute },
    isDraining: () => draining, trustProxy: options.config.trustProxy, metrics, metricsToken: options.config.metricsToken, publicBase: resolvePublicBase(options.config),
  });
  return {
    app, store: options.store, ingest, queue, logger, segments, metrics, slotExposures, rollups,
    async close() {
      draining = true;
      await retention.stop();
      await segmentScheduler.stop();
      await backfills.stop();
      await rescore.stop();
      await personaSchedule.stop();
      await personaFits.stop();
      await bandits.stop();
      await optimiser.stop();
      await deliveries?.stop();
      await app.close();
      // Exposures handed over so far are recorded while the queue still takes their Experiment Viewed.
      await slotExposures.idle();
      await queue.close();
      await slotExposures.idle();
      await rollupsStarted;
      await rollups.close();
      await mailer.close();
      await options.store.close();
    },
  };
}
