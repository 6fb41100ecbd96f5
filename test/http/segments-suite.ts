/**
 * Segments through the API on a real store: validation naming the bad node, real-time entry on
 * the event that causes it (timeline entry with the reason, profile view, members), exit when the
 * window passes without any event (the scheduler driven with a later clock), preview, backfill over
 * existing profiles with history, member exports, computed traits, erasure and export. Run against both stores (segments*.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, profileOf, timelineOf, type Json } from './api-helpers.js';

const DAY = 86_400_000;

export function segmentsSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  before(async () => { t = await start({ segmentScheduler: false }); });
  after(async () => { await t.close(); });

  const send = async (path: string, body: Json) => assertAccepted(await t.collect(path, body));
  const call = (method: 'POST' | 'PUT' | 'DELETE' | 'GET', url: string, payload?: unknown) =>
    t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });
  const json = (res: { statusCode: number; body: string }, status = 200): Json => {
    assert.equal(res.statusCode, status, res.body);
    return JSON.parse(res.body);
  };
  const idle = () => t.tessera.segments.backfills.idle();

  const readers = {
    id: 'smart-factory-readers',
    name: 'Smart factory readers',
    condition: {
      and: [
        { event: { name: 'Whitepaper Downloaded', where: [{ property: 'topic', op: 'equals', value: 'smart factory' }], atLeast: 2, within: '30d' } },
        { not: { trait: { key: 'contacted_by_sales', op: 'equals', value: true } } },
      ],
    },
  };
  const download = (userId: string, messageId: string) => send('/v1/track', { userId, event: 'Whitepaper Downloaded', properties: { topic: 'smart factory' }, messageId });

  describe('segment definitions', () => {
    it('refuses an invalid condition, naming the node and the reason', async () => {
      const bad = { name: 'Bad', condition: { and: [{ trait: { key: 'x', op: 'exists' } }, { event: { name: 'X', atLeast: 2, within: 'a month' } }] } };
      const error = assertError(await call('POST', '/v1/segments', bad), 400, 'invalid_body');
      assertIssue(error, 'condition.and[1].event.within', /duration/);
      assertIssue(assertError(await call('POST', '/v1/segments', { condition: { segment: { id: 'nope' } } }), 400), 'name', /non-empty/);
      assertError(await call('POST', '/v1/segments', 'just text'), 400);
    });

    it('creates, shows back the readable form, refuses a duplicate id, updates and deletes', async () => {
      const created = json(await call('POST', '/v1/segments', { id: 'tmp', name: 'Temp', condition: { trait: { key: 'plan', op: 'equals', value: 'pro' } } }), 201);
      assert.equal(created.readable, 'trait plan = "pro"');
      assertError(await call('POST', '/v1/segments', { id: 'tmp', name: 'Again', condition: { trait: { key: 'plan', op: 'exists' } } }), 409, 'conflict');
      const updated = json(await call('PUT', '/v1/segments/tmp', { name: 'Temp 2', condition: { trait: { key: 'plan', op: 'in', values: ['pro', 'team'] } } }));
      assert.equal(updated.name, 'Temp 2');
      assert.equal(updated.readable, 'trait plan in ("pro", "team")');
      // A segment referring to itself through another is a cycle.
      json(await call('POST', '/v1/segments', { id: 'tmp-ref', name: 'Refers', condition: { segment: { id: 'tmp' } } }), 201);
      assertIssue(assertError(await call('PUT', '/v1/segments/tmp', { name: 'Cycle', condition: { segment: { id: 'tmp-ref' } } }), 400), 'condition', /cycle/);
      assertError(await call('DELETE', '/v1/segments/tmp'), 409, 'conflict');
      json(await call('DELETE', '/v1/segments/tmp-ref'));
      json(await call('DELETE', '/v1/segments/tmp'));
      assertError(await call('GET', '/v1/segments/tmp'), 404, 'not_found');
      await idle();
    });
  });

  describe('real-time membership', () => {
    before(async () => {
      json(await call('POST', '/v1/segments', readers), 201);
      await idle();
    });

    it('enters on the event that satisfies the condition, with the reason on the timeline and the profile', async () => {
      await send('/v1/identify', { userId: 'rt-1', traits: { email: 'rt1@example.com' } });
      await download('rt-1', 'rt-1-a');
      assert.deepEqual((await profileOf(t, 'rt-1')).segments, []);
      await download('rt-1', 'rt-1-b');
      const profile = await profileOf(t, 'rt-1');
      assert.equal(profile.segments.length, 1);
      assert.equal(profile.segments[0].id, readers.id);
      assert.match(profile.segments[0].reason, /Whitepaper Downloaded \(topic = "smart factory"\) at least 2 times within 30 days AND NOT trait contacted_by_sales = true/);
      const entry = (await timelineOf(t, 'rt-1')).find((e) => e.event === 'Segment Entered');
      assert.ok(entry, 'a Segment Entered timeline entry');
      assert.equal(entry.type, 'system');
      assert.equal(entry.properties.segmentId, readers.id);
      assert.equal(entry.properties.cause, 'rt-1-b');
      const segment = json(await call('GET', `/v1/segments/${readers.id}`));
      assert.equal(segment.members, 1);
    });

    it('leaves when contacted by sales (a trait change), with the reason', async () => {
      await send('/v1/identify', { userId: 'rt-1', traits: { contacted_by_sales: true } });
      assert.deepEqual((await profileOf(t, 'rt-1')).segments, []);
      const exit = (await timelineOf(t, 'rt-1')).find((e) => e.event === 'Segment Exited');
      assert.match(exit.properties.reason, /no longer: NOT trait contacted_by_sales = true/);
    });

    it('follows every way a trait changes: identify, context.traits of a track, $set_once, $unset; other traits leave it be', async () => {
      json(await call('POST', '/v1/segments', { id: 'cto', name: 'CTOs', condition: { trait: { key: 'role', op: 'equals', value: 'CTO' } } }), 201);
      const inCto = async (id: string) => (await profileOf(t, id)).segments.some((s: Json) => s.id === 'cto');
      await send('/v1/identify', { userId: 'tk-1', traits: { company: 'Acme' } });
      assert.equal(await inCto('tk-1'), false);
      await send('/v1/track', { userId: 'tk-1', event: 'Page Liked', context: { traits: { role: 'CTO' } } });
      assert.equal(await inCto('tk-1'), true, 'context.traits of a track set the trait');
      await send('/v1/identify', { userId: 'tk-1', traits: { company: 'Acme AG' } });
      assert.equal(await inCto('tk-1'), true, 'another trait changed: still a member');
      await send('/v1/identify', { userId: 'tk-1', traits: { $unset: ['role'] } });
      assert.equal(await inCto('tk-1'), false, '$unset removed it');
      await send('/v1/identify', { userId: 'tk-1', traits: { $set_once: { role: 'CTO' } } });
      assert.equal(await inCto('tk-1'), true, '$set_once filled the gap');
      json(await call('DELETE', '/v1/segments/cto'), 200);
    });

    it('leaves when the 30-day window passes, without any new event', async () => {
      await download('rt-2', 'rt-2-a');
      await download('rt-2', 'rt-2-b');
      assert.equal((await profileOf(t, 'rt-2')).segments.length, 1);
      assert.equal(await t.tessera.segments.scheduler.runDue(Date.now() + 10 * DAY), 0, 'nothing is due after 10 days');
      const processed = await t.tessera.segments.scheduler.runDue(Date.now() + 31 * DAY);
      assert.ok(processed >= 1);
      assert.deepEqual((await profileOf(t, 'rt-2')).segments, []);
      const exit = (await timelineOf(t, 'rt-2')).find((e) => e.event === 'Segment Exited');
      assert.equal(exit.properties.cause, 'time');
      assert.match(exit.properties.reason, /^no longer: Whitepaper Downloaded .*\(none\)$/);
      assert.equal(await t.tessera.segments.scheduler.runDue(Date.now() + 60 * DAY), 0, 'nothing is due any more');
    });
  });

  describe('preview, backfill and members', () => {
    before(async () => {
      for (let i = 0; i < 3; i++) {
        await send('/v1/identify', { userId: `bf-${i}`, traits: { email: `bf${i}@example.com`, company: i === 0 ? '=HYPERLINK("x")' : `Co ${i}` } });
        await send('/v1/track', { userId: `bf-${i}`, event: 'Pricing Viewed', properties: { plan: i === 2 ? 'free' : 'pro' } });
      }
    });
    const pricing = { event: { name: 'Pricing Viewed', where: [{ property: 'plan', op: 'equals', value: 'pro' }] } };

    it('previews a condition on events no definition tracks yet, from stored history', async () => {
      const preview = json(await call('POST', '/v1/segments/preview', { condition: pricing }));
      assert.equal(preview.count, 2);
      assert.equal(preview.exact, true);
      assert.equal(preview.examples.length, 2);
      assert.match(preview.examples[0].reason, /Pricing Viewed \(plan = "pro"\)/);
      assert.equal(preview.readable, 'Pricing Viewed (plan = "pro") at least once'.replace(' at least once', ''));
      assertIssue(assertError(await call('POST', '/v1/segments/preview', { condition: { event: { name: 'x', atLeast: -1 } } }), 400), 'condition.event.atLeast', /whole number/);
    });

    it('backfills a new segment over existing profiles, with progress', async () => {
      const created = json(await call('POST', '/v1/segments', { id: 'pricing-pro', name: 'Pro pricing viewers', condition: pricing }), 201);
      assert.equal(created.backfill.state, 'running');
      await idle();
      const done = json(await call('GET', '/v1/segments/pricing-pro'));
      assert.equal(done.backfill.state, 'done');
      assert.equal(done.backfill.processed, done.backfill.total);
      assert.equal(done.members, 2);
      const entry = (await timelineOf(t, 'bf-0')).find((e) => e.event === 'Segment Entered' && e.properties.segmentId === 'pricing-pro');
      assert.equal(entry.properties.cause, 'backfill');
      // Live events after the backfill keep counting from the replayed state.
      await send('/v1/track', { userId: 'bf-2', event: 'Pricing Viewed', properties: { plan: 'pro' } });
      assert.equal(json(await call('GET', '/v1/segments/pricing-pro')).members, 3);
    });

    it('lists members as JSON pages, and exports CSV and NDJSON', async () => {
      const page1 = json(await call('GET', '/v1/segments/pricing-pro/members?limit=2'));
      assert.equal(page1.members.length, 2);
      assert.equal(page1.total, 3);
      const page2 = json(await call('GET', `/v1/segments/pricing-pro/members?limit=2&cursor=${page1.nextCursor}`));
      assert.equal(page2.members.length, 1);
      assert.equal(page2.nextCursor, null);
      const csv = await call('GET', '/v1/segments/pricing-pro/members?format=csv&traits=company');
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      const lines = csv.body.trim().split('\r\n');
      assert.equal(lines[0], 'profile_id,since,user_id,email,trait_company,reason');
      assert.equal(lines.length, 4);
      assert.ok(lines.some((l) => l.includes('bf0@example.com') && l.includes(`"'=HYPERLINK(""x"")"`)), 'formulas are defused and quotes escaped');
      const ndjson = await call('GET', '/v1/segments/pricing-pro/members?format=ndjson');
      const rows = ndjson.body.trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(rows.map((r) => r.email).sort(), ['bf0@example.com', 'bf1@example.com', 'bf2@example.com']);
      assertError(await call('GET', '/v1/segments/pricing-pro/members?format=xml'), 400);
    });

    it('exports the person\'s current user id: after an alias the new one, never the previousId', async () => {
      await send('/v1/identify', { userId: 'acct-a-legacy', traits: { email: 'renamed@example.com' }, timestamp: '2026-01-01T10:00:00Z' });
      await send('/v1/alias', { previousId: 'acct-a-legacy', userId: 'acct-b-current', timestamp: '2026-01-02T10:00:00Z' });
      // A stale client still tracking under the old id does not make it current again.
      await send('/v1/track', { userId: 'acct-a-legacy', event: 'Pricing Viewed', properties: { plan: 'pro' }, timestamp: '2026-01-03T10:00:00Z' });
      const profile = await profileOf(t, 'acct-b-current');
      assert.deepEqual(profile.identities.filter((i: Json) => i.kind === 'user_id').map((i: Json) => i.value).sort(), ['acct-a-legacy', 'acct-b-current'], 'both ids still find the person');
      const csv = (await call('GET', '/v1/segments/pricing-pro/members?format=csv')).body.trim().split('\r\n');
      const row = csv.find((l) => l.includes('renamed@example.com'));
      assert.ok(row, csv.join('\n'));
      assert.equal(row.split(',')[2], 'acct-b-current');
      const ndjson = (await call('GET', '/v1/segments/pricing-pro/members?format=ndjson')).body.trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(ndjson.find((r) => r.email === 'renamed@example.com').userId, 'acct-b-current');
    });
  });

  describe('computed traits', () => {
    it('are computed per event, shown on the profile, and usable in segments', async () => {
      assertIssue(assertError(await call('POST', '/v1/computed-traits', { key: 'orders', event: { name: 'Order Completed' }, aggregate: 'sum' }), 400), 'property', /required/);
      json(await call('POST', '/v1/computed-traits', { key: 'order_total_90d', name: 'Order total (90 days)', event: { name: 'Order Completed' }, aggregate: 'sum', property: 'total', within: '90d' }), 201);
      await idle();
      json(await call('POST', '/v1/segments', { id: 'big-spenders', name: 'Big spenders', condition: { computed: { key: 'order_total_90d', op: 'gte', value: 100 } } }), 201);
      await idle();
      await send('/v1/track', { userId: 'ct-1', event: 'Order Completed', properties: { total: 60 } });
      assert.equal((await profileOf(t, 'ct-1')).computedTraits.order_total_90d, 60);
      await send('/v1/track', { userId: 'ct-1', event: 'Order Completed', properties: { total: 45.5 } });
      const profile = await profileOf(t, 'ct-1');
      assert.equal(profile.computedTraits.order_total_90d, 105.5);
      assert.deepEqual(profile.segments.map((s: Json) => s.id), ['big-spenders']);
      const listed = json(await call('GET', '/v1/computed-traits'));
      assert.equal(listed.computedTraits[0].readable, 'sum of total in Order Completed within 90d');
      assertError(await call('DELETE', '/v1/computed-traits/order_total_90d'), 409, 'conflict');
      assert.equal((await call('POST', '/v1/computed-traits/order_total_90d/backfill')).statusCode, 202);
      await idle();
      assert.equal(json(await call('GET', '/v1/computed-traits/order_total_90d')).backfill.state, 'done');
      assert.equal((await profileOf(t, 'ct-1')).computedTraits.order_total_90d, 105.5, 'a replay gives the same value');
      assertError(await call('POST', '/v1/computed-traits/nope/backfill'), 404, 'not_found');
    });
  });

  describe('personal data', () => {
    it('memberships are exported and erased with the person', async () => {
      await download('gd-1', 'gd-1-a');
      await download('gd-1', 'gd-1-b');
      const before = json(await call('GET', `/v1/segments/${readers.id}`)).members;
      const exported = json(await call('GET', '/v1/profiles/gd-1/export'));
      // The current memberships themselves, not only the timeline's Segment Entered entries.
      assert.deepEqual(exported.segments.map((m: Json) => [m.id, m.name, typeof m.since, m.reason.length > 0]), [[readers.id, readers.name, 'string', true]]);
      assert.deepEqual(exported.computedTraits, {});
      const spender = json(await call('GET', '/v1/profiles/ct-1/export'));
      assert.equal(spender.computedTraits.order_total_90d, 105.5, 'computed traits are exported');
      assert.deepEqual(spender.segments.map((m: Json) => [m.id, m.name]), [['big-spenders', 'Big spenders']]);
      json(await call('DELETE', '/v1/profiles/gd-1'));
      assert.equal(json(await call('GET', `/v1/segments/${readers.id}`)).members, before - 1);
    });
  });
  describe('member counts in the list', () => {
    it('are kept as members enter and leave (issue 19 §3): exact at once in the list and on the segment\'s page, without counting', async () => {
      const condition = { trait: { key: 'tier', op: 'equals', value: 'listed' } };
      await send('/v1/identify', { userId: 'lc-0', traits: { tier: 'listed' } });
      json(await call('POST', '/v1/segments', { id: 'list-count', name: 'Listed tier', condition }), 201);
      await idle();
      const listed = async (query = '') => (json(await call('GET', `/v1/segments${query}`)).segments as Json[]).find((s) => s.id === 'list-count')!.members;
      assert.equal(await listed(), 1);
      await send('/v1/identify', { userId: 'lc-1', traits: { tier: 'listed' } });
      assert.equal(await listed(), 2, 'the list: an entry counts at once');
      assert.equal(json(await call('GET', '/v1/segments/list-count')).members, 2, 'the segment itself');
      await send('/v1/identify', { userId: 'lc-0', traits: { tier: 'other' } });
      assert.equal(await listed(), 1, 'an exit counts at once');
      json(await call('PUT', '/v1/segments/list-count', { name: 'Listed tier (renamed)', condition }));
      await idle();
      assert.equal(await listed(), 1, 'a renamed segment keeps its count');
      json(await call('PUT', '/v1/segments/list-count', { name: 'Listed or other tier', condition: { trait: { key: 'tier', op: 'in', value: ['listed', 'other'] } } }));
      await idle();
      assert.equal(await listed(), 2, 'redefined and backfilled');
      assert.equal(await listed('?counts=cached'), 2, 'counts=cached (kept for compatibility) gives the same count');
    });

    it('counts=cached, kept for compatibility, gives every count too (it once gave null for a count not known from the last 10 s)', async () => {
      const condition = { trait: { key: 'tier', op: 'equals', value: 'cached-only' } };
      await send('/v1/identify', { userId: 'cc-0', traits: { tier: 'cached-only' } });
      json(await call('POST', '/v1/segments', { id: 'cached-count', name: 'Cached only', condition }), 201);
      await idle();
      const listed = async () => (json(await call('GET', '/v1/segments?counts=cached')).segments as Json[]).find((s) => s.id === 'cached-count')!;
      assert.equal((await listed()).members, 1, 'never read before, counted all the same');
      assert.equal(json(await call('GET', '/v1/segments/cached-count')).members, 1);
      assert.equal((json(await call('GET', '/v1/segments?counts=all')).segments as Json[]).find((s) => s.id === 'cached-count')!.members, 1);
      const bad = await call('GET', '/v1/segments?counts=some');
      assert.match(JSON.stringify(json(bad, 400)), /counts/);
    });
  });

}
