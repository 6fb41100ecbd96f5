/** Contract: identity resolution and merges through the real ingest pipeline, and trait rules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, newWorkspace, profileOf, send, timeline, type StoreSubject } from './contract-fixtures.js';

export function identityContract(subject: () => StoreSubject): void {
  test('an anonymous visitor who identifies keeps one profile with every identifier', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'page', anonymousId: 'anon-1', name: 'Home', at: T0 }]);
    await send(store, ws, [{ type: 'identify', anonymousId: 'anon-1', userId: 'user-1', traits: { email: ' Kim@Example.COM ' }, at: T0 + 1000 }]);

    const id = await profileOf(store, ws, 'anon-1');
    for (const known of [id, 'user-1', 'kim@example.com', ' KIM@example.com']) assert.equal(await store.profiles.resolve(ws, known), id, known);
    assert.equal(await store.profiles.resolve(ws, 'nobody'), null);
    const profile = await store.profiles.get(ws, id);
    assert.deepEqual(profile?.identities.map((i) => `${i.kind}:${i.value}`).sort(), ['anonymous_id:anon-1', 'email:kim@example.com', 'user_id:user-1']);
    assert.equal(profile?.traits.email, 'kim@example.com');
    assert.equal(profile?.behaviour.eventCount, 2);
    assert.equal(await store.profiles.count(ws), 1);
  });

  test('a second device merges into the known person; the merge log keeps a snapshot', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'page', anonymousId: 'laptop', at: T0 }, { type: 'page', anonymousId: 'phone', at: T0 + 1 }]);
    await send(store, ws, [{ type: 'identify', anonymousId: 'phone', userId: 'u-42', traits: { plan: 'pro' }, at: T0 + 2 }]);
    const laptop = await profileOf(store, ws, 'laptop');
    const phone = await profileOf(store, ws, 'phone');
    assert.notEqual(laptop, phone);
    await send(store, ws, [{ type: 'identify', anonymousId: 'laptop', userId: 'u-42', traits: { name: 'Ann' }, at: T0 + 3 }]);

    assert.equal(await store.profiles.count(ws), 1);
    assert.equal(await store.profiles.resolve(ws, laptop), phone, 'the merged-away id resolves to the survivor');
    const survivor = await store.profiles.get(ws, laptop);
    assert.equal(survivor?.id, phone);
    assert.deepEqual(survivor?.traits, { plan: 'pro', name: 'Ann' });
    const merges = await store.profiles.merges(ws, phone);
    assert.equal(merges.length, 1);
    assert.equal(merges[0]?.mergedId, laptop);
    assert.equal(merges[0]?.survivorId, phone);
    assert.deepEqual(merges[0]?.cause, { kind: 'anonymous_id', value: 'laptop' }, 'the merged profile\'s identifier that the event tied to the survivor');
    assert.deepEqual(merges[0]?.snapshot.identities.map((i) => i.value), ['laptop']);
    assert.deepEqual(await store.profiles.merges(ws, laptop), merges, 'the merged profile shows the same log');

    const events = await timeline(store, ws, phone);
    assert.deepEqual(events.map((e) => e.name ?? e.type).sort(), ['Profiles Merged', 'identify', 'identify', 'page', 'page'].sort());
    assert.ok(events.every((e) => e.profileId === phone));
    assert.deepEqual(await timeline(store, ws, laptop), [], 'the merged profile keeps no events');

    await send(store, ws, [{ type: 'track', anonymousId: 'laptop', event: 'Clicked', at: T0 + 4 }]);
    assert.equal((await timeline(store, ws, phone)).length, 6, 'later events of the merged device go to the survivor');
  });

  test('merged-away ids resolve to the final survivor forever, also through loadProfiles and a reopened store', async () => {
    const { store, openAgain } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'page', anonymousId: 'x', at: T0 }, { type: 'page', anonymousId: 'y', at: T0 }, { type: 'identify', anonymousId: 'z', userId: 'w', at: T0 }]);
    const [p1, p2, p3] = [await profileOf(store, ws, 'x'), await profileOf(store, ws, 'y'), await profileOf(store, ws, 'z')];
    await send(store, ws, [{ type: 'identify', anonymousId: 'y', traits: { email: 'e@example.com' }, at: T0 + 1 }]);
    await send(store, ws, [{ type: 'identify', anonymousId: 'x', traits: { email: 'e@example.com' }, at: T0 + 2 }]);
    assert.equal(await store.profiles.resolve(ws, p1), p2, 'x merged into the owner of the email');
    await send(store, ws, [{ type: 'identify', anonymousId: 'y', userId: 'w', at: T0 + 3 }]);

    for (const id of [p1, p2, p3, 'x', 'y', 'z', 'w', 'e@example.com']) assert.equal(await store.profiles.resolve(ws, id), p3, id);
    const loaded = await store.write((tx) => tx.loadProfiles(ws, [p1, p2, p3, 'prf_unknown']));
    assert.deepEqual([...loaded.keys()].sort(), [p1, p2, p3].sort(), 'keyed by the asked id; unknown ids absent');
    for (const profile of loaded.values()) assert.equal(profile.id, p3);
    assert.deepEqual((await store.profiles.merges(ws, p2)).map((m) => [m.mergedId, m.survivorId]), [[p1, p2], [p2, p3]]);

    const again = await openAgain();
    try {
      assert.equal(await again.profiles.resolve(ws, p1), p3);
      assert.equal((await again.profiles.get(ws, p1))?.id, p3);
      assert.equal((await again.profiles.get(ws, p3))?.identities.length, 5);
    } finally {
      await again.close();
    }
  });

  test('findOwners answers owners of known identities only', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'identify', anonymousId: 'a-1', userId: 'u-1', at: T0 }]);
    const id = await profileOf(store, ws, 'u-1');
    const owners = await store.write((tx) => tx.findOwners(ws, [{ kind: 'user_id', value: 'u-1' }, { kind: 'anonymous_id', value: 'a-1' }, { kind: 'email', value: 'u-1' }, { kind: 'user_id', value: 'other' }]));
    assert.deepEqual([...owners.entries()].sort(), [['anonymous_id:a-1', id], ['user_id:u-1', id]]);
  });

  test('traits: the latest event time wins, a late older value is ignored, $set_once keeps the earliest', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'identify', userId: 'u', traits: { plan: 'pro', $set_once: { firstSource: 'ad' } }, at: T0 + 2000 }]);
    await send(store, ws, [{ type: 'identify', userId: 'u', traits: { plan: 'free', $set_once: { firstSource: 'seo' } }, at: T0 + 1000 }]);
    await send(store, ws, [{ type: 'identify', userId: 'u', traits: { company: 'Acme', $set_once: { firstSource: 'email' } }, at: T0 + 3000 }]);
    const profile = await store.profiles.get(ws, await profileOf(store, ws, 'u'));
    assert.deepEqual(profile?.traits, { plan: 'pro', firstSource: 'seo', company: 'Acme' }, 'the set-once value of the earliest event, even when it arrived late');
    assert.equal(profile?.traitMeta.plan?.at, T0 + 2000);
    assert.equal(profile?.traitMeta.firstSource?.once, true);
    assert.equal(profile?.behaviour.eventCount, 3);
    assert.equal(profile?.updatedAt, T0 + 3000);
  });

  test('the same identifiers in two workspaces are two people', async () => {
    const { store } = subject();
    const [a, b] = [await newWorkspace(store), await newWorkspace(store)];
    const same = { type: 'identify', messageId: 'same-message', anonymousId: 'anon-x', userId: 'user-x', at: T0 };
    await send(store, a, [same]);
    await send(store, b, [same]);
    const [pa, pb] = [await profileOf(store, a, 'user-x'), await profileOf(store, b, 'user-x')];
    assert.notEqual(pa, pb);
    assert.equal(await store.profiles.resolve(b, pa), null, 'a profile id is not visible from another workspace');
    assert.equal(await store.profiles.get(b, pa), null);
    assert.equal((await timeline(store, b, pb)).length, 1, 'the same messageId is stored once per workspace');
    assert.equal(await store.profiles.count(a), 1);
  });
}
