/**
 * The rollup worker's memory is bounded (analytics/rollup-worker.ts, "Memory"): with flushes held
 * back (no timer flush within the test) and at most 5 handed-over events kept, four batches of six
 * page views never leave more than 5 in memory, and the dashboard still counts every view once,
 * per page and per visitor: what was let go is read back from the stored events. SQLite; the worker
 * is the same on both stores.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';

let t: TesseraUnderTest;
before(async () => { t = await startTessera({}, { rollupLimits: { maxHeld: 5, intervalMs: 3_600_000 } }); });
after(async () => { await t.close(); });

test('held events beyond maxHeld are let go and read back: every view counted once', async () => {
  const at = Date.parse('2026-11-20T10:00:00Z');
  for (let batch = 0; batch < 4; batch++) {
    const events = Array.from({ length: 6 }, (_, i) => ({
      type: 'page', anonymousId: `reader-${batch}-${i % 3}`, messageId: `m-${batch}-${i}`, timestamp: new Date(at + batch * 60_000 + i * 1_000).toISOString(),
      properties: { path: i % 2 === 0 ? '/pricing' : '/blog', url: `https://acme.example${i % 2 === 0 ? '/pricing' : '/blog'}` },
    }));
    const res = await t.collect('/v1/batch', { batch: events });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(t.tessera.rollups.held <= 5, `after batch ${batch + 1}: ${t.tessera.rollups.held} held`);
  }
  const res = await t.admin('/v1/analytics/breakdown?from=2026-11-20&to=2026-11-20&timezone=UTC&dimension=page');
  assert.equal(res.statusCode, 200, res.body);
  const rows = (JSON.parse(res.body) as { rows: Array<{ value: string; pageviews: number; visitors: number }> }).rows;
  assert.deepEqual(Object.fromEntries(rows.map((r) => [r.value, [r.pageviews, r.visitors]])), { '/pricing': [12, 12], '/blog': [12, 12] });
  assert.equal(t.tessera.rollups.held, 0);
});
