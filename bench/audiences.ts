/**
 * `npm run bench:audiences [-- --profiles N]`: a full and then an incremental Meta export of a
 * persona audience over N stored profiles (default 1,000,000) on SQLite, streamed to a discarding
 * sink: profiles/s, rows written, and peak memory (maxRSS), which must not grow with N (the export
 * holds one page). Profiles are written straight into a fresh store (their traits, consent and
 * persona link as ingest stores them). Progress on stderr; figures and one JSON line on stdout.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareAudienceExport } from '../src/audiences/export-audience.js';
import { loadConfig } from '../src/config.js';
import { newProfile } from '../src/core/profiles/profile.js';
import { openStore } from '../src/storage/open-store.js';
import { profileState } from '../src/storage/shared/codec.js';
import { ensureDefaultWorkspace } from '../src/workspaces/api-keys.js';
import { createRandom } from './random.js';
import { machineInfo } from './report.js';

const { values: flags } = parseArgs({ options: { profiles: { type: 'string', default: '1000000' }, help: { type: 'boolean', default: false } } });
if (flags.help) {
  process.stdout.write('npm run bench:audiences -- [--profiles <n> (default 1000000)]\n');
  process.exit(0);
}
const N = Number(flags.profiles);
const log = (m: string) => process.stderr.write(`${m}\n`);

function seed(file: string, n: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare("INSERT INTO profiles (id, workspace_id, created_at, updated_at, merged_into, traits, state, search) VALUES (?, 'default', ?, ?, NULL, ?, ?, '')");
  const random = createRandom(5);
  const now = Date.now();
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const p = newProfile('x', 'default', now);
      const inPersona = random.next() < 0.5;
      p.persona = { modelVersion: 1, personaId: inPersona ? 'p1' : 'p2', probability: 0.9, probabilities: inPersona ? { p1: 0.9, p2: 0.1 } : { p1: 0.1, p2: 0.9 }, at: now, basis: ['profiling'] };
      p.consent = { advertising: { granted: random.next() < 0.7, at: now, channel: 'banner', messageId: `m${i}` } } as typeof p.consent;
      p.behaviour.lastSeenAt = now;
      const traits = { email: `Person.${i}@Example.com`, phone: `030 ${1_000_000 + i}`, firstName: 'Anna', lastName: 'Müller', zip: '10115', country: 'DE' };
      insert.run(`prf_bench_${String(i).padStart(9, '0')}`, now, now, JSON.stringify(traits), JSON.stringify(profileState(p)));
    }
  });
  for (let i = 0; i < n; i += 50_000) { chunk(i, Math.min(n, i + 50_000)); log(`  seeded ${Math.min(n, i + 50_000).toLocaleString('en-US')}`); }
  db.close();
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-audiences-'));
try {
  const config = { ...loadConfig({ env: {}, flags: { dataDir: dir, logLevel: 'warn' } }), segmentScheduler: false };
  const setup = await openStore(config);
  await ensureDefaultWorkspace(setup, { now: Date.now() });
  await setup.close();
  log(`writing ${N.toLocaleString('en-US')} profiles…`);
  seed(join(dir, 'tessera.db'), N);
  const store = await openStore(config);
  const now = Date.now();
  const audience = { id: 'bench', workspaceId: 'default', name: 'bench', source: { persona: { id: 'p1', minProbability: 0.7 } }, purpose: 'advertising', defaultCountry: 'DE', createdAt: now, updatedAt: now };
  await store.audiences.put(audience);
  // Peak resident memory while exporting, sampled after every page (maxRSS also counts the seeding).
  let exportRss = 0;
  const sampleRss = () => { exportRss = Math.max(exportRss, process.memoryUsage().rss); };
  const run = async (since?: number) => {
    const started = performance.now();
    let bytes = 0;
    let last = 0;
    const prepared = await prepareAudienceExport(store, {
      audience, format: 'meta', now: Date.now(), actor: 'bench', ...(since !== undefined ? { since } : {}),
      progress: (done, total) => { sampleRss(); if (performance.now() - last > 5000) { last = performance.now(); log(`  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`); } },
    });
    for await (const chunk of prepared.chunks) bytes += chunk.length;
    const seconds = (performance.now() - started) / 1000;
    return { seconds: Math.round(seconds * 10) / 10, profilesPerSecond: Math.round(N / seconds), bytes, ...prepared.summary };
  };
  log('full export…');
  const full = await run();
  log('incremental export (no changes)…');
  const incremental = await run(Date.now());
  await store.close();
  const maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const exportRssMiB = Math.round(exportRss / 1024 / 1024);
  process.stdout.write(`full Meta export of ${N.toLocaleString('en-US')} profiles: ${full.seconds} s (${full.profilesPerSecond.toLocaleString('en-US')} profiles/s), ${full.members.toLocaleString('en-US')} rows, ${full.excluded.toLocaleString('en-US')} excluded without advertising consent\n`);
  process.stdout.write(`incremental export: ${incremental.seconds} s, ${incremental.added} added, ${incremental.removed} removed\n`);
  process.stdout.write(`peak memory while exporting (RSS after each page): ${exportRssMiB} MiB; process maxRSS incl. seeding: ${maxRssMiB} MiB\n`);
  process.stdout.write(`${JSON.stringify({ bench: 'audiences', profiles: N, full, incremental, exportRssMiB, maxRssMiB, machine: machineInfo() })}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
