/**
 * The embedded store's files hold personal data: a data folder it creates is 0700, the database,
 * its write-ahead log and shared-memory file and the secrets key file 0600 — whatever the umask —
 * and an older install's world-readable files are narrowed when the store opens them.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { newWorkspace, send, T0 } from '../../src/storage/contract/contract-fixtures.js';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('SQLite files are for their owner only', () => {
  const root = mkdtempSync(join(tmpdir(), 'tessera-test-perm-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a new data folder is 0700 and every file in it 0600, under a permissive umask', async () => {
    const previous = process.umask(0o022);
    try {
      const dir = join(root, 'fresh', 'data');
      const store = openSqliteStore({ file: join(dir, 'tessera.db'), sync: 'normal' });
      try {
        const ws = await newWorkspace(store);
        await send(store, ws, [{ type: 'identify', userId: 'perm-1', traits: { email: 'perm@example.com' }, at: T0 }]);
        assert.equal(mode(dir), '700');
        assert.equal(mode(join(root, 'fresh')), '700', 'every folder it creates');
        const files = readdirSync(dir);
        for (const name of ['tessera.db', 'tessera.db-wal', 'tessera.db-shm', 'secrets.key']) assert.ok(files.includes(name), `${name} in ${files.join(', ')}`);
        for (const name of files) assert.equal(mode(join(dir, name)), '600', name);
      } finally {
        await store.close();
      }
    } finally {
      process.umask(previous);
    }
  });

  test('files of an older install readable by others are narrowed at open', async () => {
    const dir = join(root, 'old');
    const file = join(dir, 'tessera.db');
    const first = openSqliteStore({ file, sync: 'normal' });
    await newWorkspace(first);
    for (const name of readdirSync(dir)) if (name.startsWith('tessera.db')) chmodSync(join(dir, name), 0o644);
    await first.close();
    chmodSync(file, 0o644);
    const again = openSqliteStore({ file, sync: 'normal' });
    try {
      for (const name of readdirSync(dir)) if (name.startsWith('tessera.db')) assert.equal(mode(join(dir, name)), '600', name);
    } finally {
      await again.close();
    }
  });
});
