/**
 * The import job in-process (ingest/import-ndjson.ts), against a real SQLite store: line splitting
 * at awkward piece boundaries, time handling of historical events, derived messageIds, and stops.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { LineSplitter, importNdjson, type ImportNdjsonOptions, type SplitLine } from '../../src/ingest/import-ndjson.js';
import { openStore, type OpenedStore } from '../../src/storage/open-store.js';
import { createIngest, createLogger } from '../../src/tessera.js';
import { ensureDefaultWorkspace } from '../../src/workspaces/api-keys.js';
import { tempDir } from '../support/tessera-under-test.js';

const IMPORT_TIME = Date.parse('2026-01-15T12:00:00Z');

function splitAll(pieces: Array<string | Buffer>, max = 32): SplitLine[] {
  const splitter = new LineSplitter(max);
  return [...pieces.flatMap((p) => splitter.push(typeof p === 'string' ? Buffer.from(p) : p)), ...splitter.end()];
}

describe('LineSplitter', () => {
  it('finds the same lines however the bytes are cut into pieces', () => {
    const text = '\uFEFF{"a":"é€😀"}\r\n\nlast line without newline';
    const bytes = Buffer.from(text);
    const whole = splitAll([bytes]);
    assert.deepEqual(whole, [{ number: 1, text: '{"a":"é€😀"}' }, { number: 2, text: '' }, { number: 3, text: 'last line without newline' }]);
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(splitAll([bytes.subarray(0, cut), bytes.subarray(cut)]), whole, `cut at byte ${cut}`);
    }
    assert.deepEqual(splitAll([...bytes].map((b) => Buffer.from([b]))), whole, 'one byte at a time');
  });

  it('reports a line over the limit by its size only, and carries on with the next', () => {
    const long = 'x'.repeat(50);
    assert.deepEqual(splitAll([`ok\n${long.slice(0, 20)}`, long.slice(20), '\nnext\n']), [
      { number: 1, text: 'ok' }, { number: 2, tooLong: 50 }, { number: 3, text: 'next' },
    ]);
    assert.deepEqual(splitAll([`${'y'.repeat(32)}\r\n${'z'.repeat(33)}\n`]), [{ number: 1, text: 'y'.repeat(32) }, { number: 2, tooLong: 33 }], 'the limit is inclusive; \\r does not count');
  });

  it('keeps a byte order mark that is not at the start of the file', () => {
    assert.deepEqual(splitAll(['a\n\uFEFFb\n']), [{ number: 1, text: 'a' }, { number: 2, text: '\uFEFFb' }]);
  });
});

describe('importNdjson', () => {
  const dirs: Array<{ remove(): void }> = [];
  after(() => { for (const d of dirs) d.remove(); });

  async function setUp(): Promise<{ store: OpenedStore; run: (lines: string[], extra?: Partial<ImportNdjsonOptions>) => ReturnType<typeof importNdjson> }> {
    const dir = tempDir();
    dirs.push(dir);
    const config = loadConfig({ env: {}, flags: { dataDir: dir.path, logLevel: 'silent' } });
    const store = await openStore(config);
    await ensureDefaultWorkspace(store, { now: IMPORT_TIME });
    const { ingest } = createIngest(store, config, createLogger(config));
    const workspaceIngest = await ingest.forWorkspace('default');
    const run = (lines: string[], extra: Partial<ImportNdjsonOptions> = {}) => importNdjson({
      source: Readable.from([lines.join('\n')]), workspaceId: 'default', ingest: workspaceIngest, batchSize: 2,
      submit: (_workspaceId, events) => workspaceIngest.submit(events), now: () => IMPORT_TIME, ...extra,
    });
    return { store, run };
  }

  async function eventsOf(store: OpenedStore, identifier: string) {
    const profileId = await store.profiles.resolve('default', identifier);
    assert.ok(profileId, `no profile for ${identifier}`);
    return (await store.profiles.events('default', profileId, { limit: 100 })).events.filter((e) => e.type !== 'system');
  }

  it('keeps the timestamps of historical events and takes receivedAt from the line when it has one', async () => {
    const { store, run } = await setUp();
    const summary = await run([
      // A Segment export: sentAt and receivedAt from 2023; no correction against the import time.
      JSON.stringify({ type: 'track', event: 'Exported', anonymousId: 'v1', messageId: 'm1', timestamp: '2023-05-01T10:00:00Z', sentAt: '2023-05-01T10:00:05Z', receivedAt: '2023-05-01T10:00:06Z' }),
      JSON.stringify({ type: 'track', event: 'No receive time', anonymousId: 'v1', messageId: 'm2', timestamp: '2023-05-02T10:00:00Z', sentAt: '2023-05-02T10:00:05Z' }),
      JSON.stringify({ type: 'track', event: 'No time at all', anonymousId: 'v1', messageId: 'm3' }),
    ]);
    assert.equal(summary.accepted, 3);
    const byId = new Map((await eventsOf(store, 'v1')).map((e) => [e.messageId, e]));
    assert.equal(byId.get('m1')!.timestamp, Date.parse('2023-05-01T10:00:00Z'));
    assert.equal(byId.get('m1')!.receivedAt, Date.parse('2023-05-01T10:00:06Z'));
    assert.equal(byId.get('m1')!.sentAt, Date.parse('2023-05-01T10:00:05Z'));
    assert.equal(byId.get('m2')!.timestamp, Date.parse('2023-05-02T10:00:00Z'));
    assert.equal(byId.get('m2')!.receivedAt, IMPORT_TIME);
    assert.equal(byId.get('m3')!.timestamp, IMPORT_TIME);
    await store.close();
  });

  it('applies the rules of every client time: the range, the future clamp, and a receivedAt not after the import', async () => {
    const { store, run } = await setUp();
    const rejected: Array<{ line: number; issues: Array<{ field: string; reason: string }> }> = [];
    const summary = await run([
      JSON.stringify({ type: 'track', event: 'Year 0', anonymousId: 'v8', timestamp: '0000-01-01T00:00:00Z' }),
      JSON.stringify({ type: 'track', event: 'Sent in 9999', anonymousId: 'v8', timestamp: '2023-05-01T10:00:00Z', sentAt: '9999-12-07T00:00:00Z' }),
      JSON.stringify({ type: 'track', event: 'Bad receivedAt', anonymousId: 'v8', receivedAt: 'yesterday' }),
      JSON.stringify({ type: 'track', event: 'Received later', anonymousId: 'v8', receivedAt: '2026-03-01T00:00:00Z' }),
      JSON.stringify({ type: 'track', event: 'Future', anonymousId: 'v8', messageId: 'm-future', timestamp: '2090-01-01T00:00:00Z', receivedAt: '2025-01-01T00:00:00Z' }),
      JSON.stringify({ type: 'track', event: 'Future, no receivedAt', anonymousId: 'v8', messageId: 'm-future-2', timestamp: '2090-01-01T00:00:00Z' }),
    ], { onReject: (r) => { rejected.push({ line: r.line, issues: r.issues }); } });
    assert.deepEqual(rejected, [
      { line: 1, issues: [{ field: 'timestamp', reason: 'must be between 1970-01-01 and 2099-12-31' }] },
      { line: 2, issues: [{ field: 'sentAt', reason: 'must be between 1970-01-01 and 2099-12-31' }] },
      { line: 3, issues: [{ field: 'receivedAt', reason: 'must be an ISO-8601 date-time' }] },
      { line: 4, issues: [{ field: 'receivedAt', reason: 'is later than the time of the import' }] },
    ]);
    assert.equal(summary.accepted, 2);
    const byId = new Map((await eventsOf(store, 'v8')).map((e) => [e.messageId, e]));
    assert.deepEqual([byId.get('m-future')!.timestamp, byId.get('m-future')!.originalTimestamp], [Date.parse('2025-01-01T00:00:00Z'), Date.parse('2090-01-01T00:00:00Z')]);
    assert.equal(byId.get('m-future-2')!.timestamp, IMPORT_TIME);
    await store.close();
  });

  it('refuses what a request body may not carry: a number beyond a double, a __proto__ key', async () => {
    const { store, run } = await setUp();
    const rejected: Array<{ line: number; issues: Array<{ field: string; reason: string }> }> = [];
    const summary = await run([
      '{"type":"track","event":"Big","anonymousId":"v9","properties":{"price":1e400,"list":[-1e999]}}',
      '{"type":"track","event":"Proto","anonymousId":"v9","properties":{"__proto__":{"admin":true}}}',
      '{"type":"track","userId":""}',
    ], { onReject: (r) => { rejected.push({ line: r.line, issues: r.issues }); } });
    assert.equal(summary.accepted, 0);
    assert.deepEqual(rejected.map((r) => r.issues.map((i) => i.field)), [['properties.price', 'properties.list[0]'], [''], ['event', 'userId']]);
    assert.match(rejected[0]!.issues[0]!.reason, /range of a double/);
    assert.match(rejected[1]!.issues[0]!.reason, /__proto__/);
    await store.close();
  });

  it('derives a messageId from the line, so lines without one are stored once however often imported', async () => {
    const { store, run } = await setUp();
    const line = JSON.stringify({ type: 'page', name: 'Home', anonymousId: 'v2', timestamp: '2023-01-01T00:00:00Z' });
    const other = JSON.stringify({ type: 'page', name: 'Docs', anonymousId: 'v2', timestamp: '2023-01-01T00:00:00Z' });
    const first = await run([line, other, line]);
    assert.equal(first.accepted, 3, 'accepted counts lines, duplicates included');
    assert.deepEqual([first.stored, first.duplicates, first.deadLettered], [2, 1, 0], 'the repeated line is a duplicate');
    const again = await run([line, other]);
    assert.equal(again.accepted, 2);
    assert.deepEqual([again.stored, again.duplicates], [0, 2], 'a re-import says that nothing was new');
    const events = await eventsOf(store, 'v2');
    assert.deepEqual(events.map((e) => e.name).sort(), ['Docs', 'Home']);
    assert.ok(events.every((e) => e.messageId.startsWith('import-')), events.map((e) => e.messageId).join());
    await store.close();
  });

  it('reports a store failure in the summary instead of throwing', async () => {
    const { store, run } = await setUp();
    await store.close();
    const summary = await run([JSON.stringify({ type: 'page', anonymousId: 'v3' }), JSON.stringify({ type: 'page', anonymousId: 'v4' }), JSON.stringify({ type: 'page', anonymousId: 'v5' })]);
    assert.equal(summary.stopped?.cause, 'failed');
    assert.equal(summary.accepted, 0);
  });

  it('stops reading when aborted and says so', async () => {
    const { store, run } = await setUp();
    const abort = new AbortController();
    abort.abort();
    const pieces = ['{"type":"page","anonymousId":"v6"}\n', '{"type":"page","anonymousId":"v7"}\n'];
    const summary = await run([], { source: Readable.from(pieces.map((p) => Buffer.from(p))), signal: abort.signal });
    assert.deepEqual(summary.stopped, { cause: 'aborted' });
    assert.equal(summary.lines, 1, 'the piece in hand is finished, the next is not read');
    assert.equal(summary.accepted, 1);
    assert.equal(await store.profiles.resolve('default', 'v7'), null);
    await store.close();
  });
});
