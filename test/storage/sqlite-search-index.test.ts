/**
 * The trigram index of People search (SQLite schema version 30) holds personal data: trigrams of
 * e-mails and names. Removing a profile (erasure) or emptying its search text (a merged profile
 * retired, retention) must take its trigrams out of the index at once, not leave them in older
 * segments behind a delete marker until a merge: the index is 'secure-delete' (migration 30).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/storage/sqlite/database.js';
import { migrateDatabase } from '../../src/storage/sqlite/migrate.js';
import { tempDir } from '../support/tessera-under-test.js';

test("removing a profile or emptying its search text leaves none of its trigrams in the index's pages", () => {
  const dir = tempDir('tessera-search-index-');
  const db = openDatabase(join(dir.path, 'search.db'));
  try {
    migrateDatabase(db, Date.now);
    const insert = db.prepare("INSERT INTO profiles (id, workspace_id, created_at, updated_at, merged_into, traits, state, search) VALUES (?, 'ws', 0, 0, NULL, '{}', '{}', ?)");
    db.transaction(() => { for (let i = 0; i < 300; i++) insert.run(`prf_${i}`, `person${i}@example.com`); })();
    const blobs = () => (db.prepare('SELECT block FROM profiles_search_data').pluck().all() as unknown[]).filter(Buffer.isBuffer);
    // 'zq~' and 'rma' are trigrams only the person's text has; stored whole in a leaf of its own.
    const held = () => ['zq~', 'rma'].filter((n) => blobs().some((b) => b.includes(Buffer.from(n))));
    for (const remove of ["DELETE FROM profiles WHERE id = 'prf_zq'", "UPDATE profiles SET search = '' WHERE id = 'prf_zq'"]) {
      db.prepare("DELETE FROM profiles WHERE id = 'prf_zq'").run();
      insert.run('prf_zq', 'zq~quartermaine');
      assert.deepEqual(held(), ['zq~', 'rma'], 'the check sees the trigrams while the person is indexed');
      db.prepare(remove).run();
      assert.deepEqual(held(), [], remove);
      assert.equal(db.prepare(`SELECT count(*) FROM profiles_search WHERE profiles_search MATCH '"zq~q"'`).pluck().get(), 0);
    }
  } finally {
    db.close();
    dir.remove();
  }
});
