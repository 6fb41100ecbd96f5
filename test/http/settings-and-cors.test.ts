/**
 * What a browser needs: the settings document analytics.js loads at start, and CORS on every
 * collection answer (preflights for JSON requests; Access-Control-Allow-Origin on POST answers,
 * errors included, so that the page's script can read them).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTessera, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => { t = await startTessera({ publicUrl: 'http://tessera.example:8780' }); });
after(async () => { await t.close(); });

const ORIGIN = 'https://shop.example';

describe('settings document', () => {
  it('GET /v1/projects/{writeKey}/settings answers 200 with the Segment.io integration pointing at the public URL (never the Host)', async () => {
    const res = await t.inject({ method: 'GET', url: `/v1/projects/${WRITE_KEY}/settings`, headers: { host: 'evil.example', origin: ORIGIN } });
    assert.equal(res.statusCode, 200, res.body);
    const doc = JSON.parse(res.body);
    assert.equal(doc.integrations['Segment.io'].apiKey, WRITE_KEY);
    assert.equal(doc.integrations['Segment.io'].apiHost, 'tessera.example:8780/v1');
    assert.equal(doc.plan.track.__default.enabled, true);
    assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
  });

  it('answers 401 JSON for an unknown write key', async () => {
    assertError(await t.inject({ method: 'GET', url: '/v1/projects/wk_unknown_key_123/settings' }), 401, 'unauthorized');
  });
});

describe('CORS', () => {
  for (const path of ['/v1/t', '/v1/track', '/v1/batch', '/v1/projects/x/settings']) {
    it(`answers the preflight of ${path} with the Access-Control-Allow-* headers`, async () => {
      const res = await t.inject({
        method: 'OPTIONS', url: path,
        headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization,content-encoding,x-retry-count,x-site-header' },
      });
      assert.ok(res.statusCode === 204 || res.statusCode === 200, `${res.statusCode} ${res.body}`);
      assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
      const methods = String(res.headers['access-control-allow-methods']).toUpperCase().split(/\s*,\s*/);
      assert.ok(methods.includes('POST'), String(methods));
      const allowed = String(res.headers['access-control-allow-headers']).toLowerCase().split(/\s*,\s*/);
      // x-retry-count: analytics.js sends it on every retry (without it the browser never retries);
      // x-site-header: sites may configure headers of their own.
      for (const header of ['content-type', 'authorization', 'content-encoding', 'x-retry-count', 'x-site-header']) assert.ok(allowed.includes(header), `${header} not in ${allowed}`);
    });
  }

  it('POST answers carry Access-Control-Allow-Origin, for success and for errors', async () => {
    const headers = { origin: ORIGIN, 'content-type': 'text/plain' };
    const ok = await t.inject({ method: 'POST', url: '/v1/t', headers, payload: JSON.stringify({ writeKey: WRITE_KEY, anonymousId: 'anon-cors', event: 'Cors' }) });
    assertAccepted(ok);
    assert.equal(ok.headers['access-control-allow-origin'], ORIGIN);
    // Retry-After is not a CORS-safelisted response header: without this, analytics.js cannot read it on a 429.
    assert.ok(String(ok.headers['access-control-expose-headers']).toLowerCase().split(/\s*,\s*/).includes('retry-after'), String(ok.headers['access-control-expose-headers']));

    const invalid = await t.inject({ method: 'POST', url: '/v1/t', headers, payload: JSON.stringify({ writeKey: WRITE_KEY, anonymousId: 'anon-cors' }) });
    assertError(invalid, 400);
    assert.equal(invalid.headers['access-control-allow-origin'], ORIGIN);

    const unauthorized = await t.inject({ method: 'POST', url: '/v1/t', headers, payload: JSON.stringify({ anonymousId: 'anon-cors', event: 'Cors' }) });
    assertError(unauthorized, 401);
    assert.equal(unauthorized.headers['access-control-allow-origin'], ORIGIN);
  });
});
