/**
 * `npm run bench:ingest`: ingest throughput and latency of the real server, against the ceiling
 * of a JSON-only Node server, on the same machine in the same run. See `--help` (bench/options.ts).
 *
 * Order: build once; baseline runs; then per store, per scenario, a fresh store + server + load
 * generator process. Progress goes to stderr; stdout gets the table and, last, one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { runBaseline, runTessera, PROJECT_ROOT, type RunRecord } from './bench-runs.js';
import { cleanUpOnSignals, isStopping, runCleanup } from './cleanup.js';
import { HELP, OptionsError, parseOptions, type BenchOptions } from './options.js';
import { jsonSummary, machineInfo, printTable } from './report.js';
import { evaluateTargets } from './targets.js';

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function build(): void {
  progress('building (npm run build)…');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: PROJECT_ROOT, stdio: ['ignore', process.stderr, process.stderr] });
}

async function runAll(options: BenchOptions): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const seconds = (options.warmupMs + options.durationMs) / 1000;
  const note = (r: RunRecord) => {
    records.push(r);
    const w = r.load?.window;
    progress(r.error ? `  failed: ${r.error.split('\n')[0]}` : `  ${Math.round(w!.eventsPerSecond).toLocaleString('en-US')} events/s, p99 ${w!.latencyMs.p99.toFixed(1)} ms`);
  };
  if (options.baseline) {
    for (const scenario of options.scenarios) {
      if (isStopping()) return records;
      progress(`baseline / ${scenario} (${seconds} s)…`);
      note(await runBaseline(options, scenario));
    }
  }
  if (options.requestPath) {
    for (const scenario of options.scenarios) {
      if (isStopping()) return records;
      progress(`tessera request path only / ${scenario} (${seconds} s${options.profile ? ', CPU profile' : ''})…`);
      note(await runTessera(options, 'sqlite', scenario, true));
    }
  }
  for (const store of options.stores) {
    for (const scenario of options.scenarios) {
      if (isStopping()) return records;
      progress(`tessera ${store} / ${scenario} (${seconds} s${options.profile ? ', CPU profile' : ''})…`);
      note(await runTessera(options, store, scenario));
    }
  }
  return records;
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  cleanUpOnSignals();
  const startedAt = new Date();
  const machine = machineInfo();
  try {
    if (options.build) build();
    const records = await runAll(options);
    printTable(records, options, machine);
    process.stdout.write(`${jsonSummary(records, options, machine, startedAt)}\n`);
    const failed = records.some((r) => r.error || r.verification?.ok === false);
    return failed ? 1 : evaluateTargets(records).every((t) => t.pass) ? 0 : 3;
  } finally {
    await runCleanup();
  }
}

main().then(
  (code) => { process.exitCode = code; },
  (error: Error) => { process.stderr.write(`${error.stack ?? error.message}\n`); void runCleanup().finally(() => process.exit(1)); },
);
