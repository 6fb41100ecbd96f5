/** Contract: audiences and their export state (ports/audience-store.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Audience } from '../../core/audiences/audience.js';
import { T0, newWorkspace, profileOf, send, type StoreSubject } from './contract-fixtures.js';

const audience = (workspaceId: string, id: string, over: Partial<Audience> = {}): Audience => ({
  id, workspaceId, name: `Audience ${id}`, source: { persona: { id: 'p2', minProbability: 0.7 } }, visitedWithinDays: 30, purpose: 'advertising', defaultCountry: 'DE', createdAt: T0, updatedAt: T0, ...over,
});

export function audienceContract(subject: () => StoreSubject): void {
  test('definitions: put, get, list by id, replace, delete (with their state)', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    assert.equal(await store.audiences.get(ws, 'a'), null);
    await store.audiences.put(audience(ws, 'b', { source: { segment: 'buyers' } }));
    const { visitedWithinDays: _omitted, ...withoutDays } = audience(ws, 'a');
    await store.audiences.put(withoutDays);
    assert.deepEqual(await store.audiences.get(ws, 'a'), withoutDays);
    assert.deepEqual((await store.audiences.list(ws)).map((a) => a.id), ['a', 'b']);
    await store.audiences.put(audience(ws, 'a', { name: 'Renamed', updatedAt: T0 + 5 }));
    assert.equal((await store.audiences.get(ws, 'a'))!.name, 'Renamed');
    await store.audiences.keep(ws, 'a', 'meta', 1, [{ profileId: 'prf_1', row: 'x\n' }]);
    assert.equal(await store.audiences.delete(ws, 'a'), true);
    assert.equal(await store.audiences.delete(ws, 'a'), false);
    assert.deepEqual(await store.audiences.rows(ws, 'a', 'meta', ['prf_1']), new Map());
  });

  test('export state: keep under a seq, stale rows in id order, drop, summaries, rows of a person', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await store.audiences.keep(ws, 'a', 'meta', 1, [{ profileId: 'prf_1', row: 'r1\n' }, { profileId: 'prf_2', row: 'r2\n' }, { profileId: 'prf_3', row: 'r3\n' }]);
    await store.audiences.keep(ws, 'a', 'google', 1, [{ profileId: 'prf_1', row: 'g1\n' }]);
    await store.audiences.keep(ws, 'a', 'meta', 2, [{ profileId: 'prf_2', row: 'r2b\n' }]);
    assert.deepEqual(await store.audiences.rows(ws, 'a', 'meta', ['prf_1', 'prf_2', 'prf_9']), new Map([['prf_1', 'r1\n'], ['prf_2', 'r2b\n']]));
    assert.deepEqual(await store.audiences.stale(ws, 'a', 'meta', 2, { limit: 1 }), [{ profileId: 'prf_1', row: 'r1\n' }]);
    assert.deepEqual(await store.audiences.stale(ws, 'a', 'meta', 2, { limit: 10, after: 'prf_1' }), [{ profileId: 'prf_3', row: 'r3\n' }]);
    assert.equal(await store.audiences.dropStale(ws, 'a', 'meta', 2), 2);
    assert.deepEqual(await store.audiences.rows(ws, 'a', 'google', ['prf_1']), new Map([['prf_1', 'g1\n']]), 'other formats untouched');
    assert.equal(await store.audiences.lastExport(ws, 'a', 'meta'), null);
    const summary = { seq: 2, at: T0, incremental: true, members: 1, excluded: 4, unmatchable: 0, added: 1, removed: 2 };
    await store.audiences.recordExport(ws, 'a', 'meta', summary);
    await store.audiences.recordExport(ws, 'a', 'meta', { ...summary, seq: 3 });
    assert.deepEqual(await store.audiences.lastExport(ws, 'a', 'meta'), { ...summary, seq: 3 });
    assert.deepEqual(await store.audiences.rowsOf(ws, ['prf_1', 'prf_2']), [{ audienceId: 'a', format: 'google', row: 'g1\n' }, { audienceId: 'a', format: 'meta', row: 'r2b\n' }]);
  });

  test('erasure detaches the person\'s rows from every audience state: hashes only, under a key naming no one, sent as removes by the next export and dropped by it', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'identify', userId: 'aud-user', traits: { email: 'aud@example.com' }, at: T0 }]);
    const id = await profileOf(store, ws, 'aud-user');
    const hash = 'a'.repeat(64);
    await store.audiences.keep(ws, 'a', 'linkedin', 1, [{ profileId: id, row: `${hash}\n` }, { profileId: 'prf_other', row: 'o\n' }]);
    await store.audiences.keep(ws, 'a', 'google', 1, [{ profileId: id, row: `${hash},,${'b'.repeat(64)},,DE,"10115"\n` }]);
    await store.privacy.erase(ws, id, { tombstone: null, at: T0 });
    assert.deepEqual(await store.audiences.rowsOf(ws, [id]), [], 'nothing under the person any more');
    assert.deepEqual(await store.audiences.rowsOf(ws, ['prf_other']), [{ audienceId: 'a', format: 'linkedin', row: 'o\n' }]);
    // The next export (seq 2) finds them stale, as it finds everyone who left: the removes.
    const linkedin = await store.audiences.stale(ws, 'a', 'linkedin', 2, { limit: 10 });
    assert.deepEqual(linkedin.map((r) => r.row).sort(), [`${hash}\n`, 'o\n']);
    const google = await store.audiences.stale(ws, 'a', 'google', 2, { limit: 10 });
    assert.deepEqual(google.map((r) => r.row), [`${hash},,${'b'.repeat(64)},,,\n`], 'Google\'s clear country and zip are not kept');
    for (const r of [...linkedin, ...google]) assert.ok(r.profileId !== id && (r.profileId === 'prf_other' || /^erased:[0-9a-f-]{36}$/.test(r.profileId)), r.profileId);
    assert.equal(await store.audiences.dropStale(ws, 'a', 'google', 2), 1);
    assert.deepEqual(await store.audiences.stale(ws, 'a', 'google', 2, { limit: 10 }), [], 'dropped once the removal is exported');
  });
}
