/**
 * The backfill figure of `npm run bench:segments`: N profiles written straight into a fresh SQLite
 * store (rows as ingest writes them: traits and state JSON; writing them through ingest would
 * measure ingest, not the backfill), then a new segment backfilled over them with the real backfill
 * job (chunks, one transaction each, progress stored), reporting profiles/s.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { newProfile } from '../src/core/profiles/profile.js';
import { newProgress, runBackfill } from '../src/segments/backfill.js';
import { openStore } from '../src/storage/open-store.js';
import { profileState } from '../src/storage/shared/codec.js';
import { createIngest, createLogger } from '../src/tessera.js';
import { ensureDefaultWorkspace } from '../src/workspaces/api-keys.js';
import { createRandom } from './random.js';

export interface BackfillFigures { profiles: number; seconds: number; profilesPerSecond: number; members: number; seedSeconds: number }

export async function backfillRun(profiles: number, progress: (m: string) => void): Promise<BackfillFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-backfill-'));
  try {
    const config = { ...loadConfig({ env: {}, flags: { dataDir: dir, logLevel: 'warn' } }), segmentScheduler: false };
    const setup = await openStore(config);
    await ensureDefaultWorkspace(setup, { now: Date.now() });
    await setup.close();
    progress(`writing ${profiles.toLocaleString('en-US')} profiles…`);
    const seedStarted = performance.now();
    seed(join(dir, 'tessera.db'), profiles);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const store = await openStore(config);
    const logger = createLogger(config);
    const { queue, privacy, definitions, derive } = createIngest(store, config, logger);
    const at = Date.now();
    await store.segments.put({
      workspaceId: 'default', kind: 'segment', id: 'bench-new', createdAt: at, updatedAt: at, backfill: newProgress(profiles, at),
      body: { name: 'Mid-size CTOs on pro', description: '', condition: { and: [{ trait: { key: 'role', op: 'in', values: ['CTO', 'CIO'] } }, { trait: { key: 'employees', op: 'between', min: 50, max: 5000 } }, { trait: { key: 'plan', op: 'equals', value: 'pro' } }] } },
    });
    progress('backfilling a new segment…');
    let lastReport = 0;
    const started = performance.now();
    const final = await runBackfill({ store, privacy, derive, definitions, now: Date.now, logger }, { workspaceId: 'default', kind: 'segment', id: 'bench-new' }, {
      chunk: 1000,
      onProgress: (p) => {
        if (performance.now() - lastReport < 5000) return;
        lastReport = performance.now();
        progress(`  ${p.processed.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')} (${Math.round(p.processed / ((performance.now() - started) / 1000)).toLocaleString('en-US')} profiles/s)`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const members = await store.segments.memberCount('default', 'bench-new');
    await queue.close();
    await store.close();
    return { profiles: final.processed, seconds: Math.round(seconds * 10) / 10, profilesPerSecond: Math.round(final.processed / seconds), members, seedSeconds: Math.round(seedSeconds * 10) / 10 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function seed(file: string, n: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare("INSERT INTO profiles (id, workspace_id, created_at, updated_at, merged_into, traits, state, search) VALUES (?, 'default', ?, ?, NULL, ?, ?, '')");
  const random = createRandom(3);
  const roles = ['CTO', 'CIO', 'Engineer', 'Marketing', 'Sales', 'CEO'];
  const now = Date.now();
  const state = JSON.stringify(profileState(newProfile('x', 'default', now)));
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const traits = { email: `person${i}@example.com`, role: random.pick(roles), employees: random.int(10_000), plan: random.next() < 0.3 ? 'pro' : 'free' };
      insert.run(`prf_bench_${String(i).padStart(9, '0')}`, now, now, JSON.stringify(traits), state);
    }
  });
  for (let i = 0; i < n; i += 50_000) chunk(i, Math.min(n, i + 50_000));
  db.close();
}
