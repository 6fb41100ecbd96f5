/** `tessera audiences export` as a user runs it, on a real SQLite store prepared by the real app. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { describeRun, runCli } from './run-cli.js';

const h = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
let t: TesseraUnderTest;
let dataDir: string;
before(async () => {
  t = await startTessera({ segmentScheduler: false });
  dataDir = t.dataDir;
  for (let i = 0; i < 4; i++) {
    assert.equal((await t.collect('/v1/identify', { userId: `u${i}`, traits: { plan: 'pro', email: `User${i}@Example.com` } })).statusCode, 200);
    assert.equal((await t.collect('/v1/consent', { userId: `u${i}`, purposes: { advertising: i !== 0 }, channel: 'banner' })).statusCode, 200);
  }
  const admin = (method: 'GET' | 'POST', url: string, payload?: unknown) => t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, ...(payload ? { payload: JSON.stringify(payload) } : {}) });
  assert.equal((await admin('POST', '/v1/segments', { id: 'pro', name: 'Pro', condition: { trait: { key: 'plan', op: 'equals', value: 'pro' } } })).statusCode, 201);
  for (let i = 0; i < 200 && JSON.parse((await admin('GET', '/v1/segments/pro')).body).members !== 4; i++) await sleep(50);
  assert.equal((await admin('POST', '/v1/audiences', { id: 'pro-ads', name: 'Pro', source: { segment: 'pro' } })).statusCode, 201);
  await t.tessera.close();
});
after(() => t.close().catch(() => undefined));

describe('tessera audiences export', () => {
  it('writes the platform CSV with only people with advertising consent, and reports progress', async () => {
    const out = join(dataDir, 'meta.csv');
    const result = await runCli(['audiences', 'export', 'pro-ads', '--format', 'meta', '--out', out, '--data-dir', dataDir]);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, /3 people with advertising consent; 1 excluded without advertising consent/);
    assert.match(result.stderr, /audiences: export 4\/4 profiles/);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    assert.equal(lines[0], 'email,phone,fn,ln,zip,country');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]).sort(), [1, 2, 3].map((i) => h(`user${i}@example.com`)).sort());
  });

  it('exits 3 for an unknown audience and 2 for a bad format', async () => {
    const missing = await runCli(['audiences', 'export', 'nope', '--format', 'meta', '--out', join(dataDir, 'x.csv'), '--data-dir', dataDir]);
    assert.equal(missing.code, 3, describeRun(missing));
    const bad = await runCli(['audiences', 'export', 'pro-ads', '--format', 'tiktok', '--out', join(dataDir, 'x.csv'), '--data-dir', dataDir]);
    assert.equal(bad.code, 2, describeRun(bad));
  });
});
