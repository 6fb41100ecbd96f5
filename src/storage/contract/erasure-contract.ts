/**
 * Contract: erasure (GDPR Art. 17) and retention (Art. 5(1)(e)) in the store. Erasure deletes the
 * live profile and the profiles merged into it, their identities, events (by profile, by original
 * profile, and `system` events naming one of them), merges and consent records, and keeps keyed
 * tombstones that `findTombstones` finds afterwards. Retention deletes events by rule and removes
 * expired traits from merge snapshots. Everything stays inside its workspace.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { TesseraError } from '../../core/errors.js';
import type { IdentityKey } from '../../core/identity/identity-key.js';
import { systemEntry } from '../../ingest/steps/system-entry.js';
import type { Store } from '../../ports/store.js';
import { T0, events, newWorkspace, profileOf, send, timeline, type StoreSubject } from './contract-fixtures.js';
import { consentRecord, privacyChanges } from './privacy-contract.js';

const DAY = 24 * 60 * 60 * 1000;
const tombstone = (key: IdentityKey) => createHash('sha256').update(`contract:${key.kind}:${key.value}`).digest('hex');
const isNotFound = (e: unknown) => e instanceof TesseraError && e.code === 'not_found';

/** The person: two devices, merged when the second gives the same email; their events. */
const PERSON = [
  [{ type: 'page', anonymousId: 'er-laptop', properties: { path: '/secret' }, at: T0 }, { type: 'identify', anonymousId: 'er-laptop', userId: 'er-user', traits: { email: 'Erin@Example.com', plan: 'pro' }, at: T0 + 1 }],
  [{ type: 'page', anonymousId: 'er-phone', at: T0 + 2 }, { type: 'identify', anonymousId: 'er-phone', traits: { email: 'erin@example.com' }, at: T0 + 3 }],
  [{ type: 'track', event: 'Order Completed', userId: 'er-user', properties: { orderId: 'ORD-1' }, at: T0 + 4 }],
];
const PERSON_KEYS: IdentityKey[] = [
  { kind: 'anonymous_id', value: 'er-laptop' }, { kind: 'anonymous_id', value: 'er-phone' }, { kind: 'user_id', value: 'er-user' }, { kind: 'email', value: 'erin@example.com' },
];
const PERSON_IDS = PERSON_KEYS.map((k) => k.value);

async function sendPerson(store: Store, ws: string): Promise<void> {
  for (const batch of PERSON) await send(store, ws, batch);
}

export function erasureContract(subject: () => StoreSubject): void {
  test('erasure deletes the person\'s profiles, identities, events, merges and consents, and keeps tombstones', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const elsewhere = await newWorkspace(store);
    await sendPerson(store, ws);
    await sendPerson(store, elsewhere);
    await send(store, ws, [{ type: 'identify', anonymousId: 'by-anon', userId: 'by-user', traits: { email: 'by@example.com' }, at: T0 }]);
    const person = await profileOf(store, ws, 'er-user');
    const bystander = await profileOf(store, ws, 'by-user');
    const [merge] = await store.profiles.merges(ws, person);
    assert.ok(merge, 'the phone was merged into the person');
    const merged = merge.mergedId === person ? merge.survivorId : merge.mergedId;
    await store.write((tx) => tx.apply(privacyChanges(ws, [consentRecord(ws, person, { at: T0 + 5 }), consentRecord(ws, person, { at: T0 + 6, purposes: { analytics: false } })])));
    // On the bystander's timeline: a `system` entry naming the merged profile (as a refused merge
    // writes), and an event whose original profile is the person's (as if moved there).
    const [cause, moved] = events(ws, [{ type: 'track', event: 'Cause', anonymousId: 'by-anon', at: T0 + 7 }, { type: 'track', event: 'Moved', anonymousId: 'by-anon', at: T0 + 8 }]);
    const refusal = systemEntry(`tessera-${randomUUID()}`, cause!, 'Merge Refused', { otherProfileId: merged, reason: 'cap' });
    await store.write((tx) => tx.apply({
      ...privacyChanges(ws, []),
      events: [
        { event: cause!, profileId: bystander, originalProfileId: bystander },
        { event: refusal, profileId: bystander, originalProfileId: bystander },
        { event: moved!, profileId: bystander, originalProfileId: person },
      ],
    }));
    const personEvents = (await timeline(store, ws, person)).length;
    const bystanderBefore = await store.profiles.get(ws, bystander);
    const elsewhereEvents = (await timeline(store, elsewhere, await profileOf(store, elsewhere, 'er-user'))).length;

    const report = await store.privacy.erase(ws, person, { tombstone, at: T0 + DAY });
    assert.deepEqual(report, { tombstones: 4, profiles: 2, identities: 4, events: personEvents + 2, merges: 1, consents: 2 });

    for (const id of [person, merged, ...PERSON_IDS]) assert.equal(await store.profiles.resolve(ws, id), null, id);
    for (const id of [person, merged]) {
      assert.equal(await store.profiles.get(ws, id), null);
      assert.deepEqual(await timeline(store, ws, id), []);
      assert.deepEqual(await store.profiles.merges(ws, id), []);
      assert.deepEqual(await store.privacy.consents(ws, id), []);
    }
    assert.deepEqual((await store.profiles.search(ws, { traits: { plan: 'pro' }, limit: 10 })).profiles, []);
    assert.deepEqual((await store.profiles.search(ws, { q: 'erin', limit: 10 })).profiles, []);
    assert.equal(await store.profiles.count(ws), 1);
    const owners = await store.write((tx) => tx.findOwners(ws, PERSON_KEYS));
    assert.equal(owners.size, 0, 'no identity is left to own');

    assert.deepEqual(await store.profiles.get(ws, bystander), bystanderBefore, 'the bystander\'s profile is untouched');
    assert.deepEqual((await timeline(store, ws, bystander)).map((e) => e.name ?? e.type), ['Cause', 'identify'], 'only the entries about the person left its timeline');
    assert.equal((await timeline(store, elsewhere, await profileOf(store, elsewhere, 'er-user'))).length, elsewhereEvents, 'the same person in another workspace stays');

    const asked = [...PERSON_KEYS, { kind: 'user_id', value: 'by-user' } as const].map(tombstone);
    assert.deepEqual([...await store.write((tx) => tx.findTombstones(ws, asked))].sort(), PERSON_KEYS.map(tombstone).sort());
    assert.deepEqual([...await store.write((tx) => tx.findTombstones(elsewhere, asked))], [], 'tombstones belong to their workspace');

    await assert.rejects(store.privacy.erase(ws, person, { tombstone, at: T0 + DAY }), isNotFound, 'erased already');
  });

  test('batches of the person running during the erasure all succeed; afterwards no identifier points at the erased profile', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await sendPerson(store, ws);
    const person = await profileOf(store, ws, 'er-user');
    const during = Array.from({ length: 16 }, (_, i) => send(store, ws, [{
      type: 'track', event: `During ${i}`, anonymousId: i % 2 ? 'er-laptop' : 'er-phone', ...(i % 3 ? { userId: 'er-user' } : {}), at: T0 + 10 + i,
    }]));
    const erased = store.privacy.erase(ws, person, { tombstone, at: T0 + DAY });
    const outcomes = await Promise.allSettled([...during, erased]);
    assert.deepEqual(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason)), []);

    assert.equal(await store.profiles.get(ws, person), null);
    const owners = await store.write((tx) => tx.findOwners(ws, PERSON_KEYS));
    const live = await store.write((tx) => tx.loadProfiles(ws, [...new Set(owners.values())]));
    for (const [key, owner] of owners) {
      assert.notEqual(owner, person, key);
      assert.ok(live.get(owner), `${key} belongs to a live profile`);
    }
    for (const p of new Set([...live.values()].map((x) => x.id))) {
      const stored = (await timeline(store, ws, p)).filter((e) => e.type !== 'system');
      assert.equal((await store.profiles.get(ws, p))?.behaviour.eventCount, stored.length, 'a profile made after the erasure counts its events: no update lost');
    }
  });

  test('only a live profile is erased; without tombstones none are stored', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await sendPerson(store, ws);
    const person = await profileOf(store, ws, 'er-user');
    const [merge] = await store.profiles.merges(ws, person);
    await assert.rejects(store.privacy.erase(ws, merge!.mergedId, { tombstone, at: T0 }), isNotFound, 'a merged-away profile is not live');
    await assert.rejects(store.privacy.erase(ws, 'prf_nobody', { tombstone, at: T0 }), isNotFound);
    await assert.rejects(store.privacy.erase(await newWorkspace(store), person, { tombstone, at: T0 }), isNotFound, 'a profile of another workspace');

    const report = await store.privacy.erase(ws, person, { tombstone: null, at: T0 });
    assert.equal(report.tombstones, 0);
    assert.equal(report.profiles, 2);
    assert.deepEqual([...await store.write((tx) => tx.findTombstones(ws, PERSON_KEYS.map(tombstone)))], []);
    assert.equal(await store.profiles.count(ws), 0);
  });

  test('purgeEvents deletes by type, names or every other name, before a time, in rounds of `limit`', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const elsewhere = await newWorkspace(store);
    const before = T0 + DAY;
    const inputs = [
      { type: 'track', event: 'A', anonymousId: 'pu-a', at: T0 },
      { type: 'track', event: 'A', anonymousId: 'pu-b', at: T0 + 1 },
      { type: 'track', event: 'A', anonymousId: 'pu-b', at: before },
      { type: 'track', event: 'B', anonymousId: 'pu-b', at: T0 + 2 },
      { type: 'track', event: 'C', anonymousId: 'pu-c', at: T0 + 3 },
      { type: 'track', event: 'B', anonymousId: 'pu-a', at: before + DAY },
      { type: 'page', name: 'Home', anonymousId: 'pu-c', at: T0 + 4 },
      { type: 'page', anonymousId: 'pu-c', at: T0 + 5 },
      { type: 'page', anonymousId: 'pu-a', at: T0 + 6 },
      { type: 'identify', anonymousId: 'pu-c', traits: { plan: 'x' }, at: T0 + 7 },
    ];
    await send(store, ws, inputs);
    await send(store, elsewhere, inputs);
    const [a, b, c] = [await profileOf(store, ws, 'pu-a'), await profileOf(store, ws, 'pu-b'), await profileOf(store, ws, 'pu-c')];
    const sorted = (r: { deleted: number; profileIds: string[] }) => ({ deleted: r.deleted, profileIds: [...r.profileIds].sort() });

    assert.deepEqual(sorted(await store.privacy.purgeEvents(ws, { type: 'track', names: ['A'], before }, 100)), { deleted: 2, profileIds: [a, b].sort() });
    assert.deepEqual(sorted(await store.privacy.purgeEvents(ws, { type: 'track', names: null, exceptNames: ['A', 'C'], before }, 100)), { deleted: 1, profileIds: [b] });
    const rounds = [];
    for (let i = 0; i < 3; i++) rounds.push((await store.privacy.purgeEvents(ws, { type: 'page', names: null, before }, 2)).deleted);
    assert.deepEqual(rounds, [2, 1, 0], 'at most `limit` per call, until nothing is left');

    const left = async (id: string) => (await timeline(store, ws, id)).map((e) => `${e.type}:${e.name ?? ''}`).sort();
    assert.deepEqual(await left(a), ['track:B'], 'an event after `before` stays');
    assert.deepEqual(await left(b), ['track:A'], 'an event at exactly `before` stays');
    assert.deepEqual(await left(c), ['identify:', 'track:C'], 'names excepted and other types stay');
    assert.equal((await timeline(store, elsewhere, await profileOf(store, elsewhere, 'pu-b'))).length, 3, 'another workspace keeps its events');
  });

  test('redactMergeSnapshots removes expired traits from merge snapshots and counts the snapshots changed', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const elsewhere = await newWorkspace(store);
    for (const w of [ws, elsewhere]) {
      await send(store, w, [
        { type: 'identify', anonymousId: 'rd-1', traits: { email: 'rd@example.com', city: 'Oslo', plan: 'pro' }, at: T0 },
        { type: 'identify', anonymousId: 'rd-2', traits: { city: 'Bergen', plan: 'team' }, at: T0 + DAY },
      ]);
      await send(store, w, [{ type: 'identify', anonymousId: 'rd-2', traits: { email: 'rd@example.com' }, at: T0 + 2 * DAY }]);
    }
    const snapshotOf = async (w: string) => {
      const merges = await store.profiles.merges(w, await profileOf(store, w, 'rd-1'));
      assert.equal(merges.length, 1);
      return merges[0]!.snapshot;
    };
    const before = await snapshotOf(ws);
    assert.ok('city' in before.traits && 'city' in before.traitMeta && 'plan' in before.traits, JSON.stringify(before));

    assert.equal(await store.privacy.redactMergeSnapshots(ws, (trait) => trait === 'city'), 1);
    const after = await snapshotOf(ws);
    const { city: _t, ...traits } = before.traits;
    const { city: _m, ...traitMeta } = before.traitMeta;
    assert.deepEqual(after, { ...before, traits, traitMeta });
    assert.equal(await store.privacy.redactMergeSnapshots(ws, (trait) => trait === 'city'), 0, 'nothing left to remove');
    assert.equal(await store.privacy.redactMergeSnapshots(ws, (_trait, at) => at > T0 + 100 * DAY), 0, 'nothing expired');
    assert.ok('city' in (await snapshotOf(elsewhere)).traits, 'another workspace keeps its snapshots');
  });
}
