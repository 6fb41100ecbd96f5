/**
 * Identity resolution as seen through the API: identify links ids, alias merges, two anonymous
 * profiles later proven one person become one (with a merge log, recomputed behaviour and the old id
 * still resolving), junk ids never link anybody, caps stop a runaway merge visibly, and a shared
 * device keeps two known users apart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_ILLEGAL_VALUES } from '../../src/core/identity/identity-key.js';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, profileOf, timelineOf, type Json } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => {
  t = await startTessera({ identity: { illegalValues: [...DEFAULT_ILLEGAL_VALUES], maxPerProfile: { user_id: 3, email: 5, anonymous_id: 3 } } });
});
after(async () => { await t.close(); });

const identitiesOf = (p: Json) => p.identities.map((i: Json) => `${i.kind}:${i.value}`).sort();
const send = async (path: string, body: Json) => assertAccepted(await t.collect(path, body));

describe('linking and merging', () => {
  it('identify links the anonymousId to the userId and the email', async () => {
    await send('/v1/page', { anonymousId: 'anon-link', name: 'Home', properties: { path: '/' } });
    await send('/v1/identify', { anonymousId: 'anon-link', userId: 'user-link', traits: { email: ' Link@Example.COM ' } });
    const byAnon = await profileOf(t, 'anon-link');
    assert.equal((await profileOf(t, 'user-link')).id, byAnon.id);
    assert.equal((await profileOf(t, 'link@example.com')).id, byAnon.id);
    assert.deepEqual(identitiesOf(byAnon), ['anonymous_id:anon-link', 'email:link@example.com', 'user_id:user-link']);
    assert.deepEqual((await timelineOf(t, 'user-link')).map((e) => e.type), ['identify', 'page']);
  });

  it('alias merges the previous id into the userId, and the merged profile id keeps resolving', async () => {
    await send('/v1/track', { anonymousId: 'anon-alias', event: 'Browsed' });
    await send('/v1/track', { userId: 'user-alias', event: 'Logged In' });
    const anonProfile = (await profileOf(t, 'anon-alias')).id;
    assert.notEqual(anonProfile, (await profileOf(t, 'user-alias')).id);

    await send('/v1/alias', { previousId: 'anon-alias', userId: 'user-alias' });
    const merged = await profileOf(t, 'user-alias');
    assert.equal((await profileOf(t, 'anon-alias')).id, merged.id);
    assert.equal((await profileOf(t, anonProfile)).id, merged.id);
    assert.deepEqual(identitiesOf(merged), ['anonymous_id:anon-alias', 'user_id:user-alias']);
    assert.equal(merged.behaviour.eventCounts['Browsed'], 1);
    assert.equal(merged.behaviour.eventCounts['Logged In'], 1);
  });

  it('alias may merge two known userIds (an explicit statement that they are one person)', async () => {
    await send('/v1/identify', { userId: 'old-crm-id', traits: { plan: 'free' } });
    await send('/v1/identify', { userId: 'new-crm-id', traits: { name: 'Renamed' } });
    await send('/v1/alias', { previousId: 'old-crm-id', userId: 'new-crm-id' });
    const p = await profileOf(t, 'old-crm-id');
    assert.equal(p.id, (await profileOf(t, 'new-crm-id')).id);
    assert.deepEqual([p.traits.plan, p.traits.name], ['free', 'Renamed']);
  });

  it('two anonymous profiles proven one person merge: events, identities, traits (latest wins), stats, merge log', async () => {
    const day = (d: number, minute = 0) => `2024-01-0${d}T10:${String(minute).padStart(2, '0')}:00.000Z`;
    // Laptop: an older name and a company; two page views.
    await send('/v1/identify', { anonymousId: 'laptop', traits: { name: 'Karo', company: 'Acme' }, timestamp: day(1) });
    await send('/v1/page', { anonymousId: 'laptop', name: 'A', properties: { path: '/a' }, timestamp: day(1, 5) });
    await send('/v1/page', { anonymousId: 'laptop', name: 'B', properties: { path: '/b' }, timestamp: day(1, 10) });
    // Phone: a newer name; three page views.
    await send('/v1/identify', { anonymousId: 'phone', traits: { name: 'Karoline' }, timestamp: day(3) });
    for (const [i, path] of ['/c', '/d', '/a'].entries()) await send('/v1/page', { anonymousId: 'phone', properties: { path }, timestamp: day(3, 5 + 5 * i) });
    const laptop = (await profileOf(t, 'laptop')).id;
    const phone = (await profileOf(t, 'phone')).id;
    assert.notEqual(laptop, phone);

    // The laptop learns the email, and arrives last with an older name: it must not win.
    await send('/v1/identify', { anonymousId: 'laptop', traits: { email: 'karoline@example.com' }, timestamp: day(4) });
    await send('/v1/identify', { anonymousId: 'phone', traits: { email: 'karoline@example.com' }, timestamp: day(5), messageId: 'proof' });
    await send('/v1/identify', { anonymousId: 'laptop', traits: { name: 'Karo' }, timestamp: day(2) });

    const p = await profileOf(t, 'karoline@example.com');
    assert.equal((await profileOf(t, 'laptop')).id, p.id);
    assert.equal((await profileOf(t, 'phone')).id, p.id);
    for (const oldId of [laptop, phone]) assert.equal((await profileOf(t, oldId)).id, p.id, 'a merged-away profile id keeps resolving');
    assert.deepEqual(identitiesOf(p), ['anonymous_id:laptop', 'anonymous_id:phone', 'email:karoline@example.com']);

    assert.deepEqual([p.traits.name, p.traits.company, p.traits.email], ['Karoline', 'Acme', 'karoline@example.com']);
    assert.equal(p.traitSources.name.source, 'identify');
    assert.equal(p.traitSources.name.updatedAt, day(3));

    const b = p.behaviour;
    assert.equal(b.eventCount, 10);
    assert.equal(b.pageViews, 5);
    assert.equal(b.distinctPages, 4);
    assert.equal(b.typeCounts.identify, 5);
    assert.equal(b.firstSeenAt, day(1));
    assert.equal(b.lastSeenAt, day(5));
    // Recomputed from both histories: days 1, 3, 4 and 5 (neither profile alone had four); the late
    // day-2 identify counts as an event but opens no session.
    assert.equal(b.sessions.count, 4);

    const merges = p.merges as Json[];
    assert.equal(merges.length, 1);
    // The email's owner (the laptop) survives; the phone's profile is merged in by the proving event.
    assert.deepEqual([merges[0].survivorId, merges[0].mergedId, merges[0].messageId], [laptop, phone, 'proof']);
    assert.equal(p.id, laptop);
    assert.ok(['email:karoline@example.com', 'anonymous_id:phone'].includes(`${merges[0].cause.kind}:${merges[0].cause.value}`));
    assert.equal(merges[0].mergedProfile.traits.name, 'Karoline', 'the merge log keeps what the merged profile held');
    const timeline = await timelineOf(t, p.id);
    assert.equal(timeline.filter((e) => e.type !== 'system').length, 10);
    assert.ok(timeline.some((e) => e.type === 'system' && e.event === 'Profiles Merged'));
  });
});

describe('guards', () => {
  for (const junk of ['undefined', 'null', 'NULL', ' undefined ', '[object Object]', '0', 'anonymous']) {
    it(`userId ${JSON.stringify(junk)} never becomes an identity or merges two visitors`, async () => {
      const a = `anon-junk-a-${junk.trim()}`;
      const b = `anon-junk-b-${junk.trim()}`;
      await send('/v1/identify', { anonymousId: a, userId: junk, traits: { email: 'null' } });
      await send('/v1/identify', { anonymousId: b, userId: junk });
      const pa = await profileOf(t, a);
      const pb = await profileOf(t, b);
      assert.notEqual(pa.id, pb.id);
      assert.deepEqual(identitiesOf(pa), [`anonymous_id:${a}`]);
      assertError(await t.admin(`/v1/profiles/${encodeURIComponent(junk)}`), 404);
    });
  }

  it('an event whose only id is junk is refused, naming the field', async () => {
    assertIssue(assertError(await t.collect('/v1/track', { userId: 'undefined', event: 'Junk' }), 400), 'userId', /not a usable identifier/);
    assertIssue(assertError(await t.collect('/v1/alias', { userId: 'real-user', previousId: 'null' }), 400), 'previousId', /not a usable identifier/);
  });
});

describe('caps and shared devices', () => {
  it('the identity cap stops a runaway merge, and the refusal shows on the timeline', async () => {
    // Four visitors type the same shared address; the cap allows three anonymous ids per profile.
    for (const v of ['v1', 'v2', 'v3', 'v4']) await send('/v1/track', { anonymousId: `cap-${v}`, event: 'Visited' });
    for (const v of ['v1', 'v2', 'v3', 'v4']) await send('/v1/identify', { anonymousId: `cap-${v}`, traits: { email: 'shared@example.com' } });

    const shared = await profileOf(t, 'shared@example.com');
    assert.equal(shared.identities.filter((i: Json) => i.kind === 'anonymous_id').length, 3);
    const fourth = await profileOf(t, 'cap-v4');
    assert.notEqual(fourth.id, shared.id);
    assert.equal(shared.mergeRefusals.length, 1);
    assert.match(shared.mergeRefusals[0].reason, /cap is 3/);

    for (const id of [shared.id, fourth.id]) {
      const refused = (await timelineOf(t, id)).filter((e) => e.type === 'system' && e.event === 'Merge Refused');
      assert.equal(refused.length, 1, `one Merge Refused entry on ${id}`);
      assert.match(refused[0].properties.reason, /cap is 3/);
    }
  });

  it('a shared device (one anonymousId, two userIds) keeps the two people apart', async () => {
    await send('/v1/identify', { anonymousId: 'family-pc', userId: 'parent', traits: { name: 'Parent' } });
    await send('/v1/track', { anonymousId: 'family-pc', userId: 'parent', event: 'Paid Bills' });
    await send('/v1/identify', { anonymousId: 'family-pc', userId: 'teen', traits: { name: 'Teen' } });
    await send('/v1/track', { anonymousId: 'family-pc', userId: 'teen', event: 'Played Game' });
    await send('/v1/track', { anonymousId: 'family-pc', userId: 'parent', event: 'Paid Bills' });

    const parent = await profileOf(t, 'parent');
    const teen = await profileOf(t, 'teen');
    assert.notEqual(parent.id, teen.id);
    assert.equal(parent.traits.name, 'Parent');
    assert.equal(teen.traits.name, 'Teen');
    assert.deepEqual(parent.behaviour.eventCounts, { 'Paid Bills': 2 });
    assert.deepEqual(teen.behaviour.eventCounts, { 'Played Game': 1 });
    assert.ok(!identitiesOf(teen).includes('user_id:parent'));
    assert.ok(!identitiesOf(parent).includes('user_id:teen'));
  });
});
