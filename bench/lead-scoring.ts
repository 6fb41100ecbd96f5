/**
 * `npm run bench:lead-scoring [-- events rounds]`: ingest throughput of the pipeline in process
 * (real SQLite file, real steps, batches of 500 events in one transaction each, as the ingest queue
 * writes them) without scoring configuration, and with 20 engagement rules, 10 fit rules, 6
 * lifecycle rules and 2 webhooks (outbox rows written, no delivery). The two alternate for ROUNDS
 * rounds (the machine is shared: medians of alternating runs). Prints a table and, last, one JSON
 * line. Not a test: figures vary with the machine.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdentityGuard } from '../src/core/identity/identity-key.js';
import { createProcessBatch } from '../src/ingest/process-batch.js';
import { createLeadScoringSettings } from '../src/lead-scoring/lead-scoring-settings.js';
import { createPrivacyContexts } from '../src/privacy/privacy-context.js';
import { events } from '../src/storage/contract/contract-fixtures.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';
import { createWebhookList } from '../src/webhooks/webhook-list.js';

const TOTAL = Number(process.argv[2] ?? 40_000);
const BATCH = 500;
const ROUNDS = Number(process.argv[3] ?? 3);
const T0 = Date.UTC(2024, 0, 1);

const SCORING = {
  engagement: {
    halfLifeDays: 30,
    rules: [
      ...Array.from({ length: 10 }, (_, i) => ({ id: `dl-${i}`, event: `Download ${i}`, where: [{ property: 'topic', op: 'in', value: ['a', 'b', 'c'] }], points: 5, cap: 50 })),
      ...Array.from({ length: 10 }, (_, i) => ({ id: `pv-${i}`, type: 'page', where: [{ property: 'category', op: 'equals', value: `cat-${i}` }], points: 1, cap: 10 })),
    ],
  },
  fit: { rules: Array.from({ length: 10 }, (_, i) => ({ id: `fit-${i}`, trait: `t${i}`, op: 'exists', points: 3 })) },
};
const LIFECYCLE = {
  rules: [
    { id: 'sub', to: 'subscriber', when: { trait: 'email', op: 'exists' } },
    { id: 'lead', to: 'lead', when: { engagement: { gte: 10 } } },
    { id: 'mql', to: 'marketing_qualified', when: { all: [{ engagement: { gte: 30 } }, { fit: { gte: 9 } }] } },
    { id: 'sal', to: 'sales_accepted', when: { trait: 'owner', op: 'exists' } },
    { id: 'sql', to: 'sales_qualified', when: { bant: 'complete' } },
    { id: 'recycle', to: 'lead', from: ['marketing_qualified'], when: { engagement: { lt: 5 } } },
  ],
};

function traffic(workspaceId: string, run: string): ReturnType<typeof events> {
  const inputs: Array<Record<string, unknown> & { at: number }> = [];
  for (let i = 0; inputs.length < TOTAL; i++) {
    const person = `${run}-${i % Math.max(1, TOTAL / 10)}`;
    const at = T0 + i * 1000;
    const kind = i % 10;
    if (kind === 0) inputs.push({ type: 'identify', userId: person, traits: { email: `${person}@x.test`, t1: 'y', t2: 'y', t3: 'y' }, at });
    else if (kind < 6) inputs.push({ type: 'page', userId: person, name: 'P', category: `cat-${i % 12}`, properties: { url: `https://x.test/${i % 50}` }, at });
    else inputs.push({ type: 'track', userId: person, event: `Download ${i % 12}`, properties: { topic: ['a', 'b', 'z'][i % 3] }, at });
  }
  return events(workspaceId, inputs);
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-scoring-'));
const store = openSqliteStore({ file: join(dir, 'bench.db'), sync: 'normal' });
try {
  const now = () => T0 + 365 * 86_400_000;
  const newMessageId = () => `tessera-${randomUUID()}`;
  const leadScoring = { settings: createLeadScoringSettings(store, now), webhooks: createWebhookList(store, now), newMessageId, newDeliveryId: () => `dlv_${randomUUID()}`, now };
  const processBatch = createProcessBatch({ guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId, leadScoring });
  const privacy = createPrivacyContexts(store, Date.now);
  const runs: Array<{ scenario: string; events: number; seconds: number; eventsPerSecond: number }> = [];
  for (let round = 0; round < ROUNDS; round++) for (const scenario of ['plain', 'scoring + lifecycle + webhooks']) {
    const ws = `ws_${randomUUID()}`;
    await store.workspaces.create({ id: ws, name: scenario, createdAt: T0 });
    if (scenario !== 'plain') {
      await store.configs.put(ws, 'scoring', SCORING, T0);
      await store.configs.put(ws, 'lifecycle', LIFECYCLE, T0);
      for (const n of [1, 2]) await store.webhooks.create({ id: `wh_${randomUUID()}`, workspaceId: ws, url: `https://crm.test/${n}`, secret: 's', description: '', events: ['lifecycle.changed'], active: true, createdAt: T0, updatedAt: T0 });
    }
    const all = traffic(ws, `${scenario.slice(0, 5)}${round}`);
    const context = await privacy.get(ws);
    const started = performance.now();
    for (let i = 0; i < all.length; i += BATCH) await store.write((tx) => processBatch(tx, ws, all.slice(i, i + BATCH), context));
    const seconds = (performance.now() - started) / 1000;
    runs.push({ scenario, events: all.length, seconds: Math.round(seconds * 100) / 100, eventsPerSecond: Math.round(all.length / seconds) });
    process.stderr.write(`[bench] ${scenario}: ${Math.round(all.length / seconds)} events/s\n`);
  }
  const median = (scenario: string) => {
    const mine = runs.filter((r) => r.scenario === scenario).sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
    return mine[Math.floor(mine.length / 2)]!;
  };
  const results = [median('plain'), median('scoring + lifecycle + webhooks')];
  const ratio = results[1]!.eventsPerSecond / results[0]!.eventsPerSecond;
  console.log(`median of ${ROUNDS} alternating runs each`);
  console.log('scenario                          events   seconds   events/s');
  for (const r of results) console.log(`${r.scenario.padEnd(32)} ${String(r.events).padStart(7)} ${String(r.seconds).padStart(9)} ${String(r.eventsPerSecond).padStart(10)}`);
  console.log(`with scoring: ${(ratio * 100).toFixed(0)} % of plain`);
  console.log(JSON.stringify({ bench: 'lead-scoring', results, runs, ratio: Math.round(ratio * 1000) / 1000 }));
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
