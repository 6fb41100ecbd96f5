/** `tessera recommendations evaluate` as a user runs it, on events ingested through the API (SQLite). */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { describeRun, runCli } from './run-cli.js';

let t: TesseraUnderTest;
before(async () => {
  t = await startTessera({ segmentScheduler: false });
  const batch: Array<Record<string, unknown>> = [];
  // Planted triples: whoever buys two of a-i, b-i, c-i buys the third; everyone views "hit" first.
  for (let p = 0; p < 60; p++) {
    const triple = p % 6;
    const order = [['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b']][Math.floor(p / 6) % 3]!;
    const at = Date.UTC(2026, 0, 1) + p * 60_000;
    batch.push({ type: 'track', event: 'Product Viewed', anonymousId: `p${p}`, properties: { product_id: 'hit' }, timestamp: new Date(at).toISOString() });
    order.forEach((x, i) => batch.push({ type: 'track', event: 'Order Completed', anonymousId: `p${p}`, properties: { products: [{ product_id: `${x}-${triple}` }] }, timestamp: new Date(at + 1000 * (i + 1)).toISOString() }));
  }
  const res = await t.collect('/v1/batch', { batch });
  assert.equal(res.statusCode, 200, res.body);
  await t.tessera.close();
});
after(() => t.close().catch(() => undefined));

it('prints hit rate, recall, NDCG and coverage per strategy and one JSON line; --help explains them', async () => {
  const result = await runCli(['recommendations', 'evaluate', '--data-dir', t.dataDir, '--k', '3']);
  assert.equal(result.code, 0, describeRun(result));
  assert.match(result.stdout, /60 people, 19 items, k = 3/);
  const json = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
  const [itemToItem, popularity] = json.strategies;
  assert.equal(itemToItem.strategy, 'item-to-item');
  assert.equal(itemToItem.hitRate, 1, describeRun(result));
  assert.ok(popularity.hitRate < 0.5, describeRun(result));
  assert.ok(itemToItem.ndcg > popularity.ndcg && itemToItem.ndcg <= 1, describeRun(result));
  assert.match(result.stdout, /NDCG@k/);
  const help = await runCli(['recommendations', 'evaluate', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /leave-last-out|held out/i);
  assert.equal((await runCli(['recommendations', 'evaluate', '--data-dir', t.dataDir, '--k', '0'])).code, 2);
});
