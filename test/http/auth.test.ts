/**
 * Keys: the write key comes as the HTTP Basic user name or as `writeKey` in the body and may only
 * add events; the admin key comes as a Bearer token and reads profiles. Anything else is a 401 with
 * the JSON error envelope — checked before the body is validated, so nothing leaks to a stranger.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, basicAuth, startTessera, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, profileOf } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => {
  t = await startTessera();
  assertAccepted(await t.collect('/v1/identify', { userId: 'auth-user', traits: { email: 'auth@example.com' } }));
});
after(async () => { await t.close(); });

const post = (headers: Record<string, string>, body: object, url = '/v1/track') =>
  t.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
const event = { anonymousId: 'anon-auth', event: 'Auth Checked' };

describe('write key', () => {
  it('is accepted as the HTTP Basic user name (what the Segment libraries send)', async () => {
    assertAccepted(await post({ authorization: basicAuth(WRITE_KEY) }, event));
    assertAccepted(await post({ authorization: `Basic ${Buffer.from(WRITE_KEY).toString('base64')}` }, event));
  });

  it('is accepted as `writeKey` in the body, JSON or text/plain', async () => {
    assertAccepted(await post({}, { ...event, writeKey: WRITE_KEY }));
    assertAccepted(await post({ 'content-type': 'text/plain' }, { ...event, writeKey: WRITE_KEY }));
  });

  it('missing, wrong or of the wrong kind is a 401 JSON error', async () => {
    assertError(await post({}, event), 401, 'unauthorized');
    assertError(await post({ authorization: basicAuth('wk_not_a_key_at_all') }, event), 401, 'unauthorized');
    assertError(await post({}, { ...event, writeKey: 'wk_not_a_key_at_all' }), 401, 'unauthorized');
    assertError(await post({}, { ...event, writeKey: 12345 }), 401, 'unauthorized');
    assertError(await post({ authorization: basicAuth(ADMIN_KEY) }, event), 401, 'unauthorized');
    assertError(await post({ authorization: `Bearer ${WRITE_KEY}` }, event), 401, 'unauthorized');
    assertError(await post({ authorization: 'Basic !!!not-base64' }, event), 401, 'unauthorized');
    assertError(await post({}, { batch: [{ type: 'track', ...event }] }, '/v1/batch'), 401, 'unauthorized');
  });

  it('an admin key sent in its place is refused with a hint that the write key is needed', async () => {
    for (const res of [await post({ authorization: basicAuth(ADMIN_KEY) }, event), await post({}, { ...event, writeKey: ADMIN_KEY })]) {
      const error = assertError(res, 401, 'unauthorized');
      assert.match(error.message, /admin key/);
      assert.match(error.message, /write key/);
    }
    // A key that is of neither kind gets no such hint.
    assert.doesNotMatch(assertError(await post({ authorization: basicAuth('wk_not_a_key_at_all') }, event), 401).message, /admin key/);
  });

  it('is checked before the body is validated', async () => {
    assertError(await post({}, { not: 'an event' }), 401, 'unauthorized');
  });
});

describe('admin key', () => {
  const get = (url: string, authorization?: string) => t.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });

  it('reads profiles as a Bearer token', async () => {
    await profileOf(t, 'auth-user');
  });

  it('a write key must not read profiles, timelines or search', async () => {
    for (const url of ['/v1/profiles/auth-user', '/v1/profiles/auth-user/events', '/v1/profiles?q=auth']) {
      assertError(await get(url), 401, 'unauthorized');
      assertError(await get(url, `Bearer ${WRITE_KEY}`), 401, 'unauthorized');
      assertError(await get(url, basicAuth(WRITE_KEY)), 401, 'unauthorized');
      assertError(await get(url, basicAuth(ADMIN_KEY)), 401, 'unauthorized');
      assertError(await get(url, 'Bearer ak_wrong_admin_key_000000'), 401, 'unauthorized');
    }
  });

  it('a write key sent as the admin key is refused with a hint that an admin key is needed', async () => {
    assert.match(assertError(await get('/v1/profiles/auth-user', `Bearer ${WRITE_KEY}`), 401, 'unauthorized').message, /write key.*admin key/);
  });

  it('answers 401, not 404, to a stranger asking for an unknown profile', async () => {
    assertError(await get('/v1/profiles/nobody-at-all'), 401, 'unauthorized');
    assertError(await get('/v1/profiles/nobody-at-all', `Bearer ${ADMIN_KEY}`), 404, 'not_found');
  });
});
