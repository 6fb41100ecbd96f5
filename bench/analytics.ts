/**
 * `npm run bench:analytics`: web analytics at scale (issue 18 §3), in-process on SQLite.
 *   1. Ingest with and without the rollup step, in the same run: the same generated events (at the
 *      data set's density: --ingest events over the same share of the days) into fresh stores through
 *      the real pipeline (createProcessBatch, one write transaction per batch of 100; with rollups, the
 *      rollup worker it feeds flushing every second, its last flush inside the time), alternating
 *      rounds so that drift on a shared machine hits both alike: events/s each and the ratio (the
 *      issue asks ≥ 0.85).
 *   2. A data set of --events generated events over --days days (visits of 1–6 page views with
 *      visible-time reports and custom events, 12 channels/referrers, 3 devices, 40 pages), ingested
 *      through the same pipeline with rollups on, cached on disk under .bench/ (a later run with the
 *      same flags reuses it; ingest shows progress and resumes from the last committed batch).
 *   3. Each dashboard query through the analytics service (the code the HTTP routes call), --repeat
 *      times: p50 and p95 in ms (the issue asks p95 < 300 ms).
 *   4. Funnels (the issue asks < 2 s over 30 days) and retention through their services, read from
 *      events through the hit-key index: --repeat runs each (at most 10).
 * stdout gets the figures and, last, one JSON line. `--help` for flags. `--store postgres` runs the
 * same on PostgreSQL (TESSERA_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres):
 * fresh databases for the comparison, the data set kept in its own database between runs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAnalyticsService } from '../src/analytics/analytics-service.js';
import { createFunnelService } from '../src/analytics/funnels.js';
import { createRetentionService } from '../src/analytics/retention.js';
import type { TrackedEvent } from '../src/core/events/event.js';
import { createIdentityGuard } from '../src/core/identity/identity-key.js';
import { seededRandom, type Random } from '../src/core/seeded-random.js';
import { createProcessBatch } from '../src/ingest/process-batch.js';
import { createRollupWorker } from '../src/analytics/rollup-worker.js';
import { parseStep } from '../src/analytics/funnel-query.js';
import type { GoalRule } from '../src/core/analytics/goal.js';
import type { Store } from '../src/ports/store.js';
import { createPrivacyContexts } from '../src/privacy/privacy-context.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';
import { openPostgresStore } from '../src/storage/postgres/store.js';
import pg from 'pg';

const HELP = `npm run bench:analytics -- [flags]

  --events <n>       events in the data set (default 1000000; the issue's figure is 10000000)
  --days <n>         days they span, ending at --end (default 90)
  --end <date>       last day of the data (default 2026-11-30)
  --ingest <n>       events per store for the with/without-rollups comparison (default 60000)
  --repeat <n>       runs of each dashboard query (default 30)
  --seed <n>         generator seed (default 18)
  --goals <n>        analytics goals counted by the rollups in the ingest comparison, 0 to 4 (default 0)
  --span-hours <n>   hours the comparison's events span (default: the data set's density, --ingest events over
                     the same share of --days); 2 is live traffic: a site sending events at the rate measured
                     sends a day's traffic of the data set in seconds, all of it in the current hour or two
  --store <kind>     sqlite (default) or postgres (TESSERA_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)
  --fresh            regenerate the cached data set
  --help             this text

The data set is cached in .bench/analytics-v36-<events>-<days>-<seed>-<end>.db (PostgreSQL: database bench_analytics_v36_…).
`;

const { values } = parseArgs({ options: { events: { type: 'string' }, days: { type: 'string' }, end: { type: 'string' }, ingest: { type: 'string' }, repeat: { type: 'string' }, seed: { type: 'string' }, goals: { type: 'string' }, 'span-hours': { type: 'string' }, store: { type: 'string' }, fresh: { type: 'boolean' }, help: { type: 'boolean' } } });
if (values.help) { process.stdout.write(HELP); process.exit(0); }
const int = (v: string | undefined, fallback: number) => { const n = Number(v ?? fallback); if (!Number.isInteger(n) || n < 1) { process.stderr.write(HELP); process.exit(2); } return n; };
const EVENTS = int(values.events, 1_000_000);
const DAYS = int(values.days, 90);
const END = values.end ?? '2026-11-30';
const INGEST = int(values.ingest, 60_000);
const REPEAT = int(values.repeat, 30);
const SEED = int(values.seed, 18);
const SPAN_HOURS = values['span-hours'] === undefined ? null : int(values['span-hours'], 2);
const GOAL_COUNT = values.goals === undefined || values.goals === '0' ? 0 : int(values.goals, 0);
if (GOAL_COUNT > 4) { process.stderr.write(HELP); process.exit(2); }
const STORE = values.store ?? 'sqlite';
if (STORE !== 'sqlite' && STORE !== 'postgres') { process.stderr.write(HELP); process.exit(2); }
const PG_ADMIN_URL = process.env.TESSERA_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Goals of the traffic below (analytics/goals.ts), as the rollup step reads them; conversions in a few % of visits each. */
const GOAL_RULES: GoalRule[] = ['page:/pricing/*', 'event:Signed Up;plan=pro', 'event:Added To Cart', 'page:/docs/*']
  .slice(0, GOAL_COUNT).map((text, i) => { const step = parseStep(text, 'goal', [])!; return { key: `g${i}.bench`, since: 0, match: step.match, properties: step.properties }; });
const END_MS = Date.parse(`${END}T00:00:00Z`) + 86_400_000;
if (!Number.isFinite(END_MS)) { process.stderr.write(HELP); process.exit(2); }
const START_MS = END_MS - DAYS * 86_400_000;
const BATCH = 100;
const WS = 'bench';

// --- traffic ---------------------------------------------------------------------------------

const PAGES = Array.from({ length: 40 }, (_, i) => (i === 0 ? '/' : `/${['blog', 'docs', 'pricing', 'product', 'about'][i % 5]}/${i}`));
const ARRIVALS = [
  { referrer: '', query: '' }, { referrer: 'https://www.google.com/', query: '' }, { referrer: 'https://www.bing.com/', query: '' },
  { referrer: 'https://www.linkedin.com/', query: '' }, { referrer: 'https://t.co/x', query: '' }, { referrer: 'https://news.example.org/a', query: '' },
  { referrer: '', query: '?utm_source=newsletter&utm_medium=email&utm_campaign=nov' }, { referrer: '', query: '?utm_source=google&utm_medium=cpc&utm_campaign=brand' },
  { referrer: '', query: '?utm_source=facebook&utm_medium=paid_social&utm_campaign=retarget' }, { referrer: 'https://partner.example.com/', query: '' },
  { referrer: 'https://duckduckgo.com/', query: '' }, { referrer: '', query: '?utm_source=partner&utm_medium=affiliate' },
];
const DEVICES = [
  { class: 'desktop', browser: 'Chrome', os: 'Windows' }, { class: 'mobile', browser: 'Safari', os: 'iOS' }, { class: 'tablet', browser: 'Chrome', os: 'Android' },
];
const LOCALES = ['de-DE', 'en-US', 'da-DK', 'fr-FR'];
/** The country ingest looks up from the IP (core/events/country.ts), as stored on the event. */
const COUNTRIES = ['DE', 'US', 'DK', 'FR', 'AT', 'CH', 'GB', 'NL'];

/** Visits in time order, each yielding its events; about --events in all. */
function* traffic(random: Random, total: number, startMs = START_MS): Generator<TrackedEvent> {
  const visitors = Math.max(100, Math.floor(total / 12));
  let emitted = 0;
  let seq = 0;
  const span = END_MS - startMs - 3_600_000;
  const perVisit = 7.5; // mean events per visit, from the mix below
  const visits = Math.ceil(total / perVisit);
  for (let v = 0; v < visits && emitted < total; v++) {
    const visitor = Math.floor(random() ** 1.6 * visitors);
    const device = DEVICES[visitor % 3]!;
    const arrival = ARRIVALS[Math.floor(random() * ARRIVALS.length)]!;
    let t = startMs + Math.floor((v / visits) * span) + Math.floor(random() * 60_000);
    const pages = 1 + Math.floor(random() * random() * 6);
    const known = visitor % 5 === 0;
    const context = (path: string, first: boolean) => ({
      page: { url: `https://site.example${path}${first ? arrival.query : ''}`, path, referrer: first ? arrival.referrer : 'https://site.example/' },
      device: { class: device.class }, browser: { name: device.browser }, os: { name: device.os }, locale: LOCALES[visitor % LOCALES.length],
      location: { country: COUNTRIES[visitor % COUNTRIES.length] },
    });
    const base = (type: TrackedEvent['type'], name: string | null, at: number, properties: Record<string, unknown>, ctx: Record<string, unknown>): TrackedEvent => ({
      workspaceId: WS, messageId: `b-${SEED}-${seq++}`, type, name, category: null, anonymousId: `a-${visitor}`, userId: known ? `u-${visitor}` : null,
      previousId: null, groupId: null, properties, traits: {}, context: ctx, integrations: {}, timestamp: at, originalTimestamp: at, sentAt: at, receivedAt: at,
    });
    let path = PAGES[Math.floor(random() ** 2 * PAGES.length)]!;
    for (let p = 0; p < pages && emitted < total; p++) {
      if (p > 0) path = PAGES[Math.floor(random() * PAGES.length)]!;
      const ctx = context(path, p === 0);
      yield base('page', path, t, { path, url: ctx.page.url, referrer: ctx.page.referrer }, ctx); emitted++;
      if (random() < 0.25) { yield base('track', ['Signed Up', 'Added To Cart', 'Downloaded', 'Video Played'][Math.floor(random() * 4)]!, t + 3000, { plan: 'pro' }, ctx); emitted++; }
      const gap = 5_000 + Math.floor(random() * 120_000);
      for (let ping = 1; ping * 30_000 < gap && emitted < total; ping++) { yield base('track', 'Page Ping', t + ping * 30_000, { visibleMs: ping * 25_000 }, ctx); emitted++; }
      yield base('track', 'Page Left', t + gap - 500, { visibleMs: Math.floor(gap * 0.8) }, ctx); emitted++;
      t += gap;
    }
  }
}

// --- ingest ----------------------------------------------------------------------------------

/** A PostgreSQL database of the bench (bench_analytics_*), created when absent, or dropped. */
async function pgDatabase(name: string, action: 'create' | 'drop'): Promise<string> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    if (action === 'drop') await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    else if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** `file`: a SQLite file, or with --store postgres a database name (bench_analytics_…). */
async function openStore(file: string): Promise<Store> {
  const store = STORE === 'postgres' ? await openPostgresStore({ url: await pgDatabase(file, 'create') }) : openSqliteStore({ file, sync: 'normal' });
  if (!(await store.workspaces.get(WS))) await store.workspaces.create({ id: WS, name: 'bench', createdAt: START_MS });
  return store;
}

/**
 * Ingest as the server runs it: the pipeline, and with rollups on the rollup worker it feeds
 * (analytics/rollup-worker.ts, flushing every second). `drain` ends the worker's work: its last
 * flush is part of the time measured, so the rate is the rate at which rollups keep up.
 */
async function pipeline(store: Store, analytics: boolean, goals: readonly GoalRule[] = GOAL_RULES) {
  let n = 0;
  const processBatch = createProcessBatch({ guard: createIdentityGuard(), newProfileId: () => `prf_${SEED}_${n++}_${Date.now()}`, newMessageId: () => `m_${n++}`, analytics });
  const privacy = createPrivacyContexts(store, () => END_MS);
  const rollups = analytics ? createRollupWorker({ store, privacy, goals: { rules: async () => goals }, onError: (error) => { throw error; } }) : null;
  await rollups?.start();
  return {
    async ingest(events: TrackedEvent[]) {
      const context = await privacy.get(WS);
      const outcome = await store.write((tx) => processBatch(tx, WS, events, context));
      if (rollups && outcome.analytics) rollups.committed(WS, outcome.analytics);
      // A turn of the event loop per batch, as a server has between requests: the worker's timer
      // (and its early flush at 20,000 waiting hits) runs during ingest, not only at the end.
      await new Promise((resolve) => setImmediate(resolve));
    },
    drain: async () => { await rollups?.close(); },
  };
}

/** Events/s of ingesting `events` into a fresh store, rollups on or off. */
async function ingestRate(events: TrackedEvent[], analytics: boolean, goals: readonly GoalRule[] = GOAL_RULES): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-analytics-'));
  const database = `bench_analytics_ingest_${process.pid}`;
  const store = await openStore(STORE === 'postgres' ? database : join(dir, 'tessera.db'));
  try {
    const { ingest, drain } = await pipeline(store, analytics, goals);
    const started = performance.now();
    for (let i = 0; i < events.length; i += BATCH) await ingest(events.slice(i, i + BATCH));
    await drain();
    return events.length / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    if (STORE === 'postgres') await pgDatabase(database, 'drop');
  }
}

async function compareIngest(): Promise<{ withRollups: number; withoutRollups: number; ratio: number; withRollupsNoGoals?: number; goalsRatio?: number }> {
  // The data set's density (events per hour): the comparison's events span the same share of the days.
  const spanMs = SPAN_HOURS !== null ? Math.max(2, SPAN_HOURS) * 3_600_000 : Math.max(2 * 3_600_000, ((END_MS - START_MS) * INGEST) / EVENTS);
  const events = [...traffic(seededRandom(SEED + 1), INGEST, END_MS - spanMs)];
  const half = Math.floor(events.length / 2);
  // Two rounds each, alternating (without, with, with, without), on different halves of the data
  // then swapped, so that each side sees the same events and the same drift. With --goals, a third
  // side (rollups without goals) runs in the same alternation, so the goals' cost is read in one run.
  const rates = { with: [] as number[], without: [] as number[], noGoals: [] as number[] };
  for (const [part, first] of [[events.slice(0, half), false], [events.slice(half), true]] as const) {
    const sides: Array<[keyof typeof rates, () => Promise<number>]> = [
      ['without', () => ingestRate(part, false)], ['with', () => ingestRate(part, true)],
      ...(GOAL_COUNT > 0 ? [['noGoals', () => ingestRate(part, true, [])] as [keyof typeof rates, () => Promise<number>]] : []),
    ];
    if (first) sides.reverse();
    for (const [side, run] of sides) rates[side].push(await run());
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const withRollups = mean(rates.with);
  const withoutRollups = mean(rates.without);
  const result = { withRollups: Math.round(withRollups), withoutRollups: Math.round(withoutRollups), ratio: Math.round((withRollups / withoutRollups) * 1000) / 1000 };
  if (GOAL_COUNT === 0) return result;
  const noGoals = mean(rates.noGoals);
  return { ...result, withRollupsNoGoals: Math.round(noGoals), goalsRatio: Math.round((withRollups / noGoals) * 1000) / 1000 };
}

async function dataset(): Promise<{ store: Store; file: string; seconds: number | null }> {
  mkdirSync('.bench', { recursive: true });
  // v36: rollups with titles, categories and event properties, the person's visit index.
  const file = STORE === 'postgres' ? `bench_analytics_v36_${EVENTS}_${DAYS}_${SEED}_${END.replaceAll('-', '')}` : join('.bench', `analytics-v36-${EVENTS}-${DAYS}-${SEED}-${END}.db`);
  const progressFile = STORE === 'postgres' ? join('.bench', `${file}.progress`) : `${file}.progress`;
  if (values.fresh) for (const f of [file, `${file}-wal`, `${file}-shm`, progressFile]) rmSync(f, { force: true });
  if (values.fresh && STORE === 'postgres') await pgDatabase(file, 'drop');
  const done = existsSync(progressFile) ? Number(readFileSync(progressFile, 'utf8')) : 0;
  const store = await openStore(file);
  if (done >= EVENTS) return { store, file, seconds: null };
  process.stderr.write(done > 0 ? `resuming the data set at event ${done} of ${EVENTS}…\n` : `generating ${EVENTS} events over ${DAYS} days into ${file}…\n`);
  const { ingest, drain } = await pipeline(store, true);
  const started = performance.now();
  let batch: TrackedEvent[] = [];
  let i = 0;
  for (const event of traffic(seededRandom(SEED), EVENTS)) {
    if (i++ < done) continue;
    batch.push(event);
    if (batch.length === BATCH) {
      await ingest(batch);
      batch = [];
      if (i % 50_000 === 0) {
        writeFileSync(progressFile, String(i));
        const rate = (i - done) / ((performance.now() - started) / 1000);
        process.stderr.write(`  ${i} events (${Math.round(rate)}/s, ~${Math.round((EVENTS - i) / rate)} s left)\n`);
      }
    }
  }
  if (batch.length > 0) await ingest(batch);
  await drain();
  writeFileSync(progressFile, String(EVENTS));
  return { store, file, seconds: (performance.now() - started) / 1000 };
}

// --- queries ---------------------------------------------------------------------------------

const day = (offset: number) => new Date(END_MS - offset * 86_400_000).toISOString().slice(0, 10);
const last30 = { from: day(30), to: day(1) };
const QUERIES: Array<[string, 'metric' | 'breakdown' | 'timeseries' | 'realtime', Record<string, unknown>]> = [
  ['metric, 30 days, compare previous', 'metric', { ...last30, compare: 'previous' }],
  ['metric, 90 days', 'metric', { from: day(DAYS), to: day(1) }],
  ['metric, 30 days, channel=email, device=mobile', 'metric', { ...last30, channel: 'email', device: 'mobile' }],
  ['metric, 30 days, page=/', 'metric', { ...last30, page: '/' }],
  ['timeseries, day, 30 days, Europe/Berlin', 'timeseries', { ...last30, interval: 'day', timezone: 'Europe/Berlin' }],
  ['timeseries, day, 90 days', 'timeseries', { from: day(DAYS), to: day(1), interval: 'day' }],
  ['timeseries, hour, 7 days', 'timeseries', { from: day(7), to: day(1), interval: 'hour' }],
  ['timeseries, week, 90 days, compare', 'timeseries', { from: day(DAYS), to: day(1), interval: 'week', compare: 'previous' }],
  ['breakdown page, 30 days, top 10', 'breakdown', { ...last30, dimension: 'page' }],
  ['breakdown channel, 30 days', 'breakdown', { ...last30, dimension: 'channel' }],
  ['breakdown referrer, 90 days', 'breakdown', { from: day(DAYS), to: day(1), dimension: 'referrer' }],
  ['breakdown entry, 30 days, audience=known', 'breakdown', { ...last30, dimension: 'entry', audience: 'known' }],
  ['breakdown event, 30 days', 'breakdown', { ...last30, dimension: 'event' }],
  ['breakdown utm_campaign, 90 days, compare', 'breakdown', { from: day(DAYS), to: day(1), dimension: 'utm_campaign', compare: 'previous' }],
  ['breakdown country, 30 days', 'breakdown', { ...last30, dimension: 'country' }],
  ['metric, 30 days, country=DE', 'metric', { ...last30, country: 'DE' }],
  ['breakdown title, 30 days', 'breakdown', { ...last30, dimension: 'title' }],
  ['breakdown category, 90 days', 'breakdown', { from: day(DAYS), to: day(1), dimension: 'category' }],
  ['breakdown event_property Signed Up plan, 30 days', 'breakdown', { ...last30, dimension: 'event_property', event: 'Signed Up', property: 'plan' }],
  ['realtime', 'realtime', {}],
];

/** Funnels and retention over events (the slower kind: fewer runs). */
const EVENT_QUERIES: Array<[string, 'funnel' | 'retention', Record<string, unknown>]> = [
  ['funnel, 30 days, 3 steps within 7d', 'funnel', { ...last30, step1: 'page:/', step2: 'page:/pricing/*', step3: 'event:Signed Up;plan=pro', within: '7d' }],
  ['funnel, 30 days, 2 pages', 'funnel', { ...last30, step1: 'page:/blog/*', step2: 'page:/pricing/*' }],
  ['funnel, 30 days, 4 steps, audience=known', 'funnel', { ...last30, step1: 'page:/', step2: 'page:/product/*', step3: 'page:/pricing/*', step4: 'event:Signed Up', audience: 'known' }],
  ['funnel, 30 days, 2 pages, channel=email', 'funnel', { ...last30, step1: 'page:/blog/*', step2: 'page:/pricing/*', channel: 'email' }],
  ['retention, week, 30 days', 'retention', { ...last30, interval: 'week' }],
  ['retention, week, 30 days, device=mobile', 'retention', { ...last30, interval: 'week', device: 'mobile' }],
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const comparison = await compareIngest();
  process.stdout.write(`ingest, ${INGEST} events per side over ${SPAN_HOURS !== null ? `${Math.max(2, SPAN_HOURS)} hours (live)` : 'the data set\'s density'} (${STORE === 'postgres' ? 'PostgreSQL' : 'SQLite'}, batches of ${BATCH}, in-process, ${GOAL_COUNT} goals):\n`);
  process.stdout.write(`  without rollups ${comparison.withoutRollups} events/s, with rollups ${comparison.withRollups} events/s, ratio ${comparison.ratio}\n`);
  if (comparison.goalsRatio !== undefined) process.stdout.write(`  with rollups and no goals ${comparison.withRollupsNoGoals} events/s; with ${GOAL_COUNT} goals / without: ${comparison.goalsRatio}\n`);
  const { store, file, seconds } = await dataset();
  process.stdout.write(`data set: ${EVENTS} events over ${DAYS} days in ${file}${seconds !== null ? ` (ingested in ${Math.round(seconds)} s, ${Math.round(EVENTS / seconds)} events/s)` : ' (cached)'}\n`);
  const service = createAnalyticsService({ store, now: () => END_MS });
  const figures: Record<string, { p50: number; p95: number }> = {};
  for (const [name, kind, params] of QUERIES) {
    const times: number[] = [];
    for (let r = 0; r < REPEAT + 2; r++) {
      const started = performance.now();
      if (kind === 'realtime') await service.realtime(WS);
      else await service[kind](WS, params);
      if (r >= 2) times.push(performance.now() - started); // two warm-up runs
    }
    times.sort((a, b) => a - b);
    figures[name] = { p50: Math.round(percentile(times, 50) * 10) / 10, p95: Math.round(percentile(times, 95) * 10) / 10 };
    process.stdout.write(`  ${name.padEnd(48)} p50 ${String(figures[name].p50).padStart(7)} ms   p95 ${String(figures[name].p95).padStart(7)} ms\n`);
  }
  const funnels = createFunnelService({ store, now: () => END_MS });
  const retention = createRetentionService({ store, now: () => END_MS });
  const slowRuns = Math.min(REPEAT, 10);
  for (const [name, kind, params] of EVENT_QUERIES) {
    const times: number[] = [];
    let shape = '';
    for (let r = 0; r < slowRuns + 1; r++) {
      const started = performance.now();
      if (kind === 'funnel') { const f = await funnels.funnel(WS, params); shape = f.steps.map((s) => s.people).join(' → '); }
      else { const c = await retention.retention(WS, params); shape = `${c.cohorts.length} cohorts, ${c.cohorts.reduce((n, x) => n + x.people, 0)} newcomers`; }
      if (r >= 1) times.push(performance.now() - started); // one warm-up run
    }
    times.sort((a, b) => a - b);
    figures[name] = { p50: Math.round(percentile(times, 50) * 10) / 10, p95: Math.round(percentile(times, 95) * 10) / 10 };
    process.stdout.write(`  ${name.padEnd(48)} p50 ${String(figures[name].p50).padStart(7)} ms   p95 ${String(figures[name].p95).padStart(7)} ms   (${shape})\n`);
  }
  const sample = await service.metric(WS, { from: day(DAYS), to: day(1) });
  process.stdout.write(`  (90 days: ${sample.metrics.visits} visits, ${sample.metrics.pageviews} page views, ~${sample.metrics.visitors} visitors)\n`);
  await store.close();
  process.stdout.write(`${JSON.stringify({ bench: 'analytics', store: STORE, events: EVENTS, days: DAYS, goals: GOAL_COUNT, spanHours: SPAN_HOURS, ingest: comparison, queries: figures, worstP95: Math.max(...QUERIES.map(([name]) => figures[name]!.p95)), funnel30dP95: figures['funnel, 30 days, 3 steps within 7d']!.p95 })}\n`);
}

await main();
