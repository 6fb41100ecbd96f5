/**
 * Contract: concurrent writes. Writes are started together without awaiting each other; a store
 * that runs them in parallel (PostgreSQL: one connection each) must serialise them through its
 * locks, a store that queues them (SQLite) passes trivially. Either way the outcome is the same.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, newWorkspace, profileOf, send, timeline, type StoreSubject } from './contract-fixtures.js';

const PEOPLE = 8;

export function concurrencyContract(subject: () => StoreSubject): void {
  test('concurrent first events of one new anonymous id make one profile', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await Promise.all(Array.from({ length: 16 }, (_, i) => send(store, ws, [{ type: 'track', event: `E${i}`, anonymousId: 'rush', at: T0 + i }])));
    assert.equal(await store.profiles.count(ws), 1);
    const profileId = await profileOf(store, ws, 'rush');
    assert.equal((await timeline(store, ws, profileId)).length, 16);
    assert.equal((await store.profiles.get(ws, profileId))?.behaviour.eventCount, 16);
  });

  test('concurrent events through different identifiers of one profile lose no update', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'identify', anonymousId: 'known-anon', userId: 'known-user', traits: { email: 'known@example.com' }, at: T0 }]);
    const ids = [{ anonymousId: 'known-anon' }, { userId: 'known-user' }, { anonymousId: 'other-device', traits: { email: 'known@example.com' }, type: 'identify' }];
    await Promise.all(Array.from({ length: 18 }, (_, i) => send(store, ws, [{ type: 'track', event: `E${i}`, ...ids[i % 3], at: T0 + 1 + i }])));
    const profile = await store.profiles.get(ws, await profileOf(store, ws, 'known-user'));
    assert.equal(profile?.behaviour.eventCount, 19, 'every event counted on the one profile');
    assert.equal(await store.profiles.count(ws), 1);
  });

  test('concurrent identifies of one email from two new anonymous ids make one profile', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await Promise.all(Array.from({ length: PEOPLE }, (_, p) => [1, 2].map((d) =>
      send(store, ws, [{ type: 'identify', anonymousId: `new-${p}-${d}`, traits: { email: `p${p}@example.com` }, at: T0 + d }]))).flat());
    assert.equal(await store.profiles.count(ws), PEOPLE);
    for (let p = 0; p < PEOPLE; p++) {
      const id = await profileOf(store, ws, `p${p}@example.com`);
      assert.equal(await profileOf(store, ws, `new-${p}-1`), id);
      assert.equal(await profileOf(store, ws, `new-${p}-2`), id);
    }
  });

  test('concurrent identifies of one email from two known anonymous profiles merge them into one', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, Array.from({ length: PEOPLE }, (_, p) => [1, 2].map((d) => ({ type: 'page', anonymousId: `old-${p}-${d}`, at: T0 }))).flat());
    assert.equal(await store.profiles.count(ws), PEOPLE * 2);
    await Promise.all(Array.from({ length: PEOPLE }, (_, p) => [1, 2].map((d) =>
      send(store, ws, [{ type: 'identify', anonymousId: `old-${p}-${d}`, traits: { email: `q${p}@example.com` }, at: T0 + d }]))).flat());
    assert.equal(await store.profiles.count(ws), PEOPLE);
    for (let p = 0; p < PEOPLE; p++) {
      const id = await profileOf(store, ws, `q${p}@example.com`);
      assert.equal(await profileOf(store, ws, `old-${p}-1`), id);
      assert.equal(await profileOf(store, ws, `old-${p}-2`), id);
      assert.equal((await timeline(store, ws, id)).filter((e) => e.type !== 'system').length, 4, 'both pages and both identifies');
    }
  });

  test('the same event written concurrently is stored once', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const event = { type: 'track', event: 'Once', messageId: 'only-once', anonymousId: 'twice', at: T0 };
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => send(store, ws, [event])));
    assert.equal(outcomes.reduce((n, o) => n + o.stored, 0), 1);
    assert.equal((await timeline(store, ws, await profileOf(store, ws, 'twice'))).length, 1);
  });
}
