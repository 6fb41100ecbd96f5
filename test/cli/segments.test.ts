/** `tessera segments list|backfill` as a user runs them, on a real SQLite store prepared by the real app. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { describeRun, runCli } from './run-cli.js';

let t: TesseraUnderTest;
let dataDir: string;
before(async () => {
  t = await startTessera({ segmentScheduler: false });
  dataDir = t.dataDir;
  for (let i = 0; i < 5; i++) await t.collect('/v1/track', { userId: `cli-${i}`, event: 'Demo Requested', properties: { size: i * 100 } });
  // Stored while the server's backfill would run: stop the app first so that the CLI does the work.
  await t.tessera.store.segments.put({
    workspaceId: 'default', kind: 'segment', id: 'big-demos', createdAt: Date.now(), updatedAt: Date.now(),
    body: { name: 'Big demo requests', description: '', condition: { event: { name: 'Demo Requested', where: [{ property: 'size', op: 'gte', value: 200 }] } } },
    backfill: { state: 'running', total: 5, processed: 0, startedAt: Date.now(), updatedAt: Date.now(), finishedAt: null, after: null },
  });
  await t.tessera.close();
});
after(() => t.close().catch(() => undefined));

describe('tessera segments', () => {
  it('backfills a segment over the stored profiles, with progress on stderr', async () => {
    const result = await runCli(['segments', 'backfill', 'big-demos', '--data-dir', dataDir, '--chunk', '2']);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, /Backfilled segment "big-demos": 5 profiles/);
    assert.match(result.stderr, /backfill: 100% \(5\/5 profiles\)/);
    const listed = await runCli(['segments', 'list', '--data-dir', dataDir, '--json']);
    assert.equal(listed.code, 0, describeRun(listed));
    const [row] = JSON.parse(listed.stdout);
    assert.deepEqual({ id: row.id, members: row.members, backfill: row.backfill }, { id: 'big-demos', members: 3, backfill: 'done' });
    assert.match(row.readable, /Demo Requested \(size ≥ 200\)/);
  });

  it('exits 2 (usage) for a bad --chunk, as for any bad option value', async () => {
    const result = await runCli(['segments', 'backfill', 'big-demos', '--data-dir', dataDir, '--chunk', '0']);
    assert.equal(result.code, 2, describeRun(result));
    assert.match(result.stderr, /must be a whole number from 1 to 10000/);
  });

  it('exits 2 for a segment that does not exist', async () => {
    const result = await runCli(['segments', 'backfill', 'nope', '--data-dir', dataDir]);
    assert.equal(result.code, 2, describeRun(result));
    assert.match(result.stderr, /No segment "nope"/);
  });
});
