/**
 * Lead scoring and lifecycle through the API: configuration with validation naming the bad node,
 * scores from events and traits with a readable explanation, machine events ignored, automatic
 * moves with history and timeline entries, manual moves (also backwards) with who and note, and the
 * move's webhook delivery written in the outbox. Run against both stores (lead-scoring*.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, timelineOf, type Json } from './api-helpers.js';

export function leadScoringSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  // The worker is off: these tests read the outbox as written; delivery has its own e2e test.
  // The webhooks point at 127.0.0.1:9: the operator allows that internal target (webhook-targets.test.ts: refused without).
  before(async () => { t = await start({ webhooks: { deliver: false, maxAttempts: 3, retryBaseSeconds: 1, retryMaxSeconds: 1, timeoutSeconds: 1, logRetentionDays: 30, allow: ['127.0.0.1'] } }); });
  after(async () => { await t.close(); });

  const send = async (path: string, body: Json) => assertAccepted(await t.collect(path, body));
  const adminJson = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });

  const json201 = (res: { statusCode: number; body: string }) => { assert.equal(res.statusCode, 201, res.body); return JSON.parse(res.body) as Json; };

  const SCORING = {
    engagement: {
      halfLifeDays: 30,
      rules: [
        { id: 'whitepaper', label: 'Whitepaper Downloaded', event: 'Whitepaper Downloaded', where: [{ property: 'topic', op: 'equals', value: 'smart factory' }], points: 10 },
        { id: 'pricing', label: 'Pricing page view', type: 'page', where: [{ property: 'category', op: 'equals', value: 'pricing' }], points: 2, cap: 10 },
      ],
    },
    fit: { rules: [{ id: 'decision-maker', label: 'Decision maker', trait: 'role', op: 'in', value: ['CTO', 'CEO'], points: 20 }] },
  };
  const LIFECYCLE = {
    rules: [
      { id: 'subscriber', to: 'subscriber', when: { trait: 'email', op: 'exists' } },
      { id: 'mql', to: 'marketing_qualified', when: { all: [{ engagement: { gte: 20 } }, { fit: { gte: 20 } }] } },
    ],
  };

  describe('configuration', () => {
    it('refuses invalid scoring and lifecycle configuration naming the bad node, and changes nothing', async () => {
      const bad = assertError(await adminJson('PUT', '/v1/scoring', { engagement: { rules: [{ id: 'x', event: 'A', points: 'ten' }] } }), 400, 'invalid_body');
      assertIssue(bad, 'engagement.rules[0].points', /number/);
      const badStage = assertError(await adminJson('PUT', '/v1/lifecycle', { rules: [{ id: 'r', to: 'vip', when: { bant: 'complete' } }] }), 400, 'invalid_body');
      assertIssue(badStage, 'rules[0].to', /not one of the stages/);
      const badNode = assertError(await adminJson('PUT', '/v1/lifecycle', { rules: [{ id: 'r', to: 'lead', when: { any: [{ fit: { gte: 1 } }, { engagement: { more: 3 } }] } }] }), 400);
      assert.ok(badNode.issues?.some((i) => i.field.startsWith('rules[0].when.any[1].engagement')), JSON.stringify(badNode));
      assertError(await t.inject({ method: 'PUT', url: '/v1/scoring', payload: '{}', headers: { 'content-type': 'application/json' } }), 401);
      const current = JSON.parse((await adminJson('GET', '/v1/scoring')).body) as Json;
      assert.deepEqual(current.engagement.rules, []);
    });

    it('saves valid configuration and answers it with defaults filled in', async () => {
      const scoring = await adminJson('PUT', '/v1/scoring', SCORING);
      assert.equal(scoring.statusCode, 200, scoring.body);
      assert.equal((JSON.parse(scoring.body) as Json).engagement.rules[1].type, 'page');
      const lifecycle = await adminJson('PUT', '/v1/lifecycle', LIFECYCLE);
      assert.equal(lifecycle.statusCode, 200, lifecycle.body);
      const saved = JSON.parse((await adminJson('GET', '/v1/lifecycle')).body) as Json;
      assert.equal(saved.stages.length, 7);
      assert.equal(saved.bant.budget, 'budget');
    });
  });

  describe('scores and lifecycle from events', () => {
    let hookId: string;
    before(async () => {
      const hook = await adminJson('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/crm', events: ['lifecycle.changed'], description: 'CRM' });
      assert.equal(hook.statusCode, 201, hook.body);
      const body = JSON.parse(hook.body) as Json;
      assert.match(body.secret, /^whsec_/);
      hookId = body.id;
      await send('/v1/identify', { userId: 'lena', traits: { email: 'lena@acme.test', role: 'CTO' } });
      await send('/v1/track', { userId: 'lena', event: 'Whitepaper Downloaded', properties: { topic: 'Smart Factory' } });
      await send('/v1/track', { userId: 'lena', event: 'Whitepaper Downloaded', properties: { topic: 'smart factory', machine: true, machineReason: 'link scanner' } });
      await send('/v1/track', { userId: 'lena', event: 'Whitepaper Downloaded', properties: { topic: 'smart factory' }, context: { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' } });
      for (let i = 0; i < 7; i++) await send('/v1/page', { userId: 'lena', name: 'Pricing', category: 'pricing', properties: { url: `https://acme.test/pricing?i=${i}` } });
    });

    it('explains the score: which rules, how many times, how much, what is left; machine events do not count', async () => {
      const res = await t.admin('/v1/profiles/lena/score');
      assert.equal(res.statusCode, 200, res.body);
      const score = JSON.parse(res.body) as Json;
      assert.equal(score.engagement.score, 20);
      assert.equal(score.fit.score, 20);
      const whitepaper = score.engagement.rules.find((r: Json) => r.ruleId === 'whitepaper');
      assert.equal(whitepaper.count, 1, 'neither the scanner’s download nor the crawler’s is counted');
      const pricing = score.engagement.rules.find((r: Json) => r.ruleId === 'pricing');
      assert.deepEqual([pricing.count, pricing.earned], [7, 10], 'capped at 10');
      assert.match(score.text, /^Engagement 20 points: .*Whitepaper Downloaded ×1 → \+10/);
      assert.match(score.text, /Fit 20 points: Decision maker \+20 \(trait role in \("CTO", "CEO"\)\)/);
    });

    it('moves the profile automatically, with the history, timeline entries and a webhook delivery per move', async () => {
      const lifecycle = JSON.parse((await t.admin('/v1/profiles/lena/lifecycle')).body) as Json;
      assert.equal(lifecycle.stage, 'marketing_qualified');
      assert.equal(lifecycle.label, 'Marketing qualified lead');
      assert.match(lifecycle.text, /^Marketing qualified lead since \d{4}-\d{2}-\d{2}: rule mql: engagement score 2\d(\.\d)? ≥ 20 and fit score 20 ≥ 20\.$/);
      assert.deepEqual(lifecycle.history.map((m: Json) => m.to), ['subscriber', 'marketing_qualified']);
      assert.match(lifecycle.history[1].reason, /^rule mql: engagement score 2\d(\.\d)? ≥ 20 and fit score 20 ≥ 20$/);
      const entries = (await timelineOf(t, 'lena')).filter((e: Json) => e.event === 'Lifecycle Stage Changed');
      assert.deepEqual(entries.map((e: Json) => e.properties.to).sort(), ['marketing_qualified', 'subscriber']);
      const log = JSON.parse((await t.admin(`/v1/webhooks/${hookId}/deliveries`)).body) as Json;
      assert.deepEqual(log.deliveries.map((d: Json) => d.payload.data.to).sort(), ['marketing_qualified', 'subscriber']);
      const payload = log.deliveries[0].payload;
      assert.deepEqual([payload.type, payload.profile.userId, payload.profile.email], ['lifecycle.changed', 'lena', 'lena@acme.test']);
      assert.equal(log.deliveries[0].status, 'pending');
    });

    it('moves manually, also backwards, recording who and the note; bad moves are 4xx naming the field', async () => {
      assertIssue(assertError(await adminJson('POST', '/v1/profiles/lena/lifecycle', { stage: 'vip' }), 400, 'invalid_body'), 'stage', /not one of the stages/);
      assertIssue(assertError(await adminJson('POST', '/v1/profiles/lena/lifecycle', { note: 'x' }), 400), 'stage', /required/);
      assertIssue(assertError(await adminJson('POST', '/v1/profiles/lena/lifecycle', { stage: 'lead', by: 'me' }), 400), 'by', /not a field/);
      assertError(await adminJson('POST', '/v1/profiles/nobody-at-all/lifecycle', { stage: 'lead' }), 404, 'not_found');
      const res = await adminJson('POST', '/v1/profiles/lena@acme.test/lifecycle', { stage: 'lead', note: 'recycled: no budget this year' });
      assert.equal(res.statusCode, 200, res.body);
      const moved = JSON.parse(res.body) as Json;
      assert.equal(moved.moved, true);
      assert.equal(moved.stage, 'lead');
      const last = moved.history.at(-1);
      assert.deepEqual([last.from, last.to, last.note], ['marketing_qualified', 'lead', 'recycled: no budget this year']);
      assert.ok(!last.actor.includes(ADMIN_KEY), 'the key id, never the key');
      const audit = JSON.parse((await t.admin('/v1/privacy/audit?limit=20')).body) as Json;
      assert.equal(audit.entries.find((e: Json) => e.action === 'profile.lifecycle.move').actor, last.actor, 'who moved it: the admin key id');
      assert.match(last.reason, /^manual move by key .+ \(note: recycled: no budget this year\)$/);
      const again = JSON.parse((await adminJson('POST', '/v1/profiles/lena/lifecycle', { stage: 'lead' })).body) as Json;
      assert.equal(again.moved, false);
      // The hold keeps automatic rules off: another qualifying event does not move the profile back up.
      await send('/v1/track', { userId: 'lena', event: 'Whitepaper Downloaded', properties: { topic: 'smart factory' } });
      assert.equal((JSON.parse((await t.admin('/v1/profiles/lena/lifecycle')).body) as Json).stage, 'lead');
      const entries = (await timelineOf(t, 'lena')).filter((e: Json) => e.event === 'Lifecycle Stage Changed');
      assert.equal(entries.length, 3);
      const log = JSON.parse((await t.admin(`/v1/webhooks/${hookId}/deliveries?limit=1`)).body) as Json;
      assert.equal(log.deliveries[0].payload.data.to, 'lead');
      assert.ok(log.nextCursor);
    });

    it('exports the lifecycle history and the deliveries, and erases both', async () => {
      const exported = await t.admin('/v1/profiles/lena/export');
      assert.equal(exported.statusCode, 200, exported.body);
      const body = JSON.parse(exported.body) as Json;
      assert.equal(body.profile.lifecycle.history.length, 3);
      assert.equal(body.webhookDeliveries.length, 3);
      const erased = await adminJson('DELETE', '/v1/profiles/lena');
      assert.equal(erased.statusCode, 200, erased.body);
      const log = JSON.parse((await t.admin(`/v1/webhooks/${hookId}/deliveries`)).body) as Json;
      assert.equal(log.deliveries.length, 0);
    });
  });

  describe('merges', () => {
    it('a merged profile keeps both lifecycle histories and the engagement of both sides', async () => {
      await send('/v1/identify', { anonymousId: 'merge-a', userId: 'merge-user', traits: { email: 'merge@acme.test' } });
      await send('/v1/track', { anonymousId: 'merge-b', event: 'Whitepaper Downloaded', properties: { topic: 'smart factory' } });
      await send('/v1/page', { anonymousId: 'merge-b', name: 'Pricing', category: 'pricing' });
      const before = JSON.parse((await t.admin('/v1/profiles/merge-b/score')).body) as Json;
      assert.equal(before.engagement.score, 12);
      assert.equal(before.lifecycle.stage, null);
      assert.equal((await adminJson('POST', '/v1/profiles/merge-b/lifecycle', { stage: 'lead', note: 'called us' })).statusCode, 200);
      await send('/v1/identify', { anonymousId: 'merge-b', userId: 'merge-user' });
      const after = JSON.parse((await t.admin('/v1/profiles/merge-user/score')).body) as Json;
      assert.equal(after.engagement.score, 12, 'engagement replayed from both profiles’ events');
      assert.equal(after.lifecycle.stage, 'lead', 'the furthest stage of both');
      assert.deepEqual(after.lifecycle.history.map((m: Json) => m.to), ['subscriber', 'lead', 'lead'], 'both histories, then the merge');
      assert.deepEqual([after.lifecycle.history[2].from, after.lifecycle.history[2].merged?.stage], ['subscriber', 'lead'], 'the merge is recorded');
      assert.equal((JSON.parse((await t.admin('/v1/profiles/merge-b/score')).body) as Json).profileId, after.profileId);
    });
  });

  describe('merges keep the furthest stage', () => {
    it('a merge never moves a stage backwards nor announces a move twice (issue 13 item 8)', async () => {
      const hook = json201(await adminJson('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/tom', events: ['lifecycle.changed'] }));
      await send('/v1/identify', { userId: 'web-tom', traits: { email: 'tom@acme.test', role: 'CEO' } });
      for (let i = 0; i < 4; i++) await send('/v1/track', { userId: 'web-tom', event: 'Whitepaper Downloaded', properties: { topic: 'smart factory' } });
      await send('/v1/page', { userId: 'web-tom', name: 'Pricing', category: 'pricing' });
      assert.equal((JSON.parse((await t.admin('/v1/profiles/web-tom/lifecycle')).body) as Json).stage, 'marketing_qualified');
      await send('/v1/identify', { userId: 'crm-tom', traits: { email: 'tom@acme.test' } });
      const crm = JSON.parse((await t.admin('/v1/profiles/crm-tom/lifecycle')).body) as Json;
      assert.equal(crm.stage, 'subscriber', 'a second profile: two userIds do not merge without an alias');
      await send('/v1/alias', { previousId: 'crm-tom', userId: 'web-tom' });
      const merged = JSON.parse((await t.admin('/v1/profiles/web-tom/lifecycle')).body) as Json;
      assert.equal(merged.stage, 'marketing_qualified');
      const stages = merged.history.map((m: Json) => `${m.from}>${m.to}`);
      assert.deepEqual(stages.filter((s: string) => s.endsWith('>marketing_qualified') && !s.startsWith('marketing_qualified')), ['subscriber>marketing_qualified'], JSON.stringify(merged.history));
      const last = merged.history.at(-1);
      assert.deepEqual([last.from, last.to, last.merged?.stage], ['marketing_qualified', 'marketing_qualified', 'subscriber'], 'the merge is in the history');
      const log = JSON.parse((await t.admin(`/v1/webhooks/${hook.id}/deliveries`)).body) as Json;
      const toMql = log.deliveries.filter((d: Json) => d.payload.data.to === 'marketing_qualified');
      assert.equal(toMql.length, 1, JSON.stringify(log.deliveries.map((d: Json) => d.payload.data)));
    });
  });

  describe('segments that look at lifecycle stages', () => {
    it('enter in the same batch as the move, and both changes go to the outbox', async () => {
      const segment = await adminJson('POST', '/v1/segments', { id: 'mqls', name: 'MQLs', condition: { lifecycle: { in: ['marketing_qualified'] } } });
      assert.equal(segment.statusCode, 201, segment.body);
      const hook = JSON.parse((await adminJson('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/seg', events: ['segment.entered', 'lifecycle.changed'], segmentIds: ['mqls'] })).body) as Json;
      await send('/v1/identify', { userId: 'sven', traits: { email: 'sven@acme.test', role: 'CEO' } });
      await send('/v1/track', { userId: 'sven', event: 'Whitepaper Downloaded', properties: { topic: 'smart factory' } });
      await send('/v1/track', { userId: 'sven', event: 'Whitepaper Downloaded', properties: { topic: 'smart factory' } });
      const log = JSON.parse((await t.admin(`/v1/webhooks/${hook.id}/deliveries`)).body) as Json;
      const kinds = log.deliveries.filter((d: Json) => d.payload.profile.userId === 'sven').map((d: Json) => `${d.payload.type}:${d.payload.data.to ?? d.payload.data.segmentId}`);
      assert.deepEqual(kinds.sort(), ['lifecycle.changed:marketing_qualified', 'lifecycle.changed:subscriber', 'segment.entered:mqls']);
    });

    it('segments on the engagement score follow the points an event earns, and other events leave them be', async () => {
      const created = await adminJson('POST', '/v1/segments', { id: 'engaged', name: 'Engaged', condition: { and: [{ score: { kind: 'engagement', op: 'gte', value: 20 } }, { not: { trait: { key: 'plan', op: 'equals', value: 'free' } } }] } });
      assert.equal(created.statusCode, 201, created.body);
      const segmentsOf = async (id: string) => ((JSON.parse((await t.admin(`/v1/profiles/${id}`)).body) as Json).segments ?? []).map((s: Json) => s.id) as string[];
      await send('/v1/track', { userId: 'uma', event: 'Whitepaper Downloaded', properties: { topic: 'smart factory' } });
      assert.ok(!(await segmentsOf('uma')).includes('engaged'), '10 points: not yet');
      await send('/v1/track', { userId: 'uma', event: 'Feature Used' });
      assert.ok(!(await segmentsOf('uma')).includes('engaged'), 'an event that scores nothing changes nothing');
      await send('/v1/track', { userId: 'uma', event: 'Whitepaper Downloaded', properties: { topic: 'smart factory' } });
      assert.ok((await segmentsOf('uma')).includes('engaged'), '20 points: entered with the event that earned them');
      await send('/v1/identify', { userId: 'uma', traits: { plan: 'free' } });
      assert.ok(!(await segmentsOf('uma')).includes('engaged'), 'a trait change still re-evaluates the segment');
      const timeline = await timelineOf(t, 'uma');
      assert.ok(timeline.length > 0);
      assert.deepEqual(timeline.filter((e) => String(e.event).startsWith('Segment ') && e.properties.segmentId === 'engaged').map((e) => e.event).reverse(), ['Segment Entered', 'Segment Exited']);
    });
  });

  describe('segments and merges', () => {
    it('a profile merged into another leaves its segments under its own id, announced with mergedInto; the survivor enters', async () => {
      json201(await adminJson('POST', '/v1/segments', { id: 'pricing-fans', name: 'Pricing fans', condition: { event: { name: 'Pricing Viewed' } } }));
      const hook = JSON.parse((await adminJson('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/merge', events: ['segment.entered', 'segment.exited'], segmentIds: ['pricing-fans'] })).body) as Json;
      await send('/v1/track', { anonymousId: 'anon-vera', event: 'Pricing Viewed' });
      const anonymous = JSON.parse((await t.admin('/v1/profiles/anon-vera')).body) as Json;
      await send('/v1/identify', { userId: 'vera', traits: { email: 'vera@acme.test' } });
      await send('/v1/identify', { anonymousId: 'anon-vera', userId: 'vera' });
      const survivor = JSON.parse((await t.admin('/v1/profiles/vera')).body) as Json;
      assert.notEqual(survivor.id, anonymous.id, 'the known profile survived the merge');
      assert.ok(survivor.segments.some((s: Json) => s.id === 'pricing-fans'));
      const log = JSON.parse((await t.admin(`/v1/webhooks/${hook.id}/deliveries`)).body) as Json;
      const seen = log.deliveries.map((d: Json) => `${d.payload.type}:${d.payload.profile.id === anonymous.id ? 'merged' : d.payload.profile.id === survivor.id ? 'survivor' : '?'}`).sort();
      assert.deepEqual(seen, ['segment.entered:merged', 'segment.entered:survivor', 'segment.exited:merged']);
      const exit = log.deliveries.find((d: Json) => d.payload.type === 'segment.exited').payload;
      assert.equal(exit.data.mergedInto, survivor.id);
      assert.match(exit.data.reason, /merged into profile/);
      assert.equal(exit.profile.userId, 'vera', 'the person is named, as the survivor knows them');
    });
  });

  describe('preview before saving, and the stage funnel', () => {
    it('says what a person would score under unsaved rules, rule by rule, and the moves they would make; nothing is saved', async () => {
      await send('/v1/identify', { userId: 'pia', traits: { email: 'pia@acme.test', role: 'CTO' } });
      for (let i = 0; i < 2; i++) await send('/v1/track', { userId: 'pia', event: 'Webinar Attended' });
      const proposed = { ...SCORING, engagement: { ...SCORING.engagement, rules: [...SCORING.engagement.rules, { id: 'webinar', label: 'Webinar Attended', event: 'Webinar Attended', points: 8 }] } };
      const res = await adminJson('POST', '/v1/scoring/preview', { profile: 'pia@acme.test', scoring: proposed, lifecycle: { rules: [...LIFECYCLE.rules.slice(0, 1), { id: 'mql', to: 'marketing_qualified', when: { engagement: { gte: 15 } } }] } });
      assert.equal(res.statusCode, 200, res.body);
      const preview = JSON.parse(res.body) as Json;
      const rule = (id: string) => preview.rules.find((r: Json) => r.ruleId === id);
      assert.deepEqual([rule('webinar').points, rule('webinar').current, rule('webinar').count], [16, 0, 2]);
      assert.deepEqual([rule('decision-maker').points, rule('decision-maker').current], [20, 20]);
      assert.deepEqual([rule('whitepaper').points, rule('pricing').points], [0, 0]);
      assert.deepEqual([preview.proposed.engagement, preview.current.engagement, preview.proposed.fit], [16, 0, 20]);
      assert.equal(preview.lifecycle.stage, 'subscriber');
      assert.deepEqual(preview.lifecycle.moves.map((m: Json) => `${m.from}>${m.to}`), ['subscriber>marketing_qualified']);
      assert.match(preview.explanation.text, /Webinar Attended ×2 → \+16/);
      // The stored rules apply when none are sent; nothing was saved.
      const stored = JSON.parse((await adminJson('POST', '/v1/scoring/preview', { profile: 'pia' })).body) as Json;
      assert.deepEqual([stored.proposed.engagement, stored.lifecycle.moves.length], [0, 0]);
      assert.equal((JSON.parse((await t.admin('/v1/scoring')).body) as Json).engagement.rules.length, 2);
      assert.equal((JSON.parse((await t.admin('/v1/profiles/pia/score')).body) as Json).engagement.score, 0);
      const audit = JSON.parse((await t.admin('/v1/privacy/audit?limit=5')).body) as Json;
      assert.equal(audit.entries.filter((e: Json) => e.action === 'profile.score.preview').length, 2);
    });

    it('refuses bad rules naming each field under scoring. and lifecycle., and an unknown person with 404', async () => {
      const bad = assertError(await adminJson('POST', '/v1/scoring/preview', {
        profile: 'pia', scoring: { engagement: { rules: [{ id: 'x', event: 'A', points: 'ten' }] } }, lifecycle: { rules: [{ id: 'r', to: 'vip', when: { bant: 'complete' } }] },
      }), 400, 'invalid_body');
      assertIssue(bad, 'scoring.engagement.rules[0].points', /number/);
      assertIssue(bad, 'lifecycle.rules[0].to', /not one of the stages/);
      assertError(await adminJson('POST', '/v1/scoring/preview', { profile: 'nobody-at-all' }), 404, 'not_found');
      assertError(await adminJson('POST', '/v1/scoring/preview', {}), 400);
      assertError(await t.inject({ method: 'POST', url: '/v1/scoring/preview', payload: '{"profile":"pia"}', headers: { 'content-type': 'application/json' } }), 401);
    });

    it('counts the moves of the last days per stage and per (from, to)', async () => {
      const res = await t.admin('/v1/lifecycle/funnel?days=7');
      assert.equal(res.statusCode, 200, res.body);
      const funnel = JSON.parse(res.body) as Json;
      assert.equal(funnel.days, 7);
      assert.deepEqual(funnel.stages.slice(0, 3).map((s: Json) => s.key), ['subscriber', 'lead', 'marketing_qualified'], 'the configured stages in order');
      const first = funnel.moves.find((m: Json) => m.from === null && m.to === 'subscriber');
      const subscriber = funnel.stages.find((s: Json) => s.key === 'subscriber');
      assert.ok(first.people >= 4 && first.moves >= first.people, JSON.stringify(funnel.moves));
      assert.ok(subscriber.entered >= first.moves && subscriber.left >= 1, JSON.stringify(subscriber));
      const mql = funnel.stages.find((s: Json) => s.key === 'marketing_qualified');
      assert.equal(mql.entered, funnel.moves.filter((m: Json) => m.to === 'marketing_qualified').reduce((n: number, m: Json) => n + m.moves, 0));
      assert.equal(JSON.parse((await t.admin('/v1/lifecycle/funnel')).body).days, 30);
      assertError(await t.admin('/v1/lifecycle/funnel?days=0'), 400);
      assertError(await t.admin('/v1/lifecycle/funnel?days=lots'), 400);
    });
  });

  describe('configuration changes', () => {
    it('re-score existing profiles from their stored events, and move those a rule now applies to', async () => {
      await send('/v1/identify', { userId: 'rita', traits: { email: 'rita@acme.test', role: 'CTO' } });
      for (let i = 0; i < 3; i++) await send('/v1/track', { userId: 'rita', event: 'Webinar Attended', properties: { minutes: 50 } });
      assert.equal((JSON.parse((await t.admin('/v1/profiles/rita/score')).body) as Json).engagement.score, 0);
      const withWebinars = { ...SCORING, engagement: { ...SCORING.engagement, rules: [...SCORING.engagement.rules, { id: 'webinar', label: 'Webinar Attended', event: 'Webinar Attended', points: 8 }] } };
      assert.equal((await adminJson('PUT', '/v1/scoring', withWebinars)).statusCode, 200);
      let progress: Json;
      for (let i = 0; i < 400; i++) {
        progress = (JSON.parse((await t.admin('/v1/scoring/rescore')).body) as Json).rescore;
        if (progress.state !== 'running') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal(progress.state, 'done', JSON.stringify(progress));
      assert.equal(progress.processed, progress.total);
      const score = JSON.parse((await t.admin('/v1/profiles/rita/score')).body) as Json;
      assert.equal(score.engagement.score, 24, 'past webinars count under the new rule');
      assert.equal(score.lifecycle.stage, 'marketing_qualified');
      assert.equal(score.lifecycle.history.at(-1).cause, 'config');
      assertError(await t.inject({ method: 'POST', url: '/v1/scoring/rescore' }), 401);
    });
  });

  describe('webhook API', () => {
    it('validates, hides the secret after creation, updates, redelivers and deletes', async () => {
      const bad = assertError(await adminJson('POST', '/v1/webhooks', { url: 'not a url', events: [] }), 400, 'invalid_body');
      assertIssue(bad, 'url', /http/);
      assertIssue(bad, 'events', /./);
      const created = JSON.parse((await adminJson('POST', '/v1/webhooks', { url: 'https://crm.test/a', events: ['segment.entered'] })).body) as Json;
      const read = JSON.parse((await t.admin(`/v1/webhooks/${created.id}`)).body) as Json;
      assert.equal(read.secret, undefined);
      const updated = await adminJson('PUT', `/v1/webhooks/${created.id}`, { active: false, stages: ['customer'] });
      assert.equal(updated.statusCode, 200, updated.body);
      assert.deepEqual([(JSON.parse(updated.body) as Json).active, (JSON.parse(updated.body) as Json).url], [false, 'https://crm.test/a']);
      assertIssue(assertError(await adminJson('PUT', `/v1/webhooks/${created.id}`, { events: ['nope'] }), 400), 'events[0]', /./);
      assertError(await adminJson('POST', `/v1/webhooks/${created.id}/deliveries/dlv_nope/redeliver`), 404, 'not_found');
      const rotated = JSON.parse((await adminJson('POST', `/v1/webhooks/${created.id}/rotate-secret`)).body) as Json;
      assert.match(rotated.secret, /^whsec_/);
      assert.notEqual(rotated.secret, created.secret);
      assertError(await adminJson('POST', '/v1/webhooks/wh_nope/rotate-secret'), 404, 'not_found');
      assertError(await t.admin(`/v1/webhooks/${created.id}/deliveries?status=lost`), 400);
      assert.equal((await adminJson('DELETE', `/v1/webhooks/${created.id}`)).statusCode, 200);
      assertError(await adminJson('DELETE', `/v1/webhooks/${created.id}`), 404, 'not_found');
    });
  });
}
