/**
 * `npm run bench:recommendations`: recommendations served at scale (issue 15 §4), on SQLite
 * (default) or PostgreSQL (`--store postgres`):
 *   - a shop of --items products (default 100,000) and --profiles people (default 1,000,000), each
 *     with a few views and purchases learned (bench/recommendations-fixtures.ts: written once through
 *     the store's write transaction, kept per size, resumable);
 *   - the incremental cost: the same events of known people (product views, orders) go through the
 *     real ingest pipeline (createProcessBatch, batches of 500) with item learning and without,
 *     alternating; µs per event of each and the difference (wall and CPU; best of --rounds);
 *   - serving: the server (`dist/main.js serve`, a child process) answering
 *     GET /v1/recommendations from --connections concurrent connections (default 50, autocannon) for
 *     --duration seconds: 40% for-you of a random known person, 40% also-bought / also-viewed of a
 *     random product (long tail), 10% popular, 10% trending. Figures: requests/s, client latency
 *     (includes the 50 connections queueing on 2 cores), the server's own time per request from its
 *     histogram `tessera_http_request_duration_seconds` (GET /metrics before and after), server CPU
 *     per request, and peak RSS (memory).
 * Goal (not a test): p99 < 10 ms per request. Progress on stderr; a table and, last, one JSON line.
 */
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import type { TrackedEvent } from '../src/core/events/event.js';
import { validateEvent } from '../src/core/events/validate-event.js';
import { createIdentityGuard } from '../src/core/identity/identity-key.js';
import { compileRecommendationSettings, DEFAULT_RECOMMENDATION_SETTINGS } from '../src/core/recommendations/settings.js';
import { createProcessBatch } from '../src/ingest/process-batch.js';
import { learningParams } from '../src/ingest/steps/learn-items.js';
import type { Store } from '../src/ports/store.js';
import { createPrivacyContexts } from '../src/privacy/privacy-context.js';
import { openStore } from '../src/storage/open-store.js';
import { ensureDefaultWorkspace } from '../src/workspaces/api-keys.js';
import { PROJECT_ROOT } from './bench-runs.js';
import { runCleanup } from './cleanup.js';
import { createRandom } from './random.js';
import { anonymousIdOf, ensureShop, itemIdOf, skewedItem, visitOf, WORKSPACE } from './recommendations-fixtures.js';
import { machineInfo } from './report.js';
import { startServer, type RunningServer } from './server-process.js';

const HELP = `npm run bench:recommendations -- [flags]

  --items <n>           products (default 100000)
  --profiles <n>        people with learned histories (default 1000000); the shop is generated once per
                        size and reused
  --store <kind>        sqlite (default) or postgres
  --connections <n>     concurrent request connections (default 50)
  --duration <s>        measured seconds of serving (default 20)
  --warmup <s>          serving load before measuring (default 5)
  --events <n>          events of the incremental-cost part (default 20000; 0: skip it)
  --rounds <n>          alternating rounds of that part, best kept (default 2)
  --cache-dir <path>    where the SQLite shop lives (default ${join(tmpdir(), 'tessera-bench-recs')})
  --postgres-url <url>  server for --store postgres (default postgres://postgres@127.0.0.1:5432/postgres); the
                        database tessera_bench_recs_<items>_<profiles> is kept for reruns
  --generate-only       prepare the data and stop
  --help                this text
`;

const ADMIN = 'ak_bench_recs_admin_key_000001';
const WRITE = 'wk_bench_recs_write_00001';
const DAY = 86_400_000;
const progress = (m: string) => process.stderr.write(`[bench:recommendations] ${m}\n`);

interface Options {
  items: number; profiles: number; store: 'sqlite' | 'postgres'; connections: number; durationS: number; warmupS: number; events: number; rounds: number;
  cacheDir: string; postgresUrl: string; generateOnly: boolean;
}

function options(): Options | null {
  const { values } = parseArgs({ options: {
    items: { type: 'string' }, profiles: { type: 'string' }, store: { type: 'string' }, connections: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' },
    events: { type: 'string' }, rounds: { type: 'string' }, 'cache-dir': { type: 'string' }, 'postgres-url': { type: 'string' }, 'generate-only': { type: 'boolean' }, help: { type: 'boolean' },
  } });
  if (values.help) return null;
  const n = (name: string, v: string | undefined, d: number, min = 0) => {
    const x = v === undefined ? d : Number(v);
    if (!Number.isFinite(x) || x < min) throw new Error(`--${name} must be a number ≥ ${min}, not ${v}`);
    return Math.round(x);
  };
  const store = values.store ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'postgres') throw new Error(`--store must be sqlite or postgres, not ${store}`);
  return {
    items: n('items', values.items, 100_000, 100), profiles: n('profiles', values.profiles, 1_000_000, 1), store, connections: n('connections', values.connections, 50, 1),
    durationS: n('duration', values.duration, 20, 1), warmupS: n('warmup', values.warmup, 5), events: n('events', values.events, 20_000), rounds: n('rounds', values.rounds, 2, 1),
    cacheDir: values['cache-dir'] ?? join(tmpdir(), 'tessera-bench-recs'), postgresUrl: values['postgres-url'] ?? 'postgres://postgres@127.0.0.1:5432/postgres', generateOnly: values['generate-only'] ?? false,
  };
}

/** Where the shop lives, for `tessera serve` and for the in-process part. */
async function locate(o: Options): Promise<{ env: Record<string, string>; location: string }> {
  if (o.store === 'sqlite') {
    const dir = join(o.cacheDir, `sqlite-${o.items}-${o.profiles}`);
    mkdirSync(dir, { recursive: true });
    return { env: { TESSERA_DATA_DIR: dir, TESSERA_SQLITE_SYNC: 'normal' }, location: dir };
  }
  const name = `tessera_bench_recs_${o.items}_${o.profiles}`;
  const admin = new pg.Client({ connectionString: o.postgresUrl });
  await admin.connect();
  try {
    if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(o.postgresUrl);
  url.pathname = `/${name}`;
  return { env: { TESSERA_DATABASE_URL: url.toString() }, location: url.toString() };
}

/** Events of known people (a visit each: views in an aisle, sometimes an order), in time order. */
function knownVisitorEvents(o: Options, seed: number, now: number): TrackedEvent[] {
  const random = createRandom(seed);
  const guard = createIdentityGuard();
  const out: TrackedEvent[] = [];
  while (out.length < o.events) {
    const anonymousId = anonymousIdOf(random.int(o.profiles));
    const visit = visitOf(random, o.items, now + out.length * 1000);
    const purchases = visit.filter((i) => i.kind === 'purchase');
    const inputs = [
      ...visit.filter((i) => i.kind === 'view').map((i) => ({ type: 'track', event: 'Product Viewed', anonymousId, properties: { product_id: i.itemId }, timestamp: new Date(i.at).toISOString() })),
      ...(purchases.length > 0 ? [{ type: 'track', event: 'Order Completed', anonymousId, properties: { products: purchases.map((p) => ({ product_id: p.itemId })) }, timestamp: new Date(purchases[0]!.at).toISOString() }] : []),
    ];
    for (const input of inputs) {
      const result = validateEvent({ messageId: randomUUID(), ...input }, { workspaceId: WORKSPACE, receivedAt: Date.parse(input.timestamp), guard, newMessageId: randomUUID });
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      out.push(result.event);
    }
  }
  return out.slice(0, o.events);
}

/** µs per event with and without item learning, alternating rounds, best of each (the machine is shared). */
async function incrementalCost(store: Store, o: Options) {
  const settings = compileRecommendationSettings(DEFAULT_RECOMMENDATION_SETTINGS);
  const privacy = await createPrivacyContexts(store, Date.now).get(WORKSPACE);
  const best = { on: Infinity, off: Infinity, onCpu: Infinity, offCpu: Infinity };
  for (let round = 0; round < o.rounds; round++) {
    for (const learn of round % 2 === 0 ? [true, false] : [false, true]) {
      const events = knownVisitorEvents(o, 100 + round * 2 + (learn ? 1 : 0), Date.now());
      const processBatch = createProcessBatch({
        guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId: () => `tessera-${randomUUID()}`, analytics: false,
        ...(learn ? { recommendations: { get: async () => settings } } : {}),
      });
      progress(`incremental cost: round ${round + 1}, learning ${learn ? 'on' : 'off'}, ${events.length} events…`);
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < events.length; i += 500) {
        const batch = events.slice(i, i + 500);
        await store.write((tx) => processBatch(tx, WORKSPACE, batch, privacy));
      }
      const used = process.cpuUsage(cpu);
      const us = ((performance.now() - started) * 1000) / events.length;
      const cpuUs = (used.user + used.system) / events.length;
      if (learn) { best.on = Math.min(best.on, us); best.onCpu = Math.min(best.onCpu, cpuUs); } else { best.off = Math.min(best.off, us); best.offCpu = Math.min(best.offCpu, cpuUs); }
    }
  }
  const r = (x: number) => Math.round(x * 10) / 10;
  return { events: o.events, rounds: o.rounds, usPerEventWithout: r(best.off), usPerEventWith: r(best.on), learningUsPerEvent: r(best.on - best.off), cpuUsPerEventWithout: r(best.offCpu), cpuUsPerEventWith: r(best.onCpu), learningCpuUsPerEvent: r(best.onCpu - best.offCpu) };
}

/** The recommendations route's histogram buckets (upper bound s → cumulative count) from GET /metrics. */
async function routeHistogram(server: RunningServer): Promise<Map<number, number>> {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
  const out = new Map<number, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^tessera_http_request_duration_seconds_bucket\{(.*)\} (\d+)/.exec(line);
    if (!m || !/route="\/v1\/recommendations"/.test(m[1]!)) continue;
    const le = /le="([^"]+)"/.exec(m[1]!)?.[1];
    if (le) out.set(le === '+Inf' ? Infinity : Number(le), (out.get(le === '+Inf' ? Infinity : Number(le)) ?? 0) + Number(m[2]));
  }
  return out;
}

/** Interpolated quantiles and shares within bounds, from two cumulative histograms. */
function serverTime(before: Map<number, number>, after: Map<number, number>) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const cum = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const total = cum[cum.length - 1] ?? 0;
  if (total === 0) return null;
  const quantile = (q: number) => {
    const target = q * total;
    for (let i = 0; i < bounds.length; i++) {
      if (cum[i]! < target) continue;
      const lo = i === 0 ? 0 : bounds[i - 1]!, below = i === 0 ? 0 : cum[i - 1]!;
      if (!Number.isFinite(bounds[i]!)) return lo * 1000;
      return Math.round((lo + ((target - below) / Math.max(1, cum[i]! - below)) * (bounds[i]! - lo)) * 1e6) / 1000;
    }
    return NaN;
  };
  const within = (b: number) => { const i = bounds.indexOf(b); return i < 0 ? null : Math.round((cum[i]! / total) * 10_000) / 100; };
  return { requests: total, p50Ms: quantile(0.5), p99Ms: quantile(0.99), withinPct: { '5ms': within(0.005), '10ms': within(0.01), '25ms': within(0.025) } };
}

function requestPath(random: ReturnType<typeof createRandom>, o: Options): string {
  const x = random.next();
  if (x < 0.4) return `/v1/recommendations?kind=for-you&profile=${anonymousIdOf(random.int(o.profiles))}&limit=10`;
  if (x < 0.8) return `/v1/recommendations?kind=${x < 0.6 ? 'also-bought' : 'also-viewed'}&item=${itemIdOf(skewedItem(random, o.items))}&limit=10`;
  return `/v1/recommendations?kind=${x < 0.9 ? 'popular' : 'trending'}&limit=10`;
}

async function main(): Promise<void> {
  const o = options();
  if (!o) { process.stdout.write(HELP); return; }
  const started = Date.now();
  const { env, location } = await locate(o);
  const config = loadConfig({ env: { ...env }, flags: { logLevel: 'warn' } });
  const store = await openStore(config);
  let data: { generated: number; seconds: number };
  let cost: Awaited<ReturnType<typeof incrementalCost>> | null = null;
  try {
    await ensureDefaultWorkspace(store, { now: Date.now(), adminKey: ADMIN, writeKey: WRITE });
    progress(`preparing ${o.store}: ${o.items.toLocaleString('en-US')} items, ${o.profiles.toLocaleString('en-US')} people…`);
    data = await ensureShop(store, { items: o.items, profiles: o.profiles, params: learningParams(compileRecommendationSettings(DEFAULT_RECOMMENDATION_SETTINGS)), now: Date.now() - DAY }, progress);
    if (o.store === 'postgres') {
      // As autovacuum would soon after a load: the planner needs the statistics of the filled tables.
      const client = new pg.Client({ connectionString: env.TESSERA_DATABASE_URL });
      await client.connect();
      await client.query('ANALYZE rec_pairs, rec_item_stats, rec_item_categories, rec_items, rec_history, profiles');
      await client.end();
    }
    if (o.generateOnly) { progress(`ready at ${location}`); return; }
    if (o.events > 0) cost = await incrementalCost(store, o);
  } finally {
    await store.close();
  }

  progress('building (if stale)…');
  const build = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('the build failed');
  const server = await startServer({
    label: `tessera/${o.store}`, args: ['--max-semi-space-size=32', 'dist/main.js', 'serve'], cwd: PROJECT_ROOT,
    env: { ...env, TESSERA_HOST: '127.0.0.1', TESSERA_LOG_LEVEL: 'warn', TESSERA_SEGMENT_SCHEDULER: 'false' }, readyPath: '/healthz',
  });
  try {
    const probe = await fetch(`http://127.0.0.1:${server.port}/v1/recommendations?kind=for-you&profile=${anonymousIdOf(0)}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const probeText = await probe.text();
    if (probe.status !== 200) throw new Error(`GET /v1/recommendations answered ${probe.status}: ${probeText.slice(0, 300)}`);
    if ((JSON.parse(probeText) as { items: unknown[] }).items.length === 0) throw new Error('for-you of a known person is empty: the shop was not learned');
    const random = createRandom(42);
    const run = (seconds: number) => autocannon({
      url: `http://127.0.0.1:${server.port}`, connections: o.connections, duration: seconds, pipelining: 1,
      requests: [{ method: 'GET', headers: { authorization: `Bearer ${ADMIN}` }, setupRequest: (req) => ({ ...req, path: requestPath(random, o) }) }],
    });
    if (o.warmupS > 0) { progress(`warming up for ${o.warmupS} s…`); await run(o.warmupS); }
    const before = await routeHistogram(server);
    const cpuBefore = server.cpuSeconds();
    progress(`measuring for ${o.durationS} s with ${o.connections} connections…`);
    const served = await run(o.durationS);
    const fromHistogram = serverTime(before, await routeHistogram(server));
    const serverCpuSeconds = server.cpuSeconds() - cpuBefore;
    const memory = server.memory();
    const ok = served['2xx'];
    const figures = {
      bench: 'recommendations', store: o.store, items: o.items, profiles: o.profiles, connections: o.connections, durationS: o.durationS,
      requestsPerSecond: Math.round(ok / o.durationS), non2xx: served.non2xx, errors: served.errors, timeouts: served.timeouts,
      clientLatencyMs: { p50: served.latency.p50, p99: served.latency.p99, max: served.latency.max },
      serverTime: fromHistogram,
      serverCpuMsPerRequest: ok === 0 ? null : Math.round((serverCpuSeconds * 1000 / ok) * 1000) / 1000,
      serverMemory: memory, incremental: cost,
      data: { location, generatedNow: data.generated, generateSeconds: data.seconds }, machine: machineInfo(), wallSeconds: Math.round((Date.now() - started) / 1000),
    };
    process.stdout.write([
      `recommendations on ${o.store}: ${o.items.toLocaleString('en-US')} items, ${o.profiles.toLocaleString('en-US')} people, ${o.connections} connections, ${o.durationS} s (40% for-you, 40% also-bought/also-viewed, 20% popular/trending)`,
      `  throughput        ${figures.requestsPerSecond.toLocaleString('en-US')} requests/s (non-2xx ${served.non2xx}, errors ${served.errors})`,
      `  client latency    p50 ${served.latency.p50} ms, p99 ${served.latency.p99} ms (autocannon: ${o.connections} connections queueing on 2 cores)`,
      fromHistogram ? `  server time       p50 ≈ ${fromHistogram.p50Ms} ms, p99 ≈ ${fromHistogram.p99Ms} ms per request (its histogram, interpolated); within 5 ms ${fromHistogram.withinPct['5ms']}%, 10 ms ${fromHistogram.withinPct['10ms']}%   goal p99 < 10 ms: ${fromHistogram.p99Ms < 10 ? 'met' : 'not met'}` : '  server time       (no histogram)',
      `  server CPU        ${figures.serverCpuMsPerRequest} ms per request; peak RSS ${memory.peakMiB} MiB`,
      cost ? `  incremental       ${cost.usPerEventWith} µs/event with learning, ${cost.usPerEventWithout} without: learning ${cost.learningUsPerEvent} µs/event (CPU ${cost.learningCpuUsPerEvent} µs), best of ${cost.rounds} rounds of ${cost.events} events` : '',
    ].filter(Boolean).join('\n') + '\n');
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await server.stop();
  }
}

main().catch(async (error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  await runCleanup();
  process.exit(1);
});
