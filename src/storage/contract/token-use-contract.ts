/** Contract: uses of single-use link tokens (ports/token-use-store.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TokenUse } from '../../ports/token-use-store.js';
import { T0, newWorkspace, profileOf, send, type StoreSubject } from './contract-fixtures.js';

const HOUR = 3600_000;
const use = (workspaceId: string, tokenId: string, over: Partial<TokenUse> = {}): TokenUse => ({
  workspaceId, tokenId, purpose: 'identify', holder: 'device-a', profileId: 'prf_a', outcome: { anonymousId: 'device-a' }, usedAt: T0, keepUntil: T0 + HOUR, ...over,
});

export function tokenUseContract(subject: () => StoreSubject): void {
  test('the first claim of a token is first; every later one answers the first use and writes nothing', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    const first = use(ws, 'tok-1', { outcome: { anonymousId: 'aid-fresh', nested: { n: 1 } } });
    assert.deepEqual(await store.tokenUses.claim(first), { first: true });
    assert.deepEqual(await store.tokenUses.claim(use(ws, 'tok-1', { holder: 'device-b', usedAt: T0 + 5 })), { first: false, use: first });
    assert.deepEqual(await store.tokenUses.claim(use(ws, 'tok-1', { usedAt: T0 + 6 })), { first: false, use: first }, 'the same holder too: the caller decides');
    assert.deepEqual(await store.tokenUses.claim(use(other, 'tok-1', { holder: 'device-b' })), { first: true }, 'token ids are per workspace');
    assert.deepEqual(await store.tokenUses.usesOf(ws, ['prf_a']), [first]);
  });

  test('of concurrent claims of one token exactly one is first, and all see the same holder', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => store.tokenUses.claim(use(ws, 'tok-race', { holder: `device-${i}` }))));
    const firsts = answers.filter((a) => a.first);
    assert.equal(firsts.length, 1);
    const holders = new Set(answers.flatMap((a) => (a.first ? [] : [a.use.holder])));
    assert.equal(holders.size, 1);
    assert.deepEqual((await store.tokenUses.usesOf(ws, ['prf_a'])).map((u) => u.holder), [...holders]);
  });

  test('a claim deletes the uses kept past their time, of every workspace; purgeExpired too', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    await store.tokenUses.claim(use(ws, 'old', { keepUntil: T0 + HOUR }));
    await store.tokenUses.claim(use(other, 'old-other', { keepUntil: T0 + HOUR }));
    await store.tokenUses.claim(use(ws, 'live', { keepUntil: T0 + 3 * HOUR }));
    assert.deepEqual(await store.tokenUses.claim(use(ws, 'new', { usedAt: T0 + 2 * HOUR, keepUntil: T0 + 4 * HOUR })), { first: true });
    assert.deepEqual((await store.tokenUses.usesOf(ws, ['prf_a'])).map((u) => u.tokenId), ['live', 'new']);
    assert.deepEqual(await store.tokenUses.usesOf(other, ['prf_a']), [], 'expired in another workspace: deleted too');
    assert.deepEqual(await store.tokenUses.claim(use(ws, 'old', { holder: 'device-b', usedAt: T0 + 2 * HOUR })), { first: true }, 'a deleted use no longer refuses (its token expired long ago)');
    assert.ok(await store.tokenUses.purgeExpired(T0 + 10 * HOUR) >= 3);
    assert.deepEqual(await store.tokenUses.usesOf(ws, ['prf_a']), []);
  });

  test('erasure deletes the person\'s uses, also under profiles merged into them, and nobody else\'s', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'identify', anonymousId: 'tu-phone', traits: { email: 'tu@example.com' }, at: T0 }]);
    const phone = await profileOf(store, ws, 'tu-phone');
    await send(store, ws, [{ type: 'identify', anonymousId: 'tu-laptop', userId: 'tu-user', at: T0 + 1 }]);
    await send(store, ws, [{ type: 'identify', userId: 'tu-user', traits: { email: 'tu@example.com' }, at: T0 + 2 }]);
    await send(store, ws, [{ type: 'identify', userId: 'tu-other', at: T0 }]);
    const person = await profileOf(store, ws, 'tu-user');
    const other = await profileOf(store, ws, 'tu-other');
    assert.notEqual(person, phone, 'the phone profile was merged into the person');
    for (const id of [person, phone, other]) await store.tokenUses.claim(use(ws, `tok-${id}`, { profileId: id, keepUntil: T0 + 1000 * HOUR }));
    assert.equal((await store.tokenUses.usesOf(ws, [person, phone])).length, 2);
    await store.privacy.erase(ws, person, { tombstone: null, at: T0 + 10 });
    assert.deepEqual(await store.tokenUses.usesOf(ws, [person, phone]), []);
    assert.equal((await store.tokenUses.usesOf(ws, [other])).length, 1);
  });
}
