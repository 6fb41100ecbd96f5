/**
 * The collection API speaks the Segment HTTP tracking API: every endpoint stores the spec's fields,
 * analytics.js's short paths do the same, batches merge their top-level context and integrations
 * into each item (the item wins) and hold at most 2,500 events.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTessera, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, timelineOf, type Json } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => { t = await startTessera(); });
after(async () => { await t.close(); });

const byMessageId = (events: Json[], id: string): Json => {
  const found = events.find((e) => e.messageId === id);
  assert.ok(found, `no event ${id} in ${JSON.stringify(events.map((e) => e.messageId))}`);
  return found;
};

describe('single-event endpoints', () => {
  it('stores every spec field of track, identify, page, screen, group and alias', async () => {
    const common = { anonymousId: 'anon-fields', context: { ip: '203.0.113.9', library: { name: 'test' } }, integrations: { All: false, Mixpanel: true }, timestamp: '2024-05-01T10:00:00.000Z' };
    assertAccepted(await t.collect('/v1/identify', { ...common, userId: 'user-fields', messageId: 'f-identify', traits: { name: 'Ada', plan: 'pro' } }));
    assertAccepted(await t.collect('/v1/track', { ...common, userId: 'user-fields', messageId: 'f-track', event: 'Order Completed', properties: { total: 42.5, items: ['a', 'b'] } }));
    assertAccepted(await t.collect('/v1/page', { ...common, userId: 'user-fields', messageId: 'f-page', name: 'Pricing', category: 'Docs', properties: { path: '/pricing' } }));
    assertAccepted(await t.collect('/v1/screen', { ...common, userId: 'user-fields', messageId: 'f-screen', name: 'Home', properties: { variant: 'b' } }));
    assertAccepted(await t.collect('/v1/group', { ...common, userId: 'user-fields', messageId: 'f-group', groupId: 'acme', traits: { industry: 'retail' } }));
    assertAccepted(await t.collect('/v1/alias', { ...common, userId: 'user-fields', messageId: 'f-alias', previousId: 'old-user-fields' }));

    const events = await timelineOf(t, 'user-fields');
    const identify = byMessageId(events, 'f-identify');
    assert.equal(identify.type, 'identify');
    assert.equal(identify.userId, 'user-fields');
    assert.equal(identify.anonymousId, 'anon-fields');
    assert.deepEqual(identify.traits, { name: 'Ada', plan: 'pro' });
    // The IP address is stored truncated to its /24 network (the default privacy setting).
    assert.deepEqual(identify.context, { ...common.context, ip: '203.0.113.0' });
    assert.deepEqual(identify.integrations, common.integrations);
    assert.equal(identify.originalTimestamp, common.timestamp);

    const track = byMessageId(events, 'f-track');
    assert.equal(track.type, 'track');
    assert.equal(track.event, 'Order Completed');
    assert.deepEqual(track.properties, { total: 42.5, items: ['a', 'b'] });

    const page = byMessageId(events, 'f-page');
    assert.deepEqual([page.type, page.name, page.category, page.properties.path], ['page', 'Pricing', 'Docs', '/pricing']);
    const screen = byMessageId(events, 'f-screen');
    assert.deepEqual([screen.type, screen.name, screen.properties.variant], ['screen', 'Home', 'b']);
    const group = byMessageId(events, 'f-group');
    assert.deepEqual([group.type, group.groupId, group.traits.industry], ['group', 'acme', 'retail']);
    const alias = byMessageId(events, 'f-alias');
    assert.deepEqual([alias.type, alias.previousId, alias.userId], ['alias', 'old-user-fields', 'user-fields']);
  });

  it('answers the same on analytics.js short paths /v1/t, /v1/p, /v1/i, /v1/g, /v1/a, /v1/s', async () => {
    const sent: Array<[string, Json, string]> = [
      ['/v1/t', { event: 'Short Track' }, 'track'],
      ['/v1/p', { name: 'Short Page', properties: { path: '/short' } }, 'page'],
      ['/v1/i', { traits: { shortPath: true } }, 'identify'],
      ['/v1/g', { groupId: 'short-group' }, 'group'],
      ['/v1/a', { userId: 'user-short', previousId: 'anon-short' }, 'alias'],
      ['/v1/s', { name: 'Short Screen' }, 'screen'],
    ];
    for (const [path, body, type] of sent) {
      assertAccepted(await t.collect(path, { anonymousId: 'anon-short', userId: 'user-short', messageId: `short-${type}`, ...body }));
    }
    const events = await timelineOf(t, 'user-short');
    for (const [, , type] of sent) assert.equal(byMessageId(events, `short-${type}`).type, type);
  });

  it('ignores a `type` in the body that disagrees with the endpoint', async () => {
    assertAccepted(await t.collect('/v1/track', { type: 'identify', anonymousId: 'anon-type', event: 'Typed', messageId: 'typed-1' }));
    const [event] = await timelineOf(t, 'anon-type');
    assert.equal(event.type, 'track');
    assert.equal(event.event, 'Typed');
  });
});

describe('batches', () => {
  for (const path of ['/v1/batch', '/v1/b', '/v1/import']) {
    it(`${path} stores mixed types and merges top-level context and integrations into each item, the item winning`, async () => {
      const anon = `anon-batch-${path.slice(4)}`;
      const res = await t.collect(path, {
        context: { app: 'shop', locale: 'de-DE' },
        integrations: { All: true, Intercom: false },
        batch: [
          { type: 'track', anonymousId: anon, messageId: `${anon}-1`, event: 'Viewed', context: { locale: 'fr-FR' } },
          { type: 'page', anonymousId: anon, messageId: `${anon}-2`, name: 'Home', integrations: { Intercom: true } },
          { type: 'identify', anonymousId: anon, messageId: `${anon}-3`, traits: { name: 'Batch' } },
        ],
      });
      assertAccepted(res);
      const events = await timelineOf(t, anon);
      assert.equal(events.length, 3);
      const first = byMessageId(events, `${anon}-1`);
      assert.deepEqual(first.context, { app: 'shop', locale: 'fr-FR' });
      assert.deepEqual(first.integrations, { All: true, Intercom: false });
      const second = byMessageId(events, `${anon}-2`);
      assert.equal(second.type, 'page');
      assert.deepEqual(second.context, { app: 'shop', locale: 'de-DE' });
      assert.deepEqual(second.integrations, { All: true, Intercom: true });
      assert.deepEqual(byMessageId(events, `${anon}-3`).traits, { name: 'Batch' });
    });
  }

  it('accepts 2,500 events and refuses 2,501 with 400, storing none of them', async () => {
    const items = (anon: string, n: number) => Array.from({ length: n }, (_, i) => ({ type: 'track', anonymousId: anon, event: 'Bulk', messageId: `${anon}-${i}` }));
    assertAccepted(await t.collect('/v1/batch', { batch: items('anon-2500', 2500) }));
    assert.equal((await timelineOf(t, 'anon-2500')).length, 2500);

    const error = assertError(await t.collect('/v1/batch', { batch: items('anon-2501', 2501) }), 400, 'invalid_batch');
    assertIssue(error, 'batch', /2501.*2500/);
    assertError(await t.admin('/v1/profiles/anon-2501'), 404, 'not_found');
  });
});

describe('analytics.js transport', () => {
  const body = (anon: string) => JSON.stringify({ writeKey: WRITE_KEY, anonymousId: anon, event: 'Beacon', messageId: `${anon}-1` });

  it('reads JSON sent as text/plain with the write key in the body', async () => {
    const res = await t.inject({ method: 'POST', url: '/v1/t', payload: body('anon-text'), headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    assertAccepted(res);
    assert.equal((await timelineOf(t, 'anon-text'))[0].event, 'Beacon');
  });

  it('reads JSON that starts with a UTF-8 byte order mark, and keeps non-ASCII text intact', async () => {
    const payload = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ writeKey: WRITE_KEY, anonymousId: 'anon-bom', event: 'Größe prüfen 😀', messageId: 'anon-bom-1' }))]);
    assertAccepted(await t.inject({ method: 'POST', url: '/v1/t', payload, headers: { 'content-type': 'text/plain' } }));
    assert.equal((await timelineOf(t, 'anon-bom'))[0].event, 'Größe prüfen 😀');
  });

  it('reads JSON sent with no content type at all', async () => {
    const res = await t.inject({ method: 'POST', url: '/v1/t', payload: body('anon-untyped') });
    assertAccepted(res);
    assert.equal((await timelineOf(t, 'anon-untyped')).length, 1);
  });

  it('accepts /v1/m (client metrics) and stores nothing', async () => {
    assertAccepted(await t.collect('/v1/m', { series: [{ type: 'Counter', metric: 'analytics_js.invoke', value: 1 }], userId: 'metrics-user', event: 'Not An Event' }));
    assertError(await t.admin('/v1/profiles/metrics-user'), 404, 'not_found');
  });
});
