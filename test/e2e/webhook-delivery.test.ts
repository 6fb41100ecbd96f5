/**
 * Webhook delivery end to end, with real servers and a real receiver on 127.0.0.1: a lifecycle move
 * is delivered signed; the receiver fails the first attempts; Tessera is stopped and started again
 * between attempts and the retries go on from the outbox until the receiver accepts; the delivery
 * log shows every attempt; a redelivery sends the same delivery again. On PostgreSQL, two servers
 * share the outbox and each delivery is sent successfully exactly once. Internal targets are refused
 * unless the operator allows them, at registration and again when sending.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { verifySignature } from '../../src/core/webhooks/signature.js';
import type { Json } from '../http/api-helpers.js';
import { createTestDatabase, postgresSkip, type TestDatabase } from '../support/postgres.js';
import { parsePrometheusText } from '../support/prometheus-text.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { ADMIN_KEY, basicAuth, tempDir, WRITE_KEY } from '../support/tessera-under-test.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// Short retry delays (0.2–0.4 s) so that retries happen within the test. The receivers run on this
// machine: the operator allows the loopback, which is refused otherwise (see 'internal targets').
const CONFIG: { webhooks: Record<string, unknown> } = { webhooks: { maxAttempts: 8, retryBaseSeconds: 0.4, retryMaxSeconds: 0.4, timeoutSeconds: 5, allow: ['127.0.0.1'] } };
const MAX_ATTEMPTS = 8;

const cleanups: Array<() => Promise<unknown> | void> = [];
after(async () => { for (const cleanup of cleanups.reverse()) await cleanup(); });

async function call(url: string, method: string, path: string, body?: unknown, auth = `Bearer ${ADMIN_KEY}`): Promise<Json> {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

async function configure(url: string, receiver: WebhookReceiver): Promise<{ id: string; secret: string }> {
  await call(url, 'PUT', '/v1/lifecycle', { rules: [{ id: 'subscriber', to: 'subscriber', when: { trait: 'email', op: 'exists' } }] });
  return call(url, 'POST', '/v1/webhooks', { url: receiver.url, events: ['lifecycle.changed'], description: 'test receiver' });
}

const identify = (url: string, userId: string) => call(url, 'POST', '/v1/identify', { userId, traits: { email: `${userId}@acme.test` } }, basicAuth(WRITE_KEY));

async function start(dataDir: string, env: Record<string, string> = {}, config: typeof CONFIG = CONFIG): Promise<ServerProcess> {
  const configFile = join(dataDir, 'webhooks.json');
  writeFileSync(configFile, JSON.stringify(config));
  const server = await startServerProcess({ dataDir, env: { TESSERA_CONFIG: configFile, ...env } });
  cleanups.push(() => server.stop('SIGKILL'));
  return server;
}

describe('webhook delivery across a restart', () => {
  test('retries from the outbox after a restart until the receiver accepts; signed, one delivery id, every attempt logged', async () => {
    const dir = tempDir('tessera-e2e-webhooks-');
    cleanups.push(() => dir.remove());
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    receiver.answer = 503;

    let server = await start(dir.path);
    const hook = await configure(server.url, receiver);
    await identify(server.url, 'mira');
    await receiver.until((r) => r.length >= 1);
    await server.stop('SIGTERM');
    const beforeRestart = receiver.received.length;
    assert.ok(receiver.received.every((r) => r.answered === 503));

    // Down for a while: nothing is sent. Then a new process on the same data goes on retrying.
    const restartedAt = Date.now();
    server = await start(dir.path);
    await receiver.until((r) => r.length >= beforeRestart + 1);
    receiver.answer = 200;
    await receiver.until((r) => r.some((x) => x.answered === 200)).catch((error: Error) => {
      throw new Error(`${error.message}\n${JSON.stringify(receiver.received.map((r) => [r.at - restartedAt, r.headers['tessera-attempt'], r.answered]))}\n${server.output()}`);
    });

    const attempts = [...receiver.received];
    const ids = new Set(attempts.map((r) => r.headers['tessera-delivery-id']));
    assert.equal(ids.size, 1, 'every attempt carries the same delivery id');
    assert.deepEqual(attempts.map((r) => Number(r.headers['tessera-attempt'])), attempts.map((_, i) => i + 1));
    assert.ok(attempts.filter((r) => r.at >= restartedAt).length >= 2, 'the restarted server made attempts');
    for (const r of attempts) assert.ok(verifySignature(hook.secret, r.body, String(r.headers['tessera-signature']), Date.now()), 'signed with the webhook secret');
    const payload = JSON.parse(attempts.at(-1)!.body) as Json;
    assert.deepEqual([payload.type, payload.data.from, payload.data.to, payload.profile.userId, payload.profile.email], ['lifecycle.changed', null, 'subscriber', 'mira', 'mira@acme.test']);
    assert.equal(payload.id, [...ids][0]);

    const waitDelivered = async () => {
      for (let i = 0; i < 200; i++) {
        const log = await call(server.url, 'GET', `/v1/webhooks/${hook.id}/deliveries`);
        if (log.deliveries[0]?.status === 'delivered') return log.deliveries[0];
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('the delivery was not marked delivered');
    };
    const delivered = await waitDelivered();
    assert.equal(delivered.attempts, attempts.length);
    assert.deepEqual(delivered.log.map((a: Json) => a.status), attempts.map((r) => r.answered));
    assert.equal(delivered.log.at(-1).error, null);
    // The class of the answer, its status, and nothing of its body.
    assert.deepEqual([delivered.log[0].status, delivered.log[0].error], [503, 'HTTP 5xx']);

    const redelivered = await fetch(`${server.url}/v1/webhooks/${hook.id}/deliveries/${delivered.id}/redeliver`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(redelivered.status, 202);
    await receiver.until((r) => r.length === attempts.length + 1);
    assert.equal(receiver.received.at(-1)!.headers['tessera-delivery-id'], delivered.id);
    await server.stop('SIGTERM');
  });

  test('a receiver that never accepts gets the configured number of attempts, then the delivery is dead', async () => {
    const dir = tempDir('tessera-e2e-webhooks-dead-');
    cleanups.push(() => dir.remove());
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    receiver.answer = 500;
    const server = await start(dir.path);
    const hook = await configure(server.url, receiver);
    await identify(server.url, 'otto');
    await receiver.until((r) => r.length >= MAX_ATTEMPTS);
    let log: Json;
    for (let i = 0; ; i++) {
      log = await call(server.url, 'GET', `/v1/webhooks/${hook.id}/deliveries?status=dead`);
      if (log.deliveries.length === 1 || i > 200) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(log.deliveries.length, 1);
    assert.equal(log.deliveries[0].attempts, MAX_ATTEMPTS);
    assert.equal(receiver.received.length, MAX_ATTEMPTS, 'no attempt after the last');
    // An operator sees the same on GET /metrics: retries, then one dead delivery.
    const metrics = parsePrometheusText(await (await fetch(`${server.url}/metrics`)).text());
    assert.equal(metrics.get('tessera_webhook_attempts_total{outcome="retry"}'), MAX_ATTEMPTS - 1);
    assert.equal(metrics.get('tessera_webhook_attempts_total{outcome="dead"}'), 1);
    assert.equal(metrics.get('tessera_webhook_attempts_total{outcome="delivered"}'), 0);
    assert.equal(metrics.get('tessera_webhook_attempt_duration_seconds_count'), MAX_ATTEMPTS);
    await server.stop('SIGTERM');
  });
});

describe('internal targets', () => {
  test('a receiver on the loopback is refused at registration without the allow-list: 400 naming url', async () => {
    const dir = tempDir('tessera-e2e-webhooks-internal-');
    cleanups.push(() => dir.remove());
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const server = await start(dir.path, {}, { webhooks: { ...CONFIG.webhooks, allow: [] } });
    for (const url of [receiver.url, receiver.url.replace('127.0.0.1', 'localhost'), receiver.url.replace('127.0.0.1', '[::ffff:7f00:1]')]) {
      const res = await fetch(`${server.url}/v1/webhooks`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ url, events: ['lifecycle.changed'] }) });
      const body = await res.json() as Json;
      assert.equal(res.status, 400, url);
      assert.deepEqual(body.error.issues.map((i: Json) => i.field), ['url'], url);
    }
    await server.stop('SIGTERM');
  });

  test('a name that resolves to the loopback, registered while allowed, is refused when sending once the allow-list no longer has it', async () => {
    const dir = tempDir('tessera-e2e-webhooks-rebind-');
    cleanups.push(() => dir.remove());
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const local = receiver.url.replace('127.0.0.1', 'localhost');
    // Allowed through the environment variable; the file's other webhook settings still hold.
    let server = await start(dir.path, { TESSERA_WEBHOOK_ALLOW: 'localhost' }, { webhooks: { ...CONFIG.webhooks, allow: [] } });
    await call(server.url, 'PUT', '/v1/lifecycle', { rules: [{ id: 'subscriber', to: 'subscriber', when: { trait: 'email', op: 'exists' } }] });
    const hook = await call(server.url, 'POST', '/v1/webhooks', { url: local, events: ['lifecycle.changed'] });
    await identify(server.url, 'allowed');
    await receiver.until((r) => r.length === 1);
    await server.stop('SIGTERM');

    server = await start(dir.path, {}, { webhooks: { ...CONFIG.webhooks, allow: [] } });
    await identify(server.url, 'refused');
    let refused: Json | undefined;
    for (let i = 0; i < 400 && !refused; i++) {
      const log = await call(server.url, 'GET', `/v1/webhooks/${hook.id}/deliveries?status=dead`);
      refused = log.deliveries[0];
      if (!refused) await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(refused, 'the delivery to the loopback died');
    assert.equal(refused.attempts, MAX_ATTEMPTS);
    assert.deepEqual([...new Set(refused.log.map((a: Json) => `${a.status} ${a.error}`))], ['null refused: internal address']);
    assert.equal(receiver.received.length, 1, 'nothing reached the receiver after the allow-list was narrowed');
    await server.stop('SIGTERM');
  });
});

describe('a slow receiver', () => {
  test('holds one attempt, not the worker: other deliveries go out meanwhile', async () => {
    const dir = tempDir('tessera-e2e-webhooks-slow-');
    cleanups.push(() => dir.remove());
    const slow = await startWebhookReceiver();
    const fast = await startWebhookReceiver();
    cleanups.push(() => slow.close(), () => fast.close());
    slow.hold = true;
    // A long timeout: the slow attempt stays in flight for the whole test.
    const server = await start(dir.path, {}, { webhooks: { ...CONFIG.webhooks, timeoutSeconds: 90 } });
    await call(server.url, 'PUT', '/v1/lifecycle', { rules: [{ id: 'subscriber', to: 'subscriber', when: { trait: 'email', op: 'exists' } }] });
    await call(server.url, 'POST', '/v1/webhooks', { url: slow.url, events: ['lifecycle.changed'], stages: ['subscriber'] });
    await call(server.url, 'POST', '/v1/webhooks', { url: fast.url, events: ['lifecycle.changed'], stages: ['lead'] });
    await identify(server.url, 'slow-person');
    await slow.until((r) => r.length === 1);
    // The slow receiver has not answered; a later change for the fast one is delivered anyway.
    await call(server.url, 'POST', '/v1/profiles/slow-person/lifecycle', { stage: 'lead' });
    await fast.until((r) => r.length === 1);
    assert.equal(slow.received.length, 1);
    slow.release();
    await server.stop('SIGTERM');
  });
});

describe('two servers on one PostgreSQL database', async () => {
  const skip = await postgresSkip();
  test('share the outbox: every delivery is accepted exactly once', { skip }, async () => {
    const db: TestDatabase = await createTestDatabase();
    cleanups.push(() => db.drop());
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const dirs = [tempDir('tessera-e2e-wh-a-'), tempDir('tessera-e2e-wh-b-')];
    for (const d of dirs) cleanups.push(() => d.remove());
    const a = await start(dirs[0]!.path, { TESSERA_DATABASE_URL: db.url });
    const b = await start(dirs[1]!.path, { TESSERA_DATABASE_URL: db.url });
    await configure(a.url, receiver);
    const PEOPLE = 40;
    await Promise.all(Array.from({ length: PEOPLE }, (_, i) => identify(i % 2 ? a.url : b.url, `p${i}`)));
    await receiver.until((r) => new Set(r.map((x) => x.headers['tessera-delivery-id'])).size === PEOPLE);
    // Let both workers look at the outbox a few more times: nothing is sent again.
    await new Promise((r) => setTimeout(r, 2500));
    const perDelivery = new Map<string, number>();
    for (const r of receiver.received) perDelivery.set(String(r.headers['tessera-delivery-id']), (perDelivery.get(String(r.headers['tessera-delivery-id'])) ?? 0) + 1);
    assert.equal(perDelivery.size, PEOPLE);
    assert.deepEqual([...new Set(perDelivery.values())], [1]);
    await a.stop('SIGTERM');
    await b.stop('SIGTERM');
  });
});
