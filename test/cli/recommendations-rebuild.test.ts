/**
 * `tessera recommendations rebuild` as a user runs it (SQLite): interrupted after one page (the
 * hidden `--stop-after` hook, as Ctrl-C would), run again, it resumes and ends with the state
 * ingest built; SIGTERM stops it as Ctrl-C does (exit 130, resumable).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { openStore } from '../../src/storage/open-store.js';
import type { Family } from '../../src/core/recommendations/co-occurrence.js';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { describeRun, runCli } from './run-cli.js';

let t: TesseraUnderTest;
before(async () => {
  t = await startTessera({ segmentScheduler: false });
  const batch: Array<Record<string, unknown>> = [];
  for (let p = 0; p < 40; p++) {
    const at = Date.UTC(2026, 0, 1) + p * 60_000;
    const ts = (i: number) => new Date(at + i * 1000).toISOString();
    batch.push({ type: 'track', event: 'Product Viewed', anonymousId: `p${p}`, properties: { product_id: `v-${p % 5}` }, timestamp: ts(0) });
    batch.push({ type: 'track', event: 'Order Completed', anonymousId: `p${p}`, properties: { products: [{ product_id: `b-${p % 4}` }, { product_id: `b-${(p + 1) % 4}` }] }, timestamp: ts(1) });
    batch.push({ type: 'track', event: 'Recommendation Viewed', anonymousId: `p${p}`, properties: { list_id: 'home', strategy: 'popular', items: [{ item_id: 'v-1', position: 1 }] }, timestamp: ts(2) });
  }
  const res = await t.collect('/v1/batch', { batch });
  assert.equal(res.statusCode, 200, res.body);
  await t.tessera.close();
});
after(() => t.close().catch(() => undefined));

async function state(): Promise<unknown> {
  const store = await openStore(t.config, { mustExist: true });
  try {
    const out: Record<string, unknown> = {};
    for (const family of ['viewed', 'bought'] as Family[]) {
      out[family] = (await store.recommendations.popular('default', family, { limit: 50 })).map((s) => [s.itemId, s.longScore.toFixed(9)]);
      for (const id of ['v-1', 'b-0', 'b-1']) out[`${family}:${id}`] = (await store.recommendations.neighbours('default', family, id, 50)).map((n) => [n.itemId, n.pairScore.toFixed(9)]);
    }
    const ids = await store.segments.profileIds('default', { limit: 100 });
    out.histories = await Promise.all(ids.map((id) => store.recommendations.history('default', id)));
    return out;
  } finally {
    await store.close();
  }
}

it('an interrupted rebuild says so (exit 130) and resumes when run again, ending with the state ingest built; --help explains it', async () => {
  const built = await state();
  const first = await runCli(['recommendations', 'rebuild', '--data-dir', t.dataDir, '--chunk', '15', '--stop-after', '1']);
  assert.equal(first.code, 130, describeRun(first));
  assert.match(first.stdout, /Interrupted after 15 of 40 people; run again to resume/);
  assert.match(first.stderr, /rebuild: 0%, 0 of 40 people/);
  assert.deepEqual(await state(), built, 'half-way, the state before the rebuild is served whole (atomic)');
  const second = await runCli(['recommendations', 'rebuild', '--data-dir', t.dataDir, '--chunk', '15']);
  assert.equal(second.code, 0, describeRun(second));
  assert.match(second.stdout, /Rebuilt recommendations of workspace "default" \(resumed\): 40 people/);
  assert.match(second.stderr, /rebuild: 100%, 40 of 40 people/);
  assert.deepEqual(await state(), built);
  const help = await runCli(['recommendations', 'rebuild', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /resumes after the last\s+page written/);
  assert.equal((await runCli(['recommendations', 'rebuild', '--data-dir', t.dataDir, '--workspace', 'nope'])).code, 2);
});

it('SIGTERM stops the rebuild after the page under way (exit 130); run again, it resumes and ends with the state ingest built', async () => {
  const built = await state();
  let sent = false;
  const stopped = await runCli(['recommendations', 'rebuild', '--data-dir', t.dataDir, '--chunk', '4', '--restart', '--page-pause', '100'], {}, (stderr, child) => {
    // After the first page is written (its progress shown), while the second waits.
    if (!sent && /rebuild: 10%, 4 of 40 people/.test(stderr)) { sent = true; child.kill('SIGTERM'); }
  });
  assert.equal(sent, true, describeRun(stopped));
  assert.equal(stopped.code, 130, describeRun(stopped));
  assert.match(stopped.stdout, /Interrupted after [48] of 40 people; run again to resume/);
  const resumed = await runCli(['recommendations', 'rebuild', '--data-dir', t.dataDir, '--chunk', '15']);
  assert.equal(resumed.code, 0, describeRun(resumed));
  assert.match(resumed.stdout, /\(resumed\): 40 people/);
  assert.deepEqual(await state(), built);
});
