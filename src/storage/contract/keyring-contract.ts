/** Contract: the signing keyring (ports/keyring-store.ts). */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { SigningKeyRecord } from '../../ports/keyring-store.js';
import { T0, newWorkspace, type StoreSubject } from './contract-fixtures.js';

const key = (workspaceId: string, id: string, at: number): SigningKeyRecord => ({ workspaceId, id, secret: randomBytes(32), createdAt: at, retiredAt: null });

export function keyringContract(subject: () => StoreSubject): void {
  test('keys are stored with their exact secret and listed oldest first, per workspace', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    assert.deepEqual(await store.keyring.list(ws), []);
    const b = key(ws, 'kb', T0 + 2);
    const a = key(ws, 'ka', T0 + 1);
    const c = key(ws, 'kc', T0 + 2);
    for (const k of [b, a, c]) assert.equal(await store.keyring.add(k), true);
    assert.equal(await store.keyring.add({ ...a, secret: randomBytes(32) }), false, 'the same id again');
    assert.equal(await store.keyring.add(key(other, 'ka', T0)), true, 'ids are per workspace');
    const listed = await store.keyring.list(ws);
    assert.deepEqual(listed, [a, b, c], 'by createdAt, then id; the secret bytes unchanged');
    assert.deepEqual((await store.keyring.list(other)).map((k) => k.id), ['ka']);
  });

  test('ensureActive answers the newest unretired key, or stores the candidate when there is none', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const first = key(ws, 'k1', T0);
    assert.deepEqual(await store.keyring.ensureActive(first), first);
    assert.deepEqual(await store.keyring.ensureActive(key(ws, 'k2', T0 + 1)), first, 'an active key exists: the candidate is not stored');
    assert.deepEqual((await store.keyring.list(ws)).map((k) => k.id), ['k1']);
    const newer = key(ws, 'k3', T0 + 5);
    await store.keyring.add(newer);
    assert.deepEqual(await store.keyring.ensureActive(key(ws, 'k4', T0 + 6)), newer);
    assert.equal(await store.keyring.retire(ws, 'k3', T0 + 7), true);
    assert.deepEqual(await store.keyring.ensureActive(key(ws, 'k4', T0 + 8)), first, 'the newest unretired one');
  });

  test('concurrent ensureActive calls store one key and all answer it', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => store.keyring.ensureActive(key(ws, `c${i}`, T0 + i))));
    assert.equal(new Set(answers.map((k) => k.id)).size, 1);
    assert.equal((await store.keyring.list(ws)).length, 1);
  });

  test('a key is retired once, only in its own workspace, and stays listed', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    await store.keyring.add(key(ws, 'old', T0));
    assert.equal(await store.keyring.retire(other, 'old', T0 + 1), false, 'another workspace');
    assert.equal(await store.keyring.retire(ws, 'missing', T0 + 1), false);
    assert.equal(await store.keyring.retire(ws, 'old', T0 + 2), true);
    assert.equal(await store.keyring.retire(ws, 'old', T0 + 3), false, 'retired already');
    assert.deepEqual((await store.keyring.list(ws)).map((k) => [k.id, k.retiredAt]), [['old', T0 + 2]]);
    const fresh = key(ws, 'fresh', T0 + 4);
    assert.deepEqual(await store.keyring.ensureActive(fresh), fresh, 'every key retired: the candidate becomes active');
  });
}
