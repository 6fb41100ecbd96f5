/** Contract: workspaces and API keys. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { ApiKeyRecord } from '../../core/workspaces/workspace.js';
import { T0, newWorkspace, type StoreSubject } from './contract-fixtures.js';

const PREFIXES = { write: 'wk_abcd', admin: 'ak_abcd', server: 'sk_abcd' } as const;
const key = (workspaceId: string, kind: ApiKeyRecord['kind'], at: number, scopes: ApiKeyRecord['scopes'] = []): ApiKeyRecord => ({
  id: `key_${randomUUID()}`, workspaceId, kind, hash: randomUUID().replace(/-/g, ''), prefix: PREFIXES[kind], createdAt: at, revokedAt: null, scopes,
});

export function workspaceContract(subject: () => StoreSubject): void {
  test('workspaces are created, found and listed', async () => {
    const { store } = subject();
    const id = await newWorkspace(store);
    assert.deepEqual(await store.workspaces.get(id), { id, name: `contract ${id}`, createdAt: T0 });
    assert.equal(await store.workspaces.get(`ws_${randomUUID()}`), null);
    assert.ok((await store.workspaces.list()).some((w) => w.id === id));
  });

  test('keys are found by kind and hash until revoked', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const write = key(ws, 'write', T0 + 1);
    const admin = key(ws, 'admin', T0 + 2);
    await store.workspaces.addKey(write);
    await store.workspaces.addKey(admin);

    assert.deepEqual(await store.workspaces.findKey('write', write.hash), write);
    assert.equal(await store.workspaces.findKey('admin', write.hash), null, 'a write key is not an admin key');
    assert.deepEqual(await store.workspaces.listKeys(ws), [write, admin]);

    assert.equal(await store.workspaces.revokeKey(ws, admin.id, T0 + 10), true);
    assert.equal(await store.workspaces.revokeKey(ws, admin.id, T0 + 11), false, 'revoking twice reports nothing to revoke');
    assert.equal(await store.workspaces.findKey('admin', admin.hash), null);
    assert.deepEqual((await store.workspaces.listKeys(ws)).map((k) => k.revokedAt), [null, T0 + 10]);
  });

  test('creating a workspace or adding a key a second time writes nothing and answers false', async () => {
    const { store } = subject();
    const id = await newWorkspace(store);
    assert.equal(await store.workspaces.create({ id, name: 'again', createdAt: T0 + 5 }), false);
    assert.deepEqual(await store.workspaces.get(id), { id, name: `contract ${id}`, createdAt: T0 }, 'the first one stays');
    const fresh = `ws_${randomUUID()}`;
    assert.equal(await store.workspaces.create({ id: fresh, name: 'fresh', createdAt: T0 }), true);

    const write = key(id, 'write', T0);
    assert.equal(await store.workspaces.addKey(write), true);
    assert.equal(await store.workspaces.addKey({ ...write, prefix: 'wk_zzzz' }), false, 'the same id');
    assert.equal(await store.workspaces.addKey({ ...key(fresh, 'admin', T0), hash: write.hash }), false, 'the same hash, even in another workspace and kind');
    assert.deepEqual(await store.workspaces.listKeys(id), [write]);
    assert.deepEqual(await store.workspaces.listKeys(fresh), []);
    const concurrent = await Promise.all(Array.from({ length: 4 }, () => store.workspaces.addKey(key(fresh, 'admin', T0))));
    assert.equal(concurrent.filter(Boolean).length, 4, 'different keys are all added');
    const racing = key(fresh, 'write', T0);
    const raced = await Promise.all(Array.from({ length: 4 }, () => store.workspaces.addKey({ ...racing, id: `key_${randomUUID()}` })));
    assert.deepEqual(raced.filter(Boolean).length, 1, 'one key per hash, whoever comes first');
  });

  test('a server key keeps its scopes; write and admin keys have none', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const server = key(ws, 'server', T0, ['decide']);
    const bare = key(ws, 'server', T0 + 1);
    await store.workspaces.addKey(server);
    await store.workspaces.addKey(bare);
    assert.deepEqual(await store.workspaces.findKey('server', server.hash), server);
    assert.deepEqual((await store.workspaces.findKey('server', bare.hash))?.scopes, []);
    assert.equal(await store.workspaces.findKey('admin', server.hash), null, 'a server key is not an admin key');
    assert.equal(await store.workspaces.findKey('write', server.hash), null, 'nor a write key');
    assert.deepEqual((await store.workspaces.listKeys(ws)).map((k) => [k.kind, k.scopes]), [['server', ['decide']], ['server', []]]);
  });

  test('a key is revoked only in its own workspace', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    const write = key(ws, 'write', T0);
    await store.workspaces.addKey(write);
    assert.equal(await store.workspaces.revokeKey(other, write.id, T0 + 1), false);
    assert.deepEqual(await store.workspaces.findKey('write', write.hash), write);
  });
}
