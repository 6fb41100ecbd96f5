/**
 * Contract: segments in the store. Definitions (put / get / list / delete, backfill progress),
 * the membership table and due table written with an ingest batch (ChangeSet.segments), members
 * listed in id order with a cursor, memberships of a profile merged away removed, the scheduler's
 * claims (due rows at or before a time; on PostgreSQL concurrent claims never overlap), history
 * reads per profile, and erasure of memberships and due times with the person.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { TrackedEvent } from '../../core/events/event.js';
import { createIdentityGuard } from '../../core/identity/identity-key.js';
import { compileDefinitions, type Segment } from '../../core/segments/segment.js';
import { createProcessBatch } from '../../ingest/process-batch.js';
import type { StoredDefinition } from '../../ports/segment-store.js';
import type { Store } from '../../ports/store.js';
import { T0, events, newWorkspace, privacyContexts, profileOf, type StoreSubject } from './contract-fixtures.js';

const DAY = 86_400_000;

const segment = (ws: string, id: string, condition: Segment['condition']): Segment =>
  ({ id, workspaceId: ws, name: id, description: '', condition, createdAt: T0, updatedAt: T0 });

/** Ingest with these segments defined (no cache: the definitions are fixed for the test). */
async function ingestWith(store: Store, ws: string, segments: Segment[], batch: TrackedEvent[]): Promise<void> {
  const defs = compileDefinitions(segments, []);
  const processBatch = createProcessBatch({
    guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId: () => `tessera-${randomUUID()}`,
    definitions: { get: async () => defs, invalidate: () => undefined },
  });
  const privacy = await privacyContexts(store).get(ws);
  await store.write((tx) => processBatch(tx, ws, batch, privacy));
}

const stored = (ws: string, id: string, at: number): StoredDefinition => ({
  workspaceId: ws, kind: 'segment', id, body: { name: id, condition: { trait: { key: 'a', op: 'exists' } } }, createdAt: at, updatedAt: at, backfill: null,
});

export function segmentContract(subject: () => StoreSubject): void {
  test('definitions: put, get, list in creation order, update, backfill progress, delete', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await store.segments.put(stored(ws, 'b', T0 + 1));
    await store.segments.put(stored(ws, 'a', T0 + 2));
    await store.segments.put({ ...stored(ws, 'total', T0 + 3), kind: 'computed', body: { name: 'Total', event: { name: 'X' }, aggregate: 'count' } });
    assert.deepEqual((await store.segments.list(ws)).map((d) => `${d.kind}:${d.id}`), ['segment:b', 'segment:a', 'computed:total']);
    await store.segments.put({ ...stored(ws, 'b', T0 + 1), body: { name: 'B2', condition: { trait: { key: 'b', op: 'exists' } } }, updatedAt: T0 + 9 });
    const b = await store.segments.get(ws, 'segment', 'b');
    assert.equal(b?.body.name, 'B2');
    assert.equal(b?.createdAt, T0 + 1);
    assert.equal(b?.updatedAt, T0 + 9);
    const progress = { state: 'running' as const, total: 10, processed: 5, startedAt: T0, updatedAt: T0 + 1, finishedAt: null, after: 'prf_x' };
    await store.segments.setBackfill(ws, 'segment', 'b', progress);
    assert.deepEqual((await store.segments.get(ws, 'segment', 'b'))?.backfill, progress);
    assert.equal(await store.segments.get(ws, 'computed', 'b'), null, 'kinds are apart');
    assert.equal(await store.segments.delete(ws, 'segment', 'b'), true);
    assert.equal(await store.segments.delete(ws, 'segment', 'b'), false);
    assert.equal((await store.segments.list(await newWorkspace(store))).length, 0, 'workspaces are apart');
  });

  test('memberships and due times are written with the batch; members page by profile id', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const segs = [segment(ws, 'downloads', { event: { name: 'Download', atLeast: 1, within: '30d' } })];
    await ingestWith(store, ws, segs, events(ws, ['m1', 'm2', 'm3'].map((u, i) => ({ type: 'track', event: 'Download', userId: u, at: T0 + i }))));
    assert.equal(await store.segments.memberCount(ws, 'downloads'), 3);
    const first = await store.segments.members(ws, 'downloads', { limit: 2 });
    const rest = await store.segments.members(ws, 'downloads', { limit: 2, after: first[1]!.profileId });
    const all = [...first, ...rest].map((m) => m.profileId);
    assert.deepEqual(all, [...all].sort());
    assert.equal(new Set(all).size, 3);
    assert.match(first[0]!.reason, /Download at least once within 30 days/);
    assert.equal(await store.segments.memberCount(ws, 'other'), 0);
    // Each member is due when its download leaves the window.
    const due = await store.write((tx) => tx.segments.claimDue(T0 + 30 * DAY + 10, 100));
    assert.deepEqual(due.filter((d) => d.workspaceId === ws).map((d) => d.profileId).sort(), [...all].sort());
    const early = await store.write((tx) => tx.segments.claimDue(T0 + 29 * DAY, 100));
    assert.equal(early.filter((d) => d.workspaceId === ws).length, 0);
    const next = await store.segments.nextDueAt();
    assert.ok(next !== null && next <= T0 + 30 * DAY + 1);
    assert.equal(await store.segments.delete(ws, 'segment', 'downloads'), false, 'never stored as a definition here');
  });

  test('a merge removes the memberships and due time of the profile merged away', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const segs = [segment(ws, 'downloads', { event: { name: 'Download', within: '30d' } })];
    await ingestWith(store, ws, segs, events(ws, [
      { type: 'track', event: 'Download', anonymousId: 'mg-a', at: T0 },
      { type: 'track', event: 'Download', userId: 'mg-user', at: T0 + 1 },
    ]));
    assert.equal(await store.segments.memberCount(ws, 'downloads'), 2);
    await ingestWith(store, ws, segs, events(ws, [{ type: 'identify', anonymousId: 'mg-a', userId: 'mg-user', at: T0 + 2 }]));
    const survivor = await profileOf(store, ws, 'mg-user');
    const members = await store.segments.members(ws, 'downloads', { limit: 10 });
    assert.deepEqual(members.map((m) => m.profileId), [survivor]);
    const due = await store.write((tx) => tx.segments.claimDue(T0 + 60 * DAY, 100));
    assert.deepEqual(due.filter((d) => d.workspaceId === ws).map((d) => d.profileId), [survivor]);
    const history = await store.write((tx) => tx.segments.eventsByProfile(ws, [survivor]));
    assert.deepEqual(history.get(survivor)!.filter((e) => e.type === 'track').map((e) => e.name), ['Download', 'Download'], 'both downloads are the survivor\'s now');
  });

  test('erasure deletes memberships and due times with the person', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const segs = [segment(ws, 'downloads', { event: { name: 'Download', within: '30d' } })];
    await ingestWith(store, ws, segs, events(ws, [{ type: 'track', event: 'Download', userId: 'er-seg', at: T0 }, { type: 'track', event: 'Download', userId: 'keep-seg', at: T0 }]));
    const person = await profileOf(store, ws, 'er-seg');
    await store.privacy.erase(ws, person, { tombstone: null, at: T0 + 1 });
    assert.deepEqual((await store.segments.members(ws, 'downloads', { limit: 10 })).map((m) => m.profileId), [await profileOf(store, ws, 'keep-seg')]);
    const due = await store.write((tx) => tx.segments.claimDue(T0 + 60 * DAY, 100));
    assert.ok(!due.some((d) => d.profileId === person));
  });

  test('backfill and preview reads: live profile ids and profiles in id order, events per profile', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await ingestWith(store, ws, [], events(ws, [
      { type: 'track', event: 'A', userId: 'sc-1', at: T0 }, { type: 'track', event: 'B', userId: 'sc-1', at: T0 + 1 }, { type: 'identify', userId: 'sc-2', traits: { plan: 'pro' }, at: T0 },
    ]));
    const ids = await store.segments.profileIds(ws, { limit: 10 });
    assert.equal(ids.length, 2);
    assert.deepEqual(ids, [...ids].sort());
    assert.deepEqual(await store.segments.profileIds(ws, { limit: 10, after: ids[1]! }), []);
    const profiles = await store.segments.scanProfiles(ws, { limit: 1, after: ids[0]! });
    assert.equal(profiles[0]!.id, ids[1]);
    const byProfile = await store.segments.eventsByProfile(ws, ids);
    const sc1 = await profileOf(store, ws, 'sc-1');
    assert.deepEqual(byProfile.get(sc1)!.map((e) => e.name), ['A', 'B']);
  });

  test('concurrent scheduler claims never hand out the same profile twice', async (t) => {
    const { store } = subject();
    if (store.kind === 'sqlite') { t.skip('SQLite runs one write transaction at a time: claims cannot overlap'); return; }
    const ws = await newWorkspace(store);
    const segs = [segment(ws, 'downloads', { event: { name: 'Download', within: '1d' } })];
    await ingestWith(store, ws, segs, events(ws, Array.from({ length: 6 }, (_, i) => ({ type: 'track', event: 'Download', userId: `cc-${i}`, at: T0 }))));
    let release!: () => void;
    const hold = new Promise<void>((resolve) => { release = resolve; });
    let firstClaimed: string[] = [];
    const first = store.write(async (tx) => {
      firstClaimed = (await tx.segments.claimDue(T0 + 2 * DAY, 3)).map((d) => d.profileId);
      await hold;
    });
    while (firstClaimed.length === 0) await new Promise((r) => setTimeout(r, 5));
    const second = await store.write(async (tx) => (await tx.segments.claimDue(T0 + 2 * DAY, 100)).filter((d) => d.workspaceId === ws).map((d) => d.profileId));
    release();
    await first;
    assert.equal(firstClaimed.length, 3);
    assert.equal(second.length, 3);
    assert.equal(new Set([...firstClaimed, ...second]).size, 6);
  });
}
