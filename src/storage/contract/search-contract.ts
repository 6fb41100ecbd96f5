/** Contract: profile search by exact trait and free text, its pagination, and the profile count. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Profile } from '../../core/profiles/profile.js';
import type { ProfileSearch, Store } from '../../ports/store.js';
import { TesseraError } from '../../core/errors.js';
import { T0, newWorkspace, profileOf, send, type StoreSubject } from './contract-fixtures.js';

/** Twelve people: user0…user11, plan pro for every third, age 30+i, all identified. */
async function population(store: Store): Promise<string> {
  const ws = await newWorkspace(store);
  await send(store, ws, Array.from({ length: 12 }, (_, i) => ({
    type: 'identify', userId: `user${i}`, anonymousId: `visitor-${i}`,
    traits: { email: `User${i}@Example.com`, plan: i % 3 === 0 ? 'pro' : 'free', age: 30 + i, name: `Person ${i}` },
    at: T0 + (i % 4) * 1000,
  })));
  return ws;
}

async function searchAll(store: Store, ws: string, query: Omit<ProfileSearch, 'cursor'>): Promise<Profile[][]> {
  const pages: Profile[][] = [];
  let cursor: string | undefined;
  do {
    const result = await store.profiles.search(ws, { ...query, ...(cursor ? { cursor } : {}) });
    pages.push(result.profiles);
    cursor = result.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

const userIds = (profiles: Profile[]) => profiles.map((p) => p.identities.find((i) => i.kind === 'user_id')?.value).sort();

export function searchContract(subject: () => StoreSubject): void {
  test('search by exact trait: strings, numbers as text, email case-insensitively, several traits together', async () => {
    const { store } = subject();
    const ws = await population(store);
    const find = async (traits: Record<string, string>) => userIds((await store.profiles.search(ws, { traits, limit: 50 })).profiles);
    assert.deepEqual(await find({ plan: 'pro' }), ['user0', 'user3', 'user6', 'user9']);
    assert.deepEqual(await find({ age: '33' }), ['user3']);
    assert.deepEqual(await find({ email: 'USER5@example.COM' }), ['user5']);
    assert.deepEqual(await find({ plan: 'pro', age: '36' }), ['user6']);
    assert.deepEqual(await find({ plan: 'free', age: '36' }), []);
    assert.deepEqual(await find({ plan: 'pr' }), [], 'a trait match is exact');
    assert.deepEqual(await find({ missing: 'x' }), []);
  });

  test('trait search compares as conditions do: text case-insensitively (Unicode) and trimmed, numbers spelled as text, list items', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [
      { type: 'identify', userId: 'cto', traits: { title: 'CTO', tags: ['Early Adopter', 'beta'], score: 42, badge: { title: 'cto' } }, at: T0 },
      { type: 'identify', userId: 'doctor', traits: { title: ' Ärztin ', tags: 'beta', score: '42', flag: true }, at: T0 + 1 },
      { type: 'identify', userId: 'other', traits: { title: 'CTO Office', score: 'forty-two' }, at: T0 + 2 },
    ]);
    const find = async (traits: Record<string, string>) => userIds((await store.profiles.search(ws, { traits, limit: 50 })).profiles);
    assert.deepEqual(await find({ title: 'cto' }), ['cto']);
    assert.deepEqual(await find({ title: 'CTO' }), ['cto']);
    assert.deepEqual(await find({ title: ' Cto ' }), ['cto']);
    assert.deepEqual(await find({ title: 'ÄRZTIN' }), ['doctor'], 'beyond ASCII');
    assert.deepEqual(await find({ title: 'ärztin' }), ['doctor']);
    assert.deepEqual(await find({ tags: 'early adopter' }), ['cto'], 'a list matches when one item does');
    assert.deepEqual(await find({ tags: 'BETA' }), ['cto', 'doctor']);
    assert.deepEqual(await find({ score: '42' }), ['cto', 'doctor']);
    assert.deepEqual(await find({ score: '42.0' }), ['cto'], 'a number equals the number the text spells; two texts compare as text');
    assert.deepEqual(await find({ 'badge': 'cto' }), [], 'an object is not text');
    assert.deepEqual(await find({ title: 'ct' }), [], 'still exact, not contains');
    assert.deepEqual(await find({ flag: 'TRUE' }), [], 'a boolean is not text, as in conditions');
  });

  test('free-text search matches identities and string traits, case-insensitively; wildcards are literal', async () => {
    const { store } = subject();
    const ws = await population(store);
    const find = async (q: string) => userIds((await store.profiles.search(ws, { q, limit: 50 })).profiles);
    assert.deepEqual(await find('PERSON 1'), ['user1', 'user10', 'user11']);
    assert.deepEqual(await find('visitor-7'), ['user7']);
    assert.deepEqual(await find('user2@example'), ['user2']);
    assert.deepEqual(await find('%'), []);
    assert.deepEqual(await find('_'), []);
    assert.deepEqual(userIds((await store.profiles.search(ws, { q: 'person', traits: { plan: 'pro' }, limit: 50 })).profiles), ['user0', 'user3', 'user6', 'user9']);
  });

  test('search pages by last update, newest first, with cursors: no duplicates, no gaps', async () => {
    const { store } = subject();
    const ws = await population(store);
    const pages = await searchAll(store, ws, { limit: 5 });
    assert.deepEqual(pages.map((p) => p.length), [5, 5, 2]);
    const all = pages.flat();
    assert.equal(new Set(all.map((p) => p.id)).size, 12);
    const order = [...all].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    assert.deepEqual(all.map((p) => p.id), order.map((p) => p.id));
    assert.deepEqual(userIds((await searchAll(store, ws, { traits: { plan: 'free' }, limit: 3 })).flat()), ['user1', 'user10', 'user11', 'user2', 'user4', 'user5', 'user7', 'user8']);
    await assert.rejects(store.profiles.search(ws, { limit: 5, cursor: 'bogus' }), (e: unknown) => e instanceof TesseraError && e.code === 'invalid_query');
  });

  test('merged-away profiles are neither found nor counted', async () => {
    const { store } = subject();
    const ws = await population(store);
    await send(store, ws, [{ type: 'page', anonymousId: 'stray', at: T0 + 8000 }]);
    assert.equal(await store.profiles.count(ws), 13);
    const merged = await profileOf(store, ws, 'stray');
    await send(store, ws, [{ type: 'identify', anonymousId: 'stray', traits: { email: 'user2@example.com' }, at: T0 + 9000 }]);
    const survivor = await profileOf(store, ws, 'user2');
    assert.equal(await store.profiles.resolve(ws, merged), survivor);
    assert.equal(await store.profiles.count(ws), 12);
    const found = (await searchAll(store, ws, { limit: 100 })).flat();
    assert.equal(found.length, 12);
    assert.ok(!found.some((p) => p.id === merged));
    assert.deepEqual((await store.profiles.search(ws, { q: 'stray', limit: 10 })).profiles.map((p) => p.id), [survivor]);
  });
}
