/**
 * Secrets at rest, on both stores: the privacy secret, link-signing keys and webhook secrets are
 * sealed in the database and read back plain; secrets stored before sealing are sealed when the
 * store opens; a wrong key stops the store at open; PostgreSQL without a key stores them as they
 * are and warns. The raw columns are read with SQL, beside the store.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { newWorkspace, T0 } from '../../src/storage/contract/contract-fixtures.js';
import type { OpenedStore } from '../../src/storage/opened-store.js';
import { openPostgresStore } from '../../src/storage/postgres/store.js';
import { createSecretBox, loadOrCreateKeyFile, parseSecretsKey, SEALED_PREFIX, secretsKeyId, SecretsKeyError } from '../../src/storage/shared/secret-box.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { createTestDatabase, postgresSkip, type TestDatabase } from '../support/postgres.js';
import { tempDir } from '../support/tessera-under-test.js';

describe('the secret box', () => {
  const key = randomBytes(32);

  test('seals with a fresh nonce each time and opens what it sealed', () => {
    const box = createSecretBox(key, 'test key');
    const a = box.seal('s3cret-value');
    const b = box.seal('s3cret-value');
    assert.ok(a.startsWith(SEALED_PREFIX) && b.startsWith(SEALED_PREFIX));
    assert.notEqual(a, b);
    assert.ok(!a.includes('s3cret'));
    assert.equal(box.open(a), 's3cret-value');
    assert.equal(box.open(b), 's3cret-value');
  });

  test('reads a value stored before sealing as it is', () => {
    assert.equal(createSecretBox(key, 'test key').open('plain-legacy'), 'plain-legacy');
  });

  test('refuses a sealed value under another key, a tampered one, and one without a key', () => {
    const sealed = createSecretBox(key, 'test key').seal('value');
    assert.throws(() => createSecretBox(randomBytes(32), 'other key').open(sealed), (e: unknown) => e instanceof SecretsKeyError && /other key/.test((e as Error).message));
    // The second-to-last character changes (the last may carry unused bits of base64).
    const tampered = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.slice(-1);
    assert.notEqual(tampered, sealed);
    assert.throws(() => createSecretBox(key, 'test key').open(tampered), SecretsKeyError);
    assert.throws(() => createSecretBox(null, 'none').open(sealed), /no secrets key is configured/);
    assert.equal(createSecretBox(null, 'none').seal('value'), 'value');
  });

  test('a previous key opens what it sealed, and such values are stale until sealed under the current key', () => {
    const old = createSecretBox(key, 'old key');
    const sealedOld = old.seal('value');
    const rotated = createSecretBox(randomBytes(32), 'new key', [key]);
    assert.equal(rotated.open(sealedOld), 'value');
    assert.equal(rotated.stale(sealedOld), true);
    assert.equal(rotated.stale('plain'), true);
    const sealedNew = rotated.seal('value');
    assert.equal(rotated.stale(sealedNew), false);
    assert.ok(sealedOld.startsWith(`${SEALED_PREFIX}${secretsKeyId(key)}:`), 'a sealed value names the key that sealed it');
    assert.ok(!sealedNew.startsWith(`${SEALED_PREFIX}${secretsKeyId(key)}:`));
    assert.throws(() => old.open(sealedNew), /is not the secrets key \(old key/);
    assert.equal(createSecretBox(null, 'none').stale('plain'), false, 'without a key nothing is sealed, so nothing is stale');
  });

  test('keys are 32 bytes in base64, base64url or hex', () => {
    const raw = randomBytes(32);
    for (const text of [raw.toString('base64'), raw.toString('base64url'), raw.toString('hex'), ` ${raw.toString('hex').toUpperCase()}\n`]) {
      assert.deepEqual(parseSecretsKey(text), raw, text);
    }
    for (const text of ['', 'short', randomBytes(16).toString('base64'), randomBytes(48).toString('base64'), 'z'.repeat(64)]) assert.equal(parseSecretsKey(text), null, text);
  });

  test('the key file is created once, readable only by its owner, and reused', () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'secrets.key');
      const first = loadOrCreateKeyFile(file);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(loadOrCreateKeyFile(file), first);
      assert.deepEqual(parseSecretsKey(readFileSync(file, 'utf8')), first);
    } finally {
      dir.remove();
    }
  });
});

/** What both stores must do; `raw` reads a table's secret column directly. */
function secretsAtRest(open: (key?: Buffer, previous?: Buffer[]) => Promise<OpenedStore>, raw: (sql: string, values?: unknown[]) => Promise<Array<{ secret: string | null }>>) {
  const signingSecret = randomBytes(32);
  // One database per store for these tests, so one key: a store refuses to open under another.
  const key = randomBytes(32);

  test('the privacy secret, signing keys and webhook secrets are sealed at rest and read back plain', async () => {
    const store = await open(key);
    try {
      const ws = await newWorkspace(store);
      assert.equal(await store.privacy.secret(ws, 'privacy-pepper-0123456789'), 'privacy-pepper-0123456789');
      assert.equal(await store.privacy.secret(ws, 'another-candidate'), 'privacy-pepper-0123456789', 'the first secret stays');
      await store.keyring.add({ workspaceId: ws, id: 'k1', secret: signingSecret, createdAt: T0, retiredAt: null });
      await store.webhooks.create({ id: `wh_${ws}`, workspaceId: ws, url: 'https://crm.test/hook', secret: 'whsec_plain_webhook_secret', description: '', events: ['lifecycle.changed'], active: true, createdAt: T0, updatedAt: T0 });

      assert.deepEqual((await store.keyring.list(ws)).map((k) => k.secret), [signingSecret]);
      assert.equal((await store.webhooks.get(ws, `wh_${ws}`))?.secret, 'whsec_plain_webhook_secret');
      assert.deepEqual((await store.webhooks.list(ws)).map((w) => w.secret), ['whsec_plain_webhook_secret']);

      const stored = [
        ...await raw('SELECT secret FROM privacy_settings WHERE workspace_id = $1', [ws]),
        ...await raw('SELECT secret FROM signing_keys WHERE workspace_id = $1', [ws]),
        ...await raw('SELECT secret FROM webhooks WHERE workspace_id = $1', [ws]),
      ].map((r) => r.secret!);
      assert.equal(stored.length, 3);
      for (const value of stored) assert.ok(value.startsWith(SEALED_PREFIX), value);
      const all = stored.join(' ');
      for (const plain of ['privacy-pepper', signingSecret.toString('base64url'), 'whsec_plain']) assert.ok(!all.includes(plain), plain);
    } finally {
      await store.close();
    }
  });

  test('secrets stored before sealing are sealed when the store opens, and read the same', async () => {
    let ws: string;
    const first = await open(key);
    try {
      ws = await newWorkspace(first);
      await first.privacy.secret(ws, 'seed');
    } finally {
      await first.close();
    }
    // As an older Tessera left them: plain text.
    await raw('UPDATE privacy_settings SET secret = $1 WHERE workspace_id = $2', ['legacy-pepper', ws]);
    await raw(`INSERT INTO signing_keys (workspace_id, id, secret, created_at, retired_at) VALUES ($1, 'old', $2, $3, NULL)`, [ws, signingSecret.toString('base64url'), T0]);
    const reopened = await open(key);
    try {
      assert.equal(await reopened.privacy.secret(ws, 'new-candidate'), 'legacy-pepper');
      assert.deepEqual((await reopened.keyring.list(ws)).map((k) => k.secret), [signingSecret]);
      for (const r of [...await raw('SELECT secret FROM privacy_settings WHERE workspace_id = $1', [ws]), ...await raw('SELECT secret FROM signing_keys WHERE workspace_id = $1', [ws])]) {
        assert.ok(r.secret!.startsWith(SEALED_PREFIX), r.secret!);
      }
    } finally {
      await reopened.close();
    }
  });

  test('a store opened with another key refuses to start, naming where the key comes from', async () => {
    const store = await open(key);
    try {
      await store.privacy.secret(await newWorkspace(store), 'pepper');
    } finally {
      await store.close();
    }
    await assert.rejects(async () => (await open(randomBytes(32))).close(), (e: unknown) => e instanceof SecretsKeyError && /TESSERA_SECRETS_KEY/.test((e as Error).message));
  });

  // Last: it leaves the database sealed under another key.
  test('a new key with the old one as previous: secrets read the same and are sealed again under the new key', async () => {
    const next = randomBytes(32);
    let ws: string;
    const before = await open(key);
    try {
      ws = await newWorkspace(before);
      await before.privacy.secret(ws, 'rotated-pepper');
      await before.keyring.add({ workspaceId: ws, id: 'rot', secret: signingSecret, createdAt: T0, retiredAt: null });
    } finally {
      await before.close();
    }
    const rotated = await open(next, [key]);
    try {
      assert.equal(await rotated.privacy.secret(ws, 'x'), 'rotated-pepper');
      assert.deepEqual((await rotated.keyring.list(ws)).map((k) => k.secret), [signingSecret]);
    } finally {
      await rotated.close();
    }
    const prefix = `${SEALED_PREFIX}${secretsKeyId(next)}:`;
    for (const table of ['privacy_settings', 'signing_keys', 'webhooks']) {
      for (const r of await raw(`SELECT secret FROM ${table}`)) assert.ok(r.secret === null || r.secret.startsWith(prefix), `${table}: ${r.secret}`);
    }
    const after = await open(next);
    try {
      assert.equal(await after.privacy.secret(ws, 'x'), 'rotated-pepper', 'the old key is no longer needed');
    } finally {
      await after.close();
    }
    await assert.rejects(async () => (await open(key)).close(), /is sealed under the key/);
  });
}

describe('secrets at rest: SQLite', () => {
  const dir = tempDir();
  const file = join(dir.path, 'tessera.db');
  after(() => dir.remove());
  const raw = async (sql: string, values: unknown[] = []) => {
    const db = new Database(file);
    try {
      const statement = db.prepare(sql.replace(/\$\d+/g, '?'));
      return statement.reader ? statement.all(...values) as Array<{ secret: string | null }> : (statement.run(...values), []);
    } finally {
      db.close();
    }
  };
  secretsAtRest(async (key, previous = []) => openSqliteStore({ file, sync: 'normal', ...(key ? { secretsKey: key } : {}), previousSecretsKeys: previous }), raw);

  test('without a configured key, the key lives in secrets.key beside the database, and the same file opens them again', async () => {
    const own = tempDir();
    try {
      const dbFile = join(own.path, 'tessera.db');
      const store = openSqliteStore({ file: dbFile, sync: 'normal' });
      const ws = await newWorkspace(store);
      await store.privacy.secret(ws, 'file-keyed-pepper');
      await store.close();
      assert.ok(existsSync(join(own.path, 'secrets.key')));
      const again = openSqliteStore({ file: dbFile, sync: 'normal' });
      assert.equal(await again.privacy.secret(ws, 'other'), 'file-keyed-pepper');
      await again.close();
    } finally {
      own.remove();
    }
  });
});

describe('secrets at rest: PostgreSQL', { skip: await postgresSkip() }, () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db?.drop(); });
  const raw = async (sql: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<{ secret: string | null }>(sql, values)).rows;
    } finally {
      await client.end();
    }
  };
  secretsAtRest((key, previous = []) => openPostgresStore({ url: db.url, ...(key ? { secretsKey: key } : {}), previousSecretsKeys: previous }), raw);

  test('without a key, secrets are stored as they are and the store warns', async () => {
    const own = await createTestDatabase();
    try {
      const store = await openPostgresStore({ url: own.url });
      const ws = await newWorkspace(store);
      await store.privacy.secret(ws, 'unsealed-pepper');
      assert.ok((await store.configurationWarnings()).some((w) => w.startsWith('no secrets key is configured (TESSERA_SECRETS_KEY)')));
      await store.close();
      const client = new pg.Client({ connectionString: own.url });
      await client.connect();
      const { rows } = await client.query<{ secret: string }>('SELECT secret FROM privacy_settings WHERE workspace_id = $1', [ws]);
      await client.end();
      assert.equal(rows[0]?.secret, 'unsealed-pepper');
      // Configuring a key later seals what is there.
      const sealed = await openPostgresStore({ url: own.url, secretsKey: randomBytes(32) });
      assert.equal((await sealed.configurationWarnings()).some((w) => w.includes('TESSERA_SECRETS_KEY')), false);
      assert.equal(await sealed.privacy.secret(ws, 'x'), 'unsealed-pepper');
      await sealed.close();
    } finally {
      await own.drop();
    }
  });
});
