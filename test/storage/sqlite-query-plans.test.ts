/**
 * Query plans of SQLite statements whose plan decides their complexity: reading one profile's
 * events must use the timeline index, not scan the workspace (a backfill runs it per profile).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { EVENTS_OF } from '../../src/storage/sqlite/segment-store.js';
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
