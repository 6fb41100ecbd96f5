/**
 * Undoing a wrong merge through the API (POST /v1/profiles/{id}/unmerge): the merged profile comes
 * back with its identities, events, traits, consent, scores, stage and segments; events sent after
 * the merge follow their identifiers; identities only the wrong merge vouched for are removed; later
 * merges that depend on it are refused (409) unless included; hostile input is a 4xx naming every
 * field. Run against both stores (unmerge.test.ts, unmerge-postgres.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, profileOf, timelineOf, type Json } from './api-helpers.js';

export function unmergeSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  let hookId: string;
  before(async () => {
    // The webhook points at 127.0.0.1:9: the operator allows that internal target (webhook-targets.test.ts: refused without).
    t = await start({ webhooks: { deliver: false, allow: ['127.0.0.1'], maxAttempts: 3, retryBaseSeconds: 1, retryMaxSeconds: 1, timeoutSeconds: 1, logRetentionDays: 30 } });
    const ok = (res: { statusCode: number; body: string }) => { assert.ok(res.statusCode < 300, res.body); return JSON.parse(res.body) as Json; };
    ok(await adminJson('PUT', '/v1/scoring', {
      engagement: { halfLifeDays: null, rules: [{ id: 'whitepaper', label: 'Whitepaper', event: 'Whitepaper Downloaded', points: 10 }] },
      fit: { rules: [{ id: 'ceo', label: 'CEO', trait: 'role', op: 'equals', value: 'CEO', points: 20 }] },
    }));
    ok(await adminJson('PUT', '/v1/lifecycle', {
      rules: [
        { id: 'subscriber', to: 'subscriber', when: { trait: 'email', op: 'exists' } },
        { id: 'mql', to: 'marketing_qualified', when: { all: [{ engagement: { gte: 20 } }, { fit: { gte: 20 } }] } },
      ],
    }));
    ok(await adminJson('POST', '/v1/segments', { id: 'readers', name: 'Readers', condition: { event: { name: 'Whitepaper Downloaded' } } }));
    hookId = ok(await adminJson('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/crm', events: ['lifecycle.changed', 'segment.entered', 'segment.exited'] })).id;
  });
  after(async () => { await t.close(); });

  const send = async (path: string, body: Json) => assertAccepted(await t.collect(path, body));
  const adminJson = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
  const unmerge = (id: string, body: unknown) => adminJson('POST', `/v1/profiles/${encodeURIComponent(id)}/unmerge`, body);
  const identitiesOf = (p: Json) => p.identities.map((i: Json) => `${i.kind}:${i.value}`).sort();
  const deliveries = async () => (JSON.parse((await t.admin(`/v1/webhooks/${hookId}/deliveries?limit=1000`)).body) as Json).deliveries as Json[];
  const lifecycleOf = async (id: string) => JSON.parse((await t.admin(`/v1/profiles/${encodeURIComponent(id)}/lifecycle`)).body) as Json;

  describe('a wrong merge undone', () => {
    let tom: Json;
    let crm: Json;
    before(async () => {
      // Two people who share an address book entry: Tom (a CEO reading whitepapers) and the CRM's "crm-ann".
      await send('/v1/identify', { userId: 'web-tom', anonymousId: 'tom-laptop', traits: { email: 'tom@acme.test', role: 'CEO', name: 'Tom' } });
      await send('/v1/track', { userId: 'web-tom', event: 'Whitepaper Downloaded' });
      await send('/v1/track', { userId: 'web-tom', event: 'Whitepaper Downloaded' });
      await send('/v1/identify', { userId: 'crm-ann', traits: { email: 'ann@acme.test', name: 'Ann', plan: 'pro' } });
      const consent = await t.collect('/v1/consent', { userId: 'crm-ann', purposes: { personalization: true }, channel: 'api' });
      assert.equal(consent.statusCode, 200, consent.body);
      tom = await profileOf(t, 'web-tom');
      crm = await profileOf(t, 'crm-ann');
      assert.equal((await lifecycleOf('web-tom')).stage, 'marketing_qualified');
      assert.equal((await lifecycleOf('crm-ann')).stage, 'subscriber');
      // The wrong statement: crm-ann is web-tom.
      await send('/v1/alias', { previousId: 'crm-ann', userId: 'web-tom', anonymousId: 'shared-kiosk' });
      assert.equal((await profileOf(t, 'crm-ann')).id, tom.id, 'merged');
    });

    it('merge → more events → unmerge: each event goes with its identifiers, state is rebuilt, the log says undone', async () => {
      // After the merge: Ann's own events (by her userId and by her email), Tom's, and the kiosk's.
      await send('/v1/track', { userId: 'crm-ann', event: 'Invoice Paid' });
      await send('/v1/identify', { userId: 'crm-ann', traits: { email: 'ann@acme.test', city: 'Graz' } });
      await send('/v1/track', { userId: 'web-tom', event: 'Whitepaper Downloaded', properties: { n: 3 } });
      await send('/v1/track', { anonymousId: 'shared-kiosk', event: 'Kiosk Visited' });
      const merged = await profileOf(t, 'web-tom');
      assert.equal(merged.behaviour.eventCounts['Invoice Paid'], 1);

      const before = await deliveries();
      const res = await unmerge('web-tom', { mergedProfileId: crm.id });
      assert.equal(res.statusCode, 200, res.body);
      const answer = JSON.parse(res.body) as Json;
      assert.equal(answer.profileId, tom.id);
      assert.deepEqual(answer.undone.map((u: Json) => [u.survivorId, u.restoredProfileId]), [[tom.id, crm.id]]);
      assert.equal(answer.undone[0].removedIdentities, 1, 'shared-kiosk: only the wrong alias vouched for it');

      const ann = await profileOf(t, 'crm-ann');
      assert.equal(ann.id, crm.id, 'the merged profile is live again under its own id');
      assert.equal((await profileOf(t, 'ann@acme.test')).id, crm.id);
      assert.deepEqual(identitiesOf(ann), ['email:ann@acme.test', 'user_id:crm-ann']);
      assert.deepEqual([ann.traits.name, ann.traits.plan, ann.traits.city, ann.traits.role], ['Ann', 'pro', 'Graz', undefined], 'traits from her own events only');
      assert.equal(ann.behaviour.eventCounts['Invoice Paid'], 1, 'the event sent after the merge with her userId went back');
      assert.equal(ann.behaviour.eventCounts['Whitepaper Downloaded'], undefined);
      assert.equal(ann.consent.personalization?.granted, true, 'her consent went back with her consent event');
      assert.equal(ann.createdAt, crm.createdAt);
      const found = (q: string) => t.admin(`/v1/profiles?${q}`).then((r) => (JSON.parse(r.body) as Json).profiles.map((p: Json) => p.id));
      assert.deepEqual(await found('trait.city=Graz'), [crm.id], 'searchable again, by her traits only');
      assert.deepEqual(await found('q=ann%40acme'), [crm.id]);

      const back = await profileOf(t, 'web-tom');
      assert.deepEqual(identitiesOf(back), ['anonymous_id:tom-laptop', 'email:tom@acme.test', 'user_id:web-tom']);
      assert.deepEqual([back.traits.name, back.traits.plan, back.traits.city], ['Tom', undefined, undefined]);
      assert.equal(back.behaviour.eventCounts['Whitepaper Downloaded'], 3);
      assert.equal(back.behaviour.eventCounts['Invoice Paid'], undefined);
      assert.equal(back.consent.personalization, undefined, 'her consent left with her');
      assertError(await t.admin('/v1/profiles/shared-kiosk'), 404);
      const kiosk = (await timelineOf(t, 'web-tom')).filter((e) => e.event === 'Kiosk Visited');
      assert.equal(kiosk.length, 1, 'an event whose identifier nobody owns now stays where it was');

      const tomScore = JSON.parse((await t.admin('/v1/profiles/web-tom/score')).body) as Json;
      assert.equal(tomScore.engagement.score, 30);
      assert.equal((await lifecycleOf('web-tom')).stage, 'marketing_qualified');
      const annLifecycle = await lifecycleOf('crm-ann');
      assert.equal(annLifecycle.stage, 'subscriber', 'her own history, not Tom’s');
      assert.ok(annLifecycle.history.every((m: Json) => m.merged === undefined));
      const annScore = JSON.parse((await t.admin('/v1/profiles/crm-ann/score')).body) as Json;
      assert.deepEqual([annScore.engagement.score, annScore.fit.score], [0, 0]);

      assert.ok(((await profileOf(t, 'crm-ann')).segments ?? []).every((s: Json) => s.id !== 'readers'));
      assert.ok(((await profileOf(t, 'web-tom')).segments ?? []).some((s: Json) => s.id === 'readers'));
      const announced = (await deliveries()).filter((d) => !before.some((b) => b.id === d.id));
      assert.deepEqual(announced.filter((d) => d.payload.type === 'lifecycle.changed'), [], 'no stage changed: nothing re-announced');

      for (const id of [tom.id, crm.id]) {
        assert.ok((await timelineOf(t, id)).some((e) => e.event === 'Profiles Unmerged'), `timeline of ${id}`);
      }
      assert.ok((await timelineOf(t, tom.id)).every((e) => e.event !== 'Profiles Merged'), 'the merge entry names her identifier: it left with her');
      const exported = JSON.parse((await t.admin(`/v1/profiles/${tom.id}/export`)).body) as Json;
      // The alias itself was his statement (sent with his userId) and stays on his timeline.
      const mentions = exported.events.filter((e: Json) => JSON.stringify(e).includes('crm-ann')).map((e: Json) => e.type);
      assert.deepEqual(mentions, ['alias']);
      assert.ok(!JSON.stringify({ ...exported, events: [] }).includes('crm-ann'), 'no snapshot, identity or trait of hers in his export');
      const hers = JSON.parse((await t.admin(`/v1/profiles/${crm.id}/export`)).body) as Json;
      assert.ok(hers.merges.some((m: Json) => m.mergedId === crm.id && m.undone), 'the undone merge is in her export');
      const detail = JSON.parse((await t.admin(`/v1/profiles/${tom.id}`)).body) as Json;
      const entry = detail.merges.find((m: Json) => m.mergedId === crm.id);
      assert.ok(entry?.undone?.at, JSON.stringify(detail.merges));
      const audit = JSON.parse((await t.admin('/v1/privacy/audit?limit=50')).body) as Json;
      assert.ok(audit.entries.some((e: Json) => e.action === 'profile.unmerge' && e.subject === tom.id));

      assertError(await unmerge('web-tom', { mergedProfileId: crm.id }), 409, 'conflict');
      // New events go to the right person afterwards.
      await send('/v1/track', { userId: 'crm-ann', event: 'Invoice Paid' });
      assert.equal((await profileOf(t, 'crm-ann')).behaviour.eventCounts['Invoice Paid'], 2);
    });
  });

  describe('the survivor’s stage came from the merged profile', () => {
    it('moves back to its own, recorded and announced', async () => {
      await send('/v1/identify', { userId: 'lea', traits: { email: 'lea@acme.test', role: 'CEO' } });
      await send('/v1/track', { userId: 'lea', event: 'Whitepaper Downloaded' });
      await send('/v1/track', { userId: 'lea', event: 'Whitepaper Downloaded' });
      const lea = await profileOf(t, 'lea');
      await send('/v1/identify', { userId: 'max', traits: { email: 'max@acme.test' } });
      await send('/v1/alias', { previousId: 'lea', userId: 'max' });
      assert.equal((await lifecycleOf('max')).stage, 'marketing_qualified', 'the furthest stage kept');
      const before = await deliveries();
      const res = await unmerge('max', { mergedProfileId: lea.id });
      assert.equal(res.statusCode, 200, res.body);
      const max = await lifecycleOf('max');
      assert.equal(max.stage, 'subscriber');
      assert.deepEqual([max.history.at(-1).from, max.history.at(-1).to], ['marketing_qualified', 'subscriber']);
      assert.match(max.history.at(-1).reason, /^unmerged profile /);
      assert.equal((await lifecycleOf('lea')).stage, 'marketing_qualified');
      const announced = (await deliveries()).filter((d) => !before.some((b) => b.id === d.id));
      const moves = announced.filter((d) => d.payload.type === 'lifecycle.changed').map((d) => `${d.payload.profile.id === lea.id ? 'lea' : 'max'}:${d.payload.data.from}>${d.payload.data.to}`);
      assert.deepEqual(moves, ['max:marketing_qualified>subscriber'], 'the move down is announced once; Lea’s stage is not re-announced');
      const segments = announced.filter((d) => d.payload.type !== 'lifecycle.changed').map((d) => `${d.payload.type}:${d.payload.profile.id === lea.id ? 'lea' : 'max'}`).sort();
      assert.deepEqual(segments, ['segment.entered:lea', 'segment.exited:max']);
    });
  });

  describe('later merges that depend on it', () => {
    it('are listed (409) unless included, then undone together, latest first', async () => {
      await send('/v1/track', { anonymousId: 'dev-a', event: 'Seen' });
      const a = await profileOf(t, 'dev-a');
      await send('/v1/identify', { userId: 'kim', traits: { name: 'Kim' } });
      await send('/v1/identify', { userId: 'kim', anonymousId: 'dev-a' });
      const kim = await profileOf(t, 'kim');
      assert.equal((await profileOf(t, 'dev-a')).id, kim.id);
      // Kim is merged into another profile later: the survivor of the first merge is gone.
      await send('/v1/identify', { userId: 'kim-new', traits: { name: 'Kim N' } });
      await send('/v1/alias', { previousId: 'kim', userId: 'kim-new' });
      const live = await profileOf(t, 'kim-new');
      assert.equal((await profileOf(t, 'dev-a')).id, live.id);

      const refused = assertError(await unmerge('kim-new', { mergedProfileId: a.id }), 409, 'conflict');
      assertIssue(refused, 'including', new RegExp(`"${kim.id}"`));
      assertIssue(assertError(await unmerge('kim-new', { mergedProfileId: a.id, including: ['p_unknown'] }), 400, 'invalid_body'), 'including[0]', /depends on this merge/);
      assertError(await unmerge('dev-a', { mergedProfileId: 'no-such-profile' }), 404, 'not_found');
      const res = await unmerge('kim-new', { mergedProfileId: a.id, including: [kim.id] });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual((JSON.parse(res.body) as Json).undone.map((u: Json) => u.restoredProfileId), [kim.id, a.id]);
      assert.deepEqual(identitiesOf(await profileOf(t, 'dev-a')), ['anonymous_id:dev-a']);
      assert.equal((await profileOf(t, 'kim')).id, kim.id);
      assert.equal((await profileOf(t, 'kim')).traits.name, 'Kim');
      assert.equal((await profileOf(t, 'kim-new')).id, live.id);
      assert.deepEqual(identitiesOf(await profileOf(t, 'kim-new')), ['user_id:kim-new']);
    });
  });

  describe('hostile input', () => {
    it('is a 4xx naming every bad field, never a 5xx', async () => {
      const bad = assertError(await unmerge('web-tom', { mergedProfileId: 7, including: 'x', extra: true }), 400, 'invalid_body');
      assertIssue(bad, 'mergedProfileId', /profile id/);
      assertIssue(bad, 'including', /list/);
      assertIssue(bad, 'extra', /not a field/);
      const worse = assertError(await unmerge('web-tom', { mergedProfileId: 'a\u0000b', including: ['', 'x'.repeat(600), 'ok\n', 1e400, 'dup', 'dup'] }), 400);
      assertIssue(worse, 'mergedProfileId', /control/);
      for (const field of ['including[0]', 'including[1]', 'including[2]', 'including[3]', 'including[5]']) assertIssue(worse, field, /./);
      assertIssue(assertError(await unmerge('web-tom', {}), 400), 'mergedProfileId', /required/);
      assertIssue(assertError(await unmerge('web-tom', { mergedProfileId: 'x', including: Array.from({ length: 101 }, (_, i) => `p${i}`) }), 400), 'including', /at most/);
      assertError(await unmerge('web-tom', [1, 2]), 400);
      // A control character cannot be part of a profile id: the shared path parameter schema names it (schemas/query.ts).
      assertIssue(assertError(await unmerge('nobody-\u0001', { mergedProfileId: 'x' }), 400), 'id', /control/);
      assertError(await unmerge('nobody', { mergedProfileId: 'x' }), 404);
      assertError(await t.inject({ method: 'POST', url: '/v1/profiles/web-tom/unmerge', payload: '{"mergedProfileId": "x"', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' } }), 400);
      assertError(await t.inject({ method: 'POST', url: '/v1/profiles/web-tom/unmerge', payload: '{}', headers: { 'content-type': 'application/json' } }), 401);
      assertError(await unmerge('web-tom', { mergedProfileId: 'web-tom' }), 404);
    });
  });
}
