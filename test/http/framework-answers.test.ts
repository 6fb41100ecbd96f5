/**
 * No answer is ever Fastify's own error body (issue 13, item 4), only our envelope
 * `{"error":{"code","message"}}`:
 * - a header value Node refuses to write (CR, LF, NUL, a character above U+00FF) made Fastify
 *   answer `{"statusCode":500,"code":"ERR_INVALID_CHAR",…}` from outside our error handler; now
 *   the offending header is dropped and the answer is a logged 500 `internal`;
 * - a request that is not valid HTTP (400, 431) and a request while the server closes (503).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';

let t: TesseraUnderTest;
before(async () => {
  t = await startTessera();
  // Routes that misbehave on purpose, added before the app is ready.
  t.tessera.app.get('/test/bad-header', async (_request, reply) => reply.header('x-test', 'a\r\nSet-Cookie: x=1').send({ ok: true }));
  t.tessera.app.get('/test/bad-redirect', async (_request, reply) => reply.redirect('https://acme.example/€', 302));
  t.tessera.app.get('/test/bad-header-then-error', async (_request, reply) => {
    reply.header('x-test', 'a\u0000b');
    throw new Error('boom');
  });
});
after(async () => { await t.close(); });

describe('invalid response headers', () => {
  for (const path of ['/test/bad-header', '/test/bad-redirect', '/test/bad-header-then-error']) {
    it(`${path} answers our 500 envelope without the header, not Fastify's body`, async () => {
      const res = await t.inject({ method: 'GET', url: path });
      assert.equal(res.statusCode, 500, res.body);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.deepEqual(JSON.parse(res.body), { error: { code: 'internal', message: 'An internal error occurred; it has been logged.' } });
      assert.equal(res.headers['x-test'], undefined);
      assert.equal(res.headers.location, undefined);
      assert.equal(res.headers['set-cookie'], undefined);
    });
  }

  it('ordinary answers keep their headers', async () => {
    const res = await t.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
  });
});

/** Sends raw bytes over a socket and reads the whole answer (the server closes the connection). */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => { answer += chunk; });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

const envelopeOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };

describe('requests that are not valid HTTP', () => {
  let served: TesseraUnderTest;
  let port: number;
  before(async () => {
    served = await startTessera();
    await served.tessera.app.listen({ port: 0, host: '127.0.0.1' });
    port = (served.tessera.app.server.address() as AddressInfo).port;
  });
  after(async () => { await served.close(); });

  it('a malformed header line answers 400 in the envelope', async () => {
    const answer = await rawExchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.deepEqual(envelopeOf(answer).error.code, 'bad_request');
  });

  it('headers over the size limit answer 431 in the envelope', async () => {
    const answer = await rawExchange(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 431 /);
    assert.deepEqual(envelopeOf(answer).error.code, 'headers_too_large');
  });
});

describe('a request while the server closes', () => {
  it('answers 503 unavailable in the envelope, with Connection: close', async () => {
    const closing = await startTessera();
    await closing.tessera.app.ready();
    // A request that reaches the app after close began (on a connection it still serves): through
    // the app's request handler, since a closed Fastify refuses inject.
    const front: Server = createServer((req, res) => closing.tessera.app.routing(req, res));
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      await closing.tessera.app.close();
      const res = await fetch(`http://127.0.0.1:${(front.address() as AddressInfo).port}/healthz`);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('connection'), 'close');
      assert.deepEqual(((await res.json()) as { error: { code: string } }).error.code, 'unavailable');
    } finally {
      await new Promise((resolve) => front.close(resolve));
      await closing.close();
    }
  });
});
