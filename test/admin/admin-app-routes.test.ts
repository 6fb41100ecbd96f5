/**
 * How Tessera serves the admin app (src/http/routes/admin-app.ts): `GET /` leads to /admin/, every
 * screen address answers index.html without cache (a bookmark of /admin/people/x works), hashed
 * assets are cached for a year, unknown assets and paths out of the folder are refused, and every
 * answer carries the Content-Security-Policy that keeps the app to its own origin.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { buildAdmin, type AdminBuild } from '../../admin/build.js';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';

let t: TesseraUnderTest;
let built: AdminBuild;
before(async () => {
  built = await buildAdmin();
  t = await startTessera();
});
after(async () => { await t?.close(); });

describe('the admin app under /admin', () => {
  it('sends GET / and /admin to /admin/', async () => {
    const root = await t.inject({ method: 'GET', url: '/' });
    assert.equal(root.statusCode, 302);
    assert.equal(root.headers.location, '/admin/');
    const bare = await t.inject({ method: 'GET', url: '/admin' });
    assert.equal(bare.headers.location, '/admin/');
  });

  it('answers every screen address with index.html, never cached, under a same-origin CSP', async () => {
    for (const url of ['/admin/', '/admin/people', '/admin/people/karoline%40acme.com', '/admin/settings/webhooks/w1?x=1']) {
      const res = await t.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(res.headers['cache-control'], 'no-cache', url);
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'.*script-src 'self'/);
      assert.ok(res.body.includes(`/admin/assets/${built.script}`), `${url} names the built script`);
    }
  });

  it('caches hashed assets for a year and refuses unknown ones', async () => {
    const js = await t.inject({ method: 'GET', url: `/admin/assets/${built.script}` });
    assert.equal(js.statusCode, 200);
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(js.headers['content-type']), /javascript/);
    assert.equal(js.body, readFileSync(`${built.dir}assets/${built.script}`, 'utf8'));
    assert.ok(built.stylesheet, 'a stylesheet is built');
    const css = await t.inject({ method: 'GET', url: `/admin/assets/${built.stylesheet}` });
    assert.match(String(css.headers['content-type']), /text\/css/);
    const missing = await t.inject({ method: 'GET', url: '/admin/assets/app-NOPE.js' });
    assert.equal(missing.statusCode, 404);
    assert.equal(JSON.parse(missing.body).error.code, 'not_found');
    // A path out of the folder is no asset: at most the app's page, never the file.
    for (const url of ['/admin/assets/%2e%2e%2fpackage.json', '/admin/assets/..%2F..%2Fpackage.json', '/admin/../package.json']) {
      const outside = await t.inject({ method: 'GET', url });
      assert.ok(!outside.body.includes('"devDependencies"'), `${url} leaked a file`);
    }
  });

  it('leaves the API alone: an unknown API route is still a JSON 404', async () => {
    const res = await t.inject({ method: 'GET', url: '/v1/nothing-here' });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /json/);
  });
});
