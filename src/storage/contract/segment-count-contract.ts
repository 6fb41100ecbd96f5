/**
 * Contract: the member count a store keeps per segment (ports/segment-store.ts memberCount, issue
 * 19 §3) equals the number of membership rows after every kind of write that adds or removes them:
 * entries and exits at ingest, a backfill, a merge of two members, an erasure, a redefinition
 * (backfilled again), the deletion of the segment, concurrent batches (PostgreSQL: many writers at
 * once, and a read that folds their rows), and a repair by recountMembers.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { createIdentityGuard } from '../../core/identity/identity-key.js';
import type { TrackedEvent } from '../../core/events/event.js';
import { createDerivedSteps, createProcessBatch, type ProcessBatchDeps } from '../../ingest/process-batch.js';
import type { SegmentChanges, StoredDefinition } from '../../ports/segment-store.js';
import type { Store } from '../../ports/store.js';
import { runBackfill } from '../../segments/backfill.js';
import { compileStored } from '../../segments/segment-definitions.js';
import { T0, events, newWorkspace, privacyContexts, profileOf, type StoreSubject } from './contract-fixtures.js';

type Condition = Record<string, unknown>;

const definition = (ws: string, id: string, condition: Condition, at = T0): StoredDefinition => ({
  workspaceId: ws, kind: 'segment', id, body: { name: id, description: '', condition }, createdAt: at, updatedAt: at, backfill: null,
});

/** Ingest and backfill with the workspace's stored definitions, read afresh each time. */
function pipeline(store: Store) {
  const deps: ProcessBatchDeps = {
    guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId: () => `tessera-${randomUUID()}`,
    definitions: { get: async (ws) => compileStored(await store.segments.list(ws)), invalidate: () => undefined },
  };
  const processBatch = createProcessBatch(deps);
  const privacy = privacyContexts(store);
  return {
    async ingest(ws: string, batch: TrackedEvent[]) {
      const context = await privacy.get(ws);
      await store.write((tx) => processBatch(tx, ws, batch, context));
    },
    backfill: (ws: string, id: string) => runBackfill(
      { store, privacy, derive: createDerivedSteps(deps), definitions: deps.definitions!, now: () => T0 + 1000 },
      { workspaceId: ws, kind: 'segment', id }, { restart: true, chunk: 2 },
    ),
  };
}

/** The membership rows themselves, counted by paging through them. */
async function rows(store: Store, ws: string, id: string): Promise<number> {
  let n = 0;
  let after: string | undefined;
  for (;;) {
    const page = await store.segments.members(ws, id, { limit: 500, ...(after ? { after } : {}) });
    n += page.length;
    if (page.length < 500) return n;
    after = page[page.length - 1]!.profileId;
  }
}

async function assertKept(store: Store, ws: string, id: string, expected: number, when: string): Promise<void> {
  assert.equal(await rows(store, ws, id), expected, `${when}: the membership rows`);
  assert.equal(await store.segments.memberCount(ws, id), expected, `${when}: the kept count equals the rows`);
}

/** Membership changes written directly, as ingest, a re-evaluation or a backfill writes them. */
const writeMembers = (store: Store, ws: string, segments: SegmentChanges) => store.write((tx) => tx.apply({
  workspaceId: ws, newProfiles: [], merges: [], identities: [], events: [], profiles: [], consents: [], counters: [], segments,
}));
const enter = (segmentId: string, profileId: string, since: number) => ({ segmentId, profileId, since, reason: 'r' });

const PRO = { trait: { key: 'plan', op: 'equals', value: 'pro' } };
const DOWNLOADS = { event: { name: 'Download', within: '30d' } };

export function segmentCountContract(subject: () => StoreSubject): void {
  test('entries and exits at ingest move the kept count; an entry seen again is not counted twice', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const p = pipeline(store);
    await store.segments.put(definition(ws, 'pro', PRO));
    await assertKept(store, ws, 'pro', 0, 'no members yet');
    await p.ingest(ws, events(ws, ['a', 'b', 'c', 'd'].map((u, i) => ({ type: 'identify', userId: `k-${u}`, traits: { plan: 'pro' }, at: T0 + i }))));
    await assertKept(store, ws, 'pro', 4, 'four entries');
    await p.ingest(ws, events(ws, [
      { type: 'identify', userId: 'k-a', traits: { plan: 'free' }, at: T0 + 10 },
      { type: 'identify', userId: 'k-b', traits: { plan: 'free' }, at: T0 + 11 },
      { type: 'identify', userId: 'k-c', traits: { plan: 'pro', seats: 3 }, at: T0 + 12 },
      { type: 'identify', userId: 'k-e', traits: { plan: 'pro' }, at: T0 + 13 },
    ]));
    await assertKept(store, ws, 'pro', 3, 'two exits, one member unchanged, one entry');
    await p.ingest(ws, events(ws, [{ type: 'identify', userId: 'k-a', traits: { plan: 'pro' }, at: T0 + 20 }]));
    await assertKept(store, ws, 'pro', 4, 'a member who left entered again');
    assert.equal(await store.segments.memberCount(ws, 'other'), 0, 'a segment the store never saw: 0');
  });

  test('a backfill, a redefinition backfilled again, and the deletion of the segment leave the kept count exact', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const p = pipeline(store);
    await p.ingest(ws, events(ws, Array.from({ length: 7 }, (_, i) => ({ type: 'identify', userId: `bf-${i}`, traits: { plan: i < 5 ? 'pro' : 'free', seats: i }, at: T0 + i }))));
    await store.segments.put(definition(ws, 'pro', PRO));
    await assertKept(store, ws, 'pro', 0, 'defined after the profiles: nothing yet');
    assert.equal((await p.backfill(ws, 'pro')).state, 'done');
    await assertKept(store, ws, 'pro', 5, 'after the backfill');
    await store.segments.put(definition(ws, 'pro', { trait: { key: 'seats', op: 'gt', value: 3 } }, T0 + 5));
    assert.equal((await p.backfill(ws, 'pro')).state, 'done');
    await assertKept(store, ws, 'pro', 3, 'redefined (seats > 3) and backfilled again: four left, two entered');
    assert.equal(await store.segments.delete(ws, 'segment', 'pro'), true);
    await assertKept(store, ws, 'pro', 0, 'the segment deleted');
    await store.segments.put(definition(ws, 'pro', PRO, T0 + 9));
    await assertKept(store, ws, 'pro', 0, 'a new segment of the same id starts from none');
    assert.equal(await store.segments.recountMembers(ws, 'pro'), 0);
  });

  test('a merge of two members and an erasure of a member lower the kept count by the rows removed', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const p = pipeline(store);
    await store.segments.put(definition(ws, 'downloads', DOWNLOADS));
    await store.segments.put(definition(ws, 'pro', PRO));
    await p.ingest(ws, events(ws, [
      { type: 'track', event: 'Download', anonymousId: 'mc-anon', at: T0 },
      { type: 'identify', anonymousId: 'mc-anon', traits: { plan: 'pro' }, at: T0 + 1 },
      { type: 'track', event: 'Download', userId: 'mc-user', at: T0 + 2 },
      { type: 'identify', userId: 'mc-user', traits: { plan: 'pro' }, at: T0 + 3 },
      { type: 'track', event: 'Download', userId: 'mc-other', at: T0 + 4 },
      { type: 'identify', userId: 'mc-erased', traits: { plan: 'pro' }, at: T0 + 5 },
      { type: 'track', event: 'Download', userId: 'mc-erased', at: T0 + 6 },
    ]));
    await assertKept(store, ws, 'downloads', 4, 'before the merge');
    await assertKept(store, ws, 'pro', 3, 'before the merge');
    await p.ingest(ws, events(ws, [{ type: 'identify', anonymousId: 'mc-anon', userId: 'mc-user', at: T0 + 10 }]));
    await assertKept(store, ws, 'downloads', 3, 'two members merged into one');
    await assertKept(store, ws, 'pro', 2, 'two members merged into one');
    await store.privacy.erase(ws, await profileOf(store, ws, 'mc-erased'), { tombstone: null, at: T0 + 20 });
    await assertKept(store, ws, 'downloads', 2, 'a member erased');
    await assertKept(store, ws, 'pro', 1, 'a member erased');
    assert.equal(await store.segments.recountMembers(ws, 'downloads'), 2, 'a recount finds what was kept');
    await assertKept(store, ws, 'downloads', 2, 'after a recount');
  });

  test('batches written at once (concurrent transactions on PostgreSQL) all count, and folding their rows (by a read or compactMemberCounts) keeps the sum', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const p = pipeline(store);
    await store.segments.put(definition(ws, 'downloads', DOWNLOADS));
    await store.segments.put(definition(ws, 'pro', PRO));
    // 90 one-person batches, six at a time (within the pool), more than the rows a PostgreSQL read
    // sums before it folds them (64).
    for (let wave = 0; wave < 90; wave += 6) {
      await Promise.all(Array.from({ length: 6 }, (_, j) => wave + j).map((i) => p.ingest(ws, events(ws, [
        { type: 'track', event: 'Download', userId: `cw-${i}`, at: T0 + i },
        { type: 'identify', userId: `cw-${i}`, traits: { plan: i % 3 === 0 ? 'pro' : 'free' }, at: T0 + i },
      ]))));
    }
    const folded = await store.segments.compactMemberCounts();
    assert.ok(store.kind === 'sqlite' ? folded === 0 : folded >= 1, 'PostgreSQL folds the pieces of the segments with many; SQLite has none');
    await assertKept(store, ws, 'downloads', 90, 'ninety batches');
    await assertKept(store, ws, 'downloads', 90, 'read again after the fold');
    await assertKept(store, ws, 'pro', 30, 'ninety batches, one in three pro');
    // Exits and entries at once, while a recount runs.
    for (let wave = 0; wave < 30; wave += 6) {
      await Promise.all([
        ...Array.from({ length: 6 }, (_, j) => wave + j).map((i) => p.ingest(ws, events(ws, [{ type: 'identify', userId: `cw-${i}`, traits: { plan: i % 3 === 0 ? 'free' : 'pro' }, at: T0 + 1000 + i }]))),
        store.segments.recountMembers(ws, 'pro'),
      ]);
    }
    await assertKept(store, ws, 'pro', 30 - 10 + 20, 'ten left and twenty entered, with a recount among them');
  });

  test('an entry of a member already in (written twice, or by two transactions at once) counts once; an exit of a non-member counts nothing', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await writeMembers(store, ws, { members: [enter('s', 'p1', T0), enter('s', 'p2', T0), enter('t', 'p1', T0)], due: [], retired: [] });
    await writeMembers(store, ws, { members: [enter('s', 'p1', T0 + 1), { segmentId: 's', profileId: 'p9', since: null, reason: '' }], due: [], retired: [] });
    await assertKept(store, ws, 's', 2, 'p1 entered again, p9 never in');
    assert.equal((await store.segments.members(ws, 's', { limit: 1 }))[0]!.since, T0 + 1, 'the entry seen again updated its time');
    await Promise.all(Array.from({ length: 4 }, (_, i) => writeMembers(store, ws, { members: [enter('s', 'p3', T0 + i), enter('t', 'p3', T0 + i)], due: [], retired: [] })));
    await assertKept(store, ws, 's', 3, 'the same entry from four transactions at once');
    await assertKept(store, ws, 't', 2, 'the same entry from four transactions at once');
    await writeMembers(store, ws, { members: [], due: [], retired: ['p1'] });
    await assertKept(store, ws, 's', 2, 'p1 merged away');
    await assertKept(store, ws, 't', 1, 'p1 merged away');
  });
}
