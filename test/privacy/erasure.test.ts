/**
 * Right to erasure (GDPR Art. 17), checked below the API: a person is erased by their email, then
 * every row of every table of the database is searched for each of their identifiers and for each
 * distinctive value they gave (traits, event properties, consent evidence, message ids) — nothing
 * may remain — and so are the raw bytes of the database files. Other people's data stays as it
 * was. The audit log records the erasure with counts and no personal data. Tombstones decide what
 * happens when the person's identifiers come back (`erasedIdentifiers: fresh | refuse`).
 *
 * Every suite runs on both stores: SQLite and PostgreSQL (a fresh database each; skipped with the
 * reason when no server answers, failed under CI). The scan of the raw database files is SQLite's
 * only: PostgreSQL keeps the bytes of deleted rows in free page space until reused (docs/postgres.md).
 *
 * The one place a pseudonymous profile id of the erased person may stay is `audit_log.subject`:
 * the audit log must still show which (now meaningless) profile an admin read and when it was
 * erased (accountability, Art. 5(2)); nothing left in the database links that id to the person.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { DEFAULT_ILLEGAL_VALUES } from '../../src/core/identity/identity-key.js';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { ADMIN_KEY, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, profileOf, timelineOf, type Json } from '../http/api-helpers.js';
import { createIdentityGuard } from '../../src/core/identity/identity-key.js';
import { validateEvent } from '../../src/core/events/validate-event.js';
import { createDeadLetterWriter } from '../../src/ingest/dead-letter.js';
import { findInFiles, findRemains, sqliteFiles, storeDump, type Allowance } from './data-scan.js';
import { adminHeaders, adminKeyId, assertUnknown, auditLog, consentOf, countOf, json, postConsent, putSettings, reportTotals } from './privacy-helpers.js';

/** The person to erase. Every identifier and value is distinctive, so that a scan finds only them. */
const ZQ = {
  userId: 'zq~user-77',
  email: 'Zebulon.Quartermaine@Example.com',
  laptop: 'zq~anon-laptop',
  phone: 'zq~anon-phone',
  name: 'Zebulon Quartermaine',
  phoneNumber: '+44 7700 900461',
  company: 'Quixotic Widgets',
  secretPath: '/zq~secret-page',
  orderId: 'ORD-ZQ-4711',
  evidence: 'zq~evidence-token',
};
/**
 * What a scan looks for; `zq~` also catches every message id and anything else prefixed so. The
 * tilde is in no random text Tessera makes (base64url secrets, hex hashes, UUIDs): with `zq-` a
 * workspace secret once contained the needle by chance.
 */
const ZQ_VALUES = ['zq~', ZQ.email.toLowerCase(), ZQ.name, ZQ.phoneNumber, ZQ.company, ZQ.orderId];

/**
 * The pages the person visited stay as dimension values of the web-analytics rollups (issue 18:
 * erasing a person leaves the aggregate counts; the rollups count everyone's visits by page and
 * hold no identifier). Only their `value` column may keep such a needle; the test suite of the
 * analytics (test/analytics) checks the counts stay and the person's open visit goes.
 */
const AGGREGATES: Allowance[] = ['analytics_rollups', 'analytics_sketches', 'analytics_values'].map((table) => ({ table, column: 'value', needle: 'zq~', reason: 'anonymous aggregate: a page path (or its category) counted for every visitor' }));

const BEA = { userId: 'bea-user-1', email: 'beatrix@example.org', anon: 'bea-anon' };

const erase = (t: TesseraUnderTest, id: string) => t.inject({ method: 'DELETE', url: `/v1/profiles/${encodeURIComponent(id)}`, headers: adminHeaders });

/** Someone else: their profile and timeline must be the same before and after the erasure. */
async function sendBystander(t: TesseraUnderTest): Promise<void> {
  assertAccepted(await t.collect('/v1/identify', { anonymousId: BEA.anon, userId: BEA.userId, traits: { email: BEA.email, name: 'Beatrix Bystander' } }));
  assertAccepted(await t.collect('/v1/page', { anonymousId: BEA.anon, properties: { path: '/pricing' } }));
  assertAccepted(await t.collect('/v1/track', { userId: BEA.userId, event: 'Order Completed', properties: { orderId: 'ORD-BEA-1' } }));
  json(await postConsent(t, { userId: BEA.userId, purposes: { personalization: true } }));
}

/** The person: two devices (merged when the phone gives the same email), orders, consent. */
async function sendPerson(t: TesseraUnderTest): Promise<void> {
  let n = 0;
  const msg = () => `zq~msg-${++n}`;
  assertAccepted(await t.collect('/v1/page', { anonymousId: ZQ.laptop, messageId: msg(), properties: { path: ZQ.secretPath, title: 'Secret' } }));
  json(await postConsent(t, { anonymousId: ZQ.laptop, messageId: msg(), purposes: { personalization: true }, evidence: { token: ZQ.evidence }, // A banner may show any text, the person's name included: it must go with them.
    wording: { version: 'banner-7', text: `Personalise the site for ${ZQ.name}?` } }));
  assertAccepted(await t.collect('/v1/identify', {
    anonymousId: ZQ.laptop, userId: ZQ.userId, messageId: msg(),
    traits: { email: ZQ.email, name: ZQ.name, phone: ZQ.phoneNumber, company: ZQ.company },
  }));
  assertAccepted(await t.collect('/v1/track', { userId: ZQ.userId, messageId: msg(), event: 'Order Completed', properties: { orderId: ZQ.orderId, total: 99, products: [{ product_id: 'SKU-1' }, { product_id: 'SKU-2' }] } }));
  assertAccepted(await t.collect('/v1/page', { anonymousId: ZQ.phone, messageId: msg(), properties: { path: '/zq~phone-landing' } }));
  // Exposures of a personalization slot on both devices: exposure counters, folded by the merge below.
  for (const device of [{ userId: ZQ.userId }, { anonymousId: ZQ.phone }]) {
    assertAccepted(await t.collect('/v1/track', { ...device, messageId: msg(), event: 'Slot Viewed', properties: { slot: 'hero', variant: 'promo', ruleId: 'r-all' } }));
  }
  // Exposures to an experiment on both devices, in different arms: per-person experiment state on the profile,
  // contaminated by the merge below; the aggregates keep only anonymous sums.
  for (const [device, variation] of [[{ userId: ZQ.userId }, 'control'], [{ anonymousId: ZQ.phone }, 'treatment']] as const) {
    assertAccepted(await t.collect('/v1/track', { ...device, messageId: msg(), event: 'Experiment Viewed', properties: { experiment_id: 'zq-test', variation_id: variation } }));
  }
  assertAccepted(await t.collect('/v1/identify', { anonymousId: ZQ.phone, messageId: msg(), traits: { email: ZQ.email.toLowerCase() } }));
}

/**
 * Two of the person's events that ingest failed on, kept as dead letters (as the queue keeps them:
 * ingest/dead-letter.ts): one naming the userId, one the phone's anonymousId. The error message
 * quotes the order id, as an error message may.
 */
async function sendPersonDeadLetters(t: TesseraUnderTest): Promise<void> {
  const guard = createIdentityGuard();
  const keep = createDeadLetterWriter({ deadLetters: t.tessera.store.deadLetters, guard, now: Date.now });
  const inputs = [
    { type: 'track', userId: ZQ.userId, messageId: 'zq~poison-1', event: 'Order Refunded', properties: { orderId: ZQ.orderId } },
    { type: 'page', anonymousId: ZQ.phone, messageId: 'zq~poison-2', properties: { path: '/zq~poison-page' } },
  ];
  for (const input of inputs) {
    const result = validateEvent(input, { workspaceId: 'default', receivedAt: Date.now(), guard, newMessageId: () => 'unused' });
    assert.ok(result.ok);
    await keep('default', result.event, new TypeError(`cannot refund ${ZQ.orderId}`));
  }
}

interface Backend {
  name: 'sqlite' | 'postgres';
  /** node:test's skip: false, or why this store cannot be tested here. */
  skip: false | string;
  start(overrides?: Partial<Config>): Promise<TesseraUnderTest>;
}

const BACKENDS: Backend[] = [
  { name: 'sqlite', skip: false, start: startTessera },
  { name: 'postgres', skip: await postgresSkip(), start: startTesseraOnPostgres },
];

const RAW_BYTES_SKIP = 'PostgreSQL keeps the bytes of deleted rows in free page space until it reuses it; no file scan can pass (docs/postgres.md, "Erasure")';

async function snapshot(t: TesseraUnderTest, id: string): Promise<{ profile: Json; timeline: Json[]; consent: Json }> {
  return { profile: await profileOf(t, id), timeline: await timelineOf(t, id), consent: await consentOf(t, id) };
}

for (const backend of BACKENDS) {
  describe(`${backend.name}: erasure: after DELETE /v1/profiles/{email} nothing of the person remains anywhere`, { skip: backend.skip }, () => {
    let t: TesseraUnderTest;
    let profileIds: string[];
    let allowed: Allowance[];
    let bystanderBefore: Awaited<ReturnType<typeof snapshot>>;
    let timelineBefore: Json[];
    let eraseAnswer: Json;

    before(async () => {
      t = await backend.start();
      // A lifecycle rule and a webhook: the person's profile gets a lifecycle history, and the
      // outbox a delivery whose payload names them (userId, email).
      const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
      assert.equal((await t.inject({ method: 'PUT', url: '/v1/lifecycle', headers: admin, payload: JSON.stringify({ rules: [{ id: 'sub', to: 'subscriber', when: { trait: 'email', op: 'exists' } }] }) })).statusCode, 200);
      assert.equal((await t.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: JSON.stringify({ url: 'https://crm.example/crm', events: ['lifecycle.changed'] }) })).statusCode, 201);
      // A personalization slot: the person's Slot Viewed events become exposure counters.
      const slot = { id: 'hero', name: 'Hero', channel: 'web', defaultVariantId: 'plain', variants: [{ id: 'plain', body: 'Hi', format: 'text' }, { id: 'promo', body: 'Offer', format: 'text' }], rules: [{ id: 'r-all', variantId: 'promo', depth: 'none' }] };
      assert.equal((await t.inject({ method: 'POST', url: '/v1/slots', headers: admin, payload: JSON.stringify(slot) })).statusCode, 201);
      const experiment = { key: 'zq-test', name: 'Experiment', status: 'running', variations: [{ id: 'control', weight: 0.5 }, { id: 'treatment', weight: 0.5 }], goal: { event: 'Order Completed' } };
      assert.equal((await t.inject({ method: 'POST', url: '/v1/experiments', headers: admin, payload: JSON.stringify(experiment) })).statusCode, 201);
      await sendBystander(t);
      await sendPerson(t);
      await sendPersonDeadLetters(t);
      const person = await profileOf(t, ZQ.userId);
      assert.equal(person.merges.length, 1, 'the phone profile was merged into the person');
      profileIds = [person.id, person.merges[0].mergedId];
      const counters = await t.tessera.store.decisions.countersOf('default', profileIds);
      assert.deepEqual(counters.map((c) => [c.profileId, c.counters.exposures['s:hero']?.length]), [[person.id, 2]], 'both devices\' exposures, folded into the survivor');
      // The pseudonymous profile ids may stay in the audit log only (see the file comment).
      allowed = [...profileIds.map((id) => ({ table: 'audit_log', column: 'subject', needle: id, reason: 'accountability: which profile was read, exported, erased' })), ...AGGREGATES];
      timelineBefore = await timelineOf(t, ZQ.email);
      const exported = json(await t.admin(`/v1/profiles/${encodeURIComponent(ZQ.email)}/export`));
      assert.equal(exported.profile.experiments['zq-test'].contaminated, true, 'the export shows the person\'s experiment state (contaminated by the merge)');
      bystanderBefore = await snapshot(t, BEA.email);
    });
    after(async () => { await t.close(); });

    it('before the erasure, the scan finds every value it looks for (it is able to fail)', async () => {
      const dump = storeDump(t);
      try {
        const { remains } = await findRemains(dump, [...ZQ_VALUES, ...profileIds]);
        const found = new Set(remains.map((r) => r.needle));
        for (const needle of [...ZQ_VALUES, ...profileIds]) assert.ok(found.has(needle), `the scan does not find ${needle} before the erasure`);
        for (const table of ['profiles', 'identities', 'events', 'merges', 'consents', 'webhook_deliveries', 'dead_letters', 'dead_letter_keys', ...(backend.name === 'postgres' ? ['profile_search'] : [])]) {
          assert.ok(remains.some((r) => r.table === table), `nothing of the person in ${table} before the erasure`);
        }
      } finally {
        await dump.close();
      }
      if (backend.name === 'sqlite') assert.ok(findInFiles(sqliteFiles(t.dataDir), [ZQ.email.toLowerCase()]).length > 0, 'the email is in the database files before the erasure');
    });

    it('erases by email and answers with what it deleted', async () => {
      eraseAnswer = json(await erase(t, ZQ.email));
      assert.equal(eraseAnswer.erased, true);
      assert.equal(eraseAnswer.profileId, profileIds[0]);
      assert.deepEqual(
        [eraseAnswer.profiles, eraseAnswer.identities, eraseAnswer.merges, eraseAnswer.consents, eraseAnswer.events],
        [2, 4, 1, 1, timelineBefore.length],
        JSON.stringify(eraseAnswer),
      );
      assert.equal(eraseAnswer.deadLetters, 2, 'the dead letters naming the person');
    });

    it('no row of any table holds any identifier or value of the person', async () => {
      const dump = storeDump(t);
      try {
        const { tables, rowsScanned, remains } = await findRemains(dump, [...ZQ_VALUES, ...profileIds], allowed);
        const expected = ['profiles', 'identities', 'events', 'merges', 'consents', 'dead_letters', 'dead_letter_keys', 'consent_wordings', 'privacy_counters', 'tombstones', 'audit_log', 'privacy_settings', 'exposure_counters', 'rec_history'];
        for (const table of [...expected, ...(backend.name === 'postgres' ? ['profile_search'] : [])]) {
          assert.ok(tables.includes(table), `the scan did not see ${table}: ${tables}`);
        }
        assert.ok(rowsScanned > 10, 'the bystander\'s rows were scanned');
        assert.deepEqual(remains, []);
      } finally {
        await dump.close();
      }
    });

    it('no raw byte of the database files (database, write-ahead log) holds the email or another value', { skip: backend.name === 'postgres' && RAW_BYTES_SKIP }, () => {
      const files = sqliteFiles(t.dataDir);
      assert.ok(files.length >= 1);
      // Not the secret path: it stays a value of the analytics rollups (AGGREGATES); the row scan shows it is nowhere else.
      assert.deepEqual(findInFiles(files, [ZQ.email, ZQ.name, ZQ.phoneNumber, ZQ.company, ZQ.orderId, ZQ.userId, ZQ.laptop, ZQ.phone, ZQ.evidence]), []);
    });

    it('the API knows nobody by any of the identifiers or profile ids', async () => {
      for (const id of [ZQ.email, ZQ.email.toLowerCase(), ZQ.userId, ZQ.laptop, ZQ.phone, ...profileIds]) {
        await assertUnknown(t, id);
        assertError(await t.admin(`/v1/profiles/${encodeURIComponent(id)}/export`), 404);
        assertError(await erase(t, id), 404);
      }
      for (const q of ['quartermaine', 'quixotic', '900461']) {
        assert.deepEqual(json(await t.admin(`/v1/profiles?q=${encodeURIComponent(q)}`)).profiles, [], q);
      }
    });

    it('other people\'s data is untouched', async () => {
      assert.deepEqual(await snapshot(t, BEA.email), bystanderBefore);
    });

    it('the audit log records the erasure by the admin key, with counts and no personal data', async () => {
      const erasures = (await auditLog(t)).filter((e) => e.action === 'profile.erase');
      assert.equal(erasures.length, 1, 'the refused second erasures found nobody and erased nothing');
      const [entry] = erasures;
      assert.equal(entry.actor, await adminKeyId(t));
      assert.equal(entry.subject, profileIds[0]);
      assert.deepEqual(entry.details, {
        profiles: 2, identities: 4, events: timelineBefore.length, merges: 1, consents: 1, tombstones: 4, deadLetters: 2, erasedIdentifiers: 'fresh',
      });
      const text = JSON.stringify(entry.details).toLowerCase();
      for (const value of ZQ_VALUES) assert.ok(!text.includes(value.toLowerCase()), value);
    });

    it('erasedIdentifiers: fresh — the same email later starts a new, empty profile', async () => {
      assertAccepted(await t.collect('/v1/identify', { userId: ZQ.userId, traits: { email: ZQ.email, plan: 'new-start' } }));
      const fresh = await profileOf(t, ZQ.email);
      assert.ok(!profileIds.includes(fresh.id));
      assert.deepEqual(fresh.traits, { email: ZQ.email.toLowerCase(), plan: 'new-start' });
      assert.deepEqual(fresh.consent, {});
      assert.deepEqual(fresh.merges, []);
      // The lifecycle rule of this suite moves the new profile to its first stage, nothing else is there.
      assert.deepEqual((await timelineOf(t, ZQ.userId)).map((e) => (e.type === 'system' ? e.event : e.type)).sort(), ['Lifecycle Stage Changed', 'identify']);
      assert.equal(fresh.lifecycle.history.length, 1, 'a fresh history');
    });
  });

  describe(`${backend.name}: erasure removes what other profiles hold about the person (refused merges)`, { skip: backend.skip }, () => {
    // At most two anonymous ids per profile: the person's third device cannot be merged in, and the
    // refused merge is noted on both profiles.
    let t: TesseraUnderTest;
    let personId: string;
    const tablet = 'tablet-x-1';
    before(async () => {
      t = await backend.start({ identity: { illegalValues: [...DEFAULT_ILLEGAL_VALUES], maxPerProfile: { user_id: 3, email: 5, anonymous_id: 2 } } });
      await sendPerson(t);
      assertAccepted(await t.collect('/v1/page', { anonymousId: tablet, properties: { path: '/tablet-home' } }));
      assertAccepted(await t.collect('/v1/identify', { anonymousId: tablet, userId: ZQ.userId, messageId: 'zq~msg-tablet' }));
      personId = (await profileOf(t, ZQ.userId)).id;
      const other = await profileOf(t, tablet);
      assert.notEqual(other.id, personId, 'the merge was refused');
      assert.equal(other.mergeRefusals.length, 1);
      assert.ok((await timelineOf(t, tablet)).some((e) => e.event === 'Merge Refused'));
      json(await erase(t, ZQ.email));
    });
    after(async () => { await t.close(); });

    it('the Merge Refused entry about the person is gone from the other profile\'s timeline', async () => {
      const timeline = await timelineOf(t, tablet);
      assert.deepEqual(timeline.map((e) => e.event ?? e.type), ['page']);
      assert.ok(!JSON.stringify(timeline).includes(personId));
    });

    it('the other profile keeps no note of the refused merge naming the person\'s profile', async () => {
      // The memo that the refusal was logged once stays, as a keyed fingerprint that names nobody.
      const refusals = (await profileOf(t, tablet)).mergeRefusals as Array<{ key: string }>;
      assert.ok(refusals.every((r) => !r.key.includes(personId) && /^[a-z_]+:[\w-]{16}$/.test(r.key)), JSON.stringify(refusals));
      const dump = storeDump(t);
      try {
        const allowed = [{ table: 'audit_log', column: 'subject', needle: personId, reason: 'accountability' }, ...AGGREGATES];
        assert.deepEqual((await findRemains(dump, [...ZQ_VALUES, personId], allowed)).remains, []);
      } finally {
        await dump.close();
      }
    });
  });

  describe(`${backend.name}: erasedIdentifiers: refuse — the erased person's identifiers are refused afterwards`, { skip: backend.skip }, () => {
    let t: TesseraUnderTest;
    before(async () => {
      t = await backend.start();
      json(await putSettings(t, { erasedIdentifiers: 'refuse' }));
      await sendPerson(t);
      await sendBystander(t);
      const answer = json(await erase(t, ZQ.userId));
      assert.equal(answer.erased, true);
    });
    after(async () => { await t.close(); });

    it('refuses events carrying any of the identifiers, counts them as refused_erased, stores nothing', async () => {
      assertAccepted(await t.collect('/v1/identify', { userId: 'someone-new', traits: { email: ZQ.email.toUpperCase() } }));
      assertAccepted(await t.collect('/v1/page', { anonymousId: ZQ.laptop }));
      assertAccepted(await t.collect('/v1/track', { userId: ZQ.userId, event: 'Order Completed' }));
      assertAccepted(await t.collect('/v1/import', { batch: [{ type: 'page', anonymousId: ZQ.phone, timestamp: '2024-01-01T00:00:00.000Z' }] }));
      for (const id of [ZQ.email, ZQ.laptop, ZQ.userId, ZQ.phone, 'someone-new']) await assertUnknown(t, id);
      const totals = await reportTotals(t);
      assert.equal(countOf(totals, 'refused_erased', 'identify'), 1);
      assert.equal(countOf(totals, 'refused_erased', 'page'), 2);
      assert.equal(countOf(totals, 'refused_erased', 'Order Completed'), 1);
    });

    it('the tombstones are keyed hashes: no identifier is stored in clear, and others are still accepted', async () => {
      const dump = storeDump(t);
      try {
        const tombstones = await dump.rows('tombstones');
        assert.equal(tombstones.length, 4);
        for (const row of tombstones) assert.match(String(row.hash), /^[0-9a-f]{64}$/);
        const ids = (await auditLog(t)).filter((e) => e.subject !== null).map((e) => e.subject as string);
        const allowed = [...ids.map((id) => ({ table: 'audit_log', column: 'subject', needle: id, reason: 'accountability' })), ...AGGREGATES];
        assert.deepEqual((await findRemains(dump, ZQ_VALUES, allowed)).remains, []);
      } finally {
        await dump.close();
      }
      assertAccepted(await t.collect('/v1/identify', { userId: 'zz-unrelated', traits: { email: 'unrelated@example.org' } }));
      assert.equal((await profileOf(t, 'unrelated@example.org')).traits.email, 'unrelated@example.org');
      assert.equal((await profileOf(t, BEA.email)).traits.name, 'Beatrix Bystander');
    });
  });
}
