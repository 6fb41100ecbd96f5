/**
 * `tessera analytics backfill` as a user runs it (SQLite): events stored as before schema version
 * 25 (their hit keys cleared) are in no funnel; the backfill, interrupted after one page (the
 * hidden `--stop-after` hook, as Ctrl-C would), says so, and run again resumes and ends with every
 * key ingest wrote (all that funnels and retention read).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import Database from 'better-sqlite3';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { describeRun, runCli } from './run-cli.js';

const DAY = '2026-09-08';
const FUNNEL = `/v1/analytics/funnel?from=${DAY}&to=${DAY}&step1=page:/pricing&step2=${encodeURIComponent('event:Signed Up')}`;
let t: TesseraUnderTest;
let funnelBefore: unknown;
let keysBefore: Array<{ seq: number; hit: string | null }>;

const keys = () => {
  const db = new Database(join(t.dataDir, 'tessera.db'), { readonly: true });
  try { return db.prepare('SELECT seq, hit FROM events ORDER BY seq').all() as Array<{ seq: number; hit: string | null }>; } finally { db.close(); }
};

before(async () => {
  t = await startTessera({ segmentScheduler: false });
  const batch: object[] = [];
  for (let p = 0; p < 30; p++) {
    const at = Date.parse(`${DAY}T10:00:00Z`) + p * 60_000;
    const page = { url: 'https://shop.example/pricing', path: '/pricing', referrer: '' };
    batch.push({ type: 'page', anonymousId: `b${p}`, timestamp: new Date(at).toISOString(), properties: page, context: { page } });
    if (p % 3 === 0) batch.push({ type: 'track', event: 'Signed Up', anonymousId: `b${p}`, timestamp: new Date(at + 1000).toISOString(), properties: {} });
    if (p % 5 === 0) batch.push({ type: 'identify', anonymousId: `b${p}`, userId: `u${p}`, timestamp: new Date(at + 2000).toISOString() });
  }
  const res = await t.collect('/v1/batch', { batch });
  assert.equal(res.statusCode, 200, res.body);
  funnelBefore = JSON.parse((await t.admin(FUNNEL)).body).steps.map((s: { people: number }) => s.people);
  assert.deepEqual(funnelBefore, [30, 10]);
  await t.tessera.close();
  keysBefore = keys();
  // As stored before version 25: no event has a key.
  const db = new Database(join(t.dataDir, 'tessera.db'));
  db.prepare('UPDATE events SET hit = NULL').run();
  db.close();
});
after(() => t.close().catch(() => undefined));

it('an interrupted backfill says so (exit 130) and resumes when run again, ending with the keys ingest wrote; --help explains it', async () => {
  const total = keysBefore.length;
  const keyed = keysBefore.filter((k) => k.hit !== null).length;
  assert.equal(keyed, 40, '30 page views and 10 sign-ups; the identify calls have no key');
  const first = await runCli(['analytics', 'backfill', '--data-dir', t.dataDir, '--chunk', '16', '--stop-after', '1']);
  assert.equal(first.code, 130, describeRun(first));
  assert.match(first.stdout, new RegExp(`Interrupted after 16 of ${total} events; run again to resume`));
  assert.match(first.stderr, new RegExp(`backfill: 0%, 0 of ${total} events`));
  const partial = keys();
  assert.deepEqual(partial.slice(0, 16), keysBefore.slice(0, 16), 'the first page is written');
  assert.ok(partial.slice(16).every((k) => k.hit === null), 'nothing after it');
  const second = await runCli(['analytics', 'backfill', '--data-dir', t.dataDir, '--chunk', '16']);
  assert.equal(second.code, 0, describeRun(second));
  assert.match(second.stdout, new RegExp(`Backfilled hit keys of workspace "default" \\(resumed\\): ${keyed} of ${total} events examined got a key`));
  assert.match(second.stderr, new RegExp(`backfill: 100%, ${total} of ${total} events`));
  assert.deepEqual(keys(), keysBefore);
  // Run again: nothing left to do.
  const third = await runCli(['analytics', 'backfill', '--data-dir', t.dataDir]);
  assert.equal(third.code, 0, describeRun(third));
  assert.match(third.stdout, /: 0 of 0 events examined got a key/);
  const help = await runCli(['analytics', 'backfill', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /resumes after the last page written/);
  assert.equal((await runCli(['analytics', 'backfill', '--data-dir', t.dataDir, '--workspace', 'nope'])).code, 2);
});
