/**
 * Query plans of SQLite statements whose plan decides their complexity: reading one profile's
 * events must use the timeline index, not scan the workspace (a backfill runs it per profile), and
 * no statement of an erasure may read a whole table while it holds the writer.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { EVENTS_OF } from '../../src/storage/sqlite/segment-store.js';
import { ERASURE_SQL } from '../../src/storage/sqlite/privacy-store.js';
import { openDatabase } from '../../src/storage/sqlite/database.js';
import { migrateDatabase } from '../../src/storage/sqlite/migrate.js';
import { tempDir } from '../support/tessera-under-test.js';

test("a profile's events are read through the timeline index, not the workspace's", () => {
  const dir = tempDir('tessera-plans-');
  const db = openDatabase(join(dir.path, 'plans.db'));
  try {
    migrateDatabase(db, Date.now);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${EVENTS_OF}`).all('ws', 'prf_1') as Array<{ detail: string }>).map((r) => r.detail).join('\n');
    assert.match(plan, /USING INDEX events_timeline \(profile_id=\?\)/, plan);
  } finally {
    db.close();
    dir.remove();
  }
});

test('every statement of an erasure finds its rows through an index (none scans a table)', () => {
  const dir = tempDir('tessera-plans-');
  const db = openDatabase(join(dir.path, 'plans.db'));
  try {
    migrateDatabase(db, Date.now);
    for (const [name, sql] of Object.entries(ERASURE_SQL)) {
      const params = Array.from({ length: (sql.match(/\?/g) ?? []).length }, (_, i) => (i === 0 ? 'ws' : '["prf_1"]'));
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
      const scans = plan.filter((line) => /^SCAN (?!json_each)/.test(line) || /events_workspace_ts|\(workspace_id=\?\)$/.test(line));
      assert.deepEqual(scans, [], `${name}:\n${plan.join('\n')}`);
    }
  } finally {
    db.close();
    dir.remove();
  }
});
