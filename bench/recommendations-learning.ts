/**
 * `npm run bench:recommendations-learning`: what learning items costs ingest, and how fast the models are
 * read. A synthetic shop (seeded): items in categories, people who view products and sometimes buy
 * two or three. The same events go through the real ingest pipeline (createProcessBatch, one write
 * transaction per batch) into fresh stores with item learning (stubs, histories, co-occurrence,
 * popularity) and without, in alternating rounds; the best round of each is kept (the machine is
 * shared). Learning runs twice: as before the pair cap (every recent item of the family pairs with
 * a new one: `pairCap` = `historyCap`, 20) and with the default `pairCap` (10), so that the lever's
 * effect is measured in the same run. Then neighbour and popularity reads of the learned store
 * (default settings): latency percentiles.
 *
 *   npm run bench:recommendations-learning -- [--people 3000] [--items 2000] [--rounds 2] [--database-url postgres://…/x_test]
 *
 * Prints a table and, last, one JSON line. PostgreSQL runs only when given a database whose name
 * contains "test" (its recommendation tables are emptied first).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TrackedEvent } from '../src/core/events/event.js';
import { validateEvent } from '../src/core/events/validate-event.js';
import { createIdentityGuard } from '../src/core/identity/identity-key.js';
import { compileRecommendationSettings, DEFAULT_RECOMMENDATION_SETTINGS } from '../src/core/recommendations/settings.js';
import { FAMILIES } from '../src/core/recommendations/co-occurrence.js';
import { seededRandom } from '../src/core/seeded-random.js';
import { createProcessBatch } from '../src/ingest/process-batch.js';
import type { Store } from '../src/ports/store.js';
import { createPrivacyContexts } from '../src/privacy/privacy-context.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';

const { values: flags } = parseArgs({ options: {
  people: { type: 'string', default: '3000' }, items: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '2' },
  'database-url': { type: 'string' }, help: { type: 'boolean', default: false },
} });
if (flags.help) { process.stdout.write('npm run bench:recommendations-learning -- [--people N] [--items N] [--rounds N] [--database-url postgres://…/name_with_test]\n'); process.exit(0); }
const PEOPLE = Number(flags.people), ITEMS = Number(flags.items), ROUNDS = Number(flags.rounds);
const BATCH = 500;
const T0 = Date.UTC(2026, 0, 1);
const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);

function shopEvents(workspaceId: string): TrackedEvent[] {
  const random = seededRandom(42);
  const guard = createIdentityGuard();
  const pick = () => `sku-${Math.floor(Math.pow(random(), 2) * ITEMS)}`; // a long tail: low ids are popular
  const inputs: Array<Record<string, unknown>> = [];
  for (let p = 0; p < PEOPLE; p++) {
    let at = T0 + Math.floor(random() * 20 * 86_400_000);
    const sessions = 1 + Math.floor(random() * 3);
    for (let s = 0; s < sessions; s++) {
      const viewed: string[] = [];
      for (let v = 0; v < 5; v++) {
        const id = pick();
        viewed.push(id);
        inputs.push({ type: 'track', event: 'Product Viewed', anonymousId: `anon-${p}`, properties: { product_id: id, name: `Product ${id}`, price: 10, category: `cat-${Number(id.slice(4)) % 20}` }, timestamp: new Date(at += 30_000).toISOString() });
      }
      if (random() < 0.3) inputs.push({ type: 'track', event: 'Order Completed', anonymousId: `anon-${p}`, properties: { products: viewed.slice(0, 2 + Math.floor(random() * 2)).map((product_id) => ({ product_id })) }, timestamp: new Date(at += 60_000).toISOString() });
      at += 86_400_000;
    }
  }
  return inputs.map((input) => {
    const result = validateEvent({ messageId: randomUUID(), ...input }, { workspaceId, receivedAt: Date.parse(String(input.timestamp)), guard, newMessageId: randomUUID });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    return result.event;
  }).sort((a, b) => a.timestamp - b.timestamp);
}

type Mode = 'off' | 'all' | 'on';
const MODES: readonly Mode[] = ['off', 'all', 'on'];

async function ingestAll(store: Store, mode: Mode): Promise<{ events: number; wallMs: number; cpuMs: number }> {
  const workspaceId = `bench_${randomUUID()}`;
  await store.workspaces.create({ id: workspaceId, name: 'bench', createdAt: T0 });
  const events = shopEvents(workspaceId);
  const settings = compileRecommendationSettings({ ...DEFAULT_RECOMMENDATION_SETTINGS, ...(mode === 'all' ? { pairCap: DEFAULT_RECOMMENDATION_SETTINGS.historyCap } : {}) });
  const processBatch = createProcessBatch({
    guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId: () => `tessera-${randomUUID()}`,
    ...(mode !== 'off' ? { recommendations: { get: async () => settings } } : {}),
  });
  const privacy = await createPrivacyContexts(store, () => T0).get(workspaceId);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    await store.write((tx) => processBatch(tx, workspaceId, batch, privacy));
  }
  const used = process.cpuUsage(cpu);
  return { events: events.length, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

async function reads(store: Store, workspaceId: string): Promise<{ neighboursP50: number; neighboursP99: number; popularP99: number }> {
  const random = seededRandom(7);
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const started = performance.now();
    await store.recommendations.neighbours(workspaceId, FAMILIES[i % 2]!, `sku-${Math.floor(Math.pow(random(), 2) * ITEMS)}`, 50);
    times.push(performance.now() - started);
  }
  const popular: number[] = [];
  for (let i = 0; i < 500; i++) {
    const started = performance.now();
    await store.recommendations.popular(workspaceId, 'viewed', { limit: 20, ...(i % 2 ? { category: `cat-${i % 20}` } : {}) });
    popular.push(performance.now() - started);
  }
  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  return { neighboursP50: q(times, 0.5), neighboursP99: q(times, 0.99), popularP99: q(popular, 0.99) };
}

async function benchStore(name: string, open: () => Promise<{ store: Store; close(): Promise<void> }>, beforeReads: () => Promise<void> = async () => undefined) {
  const best: Record<string, number> = { off: Infinity, on: Infinity, all: Infinity, offCpu: Infinity, onCpu: Infinity, allCpu: Infinity };
  let events = 0;
  let learnedWorkspace = '';
  let learnedStore: { store: Store; close(): Promise<void> } | null = null;
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
      const opened = await open();
      progress(`${name}: round ${round + 1}, learning ${mode}…`);
      const run = await ingestAll(opened.store, mode);
      events = run.events;
      const key = mode;
      const learn = mode === 'on';
      best[key] = Math.min(best[key]!, run.wallMs);
      best[`${key}Cpu`] = Math.min(best[`${key}Cpu`]!, run.cpuMs);
      if (learn && round === ROUNDS - 1) {
        learnedStore = opened;
        learnedWorkspace = (await opened.store.workspaces.list()).map((w) => w.id).find((id) => id.startsWith('bench_'))!;
      } else await opened.close();
    }
  }
  await beforeReads();
  const served = await reads(learnedStore!.store, learnedWorkspace);
  await learnedStore!.close();
  const perEvent = (ms: number) => (ms * 1000) / events;
  return {
    store: name, events, usPerEventOff: perEvent(best.off!), usPerEventAllPairs: perEvent(best.all!), usPerEventOn: perEvent(best.on!),
    ratioAllPairs: best.all! / best.off!, ratio: best.on! / best.off!,
    cpuUsPerEventOff: perEvent(best.offCpu!), cpuUsPerEventOn: perEvent(best.onCpu!), cpuRatioAllPairs: best.allCpu! / best.offCpu!, cpuRatio: best.onCpu! / best.offCpu!,
    learningUsPerEvent: perEvent(best.on! - best.off!), ...served,
  };
}

async function main(): Promise<void> {
  const results = [];
  const dirs: string[] = [];
  results.push(await benchStore('sqlite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-recs-'));
    dirs.push(dir);
    const store = await openSqliteStore({ file: join(dir, 'tessera.db'), sync: 'normal', migrate: true });
    return { store, close: () => store.close() };
  }));
  const url = flags['database-url'];
  if (url) {
    if (!new URL(url).pathname.includes('test')) throw new Error('--database-url must name a database whose name contains "test"');
    const { openPostgresStore } = await import('../src/storage/postgres/store.js');
    results.push(await benchStore('postgres', async () => {
      const store = await openPostgresStore({ url, migrate: true });
      return { store, close: () => store.close() };
    }, async () => {
      // As autovacuum would soon after a load: with statistics of the empty tables the planner probes
      // rec_item_stats through the wrong index (about 80 ms a read instead of 1).
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: url });
      await client.connect();
      await client.query('ANALYZE rec_pairs, rec_item_stats, rec_item_categories, rec_items');
      await client.end();
    }));
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  const f = (n: number, d = 1) => n.toFixed(d);
  process.stdout.write(`\nRecommendations: ${PEOPLE} people, ${ITEMS} items, batches of ${BATCH} (best of ${ROUNDS} rounds)\n`);
  process.stdout.write('learning: "all pairs" = pairCap 20 (as before the cap), "on" = pairCap 10 (default)\n');
  process.stdout.write('store     events  µs/event off  all pairs  on      ratio all/on  CPU ratio all/on  neighbours p50/p99 ms  popular p99 ms\n');
  for (const r of results) {
    process.stdout.write(`${r.store.padEnd(8)} ${String(r.events).padStart(7)}  ${f(r.usPerEventOff).padStart(12)}  ${f(r.usPerEventAllPairs).padStart(9)}  ${f(r.usPerEventOn).padStart(6)}  ${`${f(r.ratioAllPairs, 2)}/${f(r.ratio, 2)}`.padStart(12)}  ${`${f(r.cpuRatioAllPairs, 2)}/${f(r.cpuRatio, 2)}`.padStart(16)}  ${`${f(r.neighboursP50, 2)}/${f(r.neighboursP99, 2)}`.padStart(21)}  ${f(r.popularP99, 2).padStart(14)}\n`);
  }
  process.stdout.write(`${JSON.stringify({ bench: 'recommendations', people: PEOPLE, items: ITEMS, rounds: ROUNDS, results })}\n`);
}

main().catch((error: unknown) => { process.stderr.write(`${(error as Error).stack ?? String(error)}\n`); process.exit(1); });
