/**
 * A hostile corpus sent to EVERY route of the API reference (which api-reference.test.ts proves
 * lists every registered route), with valid keys, on a real SQLite store: control characters and
 * NUL, `1e400`, `Infinity`, negative, fractional, hexadecimal and huge numbers, empty values, arrays
 * for scalars, in path parameters, in every documented query parameter and in every documented body
 * field. No answer is a 5xx; every 4xx of the JSON API is the error envelope (the email-link pages
 * answer people with a page); and every answer, hostile or not, matches the document. Run against
 * both stores (hostile-every-route*.test.ts): PostgreSQL refuses a NUL in text that SQLite keeps.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Config } from '../../src/config.js';
import type { LightMyRequestResponse } from 'fastify';
import { ADMIN_KEY, basicAuth, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { WHITEPAPER_FORM_INPUT } from '../core/forms/form-fixtures.js';
import { assertError } from './api-helpers.js';
import { addServerKey } from '../../src/workspaces/api-keys.js';
import { userWithRole, type SignedIn } from '../support/sessions.js';
import { createAnswerChecker, fillPath, operationsOf, type OpenApiDocument, type Operation } from './openapi-check.js';

export function hostileEveryRouteSuite(start: (overrides?: Partial<Config>) => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  let doc: OpenApiDocument;
  let serverKey: string;
  /** The session of the routes of one's own session (`session` scheme only). */
  let session: SignedIn;
  before(async () => {
    t = await start();
    serverKey = await addServerKey(t.tessera.store, 'default', { scopes: ['decide'], now: Date.now() });
    doc = JSON.parse((await t.inject({ method: 'GET', url: '/openapi.json' })).body) as OpenApiDocument;
    // Something to find behind each kind of {id}, so that hostile query parameters reach the store.
    const res = await t.collect('/v1/identify', { userId: 'ref-user', anonymousId: 'ref-anon', traits: { email: 'ref@example.com', name: 'Ref' } });
    assert.equal(res.statusCode, 200, res.body);
    const admin = (url: string, body: unknown) => t.inject({ method: 'POST', url, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    assert.equal((await admin('/v1/segments', { id: 'ref-seg', name: 'Ref', condition: { trait: { key: 'name', op: 'exists' } } })).statusCode, 201);
    assert.equal((await admin('/v1/forms', { id: 'ref-form', ...WHITEPAPER_FORM_INPUT })).statusCode, 201);
    const slot = await admin('/v1/slots', { id: 'ref-slot', name: 'Ref', channel: 'web', variants: [{ id: 'a', body: 'A', format: 'text' }], defaultVariantId: 'a', goal: { event: 'Ref Goal' } });
    assert.equal(slot.statusCode, 201, slot.body);
    const hook = await admin('/v1/webhooks', { url: 'https://crm.test/hook', events: ['segment.entered'] });
    assert.equal(hook.statusCode, 201, hook.body);
    REFERENCE_IDS.set('/v1/webhooks/', JSON.parse(hook.body).id as string);
    session = await userWithRole(t, 'marketer', 'hostile-session@example.com');
    const other = await admin('/v1/users', { email: 'hostile-ref@example.com', name: 'Ref', role: 'viewer' });
    assert.equal(other.statusCode, 201, other.body);
    REFERENCE_IDS.set('/v1/users/', JSON.parse(other.body).user.id as string);
  });

  /** The {id} of each kind of thing that exists (by path prefix); `ref-user` (a profile) otherwise. */
  const REFERENCE_IDS = new Map<string, string>([['/v1/segments/', 'ref-seg'], ['/v1/forms/', 'ref-form'], ['/v1/slots/', 'ref-slot']]);
  after(async () => { await t.close(); });
  /** Query parameters a read needs to answer 2xx at all (a report of a moment and a KPI). */
  const REPRESENTATIVE_QUERIES = new Map<string, string>([
    ['/v1/measures/before-after', 'at=2026-11-15T00:00:00Z&event=Order%20Completed'],
    ['/v1/analytics/funnel', 'step1=page%3A%2F&step2=page%3A%2Fpricing'],
  ]);

  /** Percent-encoded, as they appear in a URL. */
  const HOSTILE_TEXT = ['%00', 'a%00b', '%01%1F', '%7F', '%0D%0A', '%E2%80%AE', '%25', '__proto__', 'constructor', '..%2F..', 'x'.repeat(3000)];
  const HOSTILE_NUMBERS = ['1e400', 'Infinity', '-Infinity', 'NaN', '-1', '0', '1.5', '0x10', '9'.repeat(400), '99999999999999999999', ''];
  const HOSTILE_JSON_VALUES: unknown[] = ['\u0000', 'a\u0000b', '\u001f', {}, [], true, -1, 1.5, null, 'x'.repeat(20_000), ['a', 'b'], { __nested: { deep: '\u0000' } }];
  /** Raw bodies: JSON.parse reads `1e400` as Infinity, and a body may be any JSON value. */
  const HOSTILE_BODIES = ['1e400', '{"limit":1e400,"id":-1e400}', '[]', '"\\u0000"', 'null', '{"a":"\\u0000"}', '[1e400]', '{"\\u0000":1}'];

  function headersFor(operation: Operation): Record<string, string> {
    const schemes = (operation.security ?? []).flatMap((r) => Object.keys(r));
    if (schemes.includes('adminKey')) return { authorization: `Bearer ${ADMIN_KEY}` };
    if (schemes.includes('session')) return session.headers();
    if (schemes.includes('writeKey')) return { authorization: basicAuth(WRITE_KEY) };
    if (schemes.includes('serverKey')) return { authorization: `Bearer ${serverKey}` };
    return {};
  }

  const check = () => createAnswerChecker(doc);

  function assertAnswer(options: { method: string; path: string; url: string; res: LightMyRequestResponse; problems: string[]; checkAnswer: ReturnType<typeof check> }): void {
    const { method, path, url, res, problems } = options;
    const name = `${method.toUpperCase()} ${url.slice(0, 160)}`;
    if (res.statusCode >= 500) { problems.push(`${name}: ${res.statusCode} ${res.body.slice(0, 200)}`); return; }
    if (res.statusCode >= 400 && !path.startsWith('/e/') && !path.startsWith('/why/')) {
      try { assertError(res, res.statusCode); } catch (error) { problems.push(`${name}: not the error envelope: ${(error as Error).message.slice(0, 300)}`); return; }
    }
    const mismatch = options.checkAnswer({ method, path, res });
    if (mismatch) problems.push(`${name}: ${mismatch}`);
  }

  /** A harmless value for a path parameter, so that a request reaches the part under test. */
  const benignFor = (path: string) => (name: string) => {
    if (name === 'writeKey') return WRITE_KEY;
    if (name !== 'id') return 'x';
    return [...REFERENCE_IDS].find(([prefix]) => path.startsWith(prefix))?.[1] ?? 'ref-user';
  };

  it('answers every route\'s hostile path parameters, query parameters and bodies without a 5xx, in the documented shape', async () => {
    const checkAnswer = check();
    const problems: string[] = [];
    /** Operations that answered 2xx at least once: their success schema was checked on a real answer. */
    const succeeded = new Set<string>();
    let sent = 0;
    // Deletions last: the representative DELETE removes what the other routes need to find.
    const operations = operationsOf(doc).sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
    for (const { method, path, operation } of operations) {
      const headers = headersFor(operation);
      const send = async (url: string, payload?: string) => {
        sent++;
        const res = await t.inject({ method: method.toUpperCase() as 'GET', url, headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload } : {}) });
        assertAnswer({ method, path, url: payload === undefined ? url : `${url} ${payload.slice(0, 80)}`, res, problems, checkAnswer });
        if (res.statusCode < 300) succeeded.add(`${method} ${path}`);
      };
      const hasBody = method === 'post' || method === 'put';
      const base = fillPath(path, benignFor(path));
      // A representative call: harmless parameters (the required ones of a report, REPRESENTATIVE_QUERIES), an empty object as the body.
      const representative = REPRESENTATIVE_QUERIES.get(path);
      await send(representative ? `${base}?${representative}` : base, hasBody ? '{}' : undefined);

      // Path parameters: every parameter hostile at once, and each hostile number.
      if (path.includes('{')) {
        for (const value of [...HOSTILE_TEXT, ...HOSTILE_NUMBERS.filter(Boolean)]) await send(fillPath(path, () => value), hasBody ? '{}' : undefined);
      }

      // Query parameters: each documented one with each hostile value, given twice (an array), and
      // parameters no route documents.
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      for (const name of query) {
        for (const value of [...HOSTILE_NUMBERS, ...HOSTILE_TEXT]) await send(`${base}?${name}=${value}`, hasBody ? '{}' : undefined);
        await send(`${base}?${name}=1&${name}=2`, hasBody ? '{}' : undefined);
      }
      for (const extra of ['%00=x', 'trait.%00=x', 'trait.a=%00', 'trait.a=1&trait.a=2', '__proto__=x', 'limit=1e400', 'limit=Infinity', 'cursor=%00']) {
        await send(`${base}?${extra}`, hasBody ? '{}' : undefined);
      }

      // Bodies: hostile documents, and each documented field with each hostile value.
      if (hasBody) {
        for (const payload of HOSTILE_BODIES) await send(base, payload);
        const fields = Object.keys(operation.requestBody?.content['application/json']?.schema.properties ?? {});
        for (const field of fields) {
          for (const value of HOSTILE_JSON_VALUES) await send(base, JSON.stringify({ [field]: value }));
          await send(base, `{"${field}":1e400}`);
        }
      }
    }
    assert.ok(sent > 2000, `only ${sent} requests were sent`);
    // Every read without parameters, and every read of a profile, answered 200 to its representative call.
    const reads = operations.filter(({ method, path }) => method === 'get' && (!path.includes('{') || path.startsWith('/v1/profiles/{id}')) && !path.startsWith('/e/'));
    assert.deepEqual(reads.map(({ method, path }) => `${method} ${path}`).filter((k) => !succeeded.has(k)), [], 'reads that never answered 2xx');
    assert.deepEqual(problems, [], `${problems.length} of ${sent} answers were wrong`);
  });
}
