/**
 * The size budgets of the browser tracker (issue 6: t.js ≤ 8 KB gzipped; issue 14: its slot
 * module t-slots.js ≤ 4 KB gzipped; checked in CI): builds web/tracker/dist exactly as
 * `npm run build` does and fails over budget.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildSlotModule, buildTracker, SLOTS_GZIP_BUDGET, TRACKER_GZIP_BUDGET } from '../../web/tracker/build.js';

test(`the built tracker is at most ${TRACKER_GZIP_BUDGET} bytes gzipped and dependency-free`, async () => {
  const built = await buildTracker();
  console.log(`t.js: ${built.bytes} bytes, ${built.gzipBytes} bytes gzipped (budget ${TRACKER_GZIP_BUDGET})`);
  assert.ok(built.gzipBytes <= TRACKER_GZIP_BUDGET, `t.js is ${built.gzipBytes} bytes gzipped, over the budget of ${TRACKER_GZIP_BUDGET}`);
  const code = readFileSync(built.path, 'utf8');
  assert.ok(code.length > 1000, 'a real bundle was written');
  assert.doesNotMatch(code, /\brequire\(|\bimport\(|^import /m, 'one self-contained script: nothing loaded at run time');
});

test(`the slot module is at most ${SLOTS_GZIP_BUDGET} bytes gzipped and dependency-free`, async () => {
  const built = await buildSlotModule();
  console.log(`t-slots.js: ${built.bytes} bytes, ${built.gzipBytes} bytes gzipped (budget ${SLOTS_GZIP_BUDGET})`);
  assert.ok(built.gzipBytes <= SLOTS_GZIP_BUDGET, `t-slots.js is ${built.gzipBytes} bytes gzipped, over the budget of ${SLOTS_GZIP_BUDGET}`);
  const code = readFileSync(built.path, 'utf8');
  assert.ok(code.length > 1000, 'a real bundle was written');
  assert.doesNotMatch(code, /\brequire\(|\bimport\(|^import /m, 'one self-contained script: nothing loaded at run time');
});
