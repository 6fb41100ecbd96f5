/**
 * The migration that adds server keys (`server`, with scopes): on SQLite the api_keys table is
 * rebuilt (a CHECK cannot be altered) and must keep every row, the unique hash and the workspace
 * index; on PostgreSQL the CHECK is replaced in place. Found by name, not version.
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

const isOurs = (m: { name: string }) => m.name === 'server keys with scopes';
const before = <M extends { name: string }>(all: M[]) => all.slice(0, all.findIndex(isOurs));
const ours = <M extends { name: string }>(all: M[]) => all.find(isOurs)!;

const PG_SKIP = await postgresSkip();

describe('migration: server keys with scopes', () => {
  test('SQLite: the rebuilt table keeps every key, its uniqueness and its index, and takes server keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-test-mig-'));
    const db = new Database(join(dir, 'm.db'));
    try {
      for (const m of before(sqliteMigrations)) db.exec(m.sql);
      db.exec(`INSERT INTO workspaces VALUES ('ws', 'ws', 0)`);
      db.exec(`INSERT INTO api_keys VALUES ('k1', 'ws', 'write', 'h1', 'wk_abcd', 1, NULL), ('k2', 'ws', 'admin', 'h2', 'ak_abcd', 2, 5)`);
      assert.throws(() => db.exec(`INSERT INTO api_keys VALUES ('k3', 'ws', 'server', 'h3', 'sk_abcd', 3, NULL)`), /CHECK/);
      db.exec(ours(sqliteMigrations).sql);
      assert.deepEqual(db.prepare('SELECT * FROM api_keys ORDER BY id').all(), [
        { id: 'k1', workspace_id: 'ws', kind: 'write', hash: 'h1', prefix: 'wk_abcd', created_at: 1, revoked_at: null, scopes: '[]' },
        { id: 'k2', workspace_id: 'ws', kind: 'admin', hash: 'h2', prefix: 'ak_abcd', created_at: 2, revoked_at: 5, scopes: '[]' },
      ]);
      db.exec(`INSERT INTO api_keys (id, workspace_id, kind, hash, prefix, created_at, scopes) VALUES ('k3', 'ws', 'server', 'h3', 'sk_abcd', 3, '["decide"]')`);
      assert.throws(() => db.exec(`INSERT INTO api_keys (id, workspace_id, kind, hash, prefix, created_at) VALUES ('k4', 'ws', 'server', 'h1', 'sk_abcd', 3)`), /UNIQUE/);
      assert.throws(() => db.exec(`INSERT INTO api_keys (id, workspace_id, kind, hash, prefix, created_at) VALUES ('k5', 'ws', 'root', 'h5', 'xx', 3)`), /CHECK/);
      const indexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'api_keys'`).all() as Array<{ name: string }>).map((r) => r.name);
      assert.ok(indexes.includes('api_keys_workspace'), indexes.join(', '));
      assert.deepEqual(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'api_keys_v16'`).get(), { n: 0 });
      const plan = db.prepare('EXPLAIN QUERY PLAN SELECT * FROM api_keys WHERE workspace_id = ?').all('ws') as Array<{ detail: string }>;
      assert.match(plan.map((p) => p.detail).join(' '), /api_keys_workspace/);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL: the CHECK takes server keys, old keys get no scopes', { skip: PG_SKIP }, async () => {
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      for (const m of before(postgresMigrations)) await client.query(m.sql);
      await client.query(`INSERT INTO workspaces VALUES ('ws', 'ws', 0)`);
      await client.query(`INSERT INTO api_keys VALUES ('k1', 'ws', 'write', 'h1', 'wk_abcd', 1, NULL)`);
      await client.query(ours(postgresMigrations).sql);
      assert.deepEqual((await client.query('SELECT id, kind, scopes FROM api_keys')).rows, [{ id: 'k1', kind: 'write', scopes: [] }]);
      await client.query(`INSERT INTO api_keys (id, workspace_id, kind, hash, prefix, created_at, scopes) VALUES ('k3', 'ws', 'server', 'h3', 'sk_abcd', 3, '["decide"]')`);
      await assert.rejects(client.query(`INSERT INTO api_keys (id, workspace_id, kind, hash, prefix, created_at) VALUES ('k5', 'ws', 'root', 'h5', 'xx', 3)`), /check/);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
