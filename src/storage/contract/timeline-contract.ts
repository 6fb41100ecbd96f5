/** Contract: stored events, timeline pages and their cursors, dedupe by messageId. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredEvent } from '../../core/events/event.js';
import { TesseraError } from '../../core/errors.js';
import { T0, events, ingest, newWorkspace, profileOf, send, timeline, type StoreSubject } from './contract-fixtures.js';

const newestFirst = (a: StoredEvent, b: StoredEvent) => b.timestamp - a.timestamp || b.seq - a.seq;

export function timelineContract(subject: () => StoreSubject): void {
  test('an event comes back with every field it was stored with', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const [event] = events(ws, [{
      type: 'track', event: 'Order Completed', anonymousId: 'a', userId: 'u', category: 'shop',
      properties: { total: 12.5, items: [{ sku: 'x', qty: 2 }], note: 'ünïcödé ✓', nested: { deep: { yes: true, no: null } } },
      context: { page: { url: 'https://example.com/checkout' }, traits: { plan: 'pro' } }, integrations: { All: false }, at: T0 + 5,
    }]);
    await ingest(store, ws, [event!]);
    const profileId = await profileOf(store, ws, 'u');
    const [stored] = await timeline(store, ws, profileId);
    assert.ok(stored && Number.isSafeInteger(stored.seq));
    assert.deepEqual(stored, { ...event, seq: stored.seq, profileId, originalProfileId: profileId });
  });

  test('the timeline pages newest first with cursors: no duplicates, no gaps', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    // 23 events over 3 batches, in groups of three sharing a timestamp, sent out of time order.
    const inputs = Array.from({ length: 23 }, (_, i) => ({ type: 'track', event: `E${i}`, anonymousId: 'paged', at: T0 + Math.floor(((i * 7) % 23) / 3) * 1000 }));
    for (const part of [inputs.slice(0, 8), inputs.slice(8, 15), inputs.slice(15)]) await send(store, ws, part);
    const profileId = await profileOf(store, ws, 'paged');

    const pages: StoredEvent[][] = [];
    let cursor: string | undefined;
    do {
      const page = await store.profiles.events(ws, profileId, { limit: 5, ...(cursor ? { cursor } : {}) });
      pages.push(page.events);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.deepEqual(pages.map((p) => p.length), [5, 5, 5, 5, 3]);
    const all = pages.flat();
    assert.equal(new Set(all.map((e) => e.messageId)).size, 23, 'no event twice');
    assert.deepEqual(all, [...all].sort(newestFirst), 'newest first, ties by arrival');
    assert.deepEqual(all.map((e) => e.name).sort(), inputs.map((i) => i.event).sort(), 'no event missing');

    const exact = await store.profiles.events(ws, profileId, { limit: 23 });
    assert.equal(exact.events.length, 23);
    assert.equal(exact.nextCursor, null, 'a page that ends the timeline has no cursor');
  });

  test('a cursor the store did not make is an invalid query', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'page', anonymousId: 'c', at: T0 }]);
    const profileId = await profileOf(store, ws, 'c');
    for (const cursor of ['not-a-cursor', Buffer.from('1:x').toString('base64url')]) {
      await assert.rejects(store.profiles.events(ws, profileId, { limit: 5, cursor }), (e: unknown) => e instanceof TesseraError && e.code === 'invalid_query');
    }
  });

  test('a messageId is stored once: duplicates across batches and within one are dropped', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const first = await send(store, ws, [{ type: 'track', event: 'A', messageId: 'm1', anonymousId: 'd' }, { type: 'track', event: 'B', messageId: 'm2', anonymousId: 'd' }]);
    const second = await send(store, ws, [
      { type: 'track', event: 'B again', messageId: 'm2', anonymousId: 'd' },
      { type: 'track', event: 'C', messageId: 'm3', anonymousId: 'd' },
      { type: 'track', event: 'C again', messageId: 'm3', anonymousId: 'd' },
    ]);
    assert.deepEqual({ stored: first.stored, duplicates: first.duplicates, withheld: first.withheld }, { stored: 2, duplicates: 0, withheld: 0 });
    assert.deepEqual({ stored: second.stored, duplicates: second.duplicates, withheld: second.withheld }, { stored: 1, duplicates: 2, withheld: 0 });
    assert.deepEqual(second.duplicateEvents?.map((e) => e.messageId).sort(), ['m2', 'm3'], 'the duplicates are named, so that each submission can be told its own');
    const profileId = await profileOf(store, ws, 'd');
    assert.deepEqual((await timeline(store, ws, profileId)).map((e) => e.name).sort(), ['A', 'B', 'C']);
    assert.equal((await store.profiles.get(ws, profileId))?.behaviour.eventCount, 3);
    const known = await store.write((tx) => tx.existingMessageIds(ws, ['m1', 'm3', 'm4']));
    assert.deepEqual([...known].sort(), ['m1', 'm3']);
  });

  test('a failed write leaves nothing behind', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await assert.rejects(store.write(async (tx) => {
      await tx.apply({ workspaceId: ws, newProfiles: [], merges: [], identities: [{ profileId: 'prf_x', identity: { kind: 'user_id', value: 'ghost', firstSeenAt: T0, messageId: null } }], events: [], profiles: [], consents: [], counters: [] });
      throw new Error('work failed');
    }), /work failed/);
    assert.equal(await store.profiles.resolve(ws, 'ghost'), null);
    const owners = await store.write((tx) => tx.findOwners(ws, [{ kind: 'user_id', value: 'ghost' }]));
    assert.equal(owners.size, 0);
  });
}
