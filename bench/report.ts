/**
 * Output of the ingest benchmark: a readable table (stdout), then — always the last line — one
 * JSON object with every figure, for scripts and CI to parse.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import type { RunRecord, Target } from './bench-runs.js';
import type { ProfileSummary } from './cpu-profile.js';
import type { ScenarioName } from './load-plan.js';
import type { BenchOptions } from './options.js';
import { evaluateTargets, failedRequests, TARGETS, type TargetResult } from './targets.js';

export interface Machine {
  cores: number;
  cpuModel: string;
  node: string;
  platform: string;
  loadAverage1m: number;
  memoryGiB: number;
}

export function machineInfo(): Machine {
  return {
    cores: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version,
    platform: `${process.platform}-${process.arch}`, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const targetLabel = (t: Target) => (t === 'baseline' ? 'baseline (JSON only)' : t === 'request-path' ? 'tessera request path only' : `tessera ${t}`);

/** Tessera's throughput as a share of the baseline's in the same scenario (events/s; equal to req/s for a fixed batch size). */
function ratioOf(records: RunRecord[], record: RunRecord): number | null {
  const base = records.find((r) => r.target === 'baseline' && r.scenario === record.scenario)?.load?.window.eventsPerSecond;
  const own = record.load?.window.eventsPerSecond;
  return base && own !== undefined ? Math.round((own / base) * 1000) / 1000 : null;
}

export function printTable(records: RunRecord[], options: BenchOptions, machine: Machine): void {
  const out: string[] = [];
  out.push('', `Tessera ingest benchmark — ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadAverage1m} at start`);
  out.push(`${options.durationMs / 1000} s measured after ${options.warmupMs / 1000} s warm-up per run; SQLite sync=${options.sqliteSync}; batch ${options.batchSize} events/request; fresh server and store per run`, '');
  const header = ['scenario', 'server', 'conns', 'events/s', 'req/s 2xx', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'peak RSS', 'srv CPU', 'ev/CPU-s', 'gen CPU', 'vs base'];
  const rows: string[][] = [header];
  for (const r of records) {
    const w = r.load?.window;
    if (!w || !r.load) { rows.push([r.scenario, targetLabel(r.target), '', 'FAILED', ...header.slice(4).map(() => '')]); continue; }
    const non2xx = Object.values(r.load.totals.non2xx).reduce((a, b) => a + b, 0);
    const ratio = r.target === 'baseline' ? null : ratioOf(records, r);
    rows.push([
      r.scenario, targetLabel(r.target), String(r.load.connections), int(w.eventsPerSecond), int(w.requestsPerSecond),
      ms(w.latencyMs.p50), ms(w.latencyMs.p99), ms(w.latencyMs.max), int(non2xx), int(r.load.totals.transportErrors + r.load.totals.unanswered),
      r.memory ? `${Math.round(r.memory.peakMiB)} MiB` : '', r.serverCpuCores === undefined ? '' : `${Math.round(r.serverCpuCores * 100)}%`,
      perCpu(r) === null ? '' : int(perCpu(r)!), `${Math.round(r.load.generatorCpuShare * 100)}%`, ratio === null ? '' : `${(ratio * 100).toFixed(1)}%`,
    ]);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) out.push(row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  out.push('', '"srv CPU" / "gen CPU": CPU used by the server / the load generator during the load (100% = one core busy).');
  out.push('"ev/CPU-s": events per second of server CPU, steadier than events/s on a busy machine. "vs base": events/s relative to the baseline.');

  const stored = records.filter((r) => r.verification);
  if (stored.length > 0) {
    out.push('', 'Stored after a graceful stop (events acknowledged with 2xx must all be stored):');
    for (const r of stored) {
      const v = r.verification!;
      const s = r.stored!;
      out.push(`  ${v.ok ? '✓' : '✗'} ${targetLabel(r.target)} ${r.scenario}: ${int(v.acknowledged)} acknowledged, ${int(v.stored)} stored${v.note ? ` — ${v.note}` : ''}`);
      out.push(`      ${int(s.liveProfiles)} live profiles, ${int(s.merges)} merges, ${int(s.systemEntries)} merge/refusal entries${s.diskMiB !== undefined ? `, ${int(s.diskMiB)} MiB on disk` : ''}`);
    }
  }
  for (const r of records.filter((x) => x.error)) out.push('', `✗ ${targetLabel(r.target)} ${r.scenario} failed: ${r.error}`);
  for (const r of records.filter((x) => x.serverLog && failedRequests(x) > 0)) out.push('', `Server log of ${targetLabel(r.target)} ${r.scenario} (last lines):`, indent(r.serverLog!));

  const targets = evaluateTargets(records);
  if (targets.length > 0) {
    out.push('', 'Targets (a target also needs zero failed requests and every acknowledged event stored):');
    for (const t of targets) out.push(`  ${t.pass ? '✓ pass' : '✗ FAIL'}  ${t.label}: ${t.value === null ? 'no result' : t.metric === 'p99Ms' ? `${t.value} ms` : int(t.value)}`);
  }
  const headroom = generatorHeadroom(records);
  if (headroom.length > 0) out.push('', `Generator headroom (baseline ÷ target; should be well above 1): ${headroom.map((h) => `${h.scenario} ${h.times.toFixed(1)}×`).join(', ')}`);
  for (const r of records.filter((x) => x.profile)) printProfile(out, r, r.profile!, 'main thread');
  for (const r of records.filter((x) => x.workerProfile)) printProfile(out, r, r.workerProfile!, 'busiest worker thread');
  process.stdout.write(`${out.join('\n')}\n\n`);
}

/** Events stored per second of server CPU: throughput normalised by how much CPU the server actually got. */
function perCpu(r: RunRecord): number | null {
  return r.load && r.serverCpuSeconds ? r.load.totals.okEvents / r.serverCpuSeconds : null;
}

function generatorHeadroom(records: RunRecord[]): Array<{ scenario: ScenarioName; times: number }> {
  const result: Array<{ scenario: ScenarioName; times: number }> = [];
  for (const scenario of ['batched', 'single'] as const) {
    const base = records.find((r) => r.target === 'baseline' && r.scenario === scenario)?.load?.window;
    const spec = TARGETS.find((t) => t.scenario === scenario && t.kind === 'min');
    if (!base || !spec) continue;
    result.push({ scenario, times: (spec.metric === 'eventsPerSecond' ? base.eventsPerSecond : base.requestsPerSecond) / spec.threshold });
  }
  return result;
}

function printProfile(out: string[], r: RunRecord, p: ProfileSummary, thread: string): void {
  out.push('', `CPU profile of ${targetLabel(r.target)}, ${thread}, during ${r.scenario} (${int(p.totalMs)} ms sampled, ${p.idlePercent}% idle; % of busy time; figures are slowed by profiling)`);
  out.push('', '  Top self time:');
  for (const f of p.topSelf) out.push(`  ${f.percent.toFixed(1).padStart(5)}%  ${int(f.ms).padStart(6)} ms  ${f.name}  ${f.location}`);
  out.push('', '  Self time by area:');
  for (const a of p.areas) out.push(`  ${a.percent.toFixed(1).padStart(5)}%  ${int(a.ms).padStart(6)} ms  ${a.area}`);
  out.push('', '  Tessera functions by inclusive time (with everything they call):');
  for (const f of p.topInclusive) out.push(`  ${f.percent.toFixed(1).padStart(5)}%  ${int(f.ms).padStart(6)} ms  ${f.name}  ${f.location}`);
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l.slice(0, 400)}`).join('\n');
}

function scenarioFigures(r: RunRecord) {
  const load = r.load!;
  return {
    connections: load.connections,
    eventsPerSecond: Math.round(load.window.eventsPerSecond),
    requestsPerSecond: Math.round(load.window.requestsPerSecond),
    latencyMs: Object.fromEntries(Object.entries(load.window.latencyMs).map(([k, v]) => [k, Math.round(v * 100) / 100])),
    non2xx: load.totals.non2xx,
    transportErrors: load.totals.transportErrors,
    unanswered: load.totals.unanswered,
    requestBodyBytes: load.window.bodyBytes,
    peakRssMiB: r.memory?.peakMiB ?? null,
    serverCpuCores: r.serverCpuCores ?? null,
    eventsPerServerCpuSecond: perCpu(r) === null ? null : Math.round(perCpu(r)!),
    generatorCpuShare: Math.round(load.generatorCpuShare * 1000) / 1000,
    ...(r.verification ? { acknowledgedEvents: r.verification.acknowledged, storedEvents: r.verification.stored, verified: r.verification.ok } : {}),
    ...(r.stored ? { liveProfiles: r.stored.liveProfiles, merges: r.stored.merges, ...(r.stored.diskMiB !== undefined ? { diskMiB: r.stored.diskMiB } : {}) } : {}),
  };
}

export function jsonSummary(records: RunRecord[], options: BenchOptions, machine: Machine, startedAt: Date): string {
  const scenarios: Record<string, Record<string, unknown>> = {};
  const baseline: Record<string, unknown> = {};
  const ratios: Record<string, Record<string, number | null>> = {};
  const errors: Record<string, string> = {};
  let profile: ProfileSummary | undefined;
  for (const r of records) {
    if (r.error) errors[`${r.target}/${r.scenario}`] = r.error;
    if (r.profile) profile = r.profile;
    if (!r.load) continue;
    if (r.target === 'baseline') { baseline[r.scenario] = scenarioFigures(r); continue; }
    (scenarios[r.target] ??= {})[r.scenario] = scenarioFigures(r);
    (ratios[r.target] ??= {})[r.scenario] = ratioOf(records, r);
  }
  const targets: TargetResult[] = evaluateTargets(records);
  return JSON.stringify({
    bench: 'ingest',
    store: options.storeFlag,
    startedAt: startedAt.toISOString(),
    options: {
      durationS: options.durationMs / 1000, warmupS: options.warmupMs / 1000, batchSize: options.batchSize,
      batchConnections: options.batchConnections, singleConnections: options.singleConnections,
      sqliteSync: options.sqliteSync, seed: options.seed, anonymousIds: options.anonymousIds, profile: options.profile, requestPath: options.requestPath,
    },
    scenarios, baseline, ratios,
    targets: targets.map((t) => ({ label: t.label, store: t.store, scenario: t.scenario, metric: t.metric, threshold: t.threshold, value: t.value, pass: t.pass })),
    ...(Object.keys(errors).length > 0 ? { errors } : {}),
    ...(profile ? { profile: { idlePercent: profile.idlePercent, topSelf: profile.topSelf.slice(0, 15), areas: profile.areas } } : {}),
    machine,
  });
}
