/**
 * Message webhooks obey the timing policy, through real ingest, the real delivery worker and real
 * receivers on 127.0.0.1, with an injected clock: in quiet hours (Europe/Berlin, 21:00–08:00) a
 * message is put back until they end and then delivered; a fourth message over a 3-per-day global
 * cap is suppressed with its reason in the delivery log; a webhook that is not a message is sent
 * at once every time. Run against both stores (message-timing*.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import type { Json } from '../http/api-helpers.js';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

type Start = (overrides: Partial<Config>, extras: { now: () => number }) => Promise<TesseraUnderTest>;

export function messageTimingSuite(start: Start): void {
  let t: TesseraUnderTest;
  let messages: WebhookReceiver;
  let plain: WebhookReceiver;
  let messageHook: string;
  // 21:30Z on a January day is 22:30 in Berlin: quiet.
  const clock = { at: Date.parse('2024-01-10T21:30:00Z') };

  const call = async (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown): Promise<Json> => {
    const res = await t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
    assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
    return JSON.parse(res.body) as Json;
  };
  const identify = async (userId: string, plan: string) => {
    const res = await t.collect('/v1/identify', { userId, traits: { plan } });
    assert.ok(res.statusCode < 300, res.body);
  };
  const about = (userId: string) => (r: { body: string }) => (JSON.parse(r.body) as Json).profile?.userId === userId;
  const logOf = async (userId: string) => ((await call('GET', `/v1/webhooks/${messageHook}/deliveries`)).deliveries as Json[]).filter((d) => d.payload.profile?.userId === userId);
  const until = async (what: string, predicate: () => Promise<boolean>) => {
    const deadline = Date.now() + 20_000;
    while (!(await predicate())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  before(async () => {
    messages = await startWebhookReceiver();
    plain = await startWebhookReceiver();
    t = await start({ webhooks: { deliver: true, maxAttempts: 3, retryBaseSeconds: 1, retryMaxSeconds: 1, timeoutSeconds: 5, logRetentionDays: 30, allow: ['127.0.0.1'] } }, { now: () => clock.at });
    await call('PUT', '/v1/personalization/settings', { timezone: 'Europe/Berlin', quietHours: { from: '21:00', to: '08:00' }, globalCaps: [{ max: 3, window: '1d' }] });
    await call('POST', '/v1/segments', { id: 'pro', name: 'Pro plan', condition: { trait: { key: 'plan', op: 'equals', value: 'pro' } } });
    const hook = await call('POST', '/v1/webhooks', { url: messages.url, events: ['segment.entered', 'segment.exited'], description: 'newsletter tool', message: { tags: ['Newsletter'] } });
    assert.deepEqual(hook.message, { tags: ['newsletter'] });
    messageHook = hook.id;
    await call('POST', '/v1/webhooks', { url: plain.url, events: ['segment.entered', 'segment.exited'], description: 'CRM' });
  });
  after(async () => {
    await t.close();
    await messages.close();
    await plain.close();
  });

  it('refuses a message setting that is not one, naming the field', async () => {
    const res = await t.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify({ url: plain.url, events: ['segment.entered'], message: { tags: ['no spaces'], other: 1 } }) });
    assert.equal(res.statusCode, 400);
    const fields = (JSON.parse(res.body) as Json).error.issues.map((i: Json) => i.field);
    assert.ok(fields.includes('message.tags[0]') && fields.includes('message'), res.body);
    // null on an update makes the webhook an ordinary one; another update keeps the setting.
    const made = await call('POST', '/v1/webhooks', { url: plain.url, events: ['lifecycle.changed'], message: { tags: ['offers'] }, active: false });
    assert.deepEqual((await call('PUT', `/v1/webhooks/${made.id}`, { description: 'renamed' })).message, { tags: ['offers'] });
    assert.equal('message' in (await call('PUT', `/v1/webhooks/${made.id}`, { message: null })), false);
    assert.equal('message' in (await call('GET', `/v1/webhooks/${made.id}`)), false);
    await t.inject({ method: 'DELETE', url: `/v1/webhooks/${made.id}`, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  });

  it('in quiet hours, a message waits until they end and is then delivered; the other webhook is sent at once', async () => {
    await identify('nora', 'pro');
    await plain.until((r) => r.some(about('nora')));
    await until('the message is put back', async () => (await logOf('nora'))[0]?.nextAttemptAt === '2024-01-11T07:00:00.000Z');
    const [waiting] = await logOf('nora');
    assert.deepEqual([waiting.status, waiting.attempts, waiting.log], ['pending', 0, []]);
    assert.equal(messages.received.length, 0, 'nothing sent in quiet hours');
    clock.at = Date.parse('2024-01-11T06:59:00Z');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(messages.received.length, 0, 'still quiet at 07:59 local');
    clock.at = Date.parse('2024-01-11T07:00:00Z');
    await messages.until((r) => r.some(about('nora')));
    await until('the log says delivered', async () => (await logOf('nora'))[0]?.status === 'delivered');
  });

  it('a fourth message within a day over the 3-per-day cap is suppressed, with the reason in the log; the other webhook gets all four', async () => {
    clock.at = Date.parse('2024-01-11T10:00:00Z');
    for (const [i, plan] of ['pro', 'free', 'pro', 'free'].entries()) {
      await identify('otto', plan);
      await until(`change ${i + 1} is finished`, async () => (await logOf('otto')).filter((d) => d.status !== 'pending').length === i + 1);
      clock.at += 60_000;
    }
    const log = (await logOf('otto')).reverse();
    assert.deepEqual(log.map((d) => d.status), ['delivered', 'delivered', 'delivered', 'suppressed']);
    assert.match(log[3].log[0].error, /^suppressed: frequency cap: all slots and messages: 3 of 3 in 1d$/);
    assert.equal(messages.received.filter(about('otto')).length, 3, 'the suppressed one was never sent');
    await plain.until((r) => r.filter(about('otto')).length === 4);
    const suppressed = await call('GET', `/v1/webhooks/${messageHook}/deliveries?status=suppressed`);
    assert.deepEqual(suppressed.deliveries.map((d: Json) => d.id), [log[3].id]);
    // A day later the window has room again.
    clock.at += 86_400_000;
    await identify('otto', 'pro');
    await until('the fifth is delivered', async () => (await logOf('otto'))[0]?.status === 'delivered');
  });
}
