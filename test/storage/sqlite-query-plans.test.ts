/**
 * Query plans of SQLite statements whose plan decides their complexity: reading one profile's
 * events must use the timeline index, not scan the workspace (a backfill runs it per profile), and
 * no statement of an erasure may read a whole table while it holds the writer.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { EVENTS_OF } from '../../src/storage/sqlite/segment-store.js';
import { LIFECYCLE_MOVES_SQL } from '../../src/storage/sqlite/profile-queries.js';
import { createSearchPlanner, searchStatement, trigramPhrase } from '../../src/storage/sqlite/profile-search-index.js';
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

test('People search reads a q of 3+ characters from the trigram index, a shorter q from the ordered scan', () => {
  const dir = tempDir('tessera-plans-');
  const db = openDatabase(join(dir.path, 'plans.db'));
  try {
    migrateDatabase(db, Date.now);
    const where = ['p.workspace_id = ?', 'p.merged_into IS NULL', "p.search LIKE ? ESCAPE '\\'"];
    const plan = (sql: string, params: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
    const indexed = plan(searchStatement(where, true), ['"person42"', 'ws', '%person42%', 51]);
    assert.match(indexed[0] ?? '', /^SCAN s VIRTUAL TABLE INDEX/, indexed.join('\n'));
    assert.ok(indexed.includes('SEARCH k USING INTEGER PRIMARY KEY (rowid=?)'), indexed.join('\n'));
    assert.ok(indexed.some((l) => /^SEARCH p USING (COVERING )?INDEX \S+ \((workspace_id=\? AND )?id=\?\)/.test(l)), indexed.join('\n'));
    assert.ok(!indexed.some((l) => /^SCAN p\b/.test(l)), indexed.join('\n'));
    const scan = plan(searchStatement(where, false), ['ws', '%pe%', 51]);
    assert.ok(!scan.some((l) => /VIRTUAL TABLE/.test(l)), scan.join('\n'));
    assert.ok(!scan.some((l) => /TEMP B-TREE/.test(l)), `the scan reads in updated_at order and stops after a page:\n${scan.join('\n')}`);
  } finally {
    db.close();
    dir.remove();
  }
});

test('People search gives the same profiles in the same order through the index as through the scan', async () => {
  const dir = tempDir('tessera-plans-');
  const db = openDatabase(join(dir.path, 'plans.db'));
  try {
    migrateDatabase(db, Date.now);
    const insert = db.prepare("INSERT INTO profiles (id, workspace_id, created_at, updated_at, merged_into, traits, state, search) VALUES (?, ?, 0, ?, NULL, '{}', '{}', ?)");
    const texts = ['ann@example.com ann', 'anna_b@example.com anna', 'bob%x@example.org bob', 'jörg "quoted" größe', 'zoë 100% sure', 'ann@example.com again', ''];
    db.transaction(() => {
      for (let i = 0; i < 140; i++) insert.run(`prf_${i}`, i % 5 === 0 ? 'other' : 'ws', 1000 + (i % 17), `${texts[i % texts.length]} n${i}`);
    })();
    // Changing and removing texts goes through the triggers too.
    db.prepare("UPDATE profiles SET search = 'renamed ann' WHERE id = 'prf_3'").run();
    db.prepare("UPDATE profiles SET search = '' WHERE id = 'prf_7'").run();
    db.prepare("DELETE FROM profiles WHERE id = 'prf_14'").run();
    const run = (q: string, byIndex: boolean) => {
      const where = ['p.workspace_id = ?', 'p.merged_into IS NULL', "p.search LIKE ? ESCAPE '\\'"];
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return db.prepare(searchStatement(where, byIndex)).all(...(byIndex ? [trigramPhrase(q)] : []), 'ws', like, 1000);
    };
    const planner = createSearchPlanner(db);
    for (const q of ['ann', 'ann@', 'anna_', 'b%x', '100%', '"quoted"', 'jörg', 'grö', 'example.com', 'renamed', 'n14', 'n7 ', 'absent']) {
      assert.equal(planner(q), true, q);
      assert.deepEqual(run(q, true), run(q, false), q);
    }
    assert.ok((run('ann', true) as unknown[]).length > 10, 'the test compares non-empty answers');
    assert.equal(planner('an'), false, 'two characters hold no trigram');
  } finally {
    db.close();
    dir.remove();
  }
});

test('the stage funnel reads the moves of its period through their partial index, not every event', () => {
  const dir = tempDir('tessera-plans-');
  const db = openDatabase(join(dir.path, 'plans.db'));
  try {
    migrateDatabase(db, Date.now);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${LIFECYCLE_MOVES_SQL}`).all('ws', 0, 1) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
    assert.match(plan, /USING INDEX events_lifecycle_moves \(workspace_id=\? AND ts>\? AND ts<\?\)/, plan);
  } finally {
    db.close();
    dir.remove();
  }
});
