/** Contract: web-analytics rollups, sketches and open visits (ports/analytics-store.ts), written by the real ingest step. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HyperLogLog } from '../../core/analytics/hll.js';
import { HOUR_MS } from '../../core/analytics/rollup.js';
import type { RollupQuery } from '../../ports/analytics-store.js';
import { T0, newWorkspace, privacyContexts, profileOf, send, storeOnly, type StoreSubject } from './contract-fixtures.js';
import { createRollupWorker } from '../../analytics/rollup-worker.js';

const HOUR = Math.floor(T0 / HOUR_MS);
const pageView = (anonymousId: string, path: string, at: number, extra: Record<string, unknown> = {}) => ({
  type: 'page', anonymousId, at, properties: { path, url: `https://site.example${path}` }, context: { page: { path, url: `https://site.example${path}`, referrer: '' } }, ...extra,
});

export function analyticsContract(subject: () => StoreSubject): void {
  const query = (workspaceId: string, over: Partial<RollupQuery> = {}): RollupQuery => ({ workspaceId, dim: 'all', fromHour: HOUR, toHour: HOUR + 24, slices: {}, groupBy: 'value', ...over });

  test('sums add up across transactions; sketches merge; groups by value or hour; slices and values filter', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [pageView('a1', '/x', T0), pageView('a1', '/y', T0 + 60_000)]);
    await send(store, ws, [pageView('a2', '/x', T0 + 120_000), pageView('a1', '/x', T0 + HOUR_MS + 60_000)]);
    const [all] = await store.analytics.sums(query(ws));
    // a1: a visit of two pages, then one of one page an hour later (more than 30 minutes); a2: one page.
    assert.deepEqual(all!.metrics, { pageviews: 4, visits: 3, bounces: 2, durationMs: 60_000, visibleMs: 0, entries: 0, exits: 0, events: 0 });
    const pages = await store.analytics.sums(query(ws, { dim: 'page' }));
    assert.deepEqual(Object.fromEntries(pages.map((p) => [p.group, p.metrics.pageviews])), { '/x': 3, '/y': 1 });
    const hours = await store.analytics.sums(query(ws, { groupBy: 'hour' }));
    assert.deepEqual(Object.fromEntries(hours.map((h) => [h.group, h.metrics.pageviews])), { [HOUR]: 3, [HOUR + 1]: 1 });
    const sketches = await store.analytics.sketches(query(ws, { dim: 'page', values: ['/x'] }));
    assert.ok(sketches.every((s) => s.group === '/x'));
    const merged = sketches.reduce((h, s) => h.merge(HyperLogLog.deserialize(s.sketch)), new HyperLogLog());
    assert.equal(Math.round(merged.estimate()), 2, 'two visitors viewed /x');
    assert.deepEqual(await store.analytics.sums(query(ws, { slices: { channel: 'email' } })), []);
    assert.equal((await store.analytics.sums(query(ws, { slices: { channel: 'direct', audience: 'anonymous' } })))[0]!.metrics.visits, 3);
    assert.deepEqual(await store.analytics.sums(query('ws_other')), [], 'nothing of another workspace');
  });

  test('a value with NUL and control characters is kept (as U+FFFD) and found again', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [pageView('n1', '/a\u0000b\u0007c', T0)]);
    const pages = await store.analytics.sums(query(ws, { dim: 'page' }));
    assert.deepEqual(pages.map((p) => p.group), ['/a\uFFFDb\uFFFDc']);
    assert.equal((await store.analytics.sums(query(ws, { dim: 'page', values: ['/a\uFFFDb\uFFFDc'] }))).length, 1);
  });

  test('open visits: kept per visitor, listed for the person, dropped when the profile is merged away; realtime counts by last page', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [pageView('m1', '/one', T0), pageView('m2', '/two', T0 + 1000)]);
    const first = await profileOf(store, ws, 'm1');
    const second = await profileOf(store, ws, 'm2');
    assert.equal((await store.analytics.visitsOf(ws, [first, second])).length, 2);
    assert.deepEqual(await store.analytics.realtime(ws, T0), [{ path: '/one', visitors: 1 }, { path: '/two', visitors: 1 }]);
    assert.deepEqual(await store.analytics.realtime(ws, T0 + 2000), []);
    // One person after all: m2's profile is merged into m1's (or the other way round).
    await send(store, ws, [{ type: 'identify', anonymousId: 'm1', userId: 'u-m', at: T0 + 2000 }, { type: 'identify', anonymousId: 'm2', userId: 'u-m', at: T0 + 3000 }]);
    const survivor = await profileOf(store, ws, 'u-m');
    const gone = survivor === first ? second : first;
    assert.deepEqual(await store.analytics.visitsOf(ws, [gone]), []);
    // The indexed visits (start and attributes) of both move to the survivor.
    assert.deepEqual(await store.analytics.personVisits(ws, [gone], 0, T0 + 10_000), []);
    const moved = await store.analytics.personVisits(ws, [survivor], 0, T0 + 10_000);
    assert.deepEqual(moved.map((v) => v.start).sort(), [T0, T0 + 1000]);
    assert.ok(moved.every((v) => v.profileId === survivor && v.attributes.channel === 'direct'));
  });

  test('the rollup worker: hits lost with a process are counted once from the stored events after the mark; a late handover is not counted again', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const worker = () => createRollupWorker({ store, privacy: privacyContexts(store), onError: (error) => { throw error; } });
    await send(store, ws, [pageView('c1', '/a', T0)]);
    // Stored, never handed over: the process died before its worker flushed.
    const lost = await storeOnly(store, ws, [pageView('c2', '/a', T0 + 1000), pageView('c2', '/b', T0 + 2000), { type: 'identify', anonymousId: 'c2', userId: 'u-c2', at: T0 + 3000 }]);
    const pageviews = async () => (await store.analytics.sums(query(ws)))[0]!.metrics.pageviews;
    assert.equal(await pageviews(), 1, 'not counted yet');
    const restarted = worker();
    await restarted.start();
    await restarted.close();
    assert.equal(await pageviews(), 3, 'the next start counts them from the events after the mark');
    const c2 = await profileOf(store, ws, 'c2');
    assert.equal((await store.analytics.personVisits(ws, [c2], 0, T0 + HOUR_MS)).length, 1, 'with the person\'s visit index');
    // Their handover arrives after all (another worker, or late): the mark is past them.
    const late = worker();
    late.committed(ws, lost.analytics!);
    assert.equal(late.pending, 2);
    await late.settle(ws);
    assert.equal(late.pending, 0);
    assert.equal(await pageviews(), 3, 'nothing counted twice');
    // A batch handed over to one worker and counted from the store by another: still once.
    const twice = await storeOnly(store, ws, [pageView('c3', '/c', T0 + 4000)]);
    const holder = worker();
    holder.committed(ws, twice.analytics!);
    await worker().start();
    assert.equal(await pageviews(), 4);
    await holder.settle(ws);
    assert.equal(await pageviews(), 4, 'the holder drops what the other counted');
  });

  test('the rollup worker: a stored event whose handover is expected is waited for (up to the grace); one not expected is read back at once', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    let clock = T0;
    const worker = createRollupWorker({ store, privacy: privacyContexts(store), onError: (error) => { throw error; }, handoverGraceMs: 10_000, now: () => clock });
    const pageviews = async () => (await store.analytics.sums(query(ws)))[0]?.metrics.pageviews ?? 0;
    // A batch committed, its handover not yet arrived (the queue said it was writing it); the batch after it is handed over first.
    const first = await storeOnly(store, ws, [pageView('h1', '/a', T0)]);
    worker.expect(ws, first.analytics!.stored);
    const second = await storeOnly(store, ws, [pageView('h2', '/b', T0 + 1000)]);
    worker.committed(ws, second.analytics!);
    await worker.settle(ws);
    assert.equal(await pageviews(), 0, 'the flush stops before the event whose handover is on its way');
    worker.committed(ws, first.analytics!);
    await worker.settle(ws);
    assert.equal(await pageviews(), 2, 'both counted from their handovers');
    assert.equal(worker.pending, 0);
    // Expected, but its handover never comes (the batch's process died): read back after the grace.
    const third = await storeOnly(store, ws, [pageView('h3', '/c', T0 + 2000)]);
    worker.expect(ws, third.analytics!.stored);
    const fourth = await storeOnly(store, ws, [pageView('h4', '/d', T0 + 3000)]);
    worker.committed(ws, fourth.analytics!);
    await worker.settle(ws);
    assert.equal(await pageviews(), 2);
    clock += 10_001;
    await worker.settle(ws);
    assert.equal(await pageviews(), 4, 'after the grace the event is read back, and what follows it counted');
    // Not expected (written outside the queue, e.g. another process): read back by the next flush.
    await storeOnly(store, ws, [pageView('h5', '/e', T0 + 4000)]);
    const sixth = await storeOnly(store, ws, [pageView('h6', '/f', T0 + 5000)]);
    worker.committed(ws, sixth.analytics!);
    await worker.settle(ws);
    assert.equal(await pageviews(), 6);
  });

  test('the rollup worker: a person erased before their hits are flushed stays in the aggregates, with no person-level row', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const held = await storeOnly(store, ws, [pageView('e1', '/a', T0), pageView('e1', '/b', T0 + 1000)]);
    const person = await profileOf(store, ws, 'e1');
    await store.privacy.erase(ws, person, { tombstone: null, at: T0 + 5000 });
    const worker = createRollupWorker({ store, privacy: privacyContexts(store), onError: (error) => { throw error; } });
    worker.committed(ws, held.analytics!);
    await worker.settle(ws);
    const [all] = await store.analytics.sums(query(ws));
    assert.equal(all!.metrics.pageviews, 2, 'the aggregates keep the erased person\'s page views');
    assert.equal(all!.metrics.visits, 1);
    assert.deepEqual(await store.analytics.visitsOf(ws, [person]), []);
    assert.deepEqual(await store.analytics.personVisits(ws, [person], 0, T0 + HOUR_MS), []);
    assert.deepEqual(await store.analytics.realtime(ws, T0), [], 'no open visit of the erased person');
  });

  test('active profiles: those with an event in the range, once each, in id order, paged', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [pageView('p1', '/a', T0), pageView('p1', '/b', T0 + 1000), pageView('p2', '/a', T0 + 2000), pageView('p3', '/a', T0 + 3 * HOUR_MS)]);
    const ids = (await Promise.all(['p1', 'p2', 'p3'].map((a) => profileOf(store, ws, a))));
    const inRange = [ids[0]!, ids[1]!].sort();
    assert.deepEqual(await store.analytics.activeProfiles(ws, T0, T0 + HOUR_MS, { limit: 10 }), { profileIds: inRange, next: null });
    const first = await store.analytics.activeProfiles(ws, T0, T0 + HOUR_MS, { limit: 1 });
    assert.deepEqual(first, { profileIds: [inRange[0]], next: inRange[0] });
    assert.deepEqual(await store.analytics.activeProfiles(ws, T0, T0 + HOUR_MS, { limit: 1, after: first.next! }), { profileIds: [inRange[1]], next: null });
    assert.deepEqual(await store.analytics.activeProfiles('ws_other', T0, T0 + HOUR_MS, { limit: 10 }), { profileIds: [], next: null });
  });

  test('the value registry: ingest registers label values; known values and counts per dimension', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [
      { ...pageView('r1', '/a', T0), properties: { path: '/a', url: 'https://site.example/a', title: 'Alpha' } },
      { ...pageView('r1', '/b', T0 + 1000), properties: { path: '/b', url: 'https://site.example/b', title: 'Beta' } },
      { type: 'track', anonymousId: 'r1', event: 'Buy', at: T0 + 2000, properties: { plan: 'pro' } },
    ]);
    const found = await store.write((tx) => tx.analytics.knownValues(ws, [{ dim: 'title', value: 'Alpha' }, { dim: 'title', value: 'Gamma' }, { dim: 'ep:Buy\u0001plan', value: 'pro' }, { dim: 'ep-keys:Buy', value: 'plan' }]));
    assert.deepEqual([...found.known].sort(), ['ep-keys:Buy\u0000plan', 'ep:Buy\u0001plan\u0000pro', 'title\u0000Alpha']);
    assert.equal(found.counts.get('title'), 2);
    assert.equal(found.counts.get('ep:Buy\u0001plan'), 1);
    const other = await store.write((tx) => tx.analytics.knownValues('ws_other', [{ dim: 'title', value: 'Alpha' }]));
    assert.equal(other.known.size, 0, 'nothing of another workspace');
    assert.equal(other.counts.get('title') ?? 0, 0);
  });

  test('the hit-key backfill: events without a key in sequence order, keys and progress written together', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [pageView('k1', '/a', T0), { type: 'identify', anonymousId: 'k1', userId: 'u-k1', at: T0 + 1 }, pageView('k1', '/b', T0 + 2)]);
    // Ingest keyed the page views: only the identify call is without a key.
    const unkeyed = await store.hits.unkeyed(ws, 0, 10);
    assert.deepEqual(unkeyed.map((u) => u.event.type), ['identify']);
    assert.equal(await store.hits.unkeyedCount(ws, 0), 1);
    assert.equal(await store.hits.backfillProgress(ws), null);
    const progress = { cursor: unkeyed[0]!.seq, processed: 1, keyed: 1, startedAt: T0, finishedAt: T0 + 5 };
    await store.hits.writeKeys(ws, [{ seq: unkeyed[0]!.seq, hit: 'e(test)' }], progress);
    assert.deepEqual(await store.hits.backfillProgress(ws), progress);
    assert.deepEqual(await store.hits.unkeyed(ws, 0, 10), [], 'the key is written');
    assert.equal(await store.hits.unkeyedCount(ws, 0), 0);
    assert.equal(await store.hits.backfillProgress('ws_other'), null);
  });
}
