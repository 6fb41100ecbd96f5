/**
 * A corpus of hostile and broken requests. Every answer is a 4xx with the JSON error envelope
 * `{ error: { code, message, issues? } }`, naming the field and the reason where there is one;
 * none is a 500, nothing is stored, no global object is touched, and the server stays healthy.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, basicAuth, startTessera, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, profileOf, timelineOf } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => { t = await startTessera(); });
after(async () => { await t.close(); });

interface Case {
  name: string;
  url?: string;
  method?: 'POST' | 'GET';
  payload?: string | Buffer;
  headers?: Record<string, string>;
  status?: number;
  code?: string;
  field?: string;
  reason?: RegExp;
}

const json = (value: unknown) => JSON.stringify(value);
const valid = { anonymousId: 'anon-corpus', event: 'Corpus' };
/** Deterministic pseudo-random bytes (a fixed LCG), so a failure can be replayed. */
const garbage = (n: number) => { let x = 42; return Buffer.from(Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) % 2 ** 31) & 0xff)); };
const utf8Broken = (bytes: number[]) => Buffer.concat([Buffer.from('{"anonymousId":"a","event":"'), Buffer.from(bytes), Buffer.from('"}')]);

const body: Case[] = [
  { name: 'invalid JSON', payload: '{"anonymousId": "a", event: }', code: 'invalid_json', field: 'body' },
  { name: 'truncated JSON', payload: '{"anonymousId":"a","event":"x","properties":{"a":', code: 'invalid_json', field: 'body' },
  { name: 'trailing garbage after JSON', payload: '{"anonymousId":"a","event":"x"} trailing', code: 'invalid_json', field: 'body' },
  { name: 'single quotes', payload: "{'anonymousId':'a','event':'x'}", code: 'invalid_json', field: 'body' },
  { name: 'garbage bytes', payload: garbage(2048), field: 'body' },
  { name: 'binary (PNG header)', payload: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), field: 'body' },
  { name: 'NUL bytes', payload: Buffer.alloc(64), field: 'body' },
  { name: 'invalid UTF-8 (0xFF)', payload: utf8Broken([0xff, 0xfe]), code: 'invalid_body', field: 'body', reason: /UTF-8/ },
  { name: 'invalid UTF-8 (truncated sequence)', payload: utf8Broken([0xe2, 0x82]), code: 'invalid_body', field: 'body', reason: /UTF-8/ },
  { name: 'invalid UTF-8 (encoded surrogate)', payload: utf8Broken([0xed, 0xa0, 0x80]), code: 'invalid_body', field: 'body', reason: /UTF-8/ },
  { name: 'a byte order mark before invalid JSON', payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"anonymousId":')]), code: 'invalid_json', field: 'body' },
  { name: 'constructor.prototype key in a batch item', url: '/v1/batch', payload: '{"batch":[{"type":"track","anonymousId":"a","event":"x","context":{"constructor":{"prototype":{}}}}]}', field: 'body', reason: /constructor/ },
  { name: 'invalid UTF-8 (overlong)', payload: utf8Broken([0xc0, 0xaf]), code: 'invalid_body', field: 'body', reason: /UTF-8/ },
  { name: 'empty body', payload: '', field: 'body', reason: /required/ },
  { name: 'whitespace body', payload: ' \n\t ', field: 'body', reason: /required/ },
  { name: 'null as the body', payload: 'null', field: 'body', reason: /object/ },
  { name: 'array as the body', payload: json([valid]), field: 'body', reason: /object/ },
  { name: 'string as the body', payload: '"track"', field: 'body', reason: /object/ },
  { name: 'number as the body', payload: '42', field: 'body', reason: /object/ },
  { name: 'boolean as the body', payload: 'true', field: 'body', reason: /object/ },
  { name: 'form-encoded body', payload: 'anonymousId=a&event=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, field: 'body' },
  { name: '100,000 nested arrays', payload: `{"anonymousId":"a","event":"x","properties":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`, field: 'body', reason: /nest/ },
  { name: '50,000 nested objects', payload: `{"anonymousId":"a","event":"x","properties":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`, field: 'body', reason: /nest/ },
  { name: '100,000 nested arrays in a batch', url: '/v1/batch', payload: `{"batch":[{"type":"track","anonymousId":"a","event":"x","properties":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}]}`, field: 'body', reason: /nest/ },
  { name: '30 nested objects (over the event limit)', payload: json({ ...valid, properties: JSON.parse(`${'{"a":'.repeat(30)}1${'}'.repeat(30)}`) }), reason: /nest/ },
  { name: 'a 400 KB string', payload: json({ ...valid, properties: { text: 'x'.repeat(400 * 1024) } }), reason: /32768/ },
  { name: '20,000 keys', payload: json({ ...valid, properties: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) }), reason: /32768/ },
  { name: 'a 600 KB body', payload: json({ ...valid, properties: { text: 'x'.repeat(600 * 1024) } }), status: 413, code: 'body_too_large' },
  { name: 'a gzip bomb', payload: gzipSync(json({ ...valid, properties: { text: 'x'.repeat(4_000_000) } })), headers: { 'content-encoding': 'gzip' }, status: 413, code: 'body_too_large' },
  { name: 'gzip header on plain JSON', payload: json(valid), headers: { 'content-encoding': 'gzip' }, field: 'body', reason: /compressed/ },
  { name: 'truncated gzip', payload: gzipSync(json(valid)).subarray(0, 15), headers: { 'content-encoding': 'gzip' }, field: 'body' },
  { name: 'unknown content-encoding', payload: json(valid), headers: { 'content-encoding': 'br' }, status: 415, code: 'unsupported_encoding' },
  { name: '__proto__ key', payload: '{"anonymousId":"a","event":"x","__proto__":{"polluted":true}}', field: 'body', reason: /prototype/ },
  { name: 'nested __proto__ key', payload: '{"anonymousId":"a","event":"x","traits":{"a":{"__proto__":{"polluted":true}}}}', field: 'body', reason: /prototype/ },
  { name: 'escaped __proto__ key', payload: '{"anonymousId":"a","event":"x","properties":{"\\u005f_proto__":{"polluted":true}}}', field: 'body', reason: /prototype/ },
  { name: 'a number beyond a double (1e400)', payload: '{"anonymousId":"a","event":"x","properties":{"price":1e400}}', code: 'invalid_body', field: 'properties.price', reason: /range of a double/ },
  { name: '-1e400 deep in a batch item', url: '/v1/batch', payload: '{"batch":[{"type":"track","anonymousId":"a","event":"x"},{"type":"track","anonymousId":"a","event":"x","properties":{"list":[1,{"n":-1e400}]}}]}', code: 'invalid_body', field: 'batch[1].properties.list[1].n', reason: /range of a double/ },
  { name: '1e400 as the body', payload: '1e400', code: 'invalid_body', field: 'body', reason: /range of a double/ },
  { name: '1e400 as a consent purpose flag', url: '/v1/consent', payload: '{"anonymousId":"a","purposes":{"marketing":1e400}}', code: 'invalid_body', field: 'purposes.marketing', reason: /range of a double/ },
  { name: 'constructor.prototype key', payload: '{"anonymousId":"a","event":"x","properties":{"constructor":{"prototype":{"polluted":true}}}}', field: 'body', reason: /constructor/ },
];

const WRONG: Array<[string, unknown[], string?]> = [
  ['messageId', [5, {}, [], true, '']],
  ['anonymousId', [{}, [], true]],
  ['userId', [{}, ['u'], false]],
  ['timestamp', [1_700_000_000_000, {}, true]],
  ['originalTimestamp', [1_700_000_000_000, []]],
  ['sentAt', [123, {}]],
  ['context', ['ctx', [], 5, true]],
  ['integrations', ['all', [], 1]],
  ['properties', ['p', [1], 0]],
  ['traits', ['t', [], false]],
  ['event', [5, {}, null, '']],
  ['name', [5, {}], '/v1/page'],
  ['category', [[], true], '/v1/screen'],
  ['groupId', [{}, []], '/v1/group'],
  ['previousId', [{}, []], '/v1/alias'],
];
const wrongTypes: Case[] = WRONG.flatMap(([field, values, url = '/v1/track']) => values.map((value) => ({
  name: `${field} = ${json(value)} on ${url}`, url, payload: json({ ...valid, userId: 'u-wrong', previousId: 'p-wrong', groupId: 'g-wrong', [field]: value }), code: 'invalid_event', field,
})));

const events: Case[] = [
  { name: 'no id at all', payload: json({ event: 'x' }), code: 'invalid_event', field: 'anonymousId', reason: /required/ },
  { name: 'only a junk userId', payload: json({ userId: 'undefined', event: 'x' }), field: 'userId', reason: /usable/ },
  { name: 'only empty ids', payload: json({ userId: '', anonymousId: '  ', event: 'x' }), field: 'userId' },
  { name: 'a 10,000-character userId', payload: json({ userId: 'u'.repeat(10_000), event: 'x' }), field: 'userId', reason: /512/ },
  { name: 'track without event', payload: json({ anonymousId: 'a' }), field: 'event', reason: /required/ },
  { name: 'alias without previousId', url: '/v1/alias', payload: json({ userId: 'u' }), field: 'previousId', reason: /required/ },
  { name: 'alias without userId', url: '/v1/alias', payload: json({ previousId: 'p' }), field: 'userId', reason: /required/ },
  { name: 'group without groupId', url: '/v1/group', payload: json({ anonymousId: 'a' }), field: 'groupId', reason: /required/ },
  { name: 'timestamp that is not a date', payload: json({ ...valid, timestamp: 'yesterday' }), field: 'timestamp', reason: /ISO-8601/ },
  { name: 'timestamp with month 13', payload: json({ ...valid, timestamp: '2024-13-45T99:00:00Z' }), field: 'timestamp', reason: /ISO-8601/ },
  { name: 'a 100-character timestamp', payload: json({ ...valid, timestamp: `2024-01-01T00:00:00${'0'.repeat(81)}Z` }), field: 'timestamp' },
  { name: 'sentAt that is not a date', payload: json({ ...valid, sentAt: 'soon' }), field: 'sentAt', reason: /ISO-8601/ },
  { name: 'unknown event type in a batch', url: '/v1/batch', payload: json({ batch: [{ type: 'purchase', anonymousId: 'a' }] }), code: 'invalid_batch', field: 'batch[0].type', reason: /track/ },
  { name: 'batch item without type', url: '/v1/batch', payload: json({ batch: [valid] }), field: 'batch[0].type' },
  { name: 'batch item that is a string', url: '/v1/batch', payload: json({ batch: ['track'] }), field: 'batch[0]', reason: /object/ },
  { name: 'batch that is an object', url: '/v1/batch', payload: json({ batch: { 0: valid } }), field: 'batch', reason: /array/ },
  { name: 'batch missing', url: '/v1/batch', payload: json({ events: [valid] }), field: 'batch', reason: /required/ },
  { name: 'batch context that is an array', url: '/v1/batch', payload: json({ context: [], batch: [{ type: 'track', ...valid }] }), field: 'context' },
  { name: 'batch integrations that is a string', url: '/v1/batch', payload: json({ integrations: 'all', batch: [{ type: 'track', ...valid }] }), field: 'integrations' },
  { name: 'batch sentAt that is a number', url: '/v1/batch', payload: json({ sentAt: 5, batch: [{ type: 'track', ...valid }] }), field: 'sentAt' },
  { name: 'batch sentAt that is not a date', url: '/v1/batch', payload: json({ sentAt: 'never', batch: [{ type: 'track', ...valid }] }), field: 'sentAt' },
  { name: '2,501 events', url: '/v1/batch', payload: json({ batch: Array.from({ length: 2501 }, () => ({ type: 'track', ...valid })) }), field: 'batch', reason: /2500/ },
];

const requests: Case[] = [
  { name: 'GET on a collection path', method: 'GET', url: '/v1/track', status: 404, code: 'not_found' },
  { name: 'an unknown path', url: '/v1/purchase', payload: json(valid), status: 404, code: 'not_found' },
  { name: 'malformed percent-encoding in a profile id', method: 'GET', url: '/v1/profiles/%E0%A4%A', headers: { authorization: `Bearer ${ADMIN_KEY}` }, field: 'url' },
  { name: 'a repeated q', method: 'GET', url: '/v1/profiles?q=a&q=b', headers: { authorization: `Bearer ${ADMIN_KEY}` }, field: 'q' },
];

async function send(c: Case) {
  return t.inject({
    method: c.method ?? 'POST', url: c.url ?? '/v1/track',
    ...(c.payload !== undefined ? { payload: c.payload } : {}),
    headers: { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json', ...c.headers },
  });
}

describe('bad input corpus', () => {
  for (const c of [...body, ...wrongTypes, ...events, ...requests]) {
    it(`${c.name} → ${c.status ?? 400}`, async () => {
      const error = assertError(await send(c), c.status ?? 400, c.code);
      if (c.field !== undefined) assertIssue(error, c.field, c.reason ?? /./);
      else if (c.reason) assert.match(JSON.stringify(error), c.reason);
    });
  }

  it('a batch with one bad item is refused whole, listing every bad item by path', async () => {
    const batch = Array.from({ length: 6 }, (_, i) => ({ type: 'track', anonymousId: 'anon-atomic', event: 'Atomic', messageId: `atomic-${i}` }));
    Object.assign(batch[3]!, { userId: { id: 7 } });
    Object.assign(batch[5]!, { timestamp: 'not a time' });
    const error = assertError(await send({ name: 'atomic', url: '/v1/batch', payload: json({ batch }) }), 400, 'invalid_batch');
    assertIssue(error, 'batch[3].userId', /string/);
    assertIssue(error, 'batch[5].timestamp', /ISO-8601/);
    assert.equal(error.issues?.length, 2);
    assertError(await t.admin('/v1/profiles/anon-atomic'), 404);
  });

  it('names every number beyond a double, not only the first', async () => {
    const error = assertError(await send({ name: 'two overflows', payload: '{"anonymousId":"a","event":"x","properties":{"a":1e400,"b":2,"c":-1E999}}' }), 400, 'invalid_body');
    assert.deepEqual(error.issues?.map((i) => i.field), ['properties.a', 'properties.c']);
  });

  it('an item missing both ids and its event name: two issues naming both fields', async () => {
    const error = assertError(await send({ name: 'two problems', url: '/v1/batch', payload: json({ batch: [{ type: 'track', ...valid }, { type: 'track', ...valid }, { type: 'track', ...valid }, { type: 'track' }] }) }), 400, 'invalid_batch');
    assert.deepEqual(error.issues?.map((i) => i.field), ['batch[3].event', 'batch[3].anonymousId']);
  });

  it("a batch's own bad fields are reported together with its items' problems", async () => {
    const error = assertError(await send({ name: 'batch and items', url: '/v1/batch', payload: json({ context: [], integrations: 'all', sentAt: '0000-01-01T00:00:00Z', batch: [{ type: 'track', ...valid }, { type: 'track', anonymousId: 'a' }] }) }), 400, 'invalid_batch');
    assert.deepEqual(error.issues?.map((i) => i.field), ['context', 'integrations', 'sentAt', 'batch[1].event']);
  });

  it('a batch sentAt that contradicts the items is reported once, not once per item', async () => {
    const items = Array.from({ length: 3 }, (_, i) => ({ type: 'track', ...valid, messageId: `contradiction-${i}`, timestamp: '1971-01-01T00:00:00Z' }));
    const error = assertError(await send({ name: 'contradiction', url: '/v1/batch', payload: json({ sentAt: '2095-01-01T00:00:00Z', batch: items }) }), 400, 'invalid_batch');
    assert.deepEqual(error.issues?.map((i) => i.field), ['sentAt']);
    assert.match(error.issues![0]!.reason, /before 1970/);
  });

  it('stored nothing from the whole corpus', async () => {
    assert.equal(await t.tessera.store.profiles.count('default'), 0);
  });

  it('leaves the server healthy and still accepting events', async () => {
    assert.equal((await t.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal((await t.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    assertAccepted(await t.collect('/v1/track', { ...valid, messageId: 'after-corpus' }));
    assert.equal((await timelineOf(t, 'anon-corpus'))[0].messageId, 'after-corpus');
  });
});

describe('hostile values that are valid data', () => {
  const builtins = () => [Object.prototype, Object, Function.prototype, Array.prototype].map((o) => Object.getOwnPropertyNames(o).sort().join());
  let before: string[];

  it('"__proto__", "constructor" and other built-in names as page paths, categories, event and trait names touch no global object', async () => {
    before = builtins();
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      assertAccepted(await t.collect('/v1/page', { anonymousId: 'anon-builtins', name, category: name, properties: { path: name, title: name } }));
      assertAccepted(await t.collect('/v1/track', { anonymousId: 'anon-builtins', event: name, properties: { category: name } }));
    }
    assertAccepted(await t.collect('/v1/identify', { anonymousId: 'anon-builtins', traits: { constructor: 'c', toString: 't', hasOwnProperty: 'h', valueOf: 'v' } }));
    assert.deepEqual(builtins(), before, 'a global prototype gained or lost a property');
    assert.equal(({} as Record<string, unknown>).views, undefined);

    const p = await profileOf(t, 'anon-builtins');
    assert.deepEqual(p.traits, { constructor: 'c', toString: 't', hasOwnProperty: 'h', valueOf: 'v' });
    assert.equal(p.behaviour.eventCounts['__proto__'], 1);
    assert.equal(p.behaviour.eventCounts.constructor, 1);
    assert.equal(p.behaviour.pageViews, 5);
    assert.equal(p.behaviour.distinctPages, 5);
    assert.equal(Object.keys(p.behaviour.categories).length, 5);
  });
});
