/**
 * Tessera serves analytics.js itself, so that a site can use Segment's stock snippet with
 * Tessera's address in place of Segment's CDN: the standalone bundle under the CDN's path, the
 * chunks it loads lazily (content-hashed, cached as immutable) and nothing else of the package;
 * and the settings document names where browsers send events: the configured public URL, else the
 * listen address; never the request's Host (a shared cache would keep a forged one for everyone).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../support/server-process.js';
import { publicBaseWarning, resolvePublicBase } from '../../src/public-base.js';
import { startTessera, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError } from './api-helpers.js';

const UMD_DIR = join(PROJECT_ROOT, 'node_modules/@segment/analytics-next/dist/umd');
const SCRIPT_PATH = `/analytics.js/v1/${WRITE_KEY}/analytics.min.js`;

/** The chunks the package ships, e.g. `queryString.bundle.34b193ada8fe288d1bd1.js`. */
function chunkNames(): string[] {
  return readdirSync(UMD_DIR).filter((name) => /^[\w-]+\.bundle\.[0-9a-f]+\.js$/.test(name)).sort();
}

let t: TesseraUnderTest;
before(async () => { t = await startTessera(); });
after(async () => { await t.close(); });

describe('GET /analytics.js/v1/{writeKey}/analytics.min.js', () => {
  it('serves the standalone bundle of @segment/analytics-next, byte for byte, as JavaScript', async () => {
    const res = await t.inject({ method: 'GET', url: SCRIPT_PATH });
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.match(String(res.headers['content-type']), /^(text|application)\/javascript\b/);
    const expected = readFileSync(join(UMD_DIR, 'standalone.js'));
    assert.ok(expected.length > 10_000, 'the package ships a real bundle to compare with');
    assert.ok(res.rawPayload.equals(expected), `served ${res.rawPayload.length} bytes, the package has ${expected.length}`);
  });

  it('answers 401 JSON for an unknown write key', async () => {
    assertError(await t.inject({ method: 'GET', url: '/analytics.js/v1/wk_unknown_key_123/analytics.min.js' }), 401, 'unauthorized');
  });
});

describe('GET /analytics-next/bundles/{file}', () => {
  it('the package ships the lazily loaded chunks these tests rely on', () => {
    const names = chunkNames();
    assert.ok(names.some((name) => name.startsWith('queryString.bundle.')), `chunks in ${UMD_DIR}: ${names.join(', ')}`);
  });

  for (const name of chunkNames()) {
    it(`serves the chunk ${name} byte for byte, cached as immutable`, async () => {
      const res = await t.inject({ method: 'GET', url: `/analytics-next/bundles/${name}` });
      assert.equal(res.statusCode, 200, res.body.slice(0, 500));
      assert.match(String(res.headers['content-type']), /^(text|application)\/javascript\b/);
      const cacheControl = String(res.headers['cache-control']).split(/\s*,\s*/);
      assert.ok(cacheControl.includes('immutable') && cacheControl.includes('public'), String(res.headers['cache-control']));
      assert.ok(res.rawPayload.equals(readFileSync(join(UMD_DIR, name))), `${name}: the served bytes differ from the package's`);
    });
  }

  // Only content-hashed chunk names of dist/umd: nothing else of the package, nothing outside it.
  // From dist/umd, `../../package.json` is the package's manifest and five levels up Tessera's own:
  // files that exist, so that a route reading whatever it is given would answer 200.
  const refused = [
    '../package.json',
    '%2e%2e%2fpackage.json',
    '..%2fpackage.json',
    '%2e%2e%2f%2e%2e%2fpackage.json',
    '..%2f..%2fpackage.json',
    '..%2f..%2f..%2f..%2f..%2fpackage.json',
    'standalone.js',
    'standalone.js.map',
    'x.bundle.zz.js',
    'queryString.bundle.34b193ada8fe288d1bd1.js.map',
    'queryString.bundle.34b193ada8fe288d1bd1.js.gz',
    'missing.bundle.0123456789abcdef.js',
  ];
  for (const file of refused) {
    it(`answers 404 JSON for ${file}`, async () => {
      const res = await t.inject({ method: 'GET', url: `/analytics-next/bundles/${file}` });
      assertError(res, 404, 'not_found');
      assert.doesNotMatch(res.body, /"version"|sourceMappingURL|webpackChunk/, 'no file content leaks into the answer');
    });
  }
});

// Injected URLs are normalised before routing (`bundles/../x` becomes `x`); a client on a socket
// can send the dots as they are (`curl --path-as-is`), so these go over a real connection.
describe('path traversal over a real socket', () => {
  let served: TesseraUnderTest;
  let origin: { host: string; port: number };
  before(async () => {
    served = await startTessera();
    await served.tessera.app.listen({ port: 0, host: '127.0.0.1' });
    const address = served.tessera.app.server.address() as AddressInfo;
    origin = { host: address.address, port: address.port };
  });
  after(async () => { await served.close(); });

  /** GETs `path` exactly as written: node:http sends the request target unchanged. */
  const rawGet = (path: string) => new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const req = request({ ...origin, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });

  it('serves a chunk over the socket (the probe reaches the route)', async () => {
    const name = chunkNames()[0]!;
    const res = await rawGet(`/analytics-next/bundles/${name}`);
    assert.equal(res.status, 200, res.body.slice(0, 500));
  });

  for (const path of [
    '/analytics-next/bundles/../package.json',
    '/analytics-next/bundles/../../../../package.json',
    '/analytics-next/bundles/..%2fpackage.json',
    '/analytics-next/bundles/%2e%2e%2fpackage.json',
    '/analytics-next/bundles/%2e%2e/package.json',
    '/analytics-next/bundles/..%5cpackage.json',
    '/analytics-next/bundles/../../package.json',
    '/analytics-next/bundles/..%2f..%2fpackage.json',
    '/analytics-next/bundles/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
  ]) {
    it(`answers 404 JSON for ${path}`, async () => {
      const res = await rawGet(path);
      assert.equal(res.status, 404, res.body.slice(0, 500));
      assert.match(res.type, /^application\/json/);
      assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'not_found');
      assert.doesNotMatch(res.body, /"version"|"dependencies"/, 'no file content leaks into the answer');
    });
  }
});

describe('settings document: where browsers send events', () => {
  const settingsOf = async (tessera: TesseraUnderTest, headers: Record<string, string> = {}) => {
    const res = await tessera.inject({ method: 'GET', url: `/v1/projects/${WRITE_KEY}/settings`, headers });
    assert.equal(res.statusCode, 200, res.body);
    const segmentIo = (JSON.parse(res.body) as { integrations: Record<string, { apiHost?: unknown; protocol?: unknown }> }).integrations['Segment.io'];
    return { apiHost: segmentIo?.apiHost, protocol: segmentIo?.protocol };
  };

  it('without a public URL: the listen address over http, never the request Host (a forged one included)', async () => {
    assert.deepEqual(await settingsOf(t, { host: 'evil.example' }), { apiHost: '127.0.0.1:8780/v1', protocol: 'http' });
    assert.deepEqual(await settingsOf(t, { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }), { apiHost: '127.0.0.1:8780/v1', protocol: 'http' });
    const elsewhere = await startTessera({ host: '0.0.0.0', port: 9000 });
    try {
      assert.deepEqual(await settingsOf(elsewhere, { host: 'evil.example' }), { apiHost: 'localhost:9000/v1', protocol: 'http' });
    } finally {
      await elsewhere.close();
    }
  });

  it('is the same for everyone who asks, so caches may keep it a few minutes', async () => {
    const res = await t.inject({ method: 'GET', url: `/v1/projects/${WRITE_KEY}/settings`, headers: { host: 'evil.example' } });
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    assert.doesNotMatch(res.body, /evil\.example/);
    const refused = await t.inject({ method: 'GET', url: '/v1/projects/wk_unknown_key_123/settings' });
    assert.equal(refused.headers['cache-control'], undefined, 'an unknown key is not answered with a cacheable document');
  });

  const configured: Array<[publicUrl: string, expected: { apiHost: string; protocol: string }]> = [
    ['https://t.example.com/tessera', { apiHost: 't.example.com/tessera/v1', protocol: 'https' }],
    ['https://t.example.com/tessera/', { apiHost: 't.example.com/tessera/v1', protocol: 'https' }],
    ['https://t.example.com', { apiHost: 't.example.com/v1', protocol: 'https' }],
    ['http://t.example.com:8443/', { apiHost: 't.example.com:8443/v1', protocol: 'http' }],
  ];
  for (const [publicUrl, expected] of configured) {
    it(`with publicUrl ${publicUrl}: ${expected.protocol}://${expected.apiHost}, whatever the request's Host`, async () => {
      const behindProxy = await startTessera({ publicUrl, trustProxy: true });
      try {
        assert.deepEqual(await settingsOf(behindProxy, { host: 'internal-node-3:8780', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' }), expected);
      } finally {
        await behindProxy.close();
      }
    });
  }
});

describe('the public base of absolute URLs (configuration only)', () => {
  const cases: Array<[config: { publicUrl?: string; host: string; port: number }, url: string, source: string]> = [
    [{ publicUrl: 'https://t.example.com/tessera/', host: '127.0.0.1', port: 8780 }, 'https://t.example.com/tessera', 'configured'],
    [{ host: '127.0.0.1', port: 8780 }, 'http://127.0.0.1:8780', 'listen-address'],
    [{ host: 'localhost', port: 80 }, 'http://localhost', 'listen-address'],
    [{ host: '0.0.0.0', port: 8780 }, 'http://localhost:8780', 'listen-address'],
    [{ host: '::', port: 8780 }, 'http://localhost:8780', 'listen-address'],
    [{ host: '::1', port: 8780 }, 'http://[::1]:8780', 'listen-address'],
    [{ host: 'tessera.lan', port: 8780 }, 'http://tessera.lan:8780', 'listen-address'],
    [{ host: 'bad host/x', port: 8780 }, 'http://localhost:8780', 'listen-address'],
  ];
  for (const [config, url, source] of cases) {
    it(`${JSON.stringify(config)} → ${url} (${source})`, () => {
      assert.deepEqual(resolvePublicBase(config), { url, source });
    });
  }

  it('warns while the public URL is not configured, naming the variable and what is refused', () => {
    assert.equal(publicBaseWarning(resolvePublicBase({ publicUrl: 'https://t.example.com', host: '127.0.0.1', port: 8780 })), null);
    const warning = publicBaseWarning(resolvePublicBase({ host: '127.0.0.1', port: 8780 }));
    assert.match(warning ?? '', /TESSERA_PUBLIC_URL is not set/);
    assert.match(warning ?? '', /http:\/\/127\.0\.0\.1:8780/);
    assert.match(warning ?? '', /double opt-in and POST \/v1\/emails\/\* are refused/);
  });
});
