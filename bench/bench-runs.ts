/**
 * One benchmark run: a fresh server (Tessera on a fresh store, or the baseline), one scenario of
 * load from the generator process, the server's memory, a graceful stop, and — for Tessera — the
 * stored events checked against the acknowledged ones. A failing run becomes a record with `error`,
 * so that `--store both` still reports the store that works.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.js';
import { summariseCpuProfile, type ProfileSummary } from './cpu-profile.js';
import { runGenerator } from './generator-process.js';
import type { LoadPlan, LoadResult, ScenarioName } from './load-plan.js';
import type { BenchOptions } from './options.js';
import { startServer, type MemoryFigures, type RunningServer, type ServerSpec } from './server-process.js';
import { createStoreFixture, type StoreFixture, type StoreKind, type StoredFigures } from './store-fixtures.js';
import { DEFAULT_TRAFFIC } from './traffic.js';

/** Node flags the server runs with, as `npm start` and the `tessera` command start it (a 32 MB young generation: fewer collections under ingest load). */
const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];

export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
const WRITE_KEY = 'wk_bench_write_key_0001';
const ADMIN_KEY = 'ak_bench_admin_key_000000001';

/** `request-path`: Tessera's app answering once a request is validated, storing nothing (bench/request-path-server.ts). */
export type Target = 'baseline' | 'request-path' | StoreKind;

export interface Verification {
  acknowledged: number;
  stored: number;
  ok: boolean;
  note?: string;
}

export interface RunRecord {
  target: Target;
  scenario: ScenarioName;
  load?: LoadResult;
  memory?: MemoryFigures;
  /** The server's CPU use during the load, in cores (1 = one core busy throughout). */
  serverCpuCores?: number;
  /** CPU seconds the server used during the load (warm-up and drain included). */
  serverCpuSeconds?: number;
  stored?: StoredFigures;
  verification?: Verification;
  /** Server log lines at warn level or above (Tessera logs flush failures there). */
  serverLog?: string;
  profile?: ProfileSummary;
  /** The busiest worker thread (with SQLite, the WAL checkpointer): its work is off the event loop but not free. */
  workerProfile?: ProfileSummary;
  error?: string;
}

function planFor(options: BenchOptions, scenario: ScenarioName, port: number): LoadPlan {
  return {
    host: '127.0.0.1', port, writeKey: WRITE_KEY, scenario,
    batchSize: options.batchSize,
    connections: scenario === 'batched' ? options.batchConnections : options.singleConnections,
    warmupMs: options.warmupMs, durationMs: options.durationMs,
    traffic: { ...DEFAULT_TRAFFIC, anonymousIds: options.anonymousIds, seed: options.seed, runId: randomBytes(3).toString('hex') },
  };
}

/** Drives a started server with one scenario; stops it (gracefully) whatever happens. */
async function loadServer(options: BenchOptions, scenario: ScenarioName, server: RunningServer) {
  let memory: MemoryFigures;
  let exit: number | string | null;
  let load: LoadResult;
  let serverCpuSeconds: number;
  let elapsedSeconds: number;
  const cpuBefore = server.cpuSeconds();
  const startedAt = performance.now();
  try {
    load = await runGenerator(planFor(options, scenario, server.port));
  } finally {
    serverCpuSeconds = server.cpuSeconds() - cpuBefore;
    elapsedSeconds = (performance.now() - startedAt) / 1000;
    memory = server.memory();
    exit = await server.stop();
  }
  const serverCpuCores = Math.round((serverCpuSeconds / elapsedSeconds) * 100) / 100;
  return { load, memory, exit, serverCpuCores, serverCpuSeconds };
}

export async function runBaseline(options: BenchOptions, scenario: ScenarioName): Promise<RunRecord> {
  const spec: ServerSpec = { label: 'baseline', args: ['--import', 'tsx', 'bench/baseline-server.ts', '{port}'], cwd: PROJECT_ROOT, readyPath: '/' };
  try {
    const { load, memory, serverCpuCores, serverCpuSeconds } = await loadServer(options, scenario, await startServer(spec));
    return { target: 'baseline', scenario, load, memory, serverCpuCores, serverCpuSeconds };
  } catch (error) {
    return { target: 'baseline', scenario, error: (error as Error).message };
  }
}

/**
 * Tessera on a fresh store; with `requestPathOnly`, the bench server that answers once a request is
 * validated and stores nothing (no stored-events check then: nothing is meant to be stored).
 */
export async function runTessera(options: BenchOptions, store: StoreKind, scenario: ScenarioName, requestPathOnly = false): Promise<RunRecord> {
  const target: Target = requestPathOnly ? 'request-path' : store;
  let fixture: StoreFixture;
  try {
    fixture = await createStoreFixture(store, { sqliteSync: options.sqliteSync, postgresAdminUrl: options.postgresAdminUrl });
  } catch (error) {
    return { target, scenario, error: `could not create the ${store} store: ${(error as Error).message}` };
  }
  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'tessera-prof-')) : null;
  const removeProfileDir = profileDir ? onCleanup(() => rmSync(profileDir, { recursive: true, force: true })) : () => undefined;
  try {
    const server = await startServer({
      label: `tessera/${store}`,
      args: [
        ...SERVER_NODE_FLAGS, ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', '250'] : []),
        ...(requestPathOnly ? ['--import', 'tsx', 'bench/request-path-server.ts'] : ['dist/main.js', 'serve']),
      ],
      cwd: PROJECT_ROOT,
      env: { ...fixture.env, TESSERA_HOST: '127.0.0.1', TESSERA_WRITE_KEY: WRITE_KEY, TESSERA_ADMIN_KEY: ADMIN_KEY, TESSERA_LOG_LEVEL: 'warn' },
      readyPath: '/healthz',
    });
    const { load, memory, exit, serverCpuCores, serverCpuSeconds } = await loadServer(options, scenario, server);
    const record: RunRecord = { target, scenario, load, memory, serverCpuCores, serverCpuSeconds };
    if (!requestPathOnly) {
      record.stored = await fixture.inspect();
      record.verification = verify(load, record.stored, exit);
    }
    const log = server.output().trim();
    if (log) record.serverLog = log.split('\n').slice(-20).join('\n');
    if (profileDir) {
      // One file per thread: CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main one.
      const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
      const main = files.find((f) => f.split('.')[4] === '0');
      if (main) record.profile = summariseCpuProfile(join(profileDir, main), PROJECT_ROOT);
      else record.error = 'the server wrote no CPU profile';
      const workers = files.filter((f) => f !== main).map((f) => summariseCpuProfile(join(profileDir, f), PROJECT_ROOT));
      const busiest = workers.sort((a, b) => a.idlePercent - b.idlePercent)[0];
      if (busiest) record.workerProfile = busiest;
    }
    return record;
  } catch (error) {
    return { target, scenario, error: (error as Error).message };
  } finally {
    await fixture.dispose().catch((e: Error) => process.stderr.write(`could not remove the ${store} bench store: ${e.message}\n`));
    removeProfileDir();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  }
}

function verify(load: LoadResult, stored: StoredFigures, exit: number | string | null): Verification {
  const acknowledged = load.totals.okEvents;
  const uncertain = load.totals.unanswered + load.totals.transportErrors;
  const base = { acknowledged, stored: stored.events };
  if (exit !== 0) return { ...base, ok: false, note: `the server did not exit cleanly (${exit}); unflushed events may be missing` };
  if (stored.events === acknowledged) return { ...base, ok: true };
  if (uncertain > 0 && stored.events > acknowledged) {
    return { ...base, ok: true, note: `${uncertain} requests got no answer (connection error or drain timeout); their events may be stored` };
  }
  return { ...base, ok: false, note: stored.events < acknowledged ? 'acknowledged events are missing' : 'more events stored than acknowledged' };
}
