/**
 * `npm run bench:decide`: the public decide API under load (issue 14 §6), on SQLite (default) or
 * PostgreSQL (`--store postgres`):
 *   - N profiles (default 1,000,000; decide-fixtures.ts: generated once into a cache folder /
 *     kept database and reused; generation resumes after an interruption, with progress);
 *   - 20 slots of 5–10 rules each (lifecycle, topic reads, context, segments), defined through the
 *     admin API;
 *   - the server (`dist/main.js serve`, a child process) answering POST /v1/decide from 50
 *     concurrent connections (autocannon), each request deciding 3 slots for a random known
 *     visitor (20% unknown ones), while 1,000 events/s of ingest (page views with categories and
 *     Slot Viewed) arrive through POST /v1/batch at the same time.
 * Figures: decide throughput (2xx/s), client latency p50/p99 (autocannon, includes the loopback and
 * the client's own queueing), and the server time per request: from a `Server-Timing` header when
 * the server sends one, else from the server's own histogram `tessera_http_request_duration_seconds`
 * for the decide route (GET /metrics before and after: the share answered within 1, 2.5 and 5 ms
 * exactly, p50/p99 interpolated within buckets). Targets (goals, not tests): p99 < 5 ms server time
 * and ≥ 5,000 decisions/s.
 * Progress goes to stderr; stdout gets the figures and, last, one JSON line. `--help` for flags.
 */
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/storage/open-store.js';
import { ensureDefaultWorkspace } from '../src/workspaces/api-keys.js';
import { PROJECT_ROOT } from './bench-runs.js';
import { runCleanup } from './cleanup.js';
import { anonymousIdOf, ensureProfiles, slotDefinitions, TOPICS } from './decide-fixtures.js';
import { createRandom } from './random.js';
import { machineInfo } from './report.js';
import { startServer, type RunningServer } from './server-process.js';

const HELP = `npm run bench:decide -- [flags]

  --profiles <n>        stored profiles (default 1000000); generated once per count and reused
  --store <kind>        sqlite (default) or postgres
  --duration <s>        measured seconds (default 30)
  --warmup <s>          decide load before measuring (default 5)
  --connections <n>     concurrent decide connections (default 50)
  --ingest-rate <n>     events/s of ingest during the measurement (default 1000; 0: none)
  --slots-per-request <n>  slots decided per request (default 3)
  --cache-dir <path>    where the SQLite fixture lives (default ${join(tmpdir(), 'tessera-bench-decide')})
  --postgres-url <url>  server for --store postgres (default postgres://postgres@127.0.0.1:5432/postgres); the
                        fixture database tessera_bench_decide_<profiles> is kept for reruns
  --generate-only       prepare the data and stop
  --help                this text
`;

const ADMIN = 'ak_bench_decide_admin_key_00001';
const WRITE = 'wk_bench_decide_write_0001';
const progress = (m: string) => process.stderr.write(`[bench:decide] ${m}\n`);

interface Options {
  profiles: number; store: 'sqlite' | 'postgres'; durationS: number; warmupS: number; connections: number; ingestRate: number; slotsPerRequest: number;
  cacheDir: string; postgresUrl: string; generateOnly: boolean;
}

function options(): Options | null {
  const { values } = parseArgs({ options: {
    profiles: { type: 'string' }, store: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' }, connections: { type: 'string' }, 'ingest-rate': { type: 'string' },
    'slots-per-request': { type: 'string' }, 'cache-dir': { type: 'string' }, 'postgres-url': { type: 'string' }, 'generate-only': { type: 'boolean' }, help: { type: 'boolean' },
  } });
  if (values.help) return null;
  const n = (name: string, v: string | undefined, d: number, min = 0) => {
    const x = v === undefined ? d : Number(v);
    if (!Number.isFinite(x) || x < min) throw new Error(`--${name} must be a number ≥ ${min}, not ${v}`);
    return x;
  };
  const store = values.store ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'postgres') throw new Error(`--store must be sqlite or postgres, not ${store}`);
  return {
    profiles: Math.round(n('profiles', values.profiles, 1_000_000, 1)), store, durationS: n('duration', values.duration, 30, 1), warmupS: n('warmup', values.warmup, 5),
    connections: Math.round(n('connections', values.connections, 50, 1)), ingestRate: n('ingest-rate', values['ingest-rate'], 1000), slotsPerRequest: Math.round(n('slots-per-request', values['slots-per-request'], 3, 1)),
    cacheDir: values['cache-dir'] ?? join(tmpdir(), 'tessera-bench-decide'), postgresUrl: values['postgres-url'] ?? 'postgres://postgres@127.0.0.1:5432/postgres', generateOnly: values['generate-only'] ?? false,
  };
}

/** The store's location for `tessera serve`, prepared (workspace, keys, segments, profiles). */
async function prepare(o: Options): Promise<{ env: Record<string, string>; location: string; generated: number; generateSeconds: number }> {
  let env: Record<string, string>;
  let location: string;
  if (o.store === 'sqlite') {
    const dir = join(o.cacheDir, `sqlite-${o.profiles}`);
    mkdirSync(dir, { recursive: true });
    env = { TESSERA_DATA_DIR: dir, TESSERA_SQLITE_SYNC: 'normal' };
    location = dir;
  } else {
    const name = `tessera_bench_decide_${o.profiles}`;
    const admin = new pg.Client({ connectionString: o.postgresUrl });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const url = new URL(o.postgresUrl);
    url.pathname = `/${name}`;
    env = { TESSERA_DATABASE_URL: url.toString() };
    location = url.toString();
  }
  const config = loadConfig({ env: { ...env }, flags: { logLevel: 'warn' } });
  const store = await openStore(config);
  try {
    await ensureDefaultWorkspace(store, { now: Date.now(), adminKey: ADMIN, writeKey: WRITE });
    const { generated, seconds } = await ensureProfiles(store, o.profiles, progress);
    return { env, location, generated, generateSeconds: seconds };
  } finally {
    await store.close();
  }
}

async function http(server: RunningServer, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method, headers: { authorization: `Bearer ${ADMIN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, text: await res.text() };
}

async function defineSlots(server: RunningServer): Promise<number> {
  let rules = 0;
  for (const slot of slotDefinitions()) {
    let res = await http(server, 'POST', '/v1/slots', slot);
    if (res.status === 409) res = await http(server, 'PUT', `/v1/slots/${slot.id as string}`, slot);
    if (res.status >= 300) throw new Error(`defining ${slot.id as string}: ${res.status} ${res.text}`);
    rules += (slot.rules as unknown[]).length;
  }
  return rules;
}

const basic = `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}`;

/** A decide body for a random visitor: known (80%) or unknown, 3 random slots, a page with a topic. */
function decideBody(random: ReturnType<typeof createRandom>, o: Options): string {
  const known = random.next() < 0.8;
  const topic = random.pick(TOPICS);
  const slots = new Set<string>();
  while (slots.size < Math.min(o.slotsPerRequest, 20)) slots.add(`slot-${random.int(20)}`);
  return JSON.stringify({
    slots: [...slots], anonymousId: known ? anonymousIdOf(random.int(o.profiles)) : `bench-new-${random.uuid()}`,
    context: { url: `https://example.com/${topic}/article-${random.int(100)}`, path: `/${topic}/article`, category: topic, referrer: 'https://www.google.com/', locale: 'de-DE', timezone: 'Europe/Berlin', deviceClass: random.pick(['desktop', 'mobile', 'tablet']), ...(random.next() < 0.2 ? { utm: { campaign: `spring-${topic}`, source: 'newsletter' } } : {}) },
  });
}

/** 50 events for the ingest load: page views with a category by known visitors, and Slot Viewed. */
function ingestBody(random: ReturnType<typeof createRandom>, o: Options, size: number): string {
  const batch = Array.from({ length: size }, () => {
    const anonymousId = anonymousIdOf(random.int(o.profiles));
    const topic = random.pick(TOPICS);
    return random.next() < 0.8
      ? { type: 'page', anonymousId, name: 'Article', category: topic, properties: { url: `https://example.com/${topic}/a`, path: `/${topic}/a`, category: topic } }
      : { type: 'track', anonymousId, event: 'Slot Viewed', properties: { slot: `slot-${random.int(20)}`, variant: 'general', ruleId: 'default', depth: 'none', decisionId: `dcs_bench_${random.uuid()}` } };
  });
  return JSON.stringify({ batch });
}

/** The decide route's histogram buckets (upper bound s → cumulative count) from GET /metrics. */
async function decideHistogram(server: RunningServer): Promise<Map<number, number>> {
  const text = (await http(server, 'GET', '/metrics')).text;
  const out = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = /^tessera_http_request_duration_seconds_bucket\{(.*)\} (\d+)/.exec(line);
    if (!m || !/route="\/v1\/decide"/.test(m[1]!)) continue;
    const le = /le="([^"]+)"/.exec(m[1]!)?.[1];
    if (le) out.set(le === '+Inf' ? Infinity : Number(le), Number(m[2]));
  }
  return out;
}

/** Share within each bound and interpolated quantiles from two cumulative histograms. */
function serverTimeFromHistogram(before: Map<number, number>, after: Map<number, number>) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const cum = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const total = cum[cum.length - 1] ?? 0;
  if (total === 0) return null;
  const quantile = (q: number) => {
    const target = q * total;
    for (let i = 0; i < bounds.length; i++) {
      if (cum[i]! >= target) {
        const lo = i === 0 ? 0 : bounds[i - 1]!, below = i === 0 ? 0 : cum[i - 1]!;
        if (!Number.isFinite(bounds[i]!)) return lo * 1000;
        return Math.round((lo + ((target - below) / Math.max(1, cum[i]! - below)) * (bounds[i]! - lo)) * 1e6) / 1000;
      }
    }
    return NaN;
  };
  const within = (b: number) => { const i = bounds.indexOf(b); return i < 0 ? null : Math.round((cum[i]! / total) * 10_000) / 100; };
  return { requests: total, p50Ms: quantile(0.5), p99Ms: quantile(0.99), withinPct: { '1ms': within(0.001), '2.5ms': within(0.0025), '5ms': within(0.005) } };
}

const quantileOf = (sorted: readonly number[], q: number) => (sorted.length === 0 ? null : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 1000) / 1000);

async function main(): Promise<void> {
  const o = options();
  if (!o) { process.stdout.write(HELP); return; }
  const started = Date.now();
  progress(`preparing ${o.store} with ${o.profiles.toLocaleString('en-US')} profiles…`);
  const data = await prepare(o);
  if (o.generateOnly) { progress(`ready at ${data.location}`); return; }

  progress('building (if stale)…');
  const build = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('the build failed');
  const server = await startServer({
    label: `tessera/${o.store}`, args: ['--max-semi-space-size=32', 'dist/main.js', 'serve'], cwd: PROJECT_ROOT,
    env: { ...data.env, TESSERA_HOST: '127.0.0.1', TESSERA_LOG_LEVEL: 'warn', TESSERA_SEGMENT_SCHEDULER: 'false' }, readyPath: '/healthz',
  });
  try {
    const rules = await defineSlots(server);
    progress(`20 slots with ${rules} rules defined`);
    const probe = await fetch(`http://127.0.0.1:${server.port}/v1/decide`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/json' }, body: decideBody(createRandom(1), o) });
    const probeText = await probe.text();
    if (probe.status !== 200) throw new Error(`POST /v1/decide answered ${probe.status}: ${probeText.slice(0, 300)}${probe.status === 404 ? ' (is h/decide-api merged?)' : ''}`);
    const hasServerTiming = probe.headers.get('server-timing') !== null;

    const random = createRandom(42);
    const serverTimes: number[] = [];
    const decideRun = (seconds: number, record: boolean) => autocannon({
      url: `http://127.0.0.1:${server.port}`, connections: o.connections, duration: seconds, pipelining: 1,
      requests: [{
        method: 'POST', path: '/v1/decide', headers: { authorization: basic, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: decideBody(random, o) }),
        ...(record && hasServerTiming ? {
          onResponse: (_status: number, _body: string, _context: object, headers: Record<string, string | string[] | undefined> | undefined) => {
            const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === 'server-timing');
            const dur = /dur=([\d.]+)/.exec(String(key ? headers![key] : ''))?.[1];
            if (dur !== undefined) serverTimes.push(Number(dur));
          },
        } : {}),
      }],
    });
    if (o.warmupS > 0) {
      progress(`warming up for ${o.warmupS} s…`);
      await decideRun(o.warmupS, false);
    }
    const batchSize = 50;
    const ingestRandom = createRandom(7);
    const cpuBefore = server.cpuSeconds();
    const histogramBefore = await decideHistogram(server);
    progress(`measuring for ${o.durationS} s: ${o.connections} decide connections${o.ingestRate > 0 ? `, ingest at ${o.ingestRate} events/s` : ''}…`);
    const ingest = o.ingestRate > 0 ? autocannon({
      url: `http://127.0.0.1:${server.port}`, connections: 4, duration: o.durationS, overallRate: o.ingestRate / batchSize,
      requests: [{ method: 'POST', path: '/v1/batch', headers: { authorization: basic, 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: ingestBody(ingestRandom, o, batchSize) }) }],
    }) : null;
    const [decide, ingested] = await Promise.all([decideRun(o.durationS, true), ingest]);
    const histogramAfter = await decideHistogram(server);
    const serverCpuSeconds = Math.round((server.cpuSeconds() - cpuBefore) * 10) / 10;
    const memory = server.memory();

    const ok = decide['2xx'];
    const sortedServer = serverTimes.sort((a, b) => a - b);
    const fromHistogram = serverTimeFromHistogram(histogramBefore, histogramAfter);
    const figures = {
      bench: 'decide', store: o.store, profiles: o.profiles, slots: 20, rules, connections: o.connections, slotsPerRequest: o.slotsPerRequest, durationS: o.durationS,
      decisionsPerSecond: Math.round((ok * o.slotsPerRequest) / o.durationS), requestsPerSecond: Math.round(ok / o.durationS), non2xx: decide.non2xx, errors: decide.errors, timeouts: decide.timeouts,
      clientLatencyMs: { p50: decide.latency.p50, p99: decide.latency.p99, max: decide.latency.max },
      serverTimeMs: hasServerTiming ? { source: 'Server-Timing', p50: quantileOf(sortedServer, 0.5), p99: quantileOf(sortedServer, 0.99), samples: sortedServer.length } : null,
      serverHistogram: fromHistogram,
      ingest: ingested ? { targetEventsPerSecond: o.ingestRate, eventsPerSecond: Math.round((ingested['2xx'] * batchSize) / o.durationS), non2xx: ingested.non2xx, clientLatencyP99Ms: ingested.latency.p99 } : null,
      serverCpuSeconds, serverCpuCores: Math.round((serverCpuSeconds / o.durationS) * 100) / 100, serverMemory: memory,
      // CPU per decide request (all the server's threads; with ingest running, its CPU too): a figure the machine's other load changes less than latency.
      serverCpuMsPerDecideRequest: ok === 0 ? null : Math.round((serverCpuSeconds * 1000 / ok) * 1000) / 1000,
      data: { location: data.location, generatedNow: data.generated, generateSeconds: data.generateSeconds },
      machine: machineInfo(), wallSeconds: Math.round((Date.now() - started) / 1000),
    };
    const serverP99 = figures.serverTimeMs?.p99 ?? fromHistogram?.p99Ms ?? null;
    process.stdout.write([
      `decide on ${o.store}, ${o.profiles.toLocaleString('en-US')} profiles, 20 slots / ${rules} rules, ${o.connections} connections × ${o.slotsPerRequest} slots per request, ${o.durationS} s${ingested ? `, ingest ${figures.ingest!.eventsPerSecond} events/s` : ''}`,
      `  throughput        ${figures.decisionsPerSecond.toLocaleString('en-US')} decisions/s (${figures.requestsPerSecond.toLocaleString('en-US')} requests/s; non-2xx ${decide.non2xx}, errors ${decide.errors})   target ≥ 5,000`,
      `  client latency    p50 ${decide.latency.p50} ms, p99 ${decide.latency.p99} ms (autocannon, ${o.connections} connections queueing on 2 cores)`,
      figures.serverTimeMs ? `  server time       p50 ${figures.serverTimeMs.p50} ms, p99 ${figures.serverTimeMs.p99} ms (Server-Timing, ${figures.serverTimeMs.samples} samples)   target p99 < 5 ms` : '',
      fromHistogram ? `  server histogram  p50 ≈ ${fromHistogram.p50Ms} ms, p99 ≈ ${fromHistogram.p99Ms} ms (interpolated); within 1 ms ${fromHistogram.withinPct['1ms']}%, 2.5 ms ${fromHistogram.withinPct['2.5ms']}%, 5 ms ${fromHistogram.withinPct['5ms']}%` : '',
      `  server CPU        ${figures.serverCpuCores} cores, ${figures.serverCpuMsPerDecideRequest} ms per decide request${ingested ? ' (ingest included)' : ''}, peak RSS ${memory.peakMiB} MiB;   p99 target ${serverP99 !== null && serverP99 < 5 ? 'met' : 'not met'}, throughput target ${figures.decisionsPerSecond >= 5000 ? 'met' : 'not met'}`,
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
