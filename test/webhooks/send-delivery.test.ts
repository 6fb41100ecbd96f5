/**
 * One delivery attempt against real sockets on 127.0.0.1: internal targets are refused when
 * connecting, after resolution (the names resolve through an injected resolver, or the system's
 * for `localhost`); the socket connects to the address that was checked; and what the delivery
 * log records tells nothing of the target beyond the class of its HTTP status.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createWebhookTargetPolicy } from '../../src/core/webhooks/webhook-target.js';
import type { ClaimedDelivery } from '../../src/ports/webhook-store.js';
import { createDeliverySender, type ResolveHost } from '../../src/webhooks/send-delivery.js';
import { freePort } from '../support/server-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const delivery = (url: string): ClaimedDelivery => ({
  id: 'dlv_1', workspaceId: 'ws', webhookId: 'wh_1', profileId: 'p', event: 'lifecycle.changed', payload: '{"type":"lifecycle.changed"}',
  status: 'pending', attempts: 0, nextAttemptAt: 0, createdAt: 0, deliveredAt: null, log: [], url, secret: 'whsec_test', message: null, lease: 'l',
});

/** A resolver that answers `answers[host]` and counts its calls; any other name does not exist. */
function fakeResolver(answers: Record<string, string[]>): ResolveHost & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string) => {
    calls.push(host);
    const found = answers[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

const portOf = (server: Server | TcpServer) => (server.address() as AddressInfo).port;

let receiver: WebhookReceiver;
before(async () => { receiver = await startWebhookReceiver(); });
after(() => receiver.close());

describe('internal targets are refused when connecting', () => {
  const targets = createWebhookTargetPolicy();
  const port = () => new URL(receiver.url).port;

  test('a literal internal address (a webhook stored before the check)', async () => {
    const before = receiver.received.length;
    const send = createDeliverySender({ now: Date.now, timeoutMs: 5000, targets });
    for (const url of [receiver.url, `http://0x7f.1:${port()}/`, `http://[::ffff:127.0.0.1]:${port()}/`, 'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/']) {
      const { attempt } = await send(delivery(url));
      assert.deepEqual([attempt.status, attempt.error], [null, 'refused: internal address'], url);
    }
    assert.equal(receiver.received.length, before, 'nothing reached the receiver');
  });

  test('localhost and other local-only names', async () => {
    const before = receiver.received.length;
    const send = createDeliverySender({ now: Date.now, timeoutMs: 5000, targets });
    for (const url of [`http://localhost.:${port()}/`, `http://db:${port()}/`, 'http://metadata.google.internal/']) assert.equal((await send(delivery(url))).attempt.error, 'refused: internal address', url);
    const { attempt, detail } = await send(delivery(`http://localhost:${port()}/`));
    assert.equal(attempt.error, 'refused: internal address');
    assert.equal(receiver.received.length, before);
    assert.ok(detail, 'the server log is told why');
  });

  test('a public-looking name that resolves to an internal address (DNS rebinding), also among public addresses', async () => {
    const before = receiver.received.length;
    for (const answer of [['127.0.0.1'], ['::1'], ['93.184.215.14', '127.0.0.1'], ['169.254.169.254']]) {
      for (const scheme of ['http', 'https']) {
        const resolve = fakeResolver({ 'hooks.example.com': answer });
        const { attempt } = await createDeliverySender({ now: Date.now, timeoutMs: 5000, targets, resolve })(delivery(`${scheme}://hooks.example.com:${port()}/`));
        assert.equal(attempt.error, 'refused: internal address', `${scheme} ${answer.join(',')}`);
        assert.deepEqual(resolve.calls, ['hooks.example.com']);
      }
    }
    assert.equal(receiver.received.length, before);
  });

  test('the socket connects to the address that was checked: one resolution, no second look-up', async () => {
    // hooks.example.com exists only in this resolver; the attempt reaches the receiver, so the
    // connection used the checked address and nothing resolved the name again.
    const resolve = fakeResolver({ 'hooks.example.com': ['127.0.0.1'] });
    const allowing = createWebhookTargetPolicy(['127.0.0.0/8']);
    const before = receiver.received.length;
    const { attempt } = await createDeliverySender({ now: Date.now, timeoutMs: 5000, targets: allowing, resolve })(delivery(`http://hooks.example.com:${port()}/hooks`));
    assert.deepEqual([attempt.status, attempt.error], [200, null]);
    assert.equal(receiver.received.length, before + 1);
    assert.equal(receiver.received.at(-1)!.headers.host, `hooks.example.com:${port()}`);
    assert.deepEqual(resolve.calls, ['hooks.example.com']);
  });

  test('an allowed name may resolve to an internal address', async () => {
    const resolve = fakeResolver({ 'hooks.corp': ['127.0.0.1'] });
    const { attempt } = await createDeliverySender({ now: Date.now, timeoutMs: 5000, targets: createWebhookTargetPolicy(['hooks.corp']), resolve })(delivery(`http://hooks.corp:${port()}/`));
    assert.equal(attempt.status, 200);
  });
});

describe('what the delivery log records', () => {
  // The operator allows the loopback here, so that the sender really connects.
  const targets = createWebhookTargetPolicy(['127.0.0.1']);
  const send = createDeliverySender({ now: Date.now, timeoutMs: 1500, targets });
  let talker: Server;
  let mute: TcpServer;
  let silent: TcpServer;
  const requests: string[] = [];
  const held: Socket[] = [];

  before(async () => {
    // An internal service answering with something secret, or redirecting to the metadata service.
    talker = createHttpServer((request, response) => {
      requests.push(request.url ?? '');
      if (request.url === '/redirect') response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else response.writeHead(request.url === '/missing' ? 404 : 500, { 'x-internal': 'secret-header' }).end('secret internal answer: db password hunter2');
    });
    // A live service that is not HTTP: accepts and closes at once. And one that never answers.
    mute = createTcpServer((socket) => socket.destroy());
    silent = createTcpServer((socket) => void held.push(socket));
    await Promise.all([talker, mute, silent].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  });
  after(async () => {
    talker.closeAllConnections();
    for (const socket of held) socket.destroy();
    await Promise.all([talker, mute, silent].map((s) => new Promise((resolve) => s.close(resolve))));
  });

  test('a closed port and a live service that is not HTTP read the same: connection failed', async () => {
    const closed = await send(delivery(`http://127.0.0.1:${await freePort()}/`));
    const live = await send(delivery(`http://127.0.0.1:${portOf(mute)}/`));
    assert.deepEqual([closed.attempt.status, closed.attempt.error], [null, 'connection failed']);
    assert.deepEqual([live.attempt.status, live.attempt.error], [null, 'connection failed']);
    assert.notEqual(closed.detail, null, 'the precise reason is kept for the server log');
  });

  test('an answer is its status and the class of it, never its body or headers', async () => {
    const failed = await send(delivery(`http://127.0.0.1:${portOf(talker)}/`));
    const missing = await send(delivery(`http://127.0.0.1:${portOf(talker)}/missing`));
    assert.deepEqual([failed.attempt.status, failed.attempt.error], [500, 'HTTP 5xx']);
    assert.deepEqual([missing.attempt.status, missing.attempt.error], [404, 'HTTP 4xx']);
    for (const r of [failed, missing]) assert.doesNotMatch(JSON.stringify(r), /secret|hunter2/);
  });

  test('a redirect is not followed (it could point anywhere, e.g. the metadata service)', async () => {
    const before = requests.length;
    const { attempt } = await send(delivery(`http://127.0.0.1:${portOf(talker)}/redirect`));
    assert.deepEqual([attempt.status, attempt.error], [302, 'HTTP 3xx (redirect not followed)']);
    assert.equal(requests.length, before + 1);
  });

  test('no answer within the timeout: timeout', async () => {
    const { attempt } = await send(delivery(`http://127.0.0.1:${portOf(silent)}/`));
    assert.deepEqual([attempt.status, attempt.error], [null, 'timeout']);
  });
});
