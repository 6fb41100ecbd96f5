/**
 * Webhooks may not point inside the operator's network (SSRF): through the API, every spelling of
 * an internal address is answered 400 naming `url` and nothing is stored; the operator's
 * allow-list (`webhooks.allow`, TESSERA_WEBHOOK_ALLOW) lets exactly its entries through.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ADMIN_KEY, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError, assertIssue, type Json } from './api-helpers.js';

const INTERNAL = [
  'http://127.0.0.1:8780/v1/profiles', 'http://0x7f.1/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/',
  'http://localhost:9/', 'http://0.0.0.0/', 'http://169.254.169.254/latest/meta-data/', 'http://metadata.google.internal/', 'http://[fd00:ec2::254]/',
  'http://10.0.0.1/', 'http://192.168.1.1/', 'http://172.16.0.1/', 'http://100.64.0.1/', 'http://[fe80::1]/', 'http://intranet/',
];

const hookBody = (url: unknown) => ({ url, events: ['lifecycle.changed'] });

function adminCall(t: TesseraUnderTest, method: 'POST' | 'PUT', url: string, body: unknown) {
  return t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

describe('webhook targets through the API (no allow-list)', () => {
  let t: TesseraUnderTest;
  before(async () => { t = await startTessera(); });
  after(() => t.close());

  it('refuses every internal address at registration: 400 naming url, nothing created', async () => {
    for (const url of INTERNAL) {
      const error = assertError(await adminCall(t, 'POST', '/v1/webhooks', hookBody(url)), 400, 'invalid_body');
      assertIssue(error, 'url', /internal address/);
    }
    assert.deepEqual((JSON.parse((await t.admin('/v1/webhooks')).body) as Json).webhooks, []);
  });

  it('names every failing field, the internal URL among them', async () => {
    const error = assertError(await adminCall(t, 'POST', '/v1/webhooks', { url: 'http://169.254.169.254/', events: ['nope'], description: 7 }), 400, 'invalid_body');
    assert.deepEqual(error.issues!.map((i) => i.field).sort(), ['description', 'events[0]', 'url']);
  });

  it('refuses moving a webhook to an internal address', async () => {
    const created = JSON.parse((await adminCall(t, 'POST', '/v1/webhooks', hookBody('https://hooks.example.com/tessera'))).body) as Json;
    const error = assertError(await adminCall(t, 'PUT', `/v1/webhooks/${created.id}`, { url: 'http://[::ffff:a9fe:a9fe]/' }), 400, 'invalid_body');
    assertIssue(error, 'url', /internal address/);
    assert.equal((JSON.parse((await t.admin(`/v1/webhooks/${created.id}`)).body) as Json).url, 'https://hooks.example.com/tessera');
  });
});

describe('webhook targets through the API, with the operator allow-list', () => {
  let t: TesseraUnderTest;
  before(async () => { t = await startTessera({ webhooks: { ...loadConfig({ env: {} }).webhooks, deliver: false, allow: ['127.0.0.1', '10.0.0.0/8', '*.corp'] } }); });
  after(() => t.close());

  it('accepts exactly the allowed internal targets', async () => {
    for (const url of ['http://127.0.0.1:9/hook', 'http://10.1.2.3/hook', 'http://crm.corp/hook']) assert.equal((await adminCall(t, 'POST', '/v1/webhooks', hookBody(url))).statusCode, 201, url);
    for (const url of ['http://127.0.0.2/', 'http://169.254.169.254/', 'http://localhost/', 'http://192.168.1.1/']) {
      assertIssue(assertError(await adminCall(t, 'POST', '/v1/webhooks', hookBody(url)), 400, 'invalid_body'), 'url', /internal address/);
    }
  });

  it('the delivery log shows categories, also of attempts an older version recorded in detail', async () => {
    await adminCall(t, 'PUT', '/v1/lifecycle', { rules: [{ id: 'subscriber', to: 'subscriber', when: { trait: 'email', op: 'exists' } }] });
    const hook = JSON.parse((await adminCall(t, 'POST', '/v1/webhooks', hookBody('http://10.0.0.5:6379/'))).body) as Json;
    assert.equal((await t.collect('/v1/identify', { userId: 'legacy', traits: { email: 'legacy@acme.test' } })).statusCode, 200);
    // Attempts as the version before these categories recorded them (the store keeps any text).
    const claimed = (await t.tessera.store.webhooks.claim({ now: Date.now() + 1000, limit: 10, leaseMs: 60_000, lease: 'test' })).find((d) => d.webhookId === hook.id);
    assert.ok(claimed, 'the change wrote a delivery');
    const legacy = [{ status: null, error: 'connect ECONNREFUSED 10.0.0.5:6379' }, { status: 500, error: 'HTTP 500' }, { status: null, error: 'no answer within 10 s' }];
    for (const [i, a] of legacy.entries()) {
      const lease = i === 0 ? 'test' : `test-${i}`;
      if (i > 0) await t.tessera.store.webhooks.claim({ now: Date.now() + 10 * 60_000 * i, limit: 10, leaseMs: 60_000, lease });
      assert.equal(await t.tessera.store.webhooks.finish(claimed.id, lease, { attempt: { at: Date.now(), durationMs: 1, ...a }, status: 'pending', nextAttemptAt: Date.now() }), true);
    }
    const log = JSON.parse((await t.admin(`/v1/webhooks/${hook.id}/deliveries`)).body) as Json;
    assert.deepEqual(log.deliveries[0].log.map((a: Json) => [a.status, a.error]), [[null, 'connection failed'], [500, 'HTTP 5xx'], [null, 'timeout']]);
  });
});
