/**
 * Size limits and body encodings: 32 KB per event (400), 500 KB per request (413) — measured after
 * decompression, so a small gzip bomb is refused — gzip and deflate bodies accepted, any other
 * Content-Encoding answered 415.
 */
import assert from 'node:assert/strict';
import { deflateSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { basicAuth, startTessera, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, timelineOf } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => { t = await startTessera(); });
after(async () => { await t.close(); });

const KB = 1024;
const withPadding = (anon: string, bytes: number, i = 0) => ({ type: 'track', anonymousId: anon, event: 'Padded', messageId: `${anon}-${i}`, properties: { pad: 'x'.repeat(bytes) } });
const postRaw = (url: string, payload: Buffer | string, headers: Record<string, string> = {}) =>
  t.inject({ method: 'POST', url, payload, headers: { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json', ...headers } });

describe('per-event limit (32 KB)', () => {
  it('accepts an event just under 32 KB and refuses one over it with 400', async () => {
    assertAccepted(await t.collect('/v1/track', withPadding('anon-31k', 31 * KB)));
    const error = assertError(await t.collect('/v1/track', withPadding('anon-33k', 33 * KB)), 400);
    assert.match(error.issues?.[0]?.reason ?? '', /32768/);
    assertError(await t.admin('/v1/profiles/anon-33k'), 404);
  });

  it('refuses a batch holding one oversize event, storing nothing, and names the item', async () => {
    const batch = [withPadding('anon-batch-33k', 10, 0), withPadding('anon-batch-33k', 33 * KB, 1), withPadding('anon-batch-33k', 10, 2)];
    const error = assertError(await t.collect('/v1/batch', { batch }), 400, 'invalid_batch');
    assert.match(error.issues?.[0]?.field ?? '', /^batch\[1\]/);
    assertError(await t.admin('/v1/profiles/anon-batch-33k'), 404);
  });
});

describe('per-request limit (500 KB)', () => {
  it('accepts a batch just under 500 KB', async () => {
    const batch = Array.from({ length: 20 }, (_, i) => withPadding('anon-480k', 24 * KB, i));
    assertAccepted(await t.collect('/v1/batch', { batch }));
    assert.equal((await timelineOf(t, 'anon-480k')).length, 20);
  });

  it('refuses a body over 500 KB with 413', async () => {
    const batch = Array.from({ length: 22 }, (_, i) => withPadding('anon-528k', 24 * KB, i));
    assertError(await t.collect('/v1/batch', { batch }), 413, 'body_too_large');
    assertError(await t.admin('/v1/profiles/anon-528k'), 404);
  });
});

describe('compressed bodies', () => {
  const event = (anon: string) => JSON.stringify({ anonymousId: anon, event: 'Compressed', messageId: `${anon}-1` });

  it('accepts gzip and deflate', async () => {
    assertAccepted(await postRaw('/v1/track', gzipSync(event('anon-gzip')), { 'content-encoding': 'gzip' }));
    assertAccepted(await postRaw('/v1/track', deflateSync(event('anon-deflate')), { 'content-encoding': 'DEFLATE' }));
    assert.equal((await timelineOf(t, 'anon-gzip'))[0].event, 'Compressed');
    assert.equal((await timelineOf(t, 'anon-deflate'))[0].event, 'Compressed');
  });

  it('accepts a gzip batch whose decompressed size is close to the limit', async () => {
    const batch = Array.from({ length: 20 }, (_, i) => withPadding('anon-gzip-480k', 24 * KB, i));
    const compressed = gzipSync(JSON.stringify({ batch }));
    assert.ok(compressed.length < 10 * KB);
    assertAccepted(await postRaw('/v1/batch', compressed, { 'content-encoding': 'gzip' }));
    assert.equal((await timelineOf(t, 'anon-gzip-480k')).length, 20);
  });

  it('refuses a small gzip bomb (a few KB inflating past 500 KB) with 413', async () => {
    const bomb = gzipSync(JSON.stringify({ anonymousId: 'anon-bomb', event: 'Bomb', properties: { pad: 'x'.repeat(5_000_000) } }));
    assert.ok(bomb.length < 16 * KB, `the bomb is ${bomb.length} bytes`);
    assertError(await postRaw('/v1/track', bomb, { 'content-encoding': 'gzip' }), 413, 'body_too_large');
    assertError(await t.admin('/v1/profiles/anon-bomb'), 404);
  });

  it('refuses data that is not what its Content-Encoding says with 400', async () => {
    const error = assertError(await postRaw('/v1/track', event('anon-fake-gzip'), { 'content-encoding': 'gzip' }), 400);
    assertIssue(error, 'body', /compressed/);
  });

  it('refuses an unknown Content-Encoding with 415', async () => {
    for (const encoding of ['br', 'compress', 'zstd', 'gzip, br']) {
      const error = assertError(await postRaw('/v1/track', event('anon-br'), { 'content-encoding': encoding }), 415, 'unsupported_encoding');
      assert.match(error.message, /gzip/);
    }
  });
});
