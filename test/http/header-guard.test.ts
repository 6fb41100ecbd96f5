/**
 * No answer is ever Fastify's own error body (issue 13, item 4). A header value Node refuses to
 * write (CR, LF, NUL, a character above U+00FF) made Fastify answer
 * `{"statusCode":500,"code":"ERR_INVALID_CHAR",…}` from outside our error handler; now the
 * offending header is dropped and the answer is our envelope (a logged bug: 500 `internal`).
 */
import assert from 'node:assert/strict';
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
