/** What the orchestrator asks of the load generator, and what it answers. */
import type { LatencySummary } from './latency.js';
import type { TrafficOptions } from './traffic.js';

export type ScenarioName = 'batched' | 'single';

export interface LoadPlan {
  host: string;
  port: number;
  writeKey: string;
  scenario: ScenarioName;
  /** Events per `/v1/batch` request (batched scenario). */
  batchSize: number;
  connections: number;
  /** Load before measuring starts (JIT, caches, group-commit rhythm); its requests count as acknowledged. */
  warmupMs: number;
  durationMs: number;
  traffic: TrafficOptions;
}

export interface LoadResult {
  scenario: ScenarioName;
  connections: number;
  /** Requests completed within the measured window. */
  window: {
    seconds: number;
    requests: number;
    okRequests: number;
    okEvents: number;
    requestsPerSecond: number;
    eventsPerSecond: number;
    latencyMs: LatencySummary;
    /** Average request body size, bytes. */
    bodyBytes: number;
  };
  /** The whole run, warm-up and drain included: what the store must hold afterwards. */
  totals: {
    requests: number;
    okRequests: number;
    okEvents: number;
    /** Answered with a status outside 2xx, by status. */
    non2xx: Record<string, number>;
    /** Connection errors and requests still unanswered when the drain timed out. */
    transportErrors: number;
    unanswered: number;
  };
  /** The generator's own CPU use, as a share of one core over the run: it must not be the bottleneck. */
  generatorCpuShare: number;
}
