/**
 * Prometheus metrics of one Tessera instance (`GET /metrics`): what an operator watches to know
 * that events come in and are stored, how long requests and commits take, and when the server
 * pushes back. Each instance has its own registry, so that several in one process (tests, the CLI)
 * do not count into each other.
 *
 * Labels stay few and bounded: a route is Fastify's pattern (`/v1/profiles/:id`), never the URL,
 * and nothing is labelled by workspace or person.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IngestObserver } from '../ingest/ingest-queue.js';
import type { StoreMaintenance } from '../ports/store-maintenance.js';

export interface Metrics {
  registry: Registry;
  /** Passed to the ingest queue: flushes, stored/duplicate/withheld events, refusals. */
  ingest: IngestObserver;
  /** Called once per answered HTTP request. */
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  /** Passed to the webhook delivery worker: one call per recorded attempt. */
  webhookAttempt(outcome: 'delivered' | 'retry' | 'dead', seconds: number): void;
  /** The current number of events waiting in the ingest queue, read at each scrape. */
  watchQueueDepth(read: () => number): void;
  /** Counts the store's background failures and shows which tasks fail now (ports/store-maintenance.ts). */
  watchMaintenance(maintenance: StoreMaintenance): void;
  /** The number of dead letters kept (every workspace), read at each scrape. */
  watchDeadLetters(read: () => Promise<number>): void;
  /** Text for a scrape, and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  storeKind: string;
  version: string;
  /** Process metrics (CPU, memory, event-loop delay, GC); on for a server, off where many instances share a process. */
  processMetrics?: boolean;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const FLUSH_SIZE_BUCKETS = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'tessera_' });

  new Gauge({ name: 'tessera_build_info', help: 'Always 1; the labels say which Tessera and which store.', labelNames: ['version', 'store'], registers: [registry] })
    .set({ version: options.version, store: options.storeKind }, 1);

  const requests = new Counter({ name: 'tessera_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status code.', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const requestSeconds = new Histogram({ name: 'tessera_http_request_duration_seconds', help: 'Time from receiving a request to answering it, by route pattern.', labelNames: ['route'], buckets: LATENCY_BUCKETS, registers: [registry] });

  const events = new Counter({ name: 'tessera_ingest_events_total', help: 'Events through the ingest queue: stored, dropped as a duplicate messageId, or withheld (no consent for its purpose, or an erased person).', labelNames: ['outcome'], registers: [registry] });
  const refused = new Counter({ name: 'tessera_ingest_refused_events_total', help: 'Valid events not accepted: overloaded (429), unavailable while shutting down (503), or failed to store (503).', labelNames: ['reason'], registers: [registry] });
  const flushSeconds = new Histogram({ name: 'tessera_ingest_flush_duration_seconds', help: 'Time of one ingest flush: its transaction and the commit reaching the disk.', buckets: LATENCY_BUCKETS, registers: [registry] });
  const flushEvents = new Histogram({ name: 'tessera_ingest_flush_events', help: 'Events written in one flush (group commit).', buckets: FLUSH_SIZE_BUCKETS, registers: [registry] });
  let readDepth: () => number = () => 0;
  new Gauge({ name: 'tessera_ingest_pending_events', help: 'Events accepted for writing and not yet committed (requests waiting for their answer).', registers: [registry], collect() { this.set(readDepth()); } });

  const deadLettered = new Counter({ name: 'tessera_ingest_dead_lettered_events_total', help: 'Events that failed alone in the ingest pipeline (poison events) and were kept as dead letters; their requests were acknowledged.', registers: [registry] });
  let readDeadLetters: () => Promise<number> = async () => 0;
  new Gauge({ name: 'tessera_dead_letters', help: 'Dead letters kept, waiting for an admin to retry or delete them (GET /v1/dead-letters).', registers: [registry], async collect() { this.set(await readDeadLetters()); } });

  const maintenanceFailures = new Counter({ name: 'tessera_storage_maintenance_failures_total', help: 'Failures of the store\'s background upkeep: wal-checkpoint (SQLite; a full disk, an I/O error) or vacuum (PostgreSQL, after erasure).', labelNames: ['task'], registers: [registry] });
  let readProblems: () => Array<{ task: string }> = () => [];
  new Gauge({
    name: 'tessera_storage_maintenance_failing', help: '1 while a background task of the store keeps failing (wal-checkpoint: /readyz answers 503 meanwhile), else 0.', labelNames: ['task'], registers: [registry],
    collect() {
      const failing = new Set(readProblems().map((p) => p.task));
      for (const task of ['wal-checkpoint', 'vacuum']) this.set({ task }, failing.has(task) ? 1 : 0);
    },
  });
  for (const task of ['wal-checkpoint', 'vacuum']) maintenanceFailures.inc({ task }, 0);

  const attempts = new Counter({ name: 'tessera_webhook_attempts_total', help: 'Webhook delivery attempts: delivered (2xx), retry (failed, due again later) or dead (failed for the last time).', labelNames: ['outcome'], registers: [registry] });
  const attemptSeconds = new Histogram({ name: 'tessera_webhook_attempt_duration_seconds', help: 'Time of one webhook delivery attempt, until the receiver answered or the attempt timed out.', buckets: LATENCY_BUCKETS, registers: [registry] });

  for (const outcome of ['delivered', 'retry', 'dead']) attempts.inc({ outcome }, 0);
  for (const outcome of ['stored', 'duplicate', 'withheld']) events.inc({ outcome }, 0);
  for (const reason of ['overloaded', 'unavailable', 'failed']) refused.inc({ reason }, 0);

  return {
    registry,
    ingest: {
      flushed(outcome, seconds) {
        flushSeconds.observe(seconds);
        flushEvents.observe(outcome.stored + outcome.duplicates + outcome.withheld);
        if (outcome.stored) events.inc({ outcome: 'stored' }, outcome.stored);
        if (outcome.duplicates) events.inc({ outcome: 'duplicate' }, outcome.duplicates);
        if (outcome.withheld) events.inc({ outcome: 'withheld' }, outcome.withheld);
      },
      refused(reason, count) {
        refused.inc({ reason }, count);
      },
      deadLettered(count) {
        deadLettered.inc(count);
      },
    },
    httpRequest(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      requestSeconds.observe({ route }, seconds);
    },
    webhookAttempt(outcome, seconds) {
      attempts.inc({ outcome });
      attemptSeconds.observe(seconds);
    },
    watchQueueDepth(read) {
      readDepth = read;
    },
    watchMaintenance(maintenance) {
      readProblems = () => maintenance.problems();
      maintenance.watch((report) => { if (!report.ok) maintenanceFailures.inc({ task: report.task }); });
    },
    watchDeadLetters(read) {
      readDeadLetters = read;
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
