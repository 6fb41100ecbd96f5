/**
 * `npm run bench:segments`: what segments cost and how fast they are, in one run on SQLite.
 *   1. Ingest throughput without definitions and with 100 segments + 20 computed traits defined
 *      (same traffic, same process, fresh stores); the ratio is the figure the issue sets ≥ 50%.
 *   2. Membership latency: with the definitions and background load, an event that makes a new
 *      person enter a segment is sent over HTTP; right after its acknowledgement the profile is
 *      read through the API until the membership shows. p50/p99 from sending and from the ack.
 *   3. Backfill: a new segment over N stored profiles (default 1,000,000), profiles/s.
 * Progress goes to stderr; stdout gets the figures and, last, one JSON line. `--help` for flags.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/storage/open-store.js';
import { createLogger, createTessera, type Tessera } from '../src/tessera.js';
import { ensureDefaultWorkspace } from '../src/workspaces/api-keys.js';
import { computedTraitDefinitions, segmentDefinitions, trafficEvent } from './segment-definitions.js';
import { createRandom } from './random.js';
import { LatencyRecorder, type LatencySummary } from './latency.js';
import { machineInfo } from './report.js';
import { backfillRun } from './segment-backfill.js';

const HELP = `npm run bench:segments -- [flags]

  --profiles <n>      stored profiles for the backfill figure (default 1000000)
  --duration <s>      measured seconds of each ingest run (default 10)
  --rounds <n>        ingest runs per variant, alternating plain / with definitions (default 3)
  --warmup <s>        ingest before measuring (default 2)
  --users <n>         distinct people in the traffic (default 20000)
  --batch-size <n>    events per ingest request (default 100)
  --concurrency <n>   requests in flight (default 8)
  --probes <n>        membership latency samples (default 300)
  --background <n>    events/s of other traffic during the latency probes (default 1000)
  --skip-backfill     leave out the backfill figure
  --help              this text
`;

const ADMIN = 'ak_bench_segments_admin_key_0001';
const WRITE = 'wk_bench_segments_write_0001';
const progress = (m: string) => process.stderr.write(`[bench:segments] ${m}\n`);

interface Options { profiles: number; durationMs: number; rounds: number; warmupMs: number; users: number; batchSize: number; concurrency: number; probes: number; background: number; backfill: boolean }

function options(): Options | null {
  const { values } = parseArgs({ options: {
    profiles: { type: 'string' }, duration: { type: 'string' }, rounds: { type: 'string' }, warmup: { type: 'string' }, users: { type: 'string' }, 'batch-size': { type: 'string' },
    concurrency: { type: 'string' }, probes: { type: 'string' }, background: { type: 'string' }, 'skip-backfill': { type: 'boolean' }, help: { type: 'boolean' },
  } });
  if (values.help) return null;
  const n = (v: string | undefined, d: number) => {
    const x = v === undefined ? d : Number(v);
    if (!Number.isFinite(x) || x < 0) throw new Error(`invalid number: ${v}`);
    return x;
  };
  return {
    profiles: n(values.profiles, 1_000_000), durationMs: n(values.duration, 10) * 1000, rounds: Math.max(1, Math.round(n(values.rounds, 3))), warmupMs: n(values.warmup, 2) * 1000, users: n(values.users, 20_000),
    batchSize: n(values['batch-size'], 100), concurrency: n(values.concurrency, 8), probes: n(values.probes, 300), background: n(values.background, 1000), backfill: !values['skip-backfill'],
  };
}

async function startInstance(): Promise<{ tessera: Tessera; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-segments-'));
  const config = { ...loadConfig({ env: {}, flags: { dataDir: dir, logLevel: 'warn' } }), segmentScheduler: true };
  const store = await openStore(config);
  await ensureDefaultWorkspace(store, { now: Date.now(), adminKey: ADMIN, writeKey: WRITE });
  const tessera = await createTessera({ config, store, logger: createLogger(config) });
  return { tessera, async close() { await tessera.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function define(tessera: Tessera): Promise<void> {
  for (const d of computedTraitDefinitions()) await tessera.segments.service.putComputedTrait('default', d);
  for (const s of segmentDefinitions()) await tessera.segments.service.createSegment('default', s);
  await tessera.segments.backfills.idle();
}

/**
 * Events/s of ingest through the ingest service (validation, queue, group commit, pipeline), and the
 * process's CPU time per event (all threads) over the same window: on a machine shared with other
 * jobs the rate swings with their load, the CPU cost per event much less.
 */
async function ingestRate(tessera: Tessera, o: Options, seed: number): Promise<{ rate: number; cpuUsPerEvent: number }> {
  const random = createRandom(seed);
  let counting = false;
  let events = 0;
  let stop = false;
  const loop = async () => {
    while (!stop) {
      const items = Array.from({ length: o.batchSize }, () => trafficEvent(random, `user-${random.int(o.users)}`));
      await tessera.ingest.accept({ workspaceId: 'default', items });
      if (counting) events += items.length;
    }
  };
  const loops = Array.from({ length: o.concurrency }, loop);
  await new Promise((r) => setTimeout(r, o.warmupMs));
  counting = true;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await new Promise((r) => setTimeout(r, o.durationMs));
  const seconds = (performance.now() - started) / 1000;
  const counted = events;
  const cpu = process.cpuUsage(cpuBefore);
  stop = true;
  await Promise.all(loops);
  return { rate: counted / seconds, cpuUsPerEvent: (cpu.user + cpu.system) / Math.max(1, counted) };
}

/** Time from sending an entering event (and from its ack) until the API shows the membership. */
async function membershipLatency(tessera: Tessera, o: Options): Promise<{ fromSend: LatencySummary; fromAck: LatencySummary; reads: number }> {
  await tessera.segments.service.createSegment('default', { id: 'probe', name: 'Probe', condition: { and: [{ event: { name: 'Probe Fired', within: '1d' } }, { not: { segment: { id: 'seg-0' } } }] } });
  await tessera.segments.backfills.idle();
  const address = await tessera.app.listen({ host: '127.0.0.1', port: 0 });
  const random = createRandom(7);
  let stop = false;
  // Other traffic at a steady rate (batches of 50, paced), as a site sends it: not a saturating flood.
  const background = Array.from({ length: 2 }, async () => {
    const interval = o.background > 0 ? (50 * 2 * 1000) / o.background : Infinity;
    while (!stop && interval !== Infinity) {
      const started = performance.now();
      await tessera.ingest.accept({ workspaceId: 'default', items: Array.from({ length: 50 }, () => trafficEvent(random, `user-${random.int(o.users)}`)) });
      await new Promise((r) => setTimeout(r, Math.max(0, interval - (performance.now() - started))));
    }
  });
  const fromSend = new LatencyRecorder();
  const fromAck = new LatencyRecorder();
  let reads = 0;
  const auth = { authorization: `Bearer ${ADMIN}` };
  const writeAuth = { authorization: `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}`, 'content-type': 'application/json' };
  for (let i = 0; i < o.probes; i++) {
    const userId = `probe-${i}-${Date.now()}`;
    const sent = performance.now();
    const res = await fetch(`${address}/v1/track`, { method: 'POST', headers: writeAuth, body: JSON.stringify({ userId, event: 'Probe Fired' }) });
    if (res.status !== 200) throw new Error(`probe event answered ${res.status}: ${await res.text()}`);
    const acked = performance.now();
    for (;;) {
      reads++;
      const view = await (await fetch(`${address}/v1/profiles/${userId}`, { headers: auth })).json() as { segments?: Array<{ id: string }> };
      if (view.segments?.some((s) => s.id === 'probe')) break;
      if (performance.now() - acked > 10_000) throw new Error('membership never became visible');
    }
    const visible = performance.now();
    fromSend.record(visible - sent);
    fromAck.record(visible - acked);
  }
  stop = true;
  await Promise.all(background);
  return { fromSend: fromSend.summary(), fromAck: fromAck.summary(), reads };
}

async function main(): Promise<number> {
  let o: Options | null;
  try { o = options(); } catch (error) { process.stderr.write(`${(error as Error).message}\n\n${HELP}`); return 2; }
  if (!o) { process.stdout.write(HELP); return 0; }
  const machine = machineInfo();
  // Plain and with definitions alternate, so that a change in the machine's other load during the
  // run falls on both; each variant's figure is over all its rounds (events / seconds).
  const plainRuns: Array<{ rate: number; cpuUsPerEvent: number }> = [];
  const segmentRuns: Array<{ rate: number; cpuUsPerEvent: number }> = [];
  let defined: { tessera: Tessera; close(): Promise<void> } | null = null;
  for (let round = 1; round <= o.rounds; round++) {
    progress(`round ${round}/${o.rounds}: plain ingest (${o.durationMs / 1000} s)…`);
    const plain = await startInstance();
    plainRuns.push(await ingestRate(plain.tessera, o, round));
    await plain.close();
    progress(`  ${Math.round(plainRuns.at(-1)!.rate).toLocaleString('en-US')} events/s, ${Math.round(plainRuns.at(-1)!.cpuUsPerEvent)} µs CPU/event`);
    progress(`round ${round}/${o.rounds}: ingest with 100 segments and 20 computed traits…`);
    const instance = await startInstance();
    await define(instance.tessera);
    segmentRuns.push(await ingestRate(instance.tessera, o, round));
    progress(`  ${Math.round(segmentRuns.at(-1)!.rate).toLocaleString('en-US')} events/s (${Math.round((segmentRuns.at(-1)!.rate / plainRuns.at(-1)!.rate) * 100)}% of plain), ${Math.round(segmentRuns.at(-1)!.cpuUsPerEvent)} µs CPU/event`);
    // The last instance with definitions goes on to the latency figure.
    if (round === o.rounds) defined = instance;
    else await instance.close();
  }
  const mean = (runs: Array<{ rate: number; cpuUsPerEvent: number }>, key: 'rate' | 'cpuUsPerEvent') => runs.reduce((sum, r) => sum + r[key], 0) / runs.length;
  const plainRate = mean(plainRuns, 'rate');
  const segmentRate = mean(segmentRuns, 'rate');
  const plainCpu = mean(plainRuns, 'cpuUsPerEvent');
  const segmentCpu = mean(segmentRuns, 'cpuUsPerEvent');
  const roundRatios = plainRuns.map((p, i) => Math.round((segmentRuns[i]!.rate / p.rate) * 1000) / 1000);
  progress(`membership latency (${o.probes} probes, ${o.background} events/s of other traffic)…`);
  const latency = await membershipLatency(defined!.tessera, o);
  const members = await defined!.tessera.store.segments.memberCount('default', 'seg-1');
  await defined!.close();
  progress(`  p50 ${latency.fromSend.p50.toFixed(1)} ms, p99 ${latency.fromSend.p99.toFixed(1)} ms from sending`);
  const backfill = o.backfill ? await backfillRun(o.profiles, progress) : null;

  const ratio = segmentRate / plainRate;
  const out = [
    `Segments benchmark (${machine.cores} cores, ${machine.cpuModel}, ${machine.node}, SQLite)`,
    `  ingest, no definitions              ${Math.round(plainRate).toLocaleString('en-US').padStart(10)} events/s  (mean of ${o.rounds} runs, alternating with the runs below)`,
    `  ingest, 100 segments + 20 computed  ${Math.round(segmentRate).toLocaleString('en-US').padStart(10)} events/s  (${(ratio * 100).toFixed(0)}% of plain; target ≥ 50%; per round ${roundRatios.map((r) => `${Math.round(r * 100)}%`).join(', ')})`,
    `  CPU time per event                  ${Math.round(plainCpu)} µs plain, ${Math.round(segmentCpu)} µs with definitions (plain/with ${((plainCpu / segmentCpu) * 100).toFixed(0)}%; steadier than events/s on a busy machine)`,
    `  membership visible via API          p50 ${latency.fromSend.p50.toFixed(1)} ms, p99 ${latency.fromSend.p99.toFixed(1)} ms from sending the event; p50 ${latency.fromAck.p50.toFixed(1)} ms, p99 ${latency.fromAck.p99.toFixed(1)} ms from its ack, with ${o.background} events/s of other traffic (target p99 < 100 ms)`,
    backfill ? `  backfill of a new segment           ${backfill.profiles.toLocaleString('en-US')} profiles in ${backfill.seconds.toFixed(1)} s: ${Math.round(backfill.profilesPerSecond).toLocaleString('en-US')} profiles/s (${backfill.members.toLocaleString('en-US')} members)` : '  backfill                            skipped',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify({
    bench: 'segments', at: new Date().toISOString(), machine, options: o,
    ingest: { plainEventsPerSecond: Math.round(plainRate), withDefinitionsEventsPerSecond: Math.round(segmentRate), ratio: Math.round(ratio * 1000) / 1000, roundRatios, rounds: o.rounds, cpuUsPerEvent: { plain: Math.round(plainCpu), withDefinitions: Math.round(segmentCpu) }, segments: 100, computedTraits: 20, seg1Members: members },
    membershipLatencyMs: { fromSend: latency.fromSend, fromAck: latency.fromAck, apiReads: latency.reads },
    backfill,
    targets: { ingestRatio: ratio >= 0.5, latencyP99: latency.fromSend.p99 < 100 },
  })}\n`);
  return 0;
}

main().then((code) => { process.exitCode = code; }, (error: Error) => { process.stderr.write(`${error.stack ?? error.message}\n`); process.exitCode = 1; });
