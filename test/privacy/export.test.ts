/**
 * Right of access and to data portability (GDPR Art. 15, 20): GET /v1/profiles/{id}/export, by any
 * of the person's identifiers, returns everything Tessera holds about them as one JSON document —
 * the profile, identities, every event (more than one page of them), the consent ledger and the
 * whole merge history, the dead letters of events ingest failed on that name them — and every
 * export is written to the audit log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TrackedEvent } from '../../src/core/events/event.js';
import { startTessera, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, profileOf, timelineOf, type Json } from '../http/api-helpers.js';
import { adminKeyId, auditLog, json, postConsent } from './privacy-helpers.js';

const CLICKS = 1_100;
const EMAIL = 'export.person@example.com';

describe('GET /v1/profiles/{id}/export', () => {
  let t: TesseraUnderTest;
  let exported: Json;
  let profileId: string;
  const mergedAway: string[] = [];

  before(async () => {
    // Events named `Poison Pill` fail the pipeline by themselves: they become dead letters.
    const poison = (_batch: unknown, event: TrackedEvent) => { if (event.type === 'track' && event.name === 'Poison Pill') throw new TypeError('poisoned'); };
    t = await startTessera({}, { eventSteps: [poison] });
    // Three devices become one person in two merges: b into c (same email), then c into the known user.
    assertAccepted(await t.collect('/v1/page', { anonymousId: 'exp-b', properties: { path: '/b' } }));
    assertAccepted(await t.collect('/v1/page', { anonymousId: 'exp-c', properties: { path: '/c' } }));
    mergedAway.push((await profileOf(t, 'exp-b')).id, (await profileOf(t, 'exp-c')).id);
    assertAccepted(await t.collect('/v1/identify', { anonymousId: 'exp-c', traits: { email: EMAIL } }));
    assertAccepted(await t.collect('/v1/identify', { anonymousId: 'exp-b', traits: { email: EMAIL } }));
    assertAccepted(await t.collect('/v1/identify', { anonymousId: 'exp-a', userId: 'exp-user', traits: { name: 'Exa Port' } }));
    assertAccepted(await t.collect('/v1/identify', { userId: 'exp-user', traits: { email: EMAIL } }));
    json(await postConsent(t, { userId: 'exp-user', purposes: { personalization: true }, wording: { version: 'v1', text: 'Personalise?' } }));
    json(await postConsent(t, { anonymousId: 'exp-a', purposes: { email_marketing: true }, channel: 'form' }));
    const batch = Array.from({ length: CLICKS }, (_, i) => ({ type: 'track', userId: 'exp-user', event: 'Clicked', messageId: `exp-click-${i}`, properties: { n: i } }));
    assertAccepted(await t.collect('/v1/batch', { batch }));
    profileId = (await profileOf(t, 'exp-user')).id;
    // Dead letters: one naming the person's merged-away device, one naming somebody else.
    assert.equal(json(await t.collect('/v1/track', { anonymousId: 'exp-b', event: 'Poison Pill', messageId: 'exp-poison' })).deadLettered, 1);
    assert.equal(json(await t.collect('/v1/track', { anonymousId: 'not-exp', event: 'Poison Pill' })).deadLettered, 1);
    assert.ok(!mergedAway.includes(profileId));

    const res = await t.admin(`/v1/profiles/${encodeURIComponent(EMAIL)}/export`);
    assert.match(String(res.headers['content-disposition']), new RegExp(`^attachment; filename="tessera-profile-${profileId}\\.json"$`));
    exported = json(res);
  });
  after(async () => { await t.close(); });

  it('is one JSON document with the profile and all its identities', async () => {
    assert.equal(exported.format, 'tessera-profile-export/1');
    assert.equal(exported.workspaceId, 'default');
    assert.ok(Number.isFinite(Date.parse(exported.exportedAt)));
    assert.equal(exported.profile.id, profileId);
    assert.deepEqual(exported.profile.traits, { email: EMAIL, name: 'Exa Port' });
    assert.deepEqual(exported.profile.identities.map((i: Json) => `${i.kind}:${i.value}`).sort(),
      ['anonymous_id:exp-a', 'anonymous_id:exp-b', 'anonymous_id:exp-c', `email:${EMAIL}`, 'user_id:exp-user']);
    assert.equal(exported.profile.consent.personalization.granted, true);
  });

  it('holds every event, beyond one page of 1000, each once and complete', async () => {
    const timeline = await timelineOf(t, 'exp-user');
    assert.ok(timeline.length > CLICKS + 5);
    assert.equal(exported.events.length, timeline.length);
    assert.deepEqual(exported.events.map((e: Json) => e.messageId).sort(), timeline.map((e: Json) => e.messageId).sort());
    const clicks = exported.events.filter((e: Json) => e.event === 'Clicked');
    assert.equal(clicks.length, CLICKS);
    assert.deepEqual(clicks.map((e: Json) => e.properties.n).sort((a: number, b: number) => a - b), Array.from({ length: CLICKS }, (_, i) => i));
    assert.deepEqual(new Set(exported.events.map((e: Json) => e.type)), new Set(['page', 'identify', 'track', 'consent', 'system']));
  });

  it('holds the consent ledger, oldest first', () => {
    assert.deepEqual(exported.consentLedger.map((c: Json) => [c.purposes, c.channel]), [
      [{ personalization: true }, 'banner'],
      [{ email_marketing: true }, 'form'],
    ]);
    assert.equal(exported.consentLedger[0].wording.text, 'Personalise?');
  });

  it('holds the whole merge history, including merges into a profile that was merged later', () => {
    const pairs = exported.merges.map((m: Json) => [m.mergedId, m.survivorId]);
    assert.deepEqual(pairs, [[mergedAway[0], mergedAway[1]], [mergedAway[1], profileId]], JSON.stringify(pairs));
    for (const m of exported.merges) assert.ok(Array.isArray(m.mergedProfile.identities));
  });

  it('is found by any identifier, including the id of a merged-away profile', async () => {
    for (const id of ['exp-user', 'exp-a', 'exp-b', ...mergedAway, profileId]) {
      const other = json(await t.admin(`/v1/profiles/${encodeURIComponent(id)}/export`));
      assert.equal(other.profile.id, profileId, id);
      assert.equal(other.events.length, exported.events.length, id);
    }
  });

  it('is written to the audit log with the admin key as actor and counts, not contents', async () => {
    const exports = (await auditLog(t)).filter((e) => e.action === 'profile.export');
    assert.equal(exports.length, 1 + 6, 'one entry per export');
    const actor = await adminKeyId(t);
    for (const e of exports) {
      assert.equal(e.actor, actor);
      assert.equal(e.subject, profileId);
      assert.deepEqual(e.details, { events: exported.events.length, consents: 2 });
    }
  });

  it('holds the dead letters naming any of the person\'s identifiers, and no one else\'s', () => {
    assert.equal(exported.deadLetters.length, 1);
    const [letter] = exported.deadLetters;
    assert.equal(letter.event.messageId, 'exp-poison');
    assert.equal(letter.error, 'TypeError: poisoned');
    assert.deepEqual(letter.identifiers, [{ kind: 'anonymous_id', value: 'exp-b' }]);
  });

  it('needs the admin key; an unknown identifier is 404', async () => {
    assertError(await t.inject({ method: 'GET', url: '/v1/profiles/exp-user/export', headers: { authorization: `Bearer ${WRITE_KEY}` } }), 401);
    assertError(await t.admin('/v1/profiles/nobody-at-all/export'), 404, 'not_found');
  });
});
