/** `tessera import` end to end: the real command on a generated file, then the store checked in-process. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { openStore, type OpenedStore } from '../../src/storage/open-store.js';
import { tempDir } from '../support/tessera-under-test.js';
import { REASONS, writeEventFile, type EventFile } from './event-file.js';
import { describeRun, runCli, type CliResult } from './run-cli.js';

const WORKSPACE = 'shop';
const count = (n: number) => n.toLocaleString('en-US');

/** Every event stored in the workspace (system timeline entries left out), found through the store's port. */
async function storedEvents(store: OpenedStore): Promise<Array<{ messageId: string; timestamp: number; profileId: string }>> {
  const found: Array<{ messageId: string; timestamp: number; profileId: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await store.profiles.search(WORKSPACE, { limit: 200, ...(cursor ? { cursor } : {}) });
    for (const profile of page.profiles) {
      let eventCursor: string | undefined;
      do {
        const events = await store.profiles.events(WORKSPACE, profile.id, { limit: 500, ...(eventCursor ? { cursor: eventCursor } : {}) });
        for (const e of events.events) if (e.type !== 'system') found.push({ messageId: e.messageId, timestamp: e.timestamp, profileId: e.profileId });
        eventCursor = events.nextCursor ?? undefined;
      } while (eventCursor);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return found;
}

describe('tessera import', () => {
  const dir = tempDir('tessera-cli-import-');
  const env = { TESSERA_DATA_DIR: join(dir.path, 'data') };
  const rejectsPath = join(dir.path, 'rejects.ndjson');
  const importArgs = () => ['import', file.path, '--workspace', WORKSPACE, '--batch-size', '500', '--rejects', rejectsPath];
  let file: EventFile;
  let first: CliResult;

  const withStore = async <T>(work: (store: OpenedStore) => Promise<T>): Promise<T> => {
    const store = await openStore(loadConfig({ env: {}, flags: { dataDir: env.TESSERA_DATA_DIR } }));
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  };

  before(async () => {
    file = writeEventFile(join(dir.path, 'events.ndjson'));
    const created = await runCli(['workspace', 'create', 'Shop', '--id', WORKSPACE], env);
    assert.equal(created.code, 0, describeRun(created));
    first = await runCli(importArgs(), env);
  });
  after(() => dir.remove());

  it('exits 1 and summarises the rejected lines by reason with their line numbers', () => {
    assert.equal(first.code, 1, describeRun(first));
    const rejected = [...file.bad.values()].flat().length;
    assert.match(first.stdout, new RegExp(`lines read\\s+${count(file.lines)}\\b`));
    assert.match(first.stdout, new RegExp(`blank lines\\s+${file.blankLines.length}\\b`));
    assert.match(first.stdout, new RegExp(`events accepted\\s+${count(file.validEvents)}\\b`));
    assert.match(first.stdout, new RegExp(`lines rejected\\s+${rejected}\\b`));
    assert.equal(file.bad.size, Object.keys(REASONS).length, 'the file holds every kind of bad line');
    for (const [reason, lines] of file.bad) {
      const row = first.stdout.split('\n').find((line) => line.includes(`  ${reason}  `));
      assert.ok(row, `no summary row for "${reason}":\n${first.stdout}`);
      assert.match(row, new RegExp(`^\\s+${lines.length}\\s`));
      assert.ok(row.includes(`(lines ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', …' : ''})`), row);
    }
  });

  it('creates the data folder, database files, key file and rejects file for their owner only', () => {
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
    assert.equal(mode(env.TESSERA_DATA_DIR), '700');
    const files = readdirSync(env.TESSERA_DATA_DIR);
    assert.ok(files.includes('tessera.db') && files.includes('secrets.key'), files.join(', '));
    for (const name of files) assert.equal(mode(join(env.TESSERA_DATA_DIR, name)), '600', name);
    assert.equal(mode(rejectsPath), '600', 'the rejected lines are people\'s data');
  });

  it('writes every rejected line to the rejects file with its number, reasons and text', () => {
    const records = readFileSync(rejectsPath, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { line: number; reasons: Array<{ field: string; reason: string }>; text?: string; bytes?: number });
    const expected = [...file.bad].flatMap(([reason, lines]) => lines.map((line) => ({ line, reason }))).sort((a, b) => a.line - b.line);
    assert.deepEqual(records.map((r) => r.line), expected.map((e) => e.line));
    const fileLines = readFileSync(file.path, 'utf8').split('\n');
    for (const [i, record] of records.entries()) {
      assert.ok(record.reasons.some((r) => (r.field ? `${r.field}: ${r.reason}` : r.reason) === expected[i]!.reason), JSON.stringify(record.reasons));
      if (expected[i]!.reason === REASONS.tooLong) {
        assert.equal(record.text, undefined, 'an over-size line is not copied');
        assert.ok(record.bytes! > 32 * 1024);
      } else {
        assert.equal(record.text, fileLines[record.line - 1]);
      }
    }
  });

  it('stores exactly the valid events, with their own timestamps, and links the identified visitors', async () => {
    await withStore(async (store) => {
      const events = await storedEvents(store);
      assert.equal(events.length, file.validEvents);
      assert.equal(new Set(events.map((e) => e.messageId)).size, file.validEvents, 'each event once');
      assert.equal(Math.min(...events.map((e) => e.timestamp)), Date.parse('2024-03-01T00:00:00Z'), 'historical timestamps are kept');
      assert.equal(await store.profiles.count(WORKSPACE), file.profiles);

      for (const user of [file.users[0]!, file.users[file.users.length - 1]!]) {
        const profileId = await store.profiles.resolve(WORKSPACE, user.email);
        assert.ok(profileId, `no profile for ${user.email}`);
        for (const id of [user.userId, ...user.anonymousIds]) assert.equal(await store.profiles.resolve(WORKSPACE, id), profileId, id);
        const profile = (await store.profiles.get(WORKSPACE, profileId))!;
        assert.deepEqual(profile.identities.map((i) => `${i.kind}:${i.value}`).sort(),
          [`email:${user.email}`, ...user.anonymousIds.map((a) => `anonymous_id:${a}`), `user_id:${user.userId}`].sort());
        assert.equal(events.filter((e) => e.profileId === profileId).length, 2 * 10 + 2, 'both visitors\' events and identifies');
      }
      const visitor = file.anonymousOnly[0]!;
      const profileId = (await store.profiles.resolve(WORKSPACE, visitor))!;
      assert.deepEqual((await store.profiles.get(WORKSPACE, profileId))!.identities.map((i) => i.value), [visitor]);
    });
  });

  it('stores nothing new when the same file is imported again', async () => {
    const before = await withStore(async (store) => ({ events: (await storedEvents(store)).length, profiles: await store.profiles.count(WORKSPACE) }));
    const again = await runCli(importArgs(), env);
    assert.equal(again.code, 1, describeRun(again));
    assert.match(again.stdout, /^\s+new\s+0\b/m, 'the summary says nothing was new');
    assert.match(again.stdout, new RegExp(`^\\s+duplicates\\s+${count(file.validEvents)}\\b`, 'm'));
    const afterwards = await withStore(async (store) => ({ events: (await storedEvents(store)).length, profiles: await store.profiles.count(WORKSPACE) }));
    assert.deepEqual(afterwards, before);
    assert.equal(afterwards.events, file.validEvents);
  });

  it('exits 0 for a file without bad lines, with plain progress lines when stderr is not a terminal', async () => {
    const clean = writeEventFile(join(dir.path, 'clean.ndjson'), { anonymousIds: 20, linkedVisitors: 4, withBadLines: false });
    const result = await runCli(['import', clean.path, '--workspace', WORKSPACE, '--batch-size', '50'], env);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, new RegExp(`events accepted\\s+${clean.validEvents}\\b`));
    assert.match(result.stdout, /lines rejected\s+0\b/);
    assert.match(result.stderr, new RegExp(`^import: 100% .* ${clean.validEvents} accepted, 0 rejected$`, 'm'));
    assert.doesNotMatch(result.stderr, /\x1b\[/, 'no terminal control codes in a log');
  });

  it('exits 2 without touching the store for a missing file, workspace or bad option', async () => {
    const [missingFile, missingWorkspace, badBatch] = await Promise.all([
      runCli(['import', join(dir.path, 'nope.ndjson'), '--workspace', WORKSPACE], env),
      runCli(['import', file.path, '--workspace', 'nobody'], env),
      runCli(['import', file.path, '--batch-size', 'lots'], env),
    ]);
    assert.equal(missingFile.code, 2, describeRun(missingFile));
    assert.match(missingFile.stderr, /nope\.ndjson/);
    assert.equal(missingWorkspace.code, 2, describeRun(missingWorkspace));
    assert.match(missingWorkspace.stderr, /No workspace "nobody"/);
    assert.equal(badBatch.code, 2, describeRun(badBatch));
    assert.match(badBatch.stderr, /--batch-size/);
  });
});
