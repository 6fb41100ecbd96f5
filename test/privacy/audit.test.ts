/**
 * The audit log (GET /v1/privacy/audit): every admin read of personal data, every export and
 * erasure, every change of the privacy settings and every retention run leaves an entry naming the
 * admin key that did it (its id, never the key), the profile concerned, and facts without personal
 * data. Collecting events with the write key is not an admin read and leaves none.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addKey, hashKey } from '../../src/workspaces/api-keys.js';
import { startTessera, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, profileOf, type Json } from '../http/api-helpers.js';
import { adminHeaders, adminKeyId, auditLog, json, postConsent, putSettings } from './privacy-helpers.js';

const SECOND_ADMIN_KEY = 'ak_second_admin_key_0000000002';

describe('GET /v1/privacy/audit', () => {
  let t: TesseraUnderTest;
  let actor: string;
  let profileId: string;
  /** The audit entries written by one request. */
  const entriesOf = async (request: () => Promise<unknown>): Promise<Json[]> => {
    const before = (await auditLog(t)).length;
    await request();
    const all = await auditLog(t);
    return all.slice(0, all.length - before).reverse();
  };

  before(async () => {
    t = await startTessera();
    actor = await adminKeyId(t);
    assertAccepted(await t.collect('/v1/identify', { userId: 'audited-user', traits: { email: 'audited@example.com', name: 'Audrey Audit' } }));
    json(await postConsent(t, { userId: 'audited-user', purposes: { personalization: true } }));
    profileId = (await profileOf(t, 'audited-user')).id;
  });
  after(async () => { await t.close(); });

  it('collecting events and consent with the write key leaves no entry', async () => {
    const entries = await entriesOf(async () => {
      assertAccepted(await t.collect('/v1/track', { userId: 'audited-user', event: 'Clicked' }));
      json(await postConsent(t, { userId: 'audited-user', purposes: { analytics: true } }));
    });
    assert.deepEqual(entries, []);
  });

  const cases: Array<[string, () => Promise<unknown>, string, (id: string) => string | null]> = [
    ['reading a profile', () => t.admin('/v1/profiles/audited%40example.com'), 'profile.read', (id) => id],
    ['reading its events', () => t.admin('/v1/profiles/audited-user/events'), 'profile.events.read', (id) => id],
    ['reading its consent', () => t.admin('/v1/profiles/audited-user/consent'), 'profile.consent.read', (id) => id],
    ['searching profiles', () => t.admin('/v1/profiles?q=audrey'), 'profile.search', () => null],
    ['exporting a profile', () => t.admin('/v1/profiles/audited-user/export'), 'profile.export', (id) => id],
    ['changing the privacy settings', () => putSettings(t, { ip: 'drop' }), 'privacy.settings.update', () => null],
    ['running retention', () => t.inject({ method: 'POST', url: '/v1/privacy/retention/run', headers: adminHeaders }), 'retention.purge', () => null],
  ];
  for (const [what, request, action, subject] of cases) {
    it(`${what} leaves one ${action} entry naming the admin key`, async () => {
      const entries = await entriesOf(request);
      assert.equal(entries.length, 1, JSON.stringify(entries));
      const [entry] = entries;
      assert.equal(entry.action, action);
      assert.equal(entry.actor, actor);
      assert.equal(entry.subject, subject(profileId));
      assert.equal(entry.workspaceId, 'default');
      assert.ok(Number.isFinite(Date.parse(entry.at)));
      const text = JSON.stringify(entry).toLowerCase();
      for (const personal of ['audited@example.com', 'audrey', 'audited-user']) assert.ok(!text.includes(personal), `${personal} in ${text}`);
    });
  }

  it('the search entry counts results and does not keep the search terms', async () => {
    const [entry] = await entriesOf(() => t.admin('/v1/profiles?q=audrey'));
    assert.deepEqual(entry.details, { returned: 1 });
  });

  it('the settings entry names the fields changed', async () => {
    const [entry] = await entriesOf(() => putSettings(t, { userAgent: 'drop', ip: 'truncate' }));
    assert.deepEqual(entry.details.changed.sort(), ['ip', 'userAgent']);
  });

  it('erasing leaves a profile.erase entry by the key that erased, even after the profile is gone', async () => {
    await addKey(t.tessera.store, 'default', 'admin', Date.now(), SECOND_ADMIN_KEY);
    const secondId = (await t.tessera.store.workspaces.findKey('admin', hashKey(SECOND_ADMIN_KEY)))!.id;
    const entries = await entriesOf(async () => {
      json(await t.inject({ method: 'DELETE', url: '/v1/profiles/audited%40example.com', headers: { authorization: `Bearer ${SECOND_ADMIN_KEY}` } }));
    });
    assert.deepEqual(entries.map((e) => [e.action, e.actor, e.subject]), [['profile.erase', secondId, profileId]]);
    assert.notEqual(secondId, actor);
  });

  it('pages newest first with a cursor; needs the admin key; the key itself is never logged', async () => {
    const all = await auditLog(t);
    assert.ok(all.length >= 10);
    const first = json(await t.admin('/v1/privacy/audit?limit=3'));
    assert.equal(first.entries.length, 3);
    assert.deepEqual(first.entries, all.slice(0, 3));
    const next = json(await t.admin(`/v1/privacy/audit?limit=3&cursor=${encodeURIComponent(first.nextCursor)}`));
    assert.deepEqual(next.entries, all.slice(3, 6));
    assert.equal(all[0].action, 'profile.erase');
    assertError(await t.inject({ method: 'GET', url: '/v1/privacy/audit', headers: { authorization: `Bearer ${WRITE_KEY}` } }), 401);
    assertError(await t.admin('/v1/privacy/audit?limit=0'), 400);
    const text = JSON.stringify(all);
    assert.ok(!text.includes('ak_test_admin') && !text.includes(SECOND_ADMIN_KEY), 'a key in clear in the audit log');
  });
});
