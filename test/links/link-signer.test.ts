/** The LinkSigner over a real SQLite keyring: signing, verifying, rotation, retirement, other servers. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLinkSigner, type LinkSigner } from '../../src/links/link-signer.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/store.js';
import { tempDir } from '../support/tessera-under-test.js';

const HOUR = 3600_000;

describe('LinkSigner', () => {
  const dir = tempDir('tessera-signer-');
  let store: SqliteStore;
  let clock = Date.UTC(2026, 0, 1);
  const now = () => clock;
  let signer: LinkSigner;
  before(async () => {
    store = openSqliteStore({ file: join(dir.path, 'signer.db'), sync: 'normal' });
    for (const id of ['ws_a', 'ws_b']) await store.workspaces.create({ id, name: id, createdAt: clock });
    signer = createLinkSigner({ keyring: store.keyring, now });
  });
  after(async () => { await store.close(); dir.remove(); });

  test('a signed token verifies for its purpose, with or without the workspace given', async () => {
    const token = await signer.sign('ws_a', { purpose: 'click', recipient: 'prf_1', ttlMs: HOUR, data: { url: 'https://acme.com/' } });
    const verified = await signer.verify('ws_a', token, 'click');
    assert.ok(verified.ok);
    assert.deepEqual({ ...verified.claims, id: 'x' }, { purpose: 'click', workspaceId: 'ws_a', recipient: 'prf_1', id: 'x', issuedAt: clock, expiresAt: clock + HOUR, data: { url: 'https://acme.com/' } });
    assert.deepEqual(await signer.verify(null, token, 'click'), verified, 'the workspace read from the token');
    assert.deepEqual(await signer.verify('ws_a', token, 'unsubscribe'), { ok: false, reason: 'wrong_purpose' });
    assert.deepEqual(await signer.verify('ws_b', token, 'click'), { ok: false, reason: 'unknown_key' }, 'ws_b has no such key');
    assert.deepEqual(await signer.verify(null, 'garbage', 'click'), { ok: false, reason: 'malformed' });
    assert.deepEqual(await signer.verify(null, undefined, 'click'), { ok: false, reason: 'malformed' });
  });

  test('the first token of a workspace makes its first key; each workspace signs with its own', async () => {
    const a = await signer.keys('ws_a');
    assert.equal(a.length, 1);
    assert.equal(a[0]!.active, true);
    const tokenB = await signer.sign('ws_b', { purpose: 'open', recipient: 'prf_2', ttlMs: HOUR });
    const b = await signer.keys('ws_b');
    assert.notEqual(b[0]!.id, a[0]!.id);
    assert.equal(tokenB.split('.')[1], b[0]!.id, 'the token names its key');
  });

  test('rotation: new tokens use the new key, old links keep working until their key is retired', async () => {
    const old = await signer.sign('ws_a', { purpose: 'identify', recipient: 'prf_1', ttlMs: 24 * HOUR });
    const oldKey = old.split('.')[1]!;
    clock += 1000;
    const rotated = await signer.rotate('ws_a');
    const fresh = await signer.sign('ws_a', { purpose: 'identify', recipient: 'prf_1', ttlMs: 24 * HOUR });
    assert.equal(fresh.split('.')[1], rotated.id);
    assert.ok((await signer.verify('ws_a', old, 'identify')).ok, 'the old link still works');
    assert.deepEqual((await signer.keys('ws_a')).map((k) => [k.id, k.active]), [[oldKey, false], [rotated.id, true]]);

    assert.equal(await signer.retire('ws_a', oldKey), true);
    assert.deepEqual(await signer.verify('ws_a', old, 'identify'), { ok: false, reason: 'unknown_key' });
    assert.ok((await signer.verify('ws_a', fresh, 'identify')).ok);
    assert.equal(await signer.retire('ws_a', oldKey), false, 'retired already');
  });

  test('retiring the active key: the next token is signed with a new key', async () => {
    const active = (await signer.keys('ws_b')).find((k) => k.active)!;
    const before = await signer.sign('ws_b', { purpose: 'open', recipient: 'prf_2', ttlMs: HOUR });
    await signer.retire('ws_b', active.id);
    assert.deepEqual(await signer.verify('ws_b', before, 'open'), { ok: false, reason: 'unknown_key' });
    const after = await signer.sign('ws_b', { purpose: 'open', recipient: 'prf_2', ttlMs: HOUR });
    assert.notEqual(after.split('.')[1], active.id);
    assert.ok((await signer.verify('ws_b', after, 'open')).ok);
  });

  test('another server: a key rotated there verifies here; one retired there stops within the cache time', async () => {
    const other = createLinkSigner({ keyring: store.keyring, now });
    const here = await signer.sign('ws_a', { purpose: 'survey', recipient: 'prf_1', ttlMs: 48 * HOUR });
    assert.ok((await other.verify('ws_a', here, 'survey')).ok);
    clock += 2000;
    const rotated = await other.rotate('ws_a');
    const there = await other.sign('ws_a', { purpose: 'survey', recipient: 'prf_1', ttlMs: 48 * HOUR });
    assert.equal(there.split('.')[1], rotated.id);
    assert.ok((await signer.verify('ws_a', there, 'survey')).ok, 'an unknown key id reloads the keyring');

    await other.retire('ws_a', here.split('.')[1]!);
    clock += 31_000;
    assert.deepEqual(await signer.verify('ws_a', here, 'survey'), { ok: false, reason: 'unknown_key' }, 'after the cache time');
  });

  test('expired tokens are refused; the ttl is bounded', async () => {
    const token = await signer.sign('ws_a', { purpose: 'optin', recipient: 'prf_1', ttlMs: HOUR });
    clock += HOUR;
    assert.deepEqual(await signer.verify('ws_a', token, 'optin'), { ok: false, reason: 'expired' });
    await assert.rejects(signer.sign('ws_a', { purpose: 'optin', recipient: 'prf_1', ttlMs: 0 }));
    await assert.rejects(signer.sign('ws_a', { purpose: 'optin', recipient: 'prf_1', ttlMs: 400 * 24 * HOUR }));
  });
});
