/**
 * The shared parameter rules (src/http/schemas/query.ts, validator.ts), named precisely: page sizes
 * are decimal integers in range on every paging route (`1e400` and `Infinity` reached the store as
 * Infinity and answered 500), text parameters and trait names refuse control characters, and JSON
 * bodies of the admin API refuse NUL, each failing field named.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ADMIN_KEY, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError, assertIssue } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => {
  t = await startTessera();
  await t.collect('/v1/identify', { userId: 'qp-user', traits: { name: 'Q' } });
  const created = await t.inject({ method: 'POST', url: '/v1/segments', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify({ id: 'qp', name: 'QP', condition: { trait: { key: 'name', op: 'exists' } } }) });
  assert.equal(created.statusCode, 201, created.body);
});
after(async () => { await t.close(); });

const PAGING = ['/v1/profiles', '/v1/profiles/qp-user/events', '/v1/privacy/audit', '/v1/segments/qp/members'];

it('refuses a page size that is not a decimal integer in 1..1000, on every paging route', async () => {
  for (const route of PAGING) {
    for (const [limit, reason] of [['1e400', /digits/], ['Infinity', /digits/], ['-Infinity', /digits/], ['0x10', /digits/], ['1e3', /digits/], ['%205', /digits/], ['-1', />= 1/], ['0', />= 1/], ['1001', /<= 1000/], ['9'.repeat(400), /finite|<= 1000/], ['1.5', /digits/]] as const) {
      assertIssue(assertError(await t.admin(`${route}?limit=${limit}`), 400, 'invalid_query'), 'limit', reason);
    }
    assert.equal((await t.admin(`${route}?limit=1000`)).statusCode, 200, route);
  }
});

it('refuses control characters in trait names, text parameters and path parameters', async () => {
  assertIssue(assertError(await t.admin('/v1/profiles?trait.%00=x'), 400, 'invalid_query'), 'trait.\u0000', /control characters in its name/);
  assertIssue(assertError(await t.admin('/v1/profiles?trait.name=a%00'), 400, 'invalid_query'), 'trait.name', /control characters/);
  assertIssue(assertError(await t.admin('/v1/profiles?q=%01'), 400, 'invalid_query'), 'q', /control characters/);
  assertIssue(assertError(await t.admin('/v1/profiles?cursor=%7F'), 400, 'invalid_query'), 'cursor', /control characters/);
  assertIssue(assertError(await t.admin('/v1/profiles/a%00b'), 400), 'id', /control characters/);
  assertIssue(assertError(await t.admin('/v1/segments/qp/members?traits=a%0Db'), 400), 'traits', /control characters/);
  // A trait given twice keeps the route's own wording; a valid search still answers.
  assertIssue(assertError(await t.admin('/v1/profiles?trait.name=a&trait.name=b'), 400), 'trait.name', /once/);
  assert.equal(JSON.parse((await t.admin('/v1/profiles?trait.name=Q')).body).profiles.length, 1);
});

it('names every bad parameter of a request at once, unknown ones too', async () => {
  assertIssue(assertError(await t.admin('/v1/privacy/audit?limt=5'), 400, 'invalid_query'), 'limt', /not a parameter/);
  const error = assertError(await t.admin('/v1/profiles?limit=Infinity&q=%00'), 400, 'invalid_query');
  assertIssue(error, 'limit', /digits/);
  const both = assertError(await t.admin('/v1/privacy/audit?limit=0&cursor=%00'), 400, 'invalid_query');
  assertIssue(both, 'limit', />= 1/);
  assertIssue(both, 'cursor', /control characters/);
});

it('refuses NUL in the JSON body of an admin route, naming each field; the collection API keeps its own rules', async () => {
  const post = (url: string, payload: string) => t.inject({ method: 'POST', url, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload });
  const error = assertError(await post('/v1/webhooks', '{"url":"https://crm.test/a","events":["segment.entered"],"description":"a\\u0000b","x":{"k\\u0000":1}}'), 400, 'invalid_body');
  assertIssue(error, 'description', /NUL/);
  assertIssue(error, 'x.k\u0000', /NUL/);
  assert.equal((await t.collect('/v1/track', { anonymousId: 'a', event: 'Nul\u0000Inside' })).statusCode, 200);
});
