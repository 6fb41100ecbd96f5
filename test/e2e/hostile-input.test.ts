/**
 * Hostile input over real sockets, where a crash would take the process down: deep nesting, a gzip
 * bomb, raw garbage instead of HTTP, a body cut off mid-way. Every HTTP answer is a 4xx, and the
 * process stays up and keeps accepting events.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { it } from 'node:test';
import { serverForTests } from '../support/server-process.js';
import { basicAuth, WRITE_KEY } from '../support/tessera-under-test.js';

const server = serverForTests('tessera-e2e-hostile-');

const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/v1/track`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY), ...headers } });

/** Writes raw bytes to the server, then closes; resolves with whatever came back. */
function raw(bytes: string | Buffer, { end = true } = {}): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(bytes);
      if (end) socket.end();
      else setImmediate(() => socket.destroy());
    });
    socket.on('data', (d) => { answer += d.toString(); });
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
  });
}

it('answers hostile requests with 4xx and stays up', async () => {
  const deep = `{"anonymousId":"a","event":"x","properties":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
  const bomb = gzipSync(JSON.stringify({ anonymousId: 'a', event: 'x', properties: { pad: 'x'.repeat(8_000_000) } }));
  for (const [name, res] of [
    ['deep nesting', await post(deep)],
    ['gzip bomb', await post(bomb, { 'content-encoding': 'gzip' })],
    ['invalid UTF-8', await post(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
    ['garbage JSON', await post('\u0000\u0001{{{')],
  ] as const) {
    assert.ok(res.status >= 400 && res.status < 500, `${name}: ${res.status}`);
    const body = await res.json() as { error?: { code?: string } };
    assert.equal(typeof body.error?.code, 'string', name);
  }

  // Not HTTP at all, and a request whose body stops short of its Content-Length.
  const garbage = await raw(Buffer.from('\u0016\u0003\u0001 not http at all \r\n\r\n'));
  assert.match(garbage, /^HTTP\/1\.1 400/, 'Node answers a request it cannot parse with 400 and closes');
  await raw(`POST /v1/track HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: ${basicAuth(WRITE_KEY)}\r\nContent-Length: 5000\r\n\r\n{"anonymousId":`, { end: false });
  assert.equal(server.child.exitCode, null, `the process exited:\n${server.output()}`);
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  const ok = await post(JSON.stringify({ anonymousId: 'after-hostile', event: 'Still Here' }));
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { success: true });
});
