/**
 * Every documented admin route has a rule in the role policy (core/access/route-policy.ts), every
 * override names a documented route, and every admin route authenticates through
 * KeyResolver.admin (so that a signed-in person reaches it). A route added with a new tag and no
 * rule fails here; so does a route file that checks only the admin key.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { OVERRIDES, requirementFor } from '../../src/core/access/route-policy.js';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { operationsOf, type OpenApiDocument } from './openapi-check.js';

let t: TesseraUnderTest;
let doc: OpenApiDocument;
before(async () => {
  t = await startTessera();
  doc = JSON.parse((await t.inject({ method: 'GET', url: '/openapi.json' })).body) as OpenApiDocument;
});
after(async () => { await t.close(); });

const adminOperations = () => operationsOf(doc).filter(({ operation }) => (operation.security ?? []).some((r) => 'adminKey' in r));

it('has a rule for every documented admin route (by its tags, or an override)', () => {
  const operations = adminOperations();
  assert.ok(operations.length > 90, `only ${operations.length} admin routes`);
  const missing = operations
    .filter(({ method, path, operation }) => requirementFor({ method, path, tags: operation.tags ?? [] }).source === 'default')
    .map(({ method, path, operation }) => `${method.toUpperCase()} ${path} (tags ${JSON.stringify(operation.tags)})`);
  assert.deepEqual(missing, [], 'admin routes whose tags have no rule in TAG_RULES: add one');
});

it('lets admin call every admin route, and every admin route also takes a session', () => {
  for (const { method, path, operation } of adminOperations()) {
    assert.ok(requirementFor({ method, path, tags: operation.tags ?? [] }).roles.includes('admin'), `${method} ${path}`);
    assert.ok((operation.security ?? []).some((r) => 'session' in r), `${method} ${path}: no session scheme`);
  }
});

it('names only documented admin routes in its overrides', () => {
  const documented = new Set(adminOperations().map(({ method, path }) => `${method.toUpperCase()} ${path}`));
  assert.deepEqual(Object.keys(OVERRIDES).filter((k) => !documented.has(k)), []);
});

it('authenticates every admin route through KeyResolver.admin(request), never the admin key alone', () => {
  const dir = join(import.meta.dirname, '../../src/http/routes');
  const offenders = readdirSync(dir).filter((f) => /authenticate\(\s*'admin'/.test(readFileSync(join(dir, f), 'utf8')));
  assert.deepEqual(offenders, [], 'replace keys.authenticate(\'admin\', bearerToken(…)) with keys.admin(request)');
});
