/**
 * The migration that takes consent wording texts out of the shared table (issue 13): on both stores,
 * a text already stored in consent_wordings moves onto the consent records that show it, and the
 * shared table keeps nothing — not the text of a person erased before the fix (no record points at
 * it any more). On PostgreSQL the same migration folds the traits search compares. Found by name,
 * not version: migration numbers are renumbered when branches merge.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrations as sqliteMigrations } from '../../src/storage/sqlite/migrations.js';
import { migrations as postgresMigrations } from '../../src/storage/postgres/migrations.js';
import { createTestDatabase, postgresSkip } from '../support/postgres.js';

const isOurs = (m: { name: string }) => m.name.startsWith('consent wording texts other than the workspace');
const before = <M extends { name: string }>(all: M[]) => all.slice(0, all.findIndex(isOurs));
const ours = <M extends { name: string }>(all: M[]) => all.find(isOurs)!;

const PG_SKIP = await postgresSkip();

const SHARED_PERSON = 'I, Ida Erased-Before, agree.';
const KEPT = 'I, Kai Stillhere, agree.';

describe('migration: consent wording texts move onto the person\'s consent records', () => {
  test('SQLite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-test-mig-'));
    const db = new Database(join(dir, 'm.db'));
    try {
      for (const m of before(sqliteMigrations)) db.exec(m.sql);
      db.exec(`INSERT INTO consent_wordings VALUES ('ws', 'h-erased', 'v1', '${SHARED_PERSON}', 1), ('ws', 'h-kept', 'v1', '${KEPT}', 1), ('ws', 'h-none', 'v1', NULL, 1)`);
      const insert = db.prepare(`INSERT INTO consents (workspace_id, profile_id, message_id, purposes, channel, wording_version, wording_hash, evidence, request, at, received_at)
        VALUES ('ws', ?, ?, '{}', 'banner', 'v1', ?, '{}', '{}', 1, 1)`);
      insert.run('prf_kai', 'm1', 'h-kept');
      insert.run('prf_kai', 'm2', 'h-none');
      db.exec(ours(sqliteMigrations).sql);
      assert.deepEqual(db.prepare('SELECT count(*) AS n FROM consent_wordings').get(), { n: 0 });
      assert.deepEqual(db.prepare('SELECT message_id, wording_text FROM consents ORDER BY message_id').all(), [{ message_id: 'm1', wording_text: KEPT }, { message_id: 'm2', wording_text: null }]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL', { skip: PG_SKIP }, async () => {
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      for (const m of before(postgresMigrations)) await client.query(m.sql);
      await client.query(`INSERT INTO workspaces VALUES ('ws', 'ws', 0)`);
      await client.query(`INSERT INTO consent_wordings VALUES ('ws', 'h-erased', 'v1', $1, 1), ('ws', 'h-kept', 'v1', $2, 1)`, [SHARED_PERSON, KEPT]);
      await client.query(`INSERT INTO consents (workspace_id, profile_id, message_id, purposes, channel, wording_version, wording_hash, evidence, request, at, received_at)
        VALUES ('ws', 'prf_kai', 'm1', '{}', 'banner', 'v1', 'h-kept', '{}', '{}', 1, 1)`);
      await client.query(`INSERT INTO profile_search (profile_id, workspace_id, traits, search) VALUES ('prf_kai', 'ws', $1, '')`, [JSON.stringify({ title: ' ÄRZTIN ', tags: ['Beta', 3], age: 42, flag: true })]);
      await client.query(ours(postgresMigrations).sql);
      assert.equal((await client.query('SELECT count(*)::int AS n FROM consent_wordings')).rows[0].n, 0);
      assert.deepEqual((await client.query('SELECT message_id, wording_text FROM consents')).rows, [{ message_id: 'm1', wording_text: KEPT }]);
      assert.deepEqual((await client.query('SELECT traits FROM profile_search')).rows[0].traits, { title: 'ärztin', tags: ['beta', 3], age: 42, flag: true });
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
