/**
 * Contract: the store's side of undoing a merge (ports/unmerge-store.ts). The merge is made by
 * the real ingest pipeline; the undo moves the rows a plan names, revives the merged profile, marks
 * the log entry undone, and holds off the workspace's ingest while it runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../ports/store.js';
import { createHash, randomUUID } from 'node:crypto';
import { createIdentityGuard } from '../../core/identity/identity-key.js';
import { validateConsentRequest } from '../../core/privacy/consent-event.js';
import { T0, ingest, newWorkspace, profileOf, send, timeline, type StoreSubject } from './contract-fixtures.js';

/** Two people merged by a wrong alias: Ann's profile (crm-ann) into Tom's (web-tom). */
async function mergedPair(store: Store, ws: string) {
  await send(store, ws, [
    { type: 'identify', userId: 'web-tom', traits: { name: 'Tom' }, at: T0 },
    { type: 'identify', userId: 'crm-ann', anonymousId: 'ann-phone', traits: { name: 'Ann' }, at: T0 + 1 },
  ]);
  const consent = validateConsentRequest({ userId: 'crm-ann', purposes: { personalization: true }, channel: 'api' }, {
    workspaceId: ws, receivedAt: T0 + 2, guard: createIdentityGuard(), purposes: new Set(['personalization']), newMessageId: randomUUID,
    hashText: (text) => createHash('sha256').update(text).digest('hex'), request: {},
  });
  if (!consent.ok) throw new Error(JSON.stringify(consent.issues));
  await ingest(store, ws, [consent.event]);
  const tom = await profileOf(store, ws, 'web-tom');
  const ann = await profileOf(store, ws, 'crm-ann');
  await send(store, ws, [{ type: 'alias', previousId: 'crm-ann', userId: 'web-tom', at: T0 + 3 }]);
  await send(store, ws, [{ type: 'track', anonymousId: 'ann-phone', event: 'Invoice Paid', at: T0 + 4 }]);
  return { tom, ann };
}

export function unmergeContract(subject: () => StoreSubject): void {
  test('reads the merge log in order, the survivor\'s events with their original profile, and its consent records', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const { tom, ann } = await mergedPair(store, ws);
    await store.write(async (tx) => {
      await tx.unmerges.lock(ws);
      const log = await tx.unmerges.merges(ws, [tom, 'nobody']);
      assert.deepEqual(log.map((m) => [m.survivorId, m.mergedId, m.undone]), [[tom, ann, undefined]]);
      assert.equal(typeof log[0]!.seq, 'number');
      assert.deepEqual(log[0]!.snapshot.identities.map((i) => i.value).sort(), ['ann-phone', 'crm-ann']);
      assert.deepEqual(await tx.unmerges.merges(ws, []), []);
      const events = await tx.unmerges.eventsOf(ws, tom);
      const byName = (name: string) => events.find((e) => (e.name ?? e.type) === name);
      assert.equal(byName('Invoice Paid')?.originalProfileId, tom, 'sent after the merge: first stored for the survivor');
      assert.equal(events.filter((e) => e.type === 'identify' && e.originalProfileId === ann).length, 1);
      assert.ok(events.every((e, i) => i === 0 || events[i - 1]!.timestamp <= e.timestamp), 'oldest first');
      const consents = await tx.unmerges.consentsOf(ws, tom);
      assert.equal(consents.length, 1);
      assert.deepEqual(consents[0]!.purposes, { personalization: true });
    });
  });

  test('apply revives the merged profile, moves what the plan names, marks the log entry undone; ingest follows the new owners', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const { tom, ann } = await mergedPair(store, ws);
    const { invoice, annEvents } = await store.write(async (tx) => {
      await tx.unmerges.lock(ws);
      // Loaded (and cached) before the undo, as the service does.
      await tx.loadProfiles(ws, [tom]);
      const [merge] = await tx.unmerges.merges(ws, [tom]);
      const events = await tx.unmerges.eventsOf(ws, tom);
      const invoice = events.find((e) => e.name === 'Invoice Paid')!.messageId;
      const annEvents = events.filter((e) => e.originalProfileId === ann).map((e) => e.messageId);
      await tx.unmerges.apply({
        workspaceId: ws, seq: merge!.seq, survivorId: tom, restoredId: ann, redirect: [],
        identities: [{ kind: 'user_id', value: 'crm-ann' }], removed: [{ kind: 'anonymous_id', value: 'ann-phone' }],
        events: [...annEvents, invoice], at: T0 + 10, cause: 'manual:key_1',
      });
      const loaded = await tx.loadProfiles(ws, [ann, tom]);
      assert.equal(loaded.get(ann)?.id, ann, 'live again within the transaction');
      assert.deepEqual(loaded.get(ann)?.identities.map((i) => i.value), ['crm-ann']);
      assert.deepEqual(loaded.get(tom)?.identities.map((i) => i.value), ['web-tom'], 'the survivor was reloaded, not served stale from a cache');
      return { invoice, annEvents };
    });
    assert.equal(await store.profiles.resolve(ws, ann), ann);
    assert.equal(await store.profiles.resolve(ws, 'crm-ann'), ann);
    assert.equal(await store.profiles.resolve(ws, 'ann-phone'), null, 'removed');
    const annTimeline = (await timeline(store, ws, ann)).map((e) => e.messageId).sort();
    assert.deepEqual(annTimeline, [...annEvents, invoice].sort());
    assert.ok((await timeline(store, ws, tom)).every((e) => !annTimeline.includes(e.messageId)));
    assert.equal((await store.privacy.consents(ws, ann)).length, 1, 'the consent record went with its event');
    assert.equal((await store.privacy.consents(ws, tom)).length, 0);
    const log = await store.profiles.merges(ws, tom);
    assert.deepEqual(log.map((m) => m.undone), [{ at: T0 + 10, cause: 'manual:key_1' }]);

    await send(store, ws, [{ type: 'track', userId: 'crm-ann', event: 'Logged In', at: T0 + 20 }, { type: 'track', anonymousId: 'ann-phone', event: 'Opened', at: T0 + 21 }]);
    assert.ok((await timeline(store, ws, ann)).some((e) => e.name === 'Logged In'), 'the moved identity\'s owner is the restored profile');
    assert.notEqual(await profileOf(store, ws, 'ann-phone'), tom, 'the removed identity has no owner: a new profile');
  });

  test('lock holds off the workspace\'s ingest until the undo is committed', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const { tom, ann } = await mergedPair(store, ws);
    let concurrent: Promise<unknown> | undefined;
    await store.write(async (tx) => {
      await tx.unmerges.lock(ws);
      const [merge] = await tx.unmerges.merges(ws, [tom]);
      // An event of Ann's arrives while the undo runs; it must not be assigned to Tom.
      concurrent ??= send(store, ws, [{ type: 'track', userId: 'crm-ann', event: 'Meanwhile', at: T0 + 30 }]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await tx.unmerges.apply({
        workspaceId: ws, seq: merge!.seq, survivorId: tom, restoredId: ann, redirect: [],
        identities: [{ kind: 'user_id', value: 'crm-ann' }, { kind: 'anonymous_id', value: 'ann-phone' }], removed: [], events: [], at: T0 + 31, cause: 'manual:key_1',
      });
    });
    await concurrent;
    assert.ok((await timeline(store, ws, ann)).some((e) => e.name === 'Meanwhile'));
    assert.ok((await timeline(store, ws, tom)).every((e) => e.name !== 'Meanwhile'));
  });
}
