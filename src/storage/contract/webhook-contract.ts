/**
 * Contract: workspace configuration documents, webhooks and the delivery outbox (claims with
 * leases, attempts, the log, redelivery, erasure). Claims are global (every workspace's due
 * deliveries), so each test removes its webhooks (and with them their deliveries) at the end.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { Webhook } from '../../core/webhooks/webhook.js';
import type { Store } from '../../ports/store.js';
import type { DeliveryAttempt, WebhookDelivery } from '../../ports/webhook-store.js';
import { T0, newWorkspace, profileOf, send, type StoreSubject } from './contract-fixtures.js';

function webhook(workspaceId: string, fields: Partial<Webhook> = {}): Webhook {
  return {
    id: `wh_${randomUUID()}`, workspaceId, url: 'https://crm.test/hook', secret: `whsec_${randomUUID()}`, description: 'CRM',
    events: ['lifecycle.changed'], active: true, createdAt: T0, updatedAt: T0, ...fields,
  };
}

function delivery(hook: Webhook, fields: Partial<WebhookDelivery> = {}): WebhookDelivery {
  const id = `dlv_${randomUUID()}`;
  return {
    id, workspaceId: hook.workspaceId, webhookId: hook.id, profileId: `prf_${randomUUID()}`, event: 'lifecycle.changed', payload: JSON.stringify({ id }),
    status: 'pending', attempts: 0, nextAttemptAt: T0, createdAt: T0, deliveredAt: null, log: [], ...fields,
  };
}

/** Writes deliveries the way ingest does: in a write transaction's ChangeSet. */
async function outbox(store: Store, workspaceId: string, deliveries: WebhookDelivery[]): Promise<void> {
  await store.write((tx) => tx.apply({ workspaceId, newProfiles: [], merges: [], identities: [], events: [], profiles: [], consents: [], counters: [], deliveries }));
}

const attempt = (at: number, status: number | null, error: string | null): DeliveryAttempt => ({ at, status, error, durationMs: 5 });

export function webhookContract(subject: () => StoreSubject): void {
  test('configuration documents are saved per workspace and kind, and replaced', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    assert.equal(await store.configs.get(ws, 'scoring'), null);
    await store.configs.put(ws, 'scoring', { engagement: { halfLifeDays: 30, rules: [] } }, T0);
    await store.configs.put(ws, 'scoring', { engagement: { halfLifeDays: 7, rules: [] } }, T0 + 1);
    assert.deepEqual(await store.configs.get(ws, 'scoring'), { engagement: { halfLifeDays: 7, rules: [] } });
    assert.equal(await store.configs.get(ws, 'lifecycle'), null);
    assert.equal(await store.configs.get(other, 'scoring'), null);
  });

  test('a configuration document is replaced only if it is still the one read', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const first = { goals: [{ id: 'signup', name: 'Sign-up', n: 1.5, nested: { list: [1, 'ü', null] } }] };
    assert.equal(await store.configs.replaceIf(ws, 'goals', null, first, T0), true, 'none saved yet');
    assert.equal(await store.configs.replaceIf(ws, 'goals', null, { goals: [] }, T0), false, 'saved meanwhile');
    const read = await store.configs.get(ws, 'goals');
    assert.deepEqual(read, first);
    const second = { goals: [...first.goals, { id: 'demo', name: 'Demo' }] };
    assert.equal(await store.configs.replaceIf(ws, 'goals', read, second, T0 + 1), true, 'unchanged since it was read');
    assert.equal(await store.configs.replaceIf(ws, 'goals', read, { goals: [] }, T0 + 2), false, 'changed since it was read');
    assert.deepEqual(await store.configs.get(ws, 'goals'), second);
    assert.equal(await store.configs.replaceIf(await newWorkspace(store), 'goals', read, second, T0), false, 'another workspace has none');
  });

  test('webhooks are created, read, listed, updated and deleted within their workspace', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const a = webhook(ws, { segmentIds: ['seg_1'] });
    const b = webhook(ws, { createdAt: T0 + 1, updatedAt: T0 + 1, events: ['segment.entered', 'segment.exited'], stages: ['lead'] });
    await store.webhooks.create(a);
    await store.webhooks.create(b);
    assert.deepEqual(await store.webhooks.get(ws, a.id), a);
    assert.deepEqual(await store.webhooks.list(ws), [a, b]);
    assert.equal(await store.webhooks.get(await newWorkspace(store), a.id), null, 'scoped to the workspace');
    const changed = { ...a, url: 'https://crm.test/v2', active: false, secret: 'whsec_rotated', updatedAt: T0 + 5 };
    delete changed.segmentIds;
    assert.equal(await store.webhooks.update(changed), true);
    assert.deepEqual(await store.webhooks.get(ws, a.id), changed);
    assert.equal(await store.webhooks.delete(ws, a.id), true);
    assert.equal(await store.webhooks.delete(ws, a.id), false);
    assert.equal(await store.webhooks.update(changed), false);
    await store.webhooks.delete(ws, b.id);
  });

  test('due deliveries are claimed once while leased, again after the lease, never for inactive webhooks', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const hook = webhook(ws);
    const paused = webhook(ws, { active: false });
    await store.webhooks.create(hook);
    await store.webhooks.create(paused);
    const first = delivery(hook, { nextAttemptAt: T0 });
    const later = delivery(hook, { nextAttemptAt: T0 + 60_000 });
    await outbox(store, ws, [first, later, delivery(paused)]);
    const mine = (claimed: Array<{ workspaceId: string; id: string }>) => claimed.filter((c) => c.workspaceId === ws).map((c) => c.id);

    assert.equal(await store.webhooks.nextDueAt() !== null, true);
    const claimed = await store.webhooks.claim({ now: T0 + 1000, limit: 10, leaseMs: 30_000, lease: 'L1' });
    assert.deepEqual(mine(claimed), [first.id], 'only what is due, and not the paused webhook’s');
    const row = claimed.find((c) => c.id === first.id)!;
    assert.equal(row.url, hook.url);
    assert.equal(row.secret, hook.secret);
    assert.equal(row.payload, first.payload);
    assert.deepEqual(mine(await store.webhooks.claim({ now: T0 + 2000, limit: 10, leaseMs: 30_000, lease: 'L2' })), [], 'leased');
    assert.deepEqual(mine(await store.webhooks.claim({ now: T0 + 31_000, limit: 10, leaseMs: 30_000, lease: 'L3' })), [first.id], 'the lease ran out');
    assert.equal(await store.webhooks.finish(first.id, 'L1', { attempt: attempt(T0 + 40_000, 200, null), status: 'delivered', nextAttemptAt: null }), false, 'a lost lease writes nothing');
    await store.webhooks.delete(ws, hook.id);
    await store.webhooks.delete(ws, paused.id);
  });

  test('attempts are logged; failures stay pending until the next attempt; success and death are final', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const hook = webhook(ws);
    await store.webhooks.create(hook);
    const d = delivery(hook);
    await outbox(store, ws, [d]);
    const [c1] = (await store.webhooks.claim({ now: T0, limit: 100, leaseMs: 1000, lease: 'A' })).filter((c) => c.id === d.id);
    assert.ok(c1);
    assert.equal(await store.webhooks.finish(d.id, 'A', { attempt: attempt(T0, 500, 'HTTP 500'), status: 'pending', nextAttemptAt: T0 + 5000 }), true);
    assert.deepEqual((await store.webhooks.claim({ now: T0 + 4000, limit: 100, leaseMs: 1000, lease: 'B' })).filter((c) => c.id === d.id), [], 'not yet due');
    const [c2] = (await store.webhooks.claim({ now: T0 + 5000, limit: 100, leaseMs: 1000, lease: 'C' })).filter((c) => c.id === d.id);
    assert.equal(c2!.attempts, 1);
    assert.equal(await store.webhooks.finish(d.id, 'C', { attempt: attempt(T0 + 5000, 204, null), status: 'delivered', nextAttemptAt: null }), true);
    const done = await store.webhooks.delivery(ws, d.id);
    assert.equal(done!.status, 'delivered');
    assert.equal(done!.attempts, 2);
    assert.equal(done!.deliveredAt, T0 + 5000);
    assert.deepEqual(done!.log, [attempt(T0, 500, 'HTTP 500'), attempt(T0 + 5000, 204, null)]);
    assert.deepEqual((await store.webhooks.claim({ now: T0 + 99_000, limit: 100, leaseMs: 1000, lease: 'D' })).filter((c) => c.id === d.id), []);

    assert.equal(await store.webhooks.redeliver(ws, d.id, T0 + 100_000), true);
    const again = await store.webhooks.delivery(ws, d.id);
    assert.deepEqual([again!.status, again!.attempts, again!.nextAttemptAt, again!.log.length], ['pending', 0, T0 + 100_000, 2], 'the log is kept');
    assert.equal(await store.webhooks.redeliver(ws, 'dlv_unknown', T0), false);
    await store.webhooks.delete(ws, hook.id);
    assert.equal(await store.webhooks.delivery(ws, d.id), null, 'deleting a webhook deletes its deliveries');
  });

  test('concurrent claims never hand out one delivery twice', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const hook = webhook(ws);
    await store.webhooks.create(hook);
    await outbox(store, ws, Array.from({ length: 30 }, () => delivery(hook)));
    const claims = await Promise.all(['P', 'Q', 'R'].map((lease) => store.webhooks.claim({ now: T0, limit: 12, leaseMs: 60_000, lease })));
    const ids = claims.flat().filter((c) => c.workspaceId === ws).map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, 30);
    await store.webhooks.delete(ws, hook.id);
  });

  test('the delivery log pages newest first and filters by status', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const hook = webhook(ws, { active: false });
    await store.webhooks.create(hook);
    const all = Array.from({ length: 5 }, () => delivery(hook));
    for (const d of all) await outbox(store, ws, [d]);
    const page1 = await store.webhooks.deliveries(ws, hook.id, { limit: 3 });
    assert.deepEqual(page1.deliveries.map((d) => d.id), all.slice(2).reverse().map((d) => d.id));
    const page2 = await store.webhooks.deliveries(ws, hook.id, { limit: 3, cursor: page1.nextCursor! });
    assert.deepEqual(page2.deliveries.map((d) => d.id), all.slice(0, 2).reverse().map((d) => d.id));
    assert.equal(page2.nextCursor, null);
    assert.equal((await store.webhooks.deliveries(ws, hook.id, { limit: 10, status: 'dead' })).deliveries.length, 0);
    assert.equal((await store.webhooks.deliveries(ws, hook.id, { limit: 10, status: 'pending' })).deliveries.length, 5);
    await store.webhooks.delete(ws, hook.id);
  });

  test('retention deletes finished deliveries created before the cut-off, never pending ones', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const hook = webhook(ws, { active: false });
    await store.webhooks.create(hook);
    const old = [delivery(hook, { createdAt: T0 }), delivery(hook, { createdAt: T0 }), delivery(hook, { createdAt: T0 })];
    const recent = delivery(hook, { createdAt: T0 + 10_000 });
    await outbox(store, ws, [...old, recent]);
    await store.webhooks.update({ ...hook, active: true });
    const claimed = (await store.webhooks.claim({ now: T0 + 20_000, limit: 100, leaseMs: 1000, lease: 'R' })).filter((c) => c.workspaceId === ws);
    assert.equal(claimed.length, 4);
    for (const [i, d] of [old[0]!, old[1]!, recent].entries()) {
      await store.webhooks.finish(d.id, 'R', { attempt: attempt(T0 + 20_000, 500, 'HTTP 500'), status: i === 1 ? 'dead' : 'delivered', nextAttemptAt: null });
    }
    await store.webhooks.finish(old[2]!.id, 'R', { attempt: attempt(T0 + 20_000, 500, 'HTTP 500'), status: 'pending', nextAttemptAt: T0 + 99_000 });
    // old[0] delivered at T0 + 20 s: kept until the cut-off passes its delivery too.
    assert.equal(await store.webhooks.purgeFinished(T0 + 5_000, 100), 1, 'only the dead one: the delivered one was delivered after the cut-off');
    assert.equal(await store.webhooks.purgeFinished(T0 + 30_000, 100), 2);
    const left = (await store.webhooks.deliveries(ws, hook.id, { limit: 10 })).deliveries.map((d) => d.id);
    assert.deepEqual(left, [old[2]!.id], 'the pending one stays');
    await store.webhooks.delete(ws, hook.id);
  });

  test('erasure deletes the deliveries about the person; export finds them first', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'identify', userId: 'u-erase', traits: { email: 'erase@acme.test' } }]);
    const profileId = await profileOf(store, ws, 'u-erase');
    const hook = webhook(ws, { active: false });
    await store.webhooks.create(hook);
    const about = delivery(hook, { profileId, payload: JSON.stringify({ profile: { id: profileId, email: 'erase@acme.test' } }) });
    const other = delivery(hook);
    await outbox(store, ws, [about, other]);
    assert.deepEqual((await store.webhooks.deliveriesOf(ws, [profileId])).map((d) => d.id), [about.id]);
    await store.privacy.erase(ws, profileId, { tombstone: null, at: T0 });
    assert.equal(await store.webhooks.delivery(ws, about.id), null);
    assert.notEqual(await store.webhooks.delivery(ws, other.id), null, 'other people’s deliveries stay');
    await store.webhooks.delete(ws, hook.id);
  });

  test('a message webhook keeps its tags; its claimed deliveries carry them, are deferred without an attempt, and can be suppressed', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const hook = webhook(ws, { message: { tags: ['newsletter'] } });
    const plain = webhook(ws, { createdAt: T0 + 1 });
    await store.webhooks.create(hook);
    await store.webhooks.create(plain);
    assert.deepEqual(await store.webhooks.get(ws, hook.id), hook);
    const cleared = { ...hook, updatedAt: T0 + 2 };
    delete cleared.message;
    await store.webhooks.update(cleared);
    assert.deepEqual(await store.webhooks.get(ws, hook.id), cleared);
    await store.webhooks.update(hook);
    const d = delivery(hook);
    const p = delivery(plain);
    await outbox(store, ws, [d, p]);
    const claimed = (await store.webhooks.claim({ now: T0, limit: 1000, leaseMs: 60_000, lease: 'L' })).filter((c) => c.workspaceId === ws);
    assert.deepEqual(claimed.map((c) => [c.id, c.message]).sort(), [[d.id, { tags: ['newsletter'] }], [p.id, null]].sort());
    assert.equal(await store.webhooks.defer(d.id, 'other', T0 + 50_000), false, 'only while the lease is the caller’s');
    assert.equal(await store.webhooks.defer(d.id, 'L', T0 + 50_000), true);
    const deferred = await store.webhooks.delivery(ws, d.id);
    assert.deepEqual([deferred?.status, deferred?.attempts, deferred?.nextAttemptAt, deferred?.log], ['pending', 0, T0 + 50_000, []]);
    assert.equal((await store.webhooks.claim({ now: T0 + 49_999, limit: 1000, leaseMs: 60_000, lease: 'M' })).some((c) => c.id === d.id), false, 'not due before');
    const again = await store.webhooks.claim({ now: T0 + 50_000, limit: 1000, leaseMs: 60_000, lease: 'M' });
    assert.ok(again.some((c) => c.id === d.id), 'due again, its lease released');
    assert.equal(await store.webhooks.finish(d.id, 'M', { attempt: attempt(T0 + 50_000, null, 'suppressed: frequency cap'), status: 'suppressed', nextAttemptAt: null }), true);
    assert.equal((await store.webhooks.deliveries(ws, hook.id, { limit: 10, status: 'suppressed' })).deliveries[0]?.log[0]?.error, 'suppressed: frequency cap');
    await store.webhooks.delete(ws, hook.id);
    await store.webhooks.delete(ws, plain.id);
  });
}
