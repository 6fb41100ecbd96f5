/**
 * What only the PostgreSQL store has: migrations shared by several servers, refusing a newer
 * schema, readiness, retries on transient conflicts, the workspace-wide lock of large batches, and
 * values that PostgreSQL text cannot hold, VACUUM after erasure. The behaviour every store shares is
 * in the contract suite.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { T0, newWorkspace, profileOf, send, timeline } from '../../src/storage/contract/contract-fixtures.js';
import { migrations } from '../../src/storage/postgres/migrations.js';
import { openPostgresStore } from '../../src/storage/postgres/store.js';
import { FINE_LOCK_LIMIT } from '../../src/storage/postgres/write-tx.js';
import { createPool } from '../../src/storage/postgres/database.js';
import { ERASED_TABLES } from '../../src/storage/postgres/erase-profile.js';
import { createVacuumScheduler } from '../../src/storage/postgres/vacuum.js';
import { ensureDefaultWorkspace, hashKey } from '../../src/workspaces/api-keys.js';
import type { OpenedStore } from '../../src/storage/opened-store.js';
import { createTestDatabase, postgresSkip, type TestDatabase } from '../support/postgres.js';

const skip = await postgresSkip();

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('postgres store: migrations and readiness', { skip }, () => {
  const databases: TestDatabase[] = [];
  const fresh = async () => { const db = await createTestDatabase(); databases.push(db); return db; };
  after(async () => { for (const db of databases) await db.drop(); });

  test('servers starting together on an empty database apply each migration once', async () => {
    const db = await fresh();
    const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore({ url: db.url, migrate: true })));
    try {
      const rows = await sql<{ version: number }>(db.url, 'SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(rows.map((r) => r.version), migrations.map((m) => m.version));
      for (const store of stores) await store.ping();
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('ping fails while migrations are pending, and passes once they are applied', async () => {
    const db = await fresh();
    const unmigrated = await openPostgresStore({ url: db.url, migrate: false });
    try {
      await assert.rejects(unmigrated.ping(), new RegExp(`${migrations.length} migrations are pending`));
      assert.deepEqual((await unmigrated.migrationStatus()).pending.map((m) => m.version), migrations.map((m) => m.version));
      const migrated = await openPostgresStore({ url: db.url, migrate: true });
      await migrated.close();
      await unmigrated.ping();
      assert.deepEqual((await unmigrated.migrationStatus()).pending, []);
    } finally {
      await unmigrated.close();
    }
  });

  test('a database with a newer schema refuses to start, with or without migrating', async () => {
    const db = await fresh();
    await (await openPostgresStore({ url: db.url, migrate: true })).close();
    await sql(db.url, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)");
    const newer = /The database has schema version 999, newer than this Tessera knows \(\d+\)\. Upgrade Tessera/;
    await assert.rejects(openPostgresStore({ url: db.url, migrate: true }), newer);
    await assert.rejects(openPostgresStore({ url: db.url, migrate: false }), newer);
  });

  test('servers creating the default workspace together: one creates it, every one seeds the configured keys once', async () => {
    const db = await fresh();
    const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore({ url: db.url, migrate: true })));
    try {
      const keys = { writeKey: 'wk_race_write_key_0001', adminKey: 'ak_race_admin_key_0001' };
      const created = await Promise.all(stores.map((s) => ensureDefaultWorkspace(s, { now: T0, ...keys })));
      assert.equal(created.filter((c) => c !== null).length, 1, 'one server created it');
      assert.deepEqual((await stores[0]!.workspaces.list()).map((w) => w.id), ['default']);
      const stored = await stores[0]!.workspaces.listKeys('default');
      assert.deepEqual(stored.map((k) => k.hash).sort(), [hashKey(keys.writeKey), hashKey(keys.adminKey)].sort());
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('settings that hurt Tessera are warned about: autovacuum off on the server or on a table', async () => {
    const db = await fresh();
    const store = await openPostgresStore({ url: db.url, migrate: true });
    try {
      const [server] = await sql<{ autovacuum: string }>(db.url, 'SHOW autovacuum');
      const [counts] = await sql<{ track_counts: string }>(db.url, 'SHOW track_counts');
      const serverOff = server!.autovacuum === 'off' || counts!.track_counts === 'off';
      const before = await store.configurationWarnings();
      assert.equal(before.some((w) => w.startsWith('autovacuum does not run on this PostgreSQL server')), serverOff, before.join('\n'));
      assert.equal(before.some((w) => w.startsWith('autovacuum is disabled on the table')), false);

      await sql(db.url, 'ALTER TABLE events SET (autovacuum_enabled = false)');
      await sql(db.url, 'ALTER TABLE profiles SET (autovacuum_enabled = off)');
      const after = await store.configurationWarnings();
      assert.ok(after.some((w) => w.startsWith('autovacuum is disabled on the tables events, profiles ')), after.join('\n'));

      await sql(db.url, 'ALTER TABLE events RESET (autovacuum_enabled)');
      await sql(db.url, 'ALTER TABLE profiles SET (autovacuum_enabled = true)');
      assert.equal((await store.configurationWarnings()).some((w) => w.includes('disabled on the table')), false);
    } finally {
      await store.close();
    }
  });

  test('an unreachable server is reported with its address and without the password', async () => {
    await assert.rejects(openPostgresStore({ url: 'postgres://tessera:secret@127.0.0.1:1/nowhere', migrate: true }), (error: Error) => {
      assert.match(error.message, /^Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/nowhere: /);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
  });
});

describe('postgres store: writes', { skip }, () => {
  let db: TestDatabase;
  let store: OpenedStore;
  before(async () => {
    db = await createTestDatabase();
    store = await openPostgresStore({ url: db.url, migrate: true });
  });
  after(async () => {
    await store?.close();
    await db?.drop();
  });

  test('a transient conflict re-runs the work; other errors do not', async () => {
    let runs = 0;
    const result = await store.write(async () => {
      runs++;
      if (runs < 3) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(runs, 3);

    let failing = 0;
    await assert.rejects(store.write(async () => { failing++; throw Object.assign(new Error('check violation'), { code: '23514' }); }), /check violation/);
    assert.equal(failing, 1);
  });

  test('a large batch (workspace lock) and small batches (identity locks) on the same people exclude each other', async () => {
    const ws = await newWorkspace(store);
    const people = FINE_LOCK_LIMIT + 50;
    const large = send(store, ws, Array.from({ length: people }, (_, i) => ({ type: 'page', anonymousId: `bulk-${i}`, at: T0 })));
    const small = Array.from({ length: 20 }, (_, i) => send(store, ws, [{ type: 'track', event: 'Small', anonymousId: `bulk-${i * 7}`, at: T0 + 1 }]));
    await Promise.all([large, ...small]);
    assert.equal(await store.profiles.count(ws), people);
    for (let i = 0; i < 20; i++) {
      assert.equal((await timeline(store, ws, await profileOf(store, ws, `bulk-${i * 7}`))).length, 2, `bulk-${i * 7}`);
    }
  });

  test('NUL characters and unpaired surrogates are stored instead of failing the batch', async () => {
    const ws = await newWorkspace(store);
    await send(store, ws, [{
      type: 'identify', anonymousId: 'odd\u0000anon', userId: 'half\uD800pair',
      traits: { note: 'nul\u0000here', ['key\u0000']: 'x', lone: '\uDC00' }, context: { page: { title: 'a\u0000b' } }, at: T0,
    }]);
    const id = await profileOf(store, ws, 'odd\uFFFDanon');
    assert.equal(await profileOf(store, ws, 'half\uFFFDpair'), id);
    const [event] = await timeline(store, ws, id);
    assert.equal(event?.anonymousId, 'odd\uFFFDanon');
    assert.deepEqual(event?.context, { page: { title: 'a\u0000b' } }, 'event documents keep what was sent');
    const profile = await store.profiles.get(ws, id);
    assert.equal(profile?.traits.note, 'nul\u0000here');
    const found = await store.profiles.search(ws, { traits: { note: 'nul\uFFFDhere' }, limit: 5 });
    assert.deepEqual(found.profiles.map((p) => p.id), [id], 'search sees the cleaned value');
  });
});

describe('postgres store: VACUUM after erasure', { skip }, () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db?.drop(); });

  const vacuumCounts = async () => Object.fromEntries((await sql<{ relname: string; vacuum_count: string }>(db.url,
    'SELECT relname, vacuum_count FROM pg_stat_user_tables')).map((r) => [r.relname, Number(r.vacuum_count)]));

  test('an erasure VACUUMs every table it deleted from, and only those; close waits for it', async () => {
    const errors: Error[] = [];
    const store = await openPostgresStore({ url: db.url, migrate: true, onBackgroundError: (e) => errors.push(e) });
    const before = await vacuumCounts();
    try {
      const ws = await newWorkspace(store);
      await send(store, ws, [{ type: 'identify', anonymousId: 'vac-anon', userId: 'vac-user', traits: { email: 'vac@example.com' }, at: T0 }]);
      await store.privacy.erase(ws, await profileOf(store, ws, 'vac-user'), { tombstone: (k) => `${k.kind}:${k.value}`, at: T0 });
    } finally {
      await store.close();
    }
    const counts = await vacuumCounts();
    assert.deepEqual(errors, []);
    for (const table of ERASED_TABLES) assert.ok(counts[table]! > (before[table] ?? 0), `${table} was vacuumed`);
    for (const table of ['tombstones', 'audit_log', 'workspaces', 'privacy_counters']) assert.equal(counts[table], before[table] ?? 0, `${table} was not`);
  });

  test('requests made while a VACUUM runs are gathered into one more run; a failing table is reported and the others still run', async () => {
    const pool = createPool({ url: db.url });
    const errors: Error[] = [];
    try {
      const vacuum = createVacuumScheduler(pool, (e) => errors.push(e));
      const before = await vacuumCounts();
      vacuum.request(['consents']);
      vacuum.request(['no_such_table', 'events']);
      vacuum.request(['events']);
      vacuum.request(['events', 'merges']);
      await vacuum.idle();
      const counts = await vacuumCounts();
      assert.deepEqual(['consents', 'events', 'merges'].map((t) => counts[t]! - (before[t] ?? 0)), [1, 1, 1], 'events three times asked, once vacuumed');
      assert.equal(errors.length, 1);
      assert.match(errors[0]!.message, /no_such_table/);
    } finally {
      await pool.end();
    }
  });
});
