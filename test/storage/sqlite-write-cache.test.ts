/**
 * The embedded store caches profiles and identity owners for ingest. A second process writing the
 * same file (a CLI import while the server runs) must not leave the first one with stale state:
 * SQLite's data_version tells the first store to drop its cache. Two stores on one file stand in
 * for the two processes.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { createIngest } from '../../src/tessera.js';
import { ensureDefaultWorkspace } from '../../src/workspaces/api-keys.js';
import { tempDir } from '../support/tessera-under-test.js';

describe('SQLite write cache with another writer on the same file', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('sees merges and profiles made by the other writer', async () => {
    const file = join(dir.path, 'tessera.db');
    const config = loadConfig({ env: {}, flags: { dataDir: dir.path, logLevel: 'silent' } });
    const a = openSqliteStore({ file, sync: 'normal' });
    const b = openSqliteStore({ file, sync: 'normal' });
    await ensureDefaultWorkspace(a, { now: Date.now() });
    const logger = pino({ level: 'silent' });
    const ingestA = createIngest(a, config, logger).ingest;
    const ingestB = createIngest(b, config, logger).ingest;
    const send = (ingest: typeof ingestA, item: Record<string, unknown>) => ingest.accept({ workspaceId: 'default', items: [item], impliedType: item.type as 'page' });

    await send(ingestA, { type: 'page', anonymousId: 'laptop', properties: { path: '/a' } });
    await send(ingestA, { type: 'page', anonymousId: 'phone', properties: { path: '/b' } });
    // The other writer links both devices to one person: the two profiles merge there.
    await send(ingestB, { type: 'identify', anonymousId: 'laptop', userId: 'u1' });
    await send(ingestB, { type: 'identify', anonymousId: 'phone', userId: 'u1' });
    // The first writer, which cached both anonymous profiles, goes on with the phone.
    await send(ingestA, { type: 'page', anonymousId: 'phone', properties: { path: '/c' } });

    const id = await a.profiles.resolve('default', 'u1');
    assert.ok(id);
    assert.equal(await a.profiles.resolve('default', 'phone'), id);
    assert.equal(await a.profiles.resolve('default', 'laptop'), id);
    const profile = await a.profiles.get('default', id);
    assert.equal(profile?.behaviour.pageViews, 3, 'all three page views on the one live profile');
    assert.equal(await a.profiles.count('default'), 1);
    await a.close();
    await b.close();
  });
});
