/**
 * The API reference (GET /openapi.json) against the app that serves it: every registered route is
 * in the document, or deliberately left out with its reason (UNDOCUMENTED); every operation states
 * its security with a scheme the document defines, and documents its errors with the shared
 * envelope; the browsable page at /docs is served from the package. Whether real answers match the
 * document is checked in hostile-every-route.test.ts, on every route.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { UNDOCUMENTED } from '../../src/http/openapi.js';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { operationsOf, type OpenApiDocument } from './openapi-check.js';

let t: TesseraUnderTest;
let doc: OpenApiDocument;
before(async () => {
  t = await startTessera();
  const res = await t.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200, res.body);
  doc = JSON.parse(res.body) as OpenApiDocument;
});
after(async () => { await t.close(); });

/** Fastify's `/v1/profiles/:id` as OpenAPI's `/v1/profiles/{id}` (a wildcard as `{*}`). */
const templateOf = (url: string) => url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}');

it('is an OpenAPI 3.1 document with the security schemes and the error envelope', () => {
  assert.equal((doc as unknown as { openapi: string }).openapi, '3.1.0');
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['adminKey', 'metricsToken', 'serverKey', 'session', 'writeKey']);
  assert.ok(doc.components.schemas.ErrorEnvelope, 'the error envelope is a shared component');
});

it('documents every registered route, or says why not', () => {
  const routes = t.tessera.app.registeredRoutes;
  assert.ok(routes.length > 80, `only ${routes.length} routes seen: is the route catalogue registered before the routes?`);
  const missing: string[] = [];
  for (const route of routes) {
    const excused = UNDOCUMENTED.find((u) => (u.method === '*' || u.method === route.method) && u.url.test(route.url));
    const operation = doc.paths[templateOf(route.url)]?.[route.method.toLowerCase()];
    if (operation) assert.equal(excused, undefined, `${route.method} ${route.url} is documented and excused at once`);
    else if (!excused) missing.push(`${route.method} ${route.url}`);
  }
  assert.deepEqual(missing, [], 'routes missing from /openapi.json');
});

it('gives every operation a summary, its security and the error envelope for 4xx and 5xx', () => {
  const schemes = new Set(Object.keys(doc.components.securitySchemes));
  for (const { method, path, operation } of operationsOf(doc)) {
    const name = `${method.toUpperCase()} ${path}`;
    assert.ok(operation.summary, `${name}: no summary`);
    assert.ok(Array.isArray(operation.security), `${name}: no security stated (an empty list for a public route)`);
    for (const requirement of operation.security!) for (const scheme of Object.keys(requirement)) assert.ok(schemes.has(scheme), `${name}: unknown scheme ${scheme}`);
    for (const range of ['4XX', '5XX']) {
      const answer = operation.responses[range];
      assert.ok(answer, `${name}: no ${range} answer documented`);
      const pages = path.startsWith('/e/') || path.startsWith('/why/');
      const schema = answer.content?.[pages ? 'text/html' : 'application/json']?.schema as { $ref?: string } | undefined;
      if (!pages) assert.equal(schema?.$ref, '#/components/schemas/ErrorEnvelope', `${name}: ${range} is not the error envelope`);
      else assert.ok(schema, `${name}: ${range} is not a page`);
    }
    // The one exception: the catch-all of mangled email links, whose only answer is the error page.
    if (path !== '/e/{*}') assert.ok(Object.keys(operation.responses).some((s) => /^[23]\d\d$/.test(s)), `${name}: no success answer documented`);
  }
});

it('documents the admin key or a session on admin routes and the write key on the collection API', () => {
  const security = (method: string, path: string) => JSON.stringify(doc.paths[path]?.[method]?.security);
  assert.equal(security('get', '/v1/profiles'), JSON.stringify([{ adminKey: [] }, { session: [] }]));
  assert.equal(security('get', '/v1/session'), JSON.stringify([{ session: [] }]));
  assert.equal(security('post', '/v1/session'), '[]');
  assert.equal(security('post', '/v1/batch'), JSON.stringify([{ writeKey: [] }, {}]));
  assert.equal(security('get', '/healthz'), '[]');
  const search = doc.paths['/v1/profiles']!.get!.parameters!.map((p) => p.name).sort();
  assert.deepEqual(search, ['cursor', 'limit', 'q']);
  assert.ok(doc.paths['/v1/batch']!.post!.requestBody?.content['application/json']?.schema.properties?.batch, 'the batch body is documented');
  assert.ok(doc.paths['/v1/webhooks']!.post!.requestBody?.content['application/json']?.schema.properties?.url, 'a body generated from a zod schema');
});

it('serves the browsable reference from the package, without the network', async () => {
  const page = await t.inject({ method: 'GET', url: '/docs' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /swagger-ui-bundle\.js/);
  assert.doesNotMatch(page.body, /https?:\/\//, 'the page loads nothing from another host');
  const bundle = await t.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
  assert.equal(bundle.statusCode, 200);
  const init = await t.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
  assert.match(init.body, /validatorUrl: null/, 'no call to an online validator');
  const json = await t.inject({ method: 'GET', url: '/docs/json' });
  assert.equal(JSON.parse(json.body).openapi, '3.1.0');
});
