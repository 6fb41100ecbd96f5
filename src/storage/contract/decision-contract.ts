/** Contract: personalization slots, decision settings and exposure counters (ports/decision-store.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DECISION_SETTINGS } from '../../core/decisions/decision-settings.js';
import { emptyCounters, recordDismiss, recordEvent, recordExposure, slotKey, type ExposureCounters } from '../../core/decisions/exposure-counters.js';
import type { Slot } from '../../core/decisions/slot.js';
import { MAX_COUNTERS_BYTES } from '../../ports/decision-store.js';
import { randomUUID } from 'node:crypto';
import { createIdentityGuard } from '../../core/identity/identity-key.js';
import { createProcessBatch } from '../../ingest/process-batch.js';
import type { Store } from '../../ports/store.js';
import { T0, events, newWorkspace, privacyContexts, profileOf, send, type StoreSubject } from './contract-fixtures.js';

/** Ingest as the server runs it with slots: `watched` answers what the workspace's slots watch (null: no slots). */
async function sendWithSlots(store: Store, workspaceId: string, watched: ReadonlySet<string> | null, inputs: Parameters<typeof events>[1]) {
  const processBatch = createProcessBatch({
    guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId: () => `tessera-${randomUUID()}`,
    slots: { watchedEvents: async () => watched },
  });
  const privacy = await privacyContexts(store).get(workspaceId);
  return store.write((tx) => processBatch(tx, workspaceId, events(workspaceId, inputs), privacy));
}

const slot = (workspaceId: string, id: string, over: Partial<Slot> = {}): Slot => ({
  workspaceId, id, name: `Slot ${id}`, channel: 'web', defaultVariantId: 'a', rules: [], strategy: { kind: 'rules' }, depthCeiling: 'individual', explain: false,
  variants: [{ id: 'a', body: 'Hello {{traits.firstName | "there"}}', format: 'text', payload: { nested: [1, 'two'] } }],
  createdAt: T0, updatedAt: T0, ...over,
});

const seen = (c: ExposureCounters, slotId: string, at: number) => recordExposure(c, { slotId, variantId: 'a', tags: ['promo'], ruleId: 'r1', at });

export function decisionContract(subject: () => StoreSubject): void {
  test('slots: put creates at version 1, a replace keeps createdAt and bumps the version; list, get, delete per workspace', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    const created = await store.decisions.putSlot(slot(ws, 'hero'));
    assert.deepEqual(created, { ...slot(ws, 'hero'), version: 1 });
    await store.decisions.putSlot(slot(ws, 'cta', { createdAt: T0 + 1, updatedAt: T0 + 1 }));
    const replaced = await store.decisions.putSlot(slot(ws, 'hero', { name: 'Hero v2', createdAt: T0 + 50, updatedAt: T0 + 50 }));
    assert.equal(replaced.version, 2);
    assert.equal(replaced.createdAt, T0, 'the first createdAt stays');
    assert.equal(replaced.updatedAt, T0 + 50);
    assert.equal(replaced.name, 'Hero v2');
    assert.equal((await store.decisions.putSlot(slot(ws, 'hero', { updatedAt: T0 + 50 }))).version, 3, 'the same updatedAt still gets a new version');
    assert.deepEqual((await store.decisions.listSlots(ws)).map((s) => [s.id, s.version]), [['hero', 3], ['cta', 1]]);
    assert.deepEqual(await store.decisions.listSlots(other), []);
    assert.equal(await store.decisions.getSlot(other, 'hero'), null);
    assert.deepEqual((await store.decisions.getSlot(ws, 'cta'))?.variants, slot(ws, 'cta').variants, 'the definition comes back as stored');
    assert.equal(await store.decisions.deleteSlot(ws, 'hero'), true);
    assert.equal(await store.decisions.deleteSlot(ws, 'hero'), false);
    assert.equal(await store.decisions.getSlot(ws, 'hero'), null);
  });

  test('decision settings: null until set, then as put, per workspace', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    assert.equal(await store.decisions.getSettings(ws), null);
    const settings = { ...DEFAULT_DECISION_SETTINGS, minSegmentSize: 5, tagCaps: { promo: [{ max: 3, window: '1d' }] } };
    await store.decisions.putSettings(ws, settings, T0);
    assert.deepEqual(await store.decisions.getSettings(ws), settings);
    assert.equal(await store.decisions.getSettings(other), null);
    await store.decisions.putSettings(ws, DEFAULT_DECISION_SETTINGS, T0 + 1);
    assert.deepEqual(await store.decisions.getSettings(ws), DEFAULT_DECISION_SETTINGS);
  });

  test('exposure counters: put and get by profile, replaced whole, listed for export; an oversized record is refused', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    assert.equal(await store.decisions.getCounters(ws, 'prf_none'), null);
    let c = seen(emptyCounters(), 'hero', T0);
    c = recordDismiss(recordEvent(c, 'Form Submitted', T0 + 1), '__proto__', T0 + 2);
    await store.decisions.putCounters(ws, { profileId: 'prf_a', counters: c, updatedAt: T0 + 3 });
    const back = await store.decisions.getCounters(ws, 'prf_a');
    assert.deepEqual(back, c);
    assert.ok(Object.hasOwn(back!.dismissed, '__proto__'), 'a client-given key stays an own entry');
    const later = seen(c, 'hero', T0 + 10);
    await store.decisions.putCounters(ws, { profileId: 'prf_a', counters: later, updatedAt: T0 + 10 });
    assert.deepEqual((await store.decisions.getCounters(ws, 'prf_a'))?.exposures[slotKey('hero')], [T0, T0 + 10]);
    assert.deepEqual(await store.decisions.countersOf(ws, ['prf_a', 'prf_b']), [{ profileId: 'prf_a', counters: later, updatedAt: T0 + 10 }]);
    const huge: ExposureCounters = { ...emptyCounters(), lastEvents: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`event-${i}-${'x'.repeat(20)}`, T0])) };
    assert.ok(JSON.stringify(huge).length > MAX_COUNTERS_BYTES);
    await assert.rejects(store.decisions.putCounters(ws, { profileId: 'prf_a', counters: huge, updatedAt: T0 + 11 }));
    assert.deepEqual(await store.decisions.getCounters(ws, 'prf_a'), later, 'nothing written');
  });

  test('a merge folds the merged profile\'s counters into the survivor\'s (mergeCounters) and deletes the merged record', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'identify', anonymousId: 'dc-phone', at: T0 }]);
    await send(store, ws, [{ type: 'identify', anonymousId: 'dc-laptop', userId: 'dc-user', at: T0 }]);
    const phone = await profileOf(store, ws, 'dc-phone');
    const laptop = await profileOf(store, ws, 'dc-user');
    await store.decisions.putCounters(ws, { profileId: phone, counters: recordDismiss(seen(emptyCounters(), 'hero', T0 + 1), 'hero', T0 + 5), updatedAt: T0 + 5 });
    await store.decisions.putCounters(ws, { profileId: laptop, counters: recordDismiss(seen(emptyCounters(), 'hero', T0 + 2), 'hero', T0 + 3), updatedAt: T0 + 3 });
    await send(store, ws, [{ type: 'identify', anonymousId: 'dc-phone', userId: 'dc-user', at: T0 + 10 }]);
    const person = await profileOf(store, ws, 'dc-user');
    const gone = person === laptop ? phone : laptop;
    const merged = await store.decisions.getCounters(ws, person);
    assert.deepEqual(merged?.exposures[slotKey('hero')], [T0 + 1, T0 + 2], 'exposures add up');
    assert.equal(merged?.dismissed.hero, T0 + 5, 'the latest dismiss wins');
    assert.equal(await store.decisions.getCounters(ws, gone), null);
    assert.equal((await store.decisions.countersOf(ws, [person, gone])).length, 1);
  });

  test('a merge moves counters to a survivor that had none', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'identify', anonymousId: 'dm-phone', at: T0 }]);
    await send(store, ws, [{ type: 'identify', anonymousId: 'dm-laptop', userId: 'dm-user', at: T0 }]);
    const phone = await profileOf(store, ws, 'dm-phone');
    const laptop = await profileOf(store, ws, 'dm-user');
    const counters = seen(emptyCounters(), 'cta', T0 + 1);
    await store.decisions.putCounters(ws, { profileId: phone, counters: counters, updatedAt: T0 + 1 });
    await store.decisions.putCounters(ws, { profileId: laptop, counters: counters, updatedAt: T0 + 1 });
    await send(store, ws, [{ type: 'identify', anonymousId: 'dm-phone', userId: 'dm-user', at: T0 + 10 }]);
    const person = await profileOf(store, ws, 'dm-user');
    assert.deepEqual((await store.decisions.countersOf(ws, [phone, laptop])).map((c) => c.profileId), [person]);
  });

  test('erasure deletes the person\'s counters and nobody else\'s', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'identify', anonymousId: 'de-user-a', userId: 'de-user', at: T0 }]);
    await send(store, ws, [{ type: 'identify', userId: 'de-other', at: T0 }]);
    const person = await profileOf(store, ws, 'de-user');
    const other = await profileOf(store, ws, 'de-other');
    await store.decisions.putCounters(ws, { profileId: person, counters: seen(emptyCounters(), 'hero', T0), updatedAt: T0 });
    await store.decisions.putCounters(ws, { profileId: other, counters: seen(emptyCounters(), 'hero', T0), updatedAt: T0 });
    await store.privacy.erase(ws, person, { tombstone: null, at: T0 + 10 });
    assert.equal(await store.decisions.getCounters(ws, person), null);
    assert.ok(await store.decisions.getCounters(ws, other));
  });

  test('ingest: Slot Viewed, Slot Dismissed and watched events update the counters in the batch, after the batch\'s merge folded them', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'identify', anonymousId: 'di-phone', at: T0 }]);
    await send(store, ws, [{ type: 'identify', anonymousId: 'di-laptop', userId: 'di-user', at: T0 }]);
    const phone = await profileOf(store, ws, 'di-phone');
    const laptop = await profileOf(store, ws, 'di-user');
    await store.decisions.putCounters(ws, { profileId: phone, counters: seen(emptyCounters(), 'hero', T0 + 1), updatedAt: T0 + 1 });
    await sendWithSlots(store, ws, new Set(['form submitted']), [
      { type: 'track', anonymousId: 'di-phone', event: 'Slot Viewed', properties: { slot: 'hero', variant: 'a', ruleId: 'r1', tags: ['promo'] }, at: T0 + 5 },
      { type: 'identify', anonymousId: 'di-phone', userId: 'di-user', at: T0 + 6 },
      { type: 'track', userId: 'di-user', event: 'Slot Dismissed', properties: { slot: 'hero' }, at: T0 + 7 },
      { type: 'track', userId: 'di-user', event: 'Form Submitted', at: T0 + 8 },
      { type: 'track', userId: 'di-user', event: 'Other Thing', at: T0 + 9 },
      { type: 'track', userId: 'di-user', event: 'Slot Viewed', properties: { slot: 'hero', variant: 'a', ruleId: 'default' }, at: T0 + 10 },
      { type: 'track', userId: 'di-user', event: 'Slot Viewed', properties: { slot: 'bad id!', variant: 'a' }, at: T0 + 11 },
    ]);
    const person = await profileOf(store, ws, 'di-user');
    assert.ok(person === phone || person === laptop);
    const c = await store.decisions.getCounters(ws, person);
    assert.deepEqual(c?.exposures[slotKey('hero')], [T0 + 1, T0 + 5], 'the phone\'s record folded in, then this batch\'s exposure; the default\'s and a malformed one count nothing');
    assert.deepEqual(c?.exposures['t:promo'], [T0 + 1, T0 + 5]);
    assert.equal(c?.dismissed.hero, T0 + 7);
    assert.deepEqual(c?.lastEvents, { 'form submitted': T0 + 8 });
    assert.deepEqual((await store.decisions.countersOf(ws, [phone, laptop])).map((r) => r.profileId), [person]);
  });

  test('ingest: a workspace without slots keeps no counters', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await sendWithSlots(store, ws, null, [{ type: 'track', userId: 'dn-user', event: 'Slot Viewed', properties: { slot: 'hero', variant: 'a', ruleId: 'r1' }, at: T0 }]);
    assert.equal(await store.decisions.getCounters(ws, await profileOf(store, ws, 'dn-user')), null);
  });
}
