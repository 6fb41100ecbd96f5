/** Flags of `npm run bench:ingest -- …`, with defaults and the --help text. */
import { parseArgs } from 'node:util';
import type { ScenarioName } from './load-plan.js';
import type { StoreKind } from './store-fixtures.js';

export interface BenchOptions {
  stores: StoreKind[];
  storeFlag: 'sqlite' | 'postgres' | 'both';
  scenarios: ScenarioName[];
  durationMs: number;
  warmupMs: number;
  batchSize: number;
  batchConnections: number;
  singleConnections: number;
  sqliteSync: 'full' | 'normal';
  postgresAdminUrl: string;
  baseline: boolean;
  build: boolean;
  profile: boolean;
  requestPath: boolean;
  seed: number;
  anonymousIds: number;
  help: boolean;
}

export const HELP = `npm run bench:ingest -- [flags]

Starts the real server (node dist/main.js serve) on a fresh store, drives it from a separate
load-generator process over loopback with realistic Segment traffic, and compares it with a
minimal Node HTTP server that only parses JSON (the ceiling). Prints a table and, as the last
line, one JSON object with every figure.

Scenarios
  batched   POST /v1/batch, --batch-size events per request, --batch-connections connections
  single    POST /v1/track|page|identify, one event per request, --single-connections connections

Flags
  --store sqlite|postgres|both   store(s) to run Tessera on (default sqlite)
  --scenario batched|single|all  (default all)
  --duration <s>                 measured seconds per scenario (default 10)
  --warmup <s>                   load before measuring, per scenario (default 3)
  --batch-size <n>               events per batch request (default 100)
  --batch-connections <n>        connections in the batched scenario (default 16)
  --single-connections <n>       connections in the single-event scenario (default 50)
  --sqlite-sync full|normal      TESSERA_SQLITE_SYNC (default full: durable against power loss)
  --pg-url <url>                 PostgreSQL server to create bench databases on
                                 (default postgres://postgres@127.0.0.1:5432/postgres)
  --no-baseline                  skip the baseline server
  --no-build                     use the existing dist/ instead of running npm run build
  --profile                      run the server with --cpu-prof (batched scenario unless --scenario
                                 says otherwise; no baseline) and print the top self-time functions
  --request-path                 also run Tessera's request path alone: the real app on SQLite that
                                 answers once a request is validated and stores nothing, to split
                                 the cost between the request path and storing
  --seed <n>                     traffic seed (default 1)
  --anonymous-ids <n>            size of the anonymous-id pool (default 100000)
  --help                         this text

Each run gets a fresh store (a temp folder, or a database tessera_bench_<random> that is dropped
afterwards) and a fresh server process, so memory and correctness are per scenario. After the load
the server is stopped gracefully and the stored events are counted: they must equal the events
acknowledged with 2xx.

Traffic: 100k anonymous ids (30% belong to known users with ~1.5 devices each), 10% identify
(userId + email traits), the rest page/track with analytics.js-shaped context (~0.9 KB per event),
unique random-looking messageIds. Targets (issue 2 §6, issue 3) are printed with pass/fail marks.

Exit code: 0 every target met; 3 a target missed; 1 a run failed or stored ≠ acknowledged; 2 bad flags.
`;

export class OptionsError extends Error {}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      store: { type: 'string', default: 'sqlite' },
      scenario: { type: 'string', default: 'all' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      'batch-size': { type: 'string', default: '100' },
      'batch-connections': { type: 'string', default: '16' },
      'single-connections': { type: 'string', default: '50' },
      'sqlite-sync': { type: 'string', default: 'full' },
      'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      'no-baseline': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'request-path': { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      'anonymous-ids': { type: 'string', default: '100000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const store = oneOf(values.store!, ['sqlite', 'postgres', 'both'] as const, '--store');
  const scenario = oneOf(values.scenario!, ['batched', 'single', 'all'] as const, '--scenario');
  const profile = values.profile!;
  return {
    stores: store === 'both' ? ['sqlite', 'postgres'] : [store],
    storeFlag: store,
    scenarios: scenario === 'all' ? (profile && argv.every((a) => !a.startsWith('--scenario')) ? ['batched'] : ['batched', 'single']) : [scenario],
    durationMs: seconds(values.duration!, '--duration'),
    warmupMs: seconds(values.warmup!, '--warmup', true),
    batchSize: positive(values['batch-size']!, '--batch-size'),
    batchConnections: positive(values['batch-connections']!, '--batch-connections'),
    singleConnections: positive(values['single-connections']!, '--single-connections'),
    sqliteSync: oneOf(values['sqlite-sync']!, ['full', 'normal'] as const, '--sqlite-sync'),
    postgresAdminUrl: values['pg-url']!,
    baseline: !values['no-baseline'] && !profile,
    build: !values['no-build'],
    profile,
    requestPath: values['request-path']!,
    seed: positive(values.seed!, '--seed'),
    anonymousIds: positive(values['anonymous-ids']!, '--anonymous-ids'),
    help: values.help!,
  };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new OptionsError(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
  return value as T;
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new OptionsError(`${flag} must be a positive integer; got "${value}"`);
  return n;
}

function seconds(value: string, flag: string, zeroAllowed = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !zeroAllowed)) throw new OptionsError(`${flag} must be a number of seconds; got "${value}"`);
  return Math.round(n * 1000);
}
