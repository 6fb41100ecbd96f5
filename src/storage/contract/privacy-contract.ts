/**
 * Contract: the privacy part of the store (ports/privacy-store.ts) and the privacy fields of a
 * ChangeSet: settings, the workspace secret, the consent ledger (appended, moved on merge), the
 * per-day counters and the audit log. Erasure and retention: erasure-contract.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { TesseraError } from '../../core/errors.js';
import type { ConsentRecord } from '../../core/privacy/consent.js';
import { DEFAULT_PRIVACY_SETTINGS, type PrivacySettings } from '../../core/privacy/privacy-settings.js';
import type { AuditEntry, PrivacyCounter } from '../../ports/privacy-store.js';
import type { ChangeSet, Store } from '../../ports/store.js';
import { T0, newWorkspace, profileOf, send, type StoreSubject } from './contract-fixtures.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A ChangeSet that only appends consent records and adds counters. */
export function privacyChanges(workspaceId: string, consents: ConsentRecord[], counters: PrivacyCounter[] = []): ChangeSet {
  return { workspaceId, newProfiles: [], merges: [], identities: [], events: [], profiles: [], consents, counters };
}

export function consentRecord(workspaceId: string, profileId: string, fields: Partial<ConsentRecord> & { at: number }): ConsentRecord {
  return {
    workspaceId, profileId, messageId: `consent-${fields.at}`, purposes: { personalization: true }, channel: 'banner', wording: null,
    evidence: {}, request: {}, receivedAt: fields.at + 5, ...fields,
  };
}

const auditsOf = async (store: Store, workspaceId: string, limit: number) => {
  const pages: AuditEntry[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.privacy.auditLog(workspaceId, { limit, ...(cursor ? { cursor } : {}) });
    pages.push(page.entries);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
};

export function privacyContract(subject: () => StoreSubject): void {
  test('settings: none until saved, then what was saved, replaced by the next save', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    assert.equal(await store.privacy.getSettings(ws), null);
    const first: PrivacySettings = { ...DEFAULT_PRIVACY_SETTINGS, ip: 'hash', gpcPurposes: [], erasedIdentifiers: 'refuse' };
    await store.privacy.putSettings(ws, first, T0);
    assert.deepEqual(await store.privacy.getSettings(ws), first);
    const second: PrivacySettings = { ...first, userAgent: 'drop', purposes: first.purposes.map((p) => ({ ...p, retentionDays: 30, description: 'ünïcödé ✓' })) };
    await store.privacy.putSettings(ws, second, T0 + 1);
    assert.deepEqual(await store.privacy.getSettings(ws), second);
    assert.equal(await store.privacy.getSettings(await newWorkspace(store)), null, 'settings belong to their workspace');
  });

  test('the secret is stored once: a later candidate, saving settings or a concurrent first call do not replace it', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    assert.equal(await store.privacy.secret(ws, 'first-secret'), 'first-secret');
    assert.equal(await store.privacy.secret(ws, 'second-secret'), 'first-secret');
    assert.equal(await store.privacy.getSettings(ws), null, 'storing the secret saves no settings');
    await store.privacy.putSettings(ws, DEFAULT_PRIVACY_SETTINGS, T0);
    assert.equal(await store.privacy.secret(ws, 'third-secret'), 'first-secret');
    assert.deepEqual(await store.privacy.getSettings(ws), DEFAULT_PRIVACY_SETTINGS, 'storing the secret keeps the settings');

    const raced = await newWorkspace(store);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => store.privacy.secret(raced, `candidate-${i}`)));
    assert.equal(new Set(answers).size, 1, `one secret for everyone: ${answers}`);
    assert.match(answers[0]!, /^candidate-\d$/);
    assert.equal(await store.privacy.secret(ws, 'x'), 'first-secret', 'secrets belong to their workspace');
  });

  test('a stored secret is read inside a write transaction without waiting for it to end', async () => {
    // The privacy context is loaded again every few seconds, also by an ingest step inside the batch's
    // transaction; a read that queued behind the writer waited on itself and stopped ingest for good.
    const { store } = subject();
    const ws = await newWorkspace(store);
    await store.privacy.secret(ws, 'the-secret');
    let timer: NodeJS.Timeout | undefined;
    const waitedOnItself = new Promise<string>((resolve) => { timer = setTimeout(() => resolve('no answer within 5 s'), 5_000); });
    try {
      const inside = await store.write(async () => Promise.race([store.privacy.secret(ws, 'other'), waitedOnItself]));
      assert.equal(inside, 'the-secret');
    } finally {
      clearTimeout(timer);
    }
  });

  test('consent records are appended to the ledger, oldest first; a published wording text is kept once per hash, any other only on its record', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'page', anonymousId: 'cs-1', at: T0 }, { type: 'page', anonymousId: 'cs-2', at: T0 }]);
    const [p1, p2] = [await profileOf(store, ws, 'cs-1'), await profileOf(store, ws, 'cs-2')];
    const [h1, h2] = [sha256('Personalise?'), sha256('New text')];
    const r1 = consentRecord(ws, p1, {
      at: T0 + 10, wording: { version: 'v1', hash: h1, text: 'Personalise?', published: true }, evidence: { token: 'e-1', nested: { ok: true } }, request: { ip: '192.0.2.0', ua: 'Firefox 128' },
    });
    const r2 = consentRecord(ws, p2, { at: T0 + 20, purposes: { analytics: false, email_marketing: true }, channel: 'api', wording: { version: 'v1', hash: h1 } });
    const r3 = consentRecord(ws, p2, { at: T0 + 30, purposes: { advertising: false }, channel: 'gpc', evidence: { signal: 'Sec-GPC: 1' } });
    const r4 = consentRecord(ws, p1, { at: T0 + 40, wording: { version: 'v2', hash: h2 } });
    const r5 = consentRecord(ws, p1, { at: T0 + 50, purposes: { personalization: false }, wording: { version: 'v2', hash: h2, text: 'New text' } });
    await store.write((tx) => tx.apply(privacyChanges(ws, [r1, r2])));
    await store.write((tx) => tx.apply(privacyChanges(ws, [r3])));
    await store.write((tx) => tx.apply(privacyChanges(ws, [r4])));
    assert.deepEqual(await store.privacy.consents(ws, p1), [r1, r4], 'no text was sent for v2 yet');
    await store.write((tx) => tx.apply(privacyChanges(ws, [r5])));

    const withText = (r: ConsentRecord, text: string): ConsentRecord => ({ ...r, wording: { ...r.wording!, text, published: true } });
    // 'New text' is no published wording (a client's own, perhaps naming the person): it stays on
    // r5 alone, erased and exported with its person, and never fills in r4.
    assert.deepEqual(await store.privacy.consents(ws, p1), [r1, r4, r5], 'an unpublished text is shown for its own record only');
    assert.deepEqual(await store.privacy.consents(ws, p2), [withText(r2, 'Personalise?'), r3], 'the published text is shown for every record of its hash');
    assert.deepEqual(await store.privacy.consents(await newWorkspace(store), p1), [], 'the ledger belongs to its workspace');

    // A merge moves the merged profile's records to the survivor; the ledger stays in append order.
    await send(store, ws, [{ type: 'identify', anonymousId: 'cs-1', traits: { email: 'cs@example.com' }, at: T0 + 60 }]);
    await send(store, ws, [{ type: 'identify', anonymousId: 'cs-2', traits: { email: 'cs@example.com' }, at: T0 + 70 }]);
    const survivor = await profileOf(store, ws, 'cs-2');
    assert.equal(await profileOf(store, ws, 'cs-1'), survivor);
    const merged = survivor === p1 ? p2 : p1;
    const all = [r1, withText(r2, 'Personalise?'), r3, r4, r5].map((r) => ({ ...r, profileId: survivor }));
    assert.deepEqual(await store.privacy.consents(ws, survivor), all);
    assert.deepEqual(await store.privacy.consents(ws, merged), []);
  });

  test('counters add up per day, kind and name, and are read by an inclusive day range in order', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const c = (day: string, kind: PrivacyCounter['kind'], name: string, count: number): PrivacyCounter => ({ day, kind, name, count });
    await store.write((tx) => tx.apply(privacyChanges(ws, [], [
      c('2024-02-28', 'withheld_event', 'Order', 2), c('2024-02-29', 'undeclared_trait', 'zip', 1), c('2024-03-01', 'withheld_event', 'Order', 1),
      c('2024-02-29', 'withheld_event', 'Order', 1), c('2024-02-29', 'withheld_event', 'alpha', 1), c('2024-02-29', 'withheld_event', 'Zeta', 1),
    ])));
    await store.write((tx) => tx.apply(privacyChanges(ws, [], [c('2024-02-29', 'withheld_event', 'Order', 4), c('2024-02-29', 'refused_erased', 'page', 2)])));
    const other = await newWorkspace(store);
    await store.write((tx) => tx.apply(privacyChanges(other, [], [c('2024-02-29', 'withheld_event', 'Order', 100)])));

    assert.deepEqual(await store.privacy.counters(ws, '2024-02-29', '2024-02-29'), [
      c('2024-02-29', 'refused_erased', 'page', 2), c('2024-02-29', 'undeclared_trait', 'zip', 1),
      c('2024-02-29', 'withheld_event', 'Order', 5), c('2024-02-29', 'withheld_event', 'Zeta', 1), c('2024-02-29', 'withheld_event', 'alpha', 1),
    ], 'names in byte order (capitals first), as SQLite compares them');
    assert.deepEqual((await store.privacy.counters(ws, '2024-01-01', '2024-12-31')).map((k) => k.day), [
      '2024-02-28', '2024-02-29', '2024-02-29', '2024-02-29', '2024-02-29', '2024-02-29', '2024-03-01',
    ]);
    // Bounds that are not calendar days mean what they mean compared as text.
    assert.deepEqual((await store.privacy.counters(ws, '2024-02-30', '2024-03-31')).map((k) => k.day), ['2024-03-01']);
    assert.deepEqual((await store.privacy.counters(ws, '2024-02-00', '2024-02-28')).map((k) => k.day), ['2024-02-28']);
    assert.deepEqual((await store.privacy.counters(ws, '2024-01-01', '2024-02-30')).length, 6);
    assert.deepEqual(await store.privacy.counters(ws, '2024-03-01', '2024-02-28'), [], 'an empty range');
  });

  test('concurrent batches adding to one counter lose no count', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const bump = { day: '2024-03-02', kind: 'undeclared_event', name: 'Clicked', count: 1 } as const;
    await Promise.all(Array.from({ length: 12 }, () => store.write((tx) => tx.apply(privacyChanges(ws, [], [bump, { ...bump, name: 'Viewed', count: 2 }])))));
    assert.deepEqual(await store.privacy.counters(ws, '2024-03-02', '2024-03-02'), [{ ...bump, count: 12 }, { ...bump, name: 'Viewed', count: 24 }]);
  });

  test('a failed write appends no consent record and adds to no counter', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'page', anonymousId: 'fail-1', at: T0 }]);
    const p = await profileOf(store, ws, 'fail-1');
    await assert.rejects(store.write(async (tx) => {
      await tx.apply(privacyChanges(ws, [consentRecord(ws, p, { at: T0 + 1 })], [{ day: '2024-01-01', kind: 'withheld_event', name: 'X', count: 1 }]));
      throw new Error('work failed');
    }), /work failed/);
    assert.deepEqual(await store.privacy.consents(ws, p), []);
    assert.deepEqual(await store.privacy.counters(ws, '2024-01-01', '2024-01-01'), []);
  });

  test('the audit log pages newest first with cursors, per workspace; a foreign cursor is an invalid query', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const entries: AuditEntry[] = Array.from({ length: 7 }, (_, i) => ({
      workspaceId: ws, at: T0 + Math.floor(i / 2) * 1000, actor: i % 2 ? 'key_1' : 'cli', action: i === 6 ? 'profile.erase' : 'profile.read',
      subject: i === 3 ? null : `prf_${i}`, details: { i, nested: { list: [1, 'two', null] }, text: 'ünïcödé' },
    }));
    for (const e of entries) await store.privacy.audit(e);
    await store.privacy.audit({ ...entries[0]!, workspaceId: await newWorkspace(store) });

    const pages = await auditsOf(store, ws, 3);
    assert.deepEqual(pages.map((p) => p.length), [3, 3, 1]);
    assert.deepEqual(pages.flat(), [...entries].reverse(), 'newest (last written) first, entries as written');
    const whole = await store.privacy.auditLog(ws, { limit: 7 });
    assert.equal(whole.entries.length, 7);
    assert.equal(whole.nextCursor, null, 'a page that ends the log has no cursor');
    await assert.rejects(store.privacy.auditLog(ws, { limit: 3, cursor: 'not-a-cursor' }), (e: unknown) => e instanceof TesseraError && e.code === 'invalid_query');
  });
}
