/**
 * GET /t.js serves the built browser tracker: JavaScript, the bytes of web/tracker/dist/t.js,
 * embeddable cross-origin, cached briefly with an ETag that answers 304; without a build, a JSON
 * 404 that says how to build it (never a 500). GET /t-slots.js serves the slot module: cached for a
 * year when asked for by the hash t.js carries, briefly otherwise.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { registerErrorHandling } from '../../src/http/errors.js';
import { registerTrackerRoutes } from '../../src/http/routes/tracker.js';
import { registerSchemaSupport } from '../../src/http/schemas/schema-support.js';
import { startTessera, tempDir, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { buildTracker, contentHash, SLOTS_OUTPUT } from '../../web/tracker/build.js';

let t: TesseraUnderTest;
let built: Buffer;
let slots: Buffer;
before(async () => {
  built = readFileSync((await buildTracker()).path);
  slots = readFileSync(SLOTS_OUTPUT);
  t = await startTessera();
});
after(async () => { await t.close(); });

describe('GET /t.js', () => {
  it('serves the built tracker as JavaScript, embeddable from any site', async () => {
    const res = await t.inject({ method: 'GET', url: '/t.js', headers: { origin: 'https://acme.com' } });
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    assert.match(String(res.headers['content-type']), /^text\/javascript/);
    assert.ok(res.rawPayload.equals(built), 'the bytes of web/tracker/dist/t.js');
    assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    assert.equal(res.headers['access-control-allow-origin'], 'https://acme.com');
  });

  it('answers 304 to a matching If-None-Match, and the full file to a stale one', async () => {
    const first = await t.inject({ method: 'GET', url: '/t.js' });
    const etag = String(first.headers.etag);
    assert.match(etag, /^"[\w-]{20,}"$/);
    const again = await t.inject({ method: 'GET', url: '/t.js', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.rawPayload.length, 0);
    const stale = await t.inject({ method: 'GET', url: '/t.js', headers: { 'if-none-match': '"old"' } });
    assert.equal(stale.statusCode, 200);
  });

  it('without a build, answers a JSON 404 that says how to build it', async () => {
    const dir = tempDir();
    const app = Fastify();
    registerSchemaSupport(app);
    registerErrorHandling(app);
    registerTrackerRoutes(app, { file: join(dir.path, 'missing.js') });
    try {
      const res = await app.inject({ method: 'GET', url: '/t.js' });
      assert.equal(res.statusCode, 404);
      const body = res.json() as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'not_found');
      assert.match(body.error.message, /npm run build/);
    } finally {
      await app.close();
      dir.remove();
    }
  });
});

describe('GET /t-slots.js', () => {
  it('serves the slot module t.js asks for by its content hash, cached for a year', async () => {
    const version = contentHash(slots);
    assert.ok(built.toString('utf8').includes(`/t-slots.js?v=${version}`), 't.js carries the address of this very module');
    const res = await t.inject({ method: 'GET', url: `/t-slots.js?v=${version}`, headers: { origin: 'https://acme.com' } });
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    assert.match(String(res.headers['content-type']), /^text\/javascript/);
    assert.ok(res.rawPayload.equals(slots), 'the bytes of web/tracker/dist/t-slots.js');
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.equal(res.headers['access-control-allow-origin'], 'https://acme.com');
  });

  it('asked for by another version (an old t.js) or none, answers the current module with a short lifetime; 304 on its ETag', async () => {
    for (const url of ['/t-slots.js?v=old', '/t-slots.js']) {
      const res = await t.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.ok(res.rawPayload.equals(slots), url);
      assert.equal(res.headers['cache-control'], 'public, max-age=300', url);
      const again = await t.inject({ method: 'GET', url, headers: { 'if-none-match': String(res.headers.etag) } });
      assert.equal(again.statusCode, 304, url);
    }
  });
});
