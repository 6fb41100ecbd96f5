/** `tessera workspace …` and `tessera keys …` as a user runs them, checked against the store and the real server. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/storage/open-store.js';
import { hashKey } from '../../src/workspaces/api-keys.js';
import { startServerProcess } from '../support/server-process.js';
import { basicAuth, tempDir } from '../support/tessera-under-test.js';
import { describeRun, runCli } from './run-cli.js';

describe('tessera workspace and keys', () => {
  const dir = tempDir('tessera-cli-keys-');
  const dataDir = join(dir.path, 'data');
  const env = { TESSERA_DATA_DIR: dataDir };
  let shop: { id: string; name: string; writeKey: string; adminKey: string };

  before(async () => {
    const created = await runCli(['workspace', 'create', 'Corner Shop', '--id', 'shop', '--json'], env);
    assert.equal(created.code, 0, describeRun(created));
    shop = JSON.parse(created.stdout) as typeof shop;
  });
  after(() => dir.remove());

  it('creates workspaces and lists them, as text and as JSON', async () => {
    assert.equal(shop.id, 'shop');
    assert.match(shop.writeKey, /^wk_/);
    assert.match(shop.adminKey, /^ak_/);
    const generated = await runCli(['workspace', 'create', 'Second'], env);
    assert.equal(generated.code, 0, describeRun(generated));
    const generatedId = /Created workspace (\S+) \(Second\)/.exec(generated.stdout)?.[1];
    assert.ok(generatedId, generated.stdout);

    const [text, json] = await Promise.all([runCli(['workspace', 'list'], env), runCli(['workspace', 'list', '--json'], env)]);
    assert.equal(text.code, 0, describeRun(text));
    assert.match(text.stdout, /^shop\tCorner Shop\tcreated \d{4}-/m);
    assert.match(text.stdout, new RegExp(`^${generatedId}\\tSecond\\t`, 'm'));
    assert.deepEqual((JSON.parse(json.stdout) as Array<{ id: string }>).map((w) => w.id).sort(), ['shop', generatedId].sort());
  });

  it('refuses a second workspace with the same id', async () => {
    const again = await runCli(['workspace', 'create', 'Other', '--id', 'shop'], env);
    assert.equal(again.code, 1, describeRun(again));
    assert.match(again.stderr, /"shop" exists already/);
  });

  it('creates, lists and revokes keys; a revoked key no longer authenticates', async () => {
    const created = await runCli(['keys', 'create', '--workspace', 'shop', '--kind', 'write'], env);
    assert.equal(created.code, 0, describeRun(created));
    const extraKey = created.stdout.trim();
    assert.match(extraKey, /^wk_[\w-]{20,}$/);

    const listed = await runCli(['keys', 'list', '--workspace', 'shop'], env);
    assert.equal(listed.code, 0, describeRun(listed));
    const rows = listed.stdout.trim().split('\n').map((row) => row.split('\t'));
    assert.equal(rows.length, 3, listed.stdout);
    const extraRow = rows.find((row) => row[2] === `${extraKey.slice(0, 7)}…`);
    assert.ok(extraRow, listed.stdout);
    assert.ok(!listed.stdout.includes(extraKey), 'keys are never listed in full');

    const revoked = await runCli(['keys', 'revoke', extraRow[0]!, '--workspace', 'shop'], env);
    assert.equal(revoked.code, 0, describeRun(revoked));
    const [again, relisted] = await Promise.all([
      runCli(['keys', 'revoke', extraRow[0]!, '--workspace', 'shop'], env),
      runCli(['keys', 'list', '--workspace', 'shop'], env),
    ]);
    assert.equal(again.code, 1, describeRun(again));
    assert.match(again.stderr, /No active key/);
    assert.match(relisted.stdout.split('\n').find((row) => row.startsWith(extraRow[0]!)) ?? '', /\trevoked \d{4}-/);

    const store = await openStore(loadConfig({ env: {}, flags: { dataDir } }));
    try {
      assert.equal(await store.workspaces.findKey('write', hashKey(extraKey)), null);
      assert.equal((await store.workspaces.findKey('write', hashKey(shop.writeKey)))?.workspaceId, 'shop');
    } finally {
      await store.close();
    }

    const server = await startServerProcess({ dataDir });
    try {
      const track = (key: string) => fetch(`${server.url}/v1/track`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuth(key) },
        body: JSON.stringify({ event: 'Checked', anonymousId: 'v1' }),
      });
      assert.equal((await track(extraKey)).status, 401);
      assert.equal((await track(shop.writeKey)).status, 200);
    } finally {
      await server.stop();
    }
  });

  it('creates a server key with its scopes; it is secret, listed with its scopes, and a server key needs a scope', async () => {
    const created = await runCli(['keys', 'create', '--workspace', 'shop', '--kind', 'server', '--scope', 'decide'], env);
    assert.equal(created.code, 0, describeRun(created));
    const serverKey = created.stdout.trim();
    assert.match(serverKey, /^sk_[\w-]{20,}$/);
    const listed = await runCli(['keys', 'list', '--workspace', 'shop'], env);
    assert.match(listed.stdout, new RegExp(`\tserver \\[decide\\]\t${serverKey.slice(0, 7)}…`), listed.stdout);
    const [noScope, scopeOnWrite, badScope] = await Promise.all([
      runCli(['keys', 'create', '--workspace', 'shop', '--kind', 'server'], env),
      runCli(['keys', 'create', '--workspace', 'shop', '--kind', 'write', '--scope', 'decide'], env),
      runCli(['keys', 'create', '--workspace', 'shop', '--kind', 'server', '--scope', 'everything'], env),
    ]);
    assert.equal(noScope.code, 2, describeRun(noScope));
    assert.match(noScope.stderr, /at least one --scope/);
    assert.equal(scopeOnWrite.code, 2, describeRun(scopeOnWrite));
    assert.match(scopeOnWrite.stderr, /server keys only/);
    assert.equal(badScope.code, 2, describeRun(badScope));
    const store = await openStore(loadConfig({ env: {}, flags: { dataDir } }));
    try {
      assert.deepEqual((await store.workspaces.findKey('server', hashKey(serverKey)))?.scopes, ['decide']);
    } finally {
      await store.close();
    }
  });

  it('exits 2 for a workspace that does not exist or a missing --kind', async () => {
    const [list, create, noKind] = await Promise.all([
      runCli(['keys', 'list', '--workspace', 'nowhere'], env),
      runCli(['keys', 'create', '--workspace', 'nowhere', '--kind', 'admin'], env),
      runCli(['keys', 'create', '--workspace', 'shop'], env),
    ]);
    for (const result of [list, create]) {
      assert.equal(result.code, 2, describeRun(result));
      assert.match(result.stderr, /No workspace "nowhere"/);
    }
    assert.equal(noKind.code, 2, describeRun(noKind));
    assert.match(noKind.stderr, /--kind/);
  });
});

describe('tessera migrate', () => {
  const dir = tempDir('tessera-cli-migrate-');
  const env = { TESSERA_DATA_DIR: join(dir.path, 'data') };
  after(() => dir.remove());

  it('applies the migrations to the store, then --status lists them as applied', async () => {
    const created = await runCli(['workspace', 'create', 'Migrated'], env);
    assert.equal(created.code, 0, describeRun(created));
    const migrated = await runCli(['migrate'], env);
    assert.equal(migrated.code, 0, describeRun(migrated));
    const status = await runCli(['migrate', '--status'], env);
    assert.equal(status.code, 0, describeRun(status));
    assert.match(status.stdout, /^applied\s+1\s+\S.*\(\d{4}-\d\d-\d\dT/m);
    assert.doesNotMatch(status.stdout, /^pending/m);
    const summary = /^sqlite: schema (\d+), code knows (\d+)$/m.exec(status.stdout);
    assert.ok(summary, status.stdout);
    assert.equal(summary[1], summary[2]);
  });
});

describe('a command run against a folder without a store', () => {
  const dir = tempDir('tessera-cli-nostore-');
  after(() => dir.remove());

  it('creates nothing, exits 2 and names the folder it looked in; serve and workspace create may create one', async () => {
    const folder = join(dir.path, 'not-here');
    const env = { TESSERA_DATA_DIR: folder };
    for (const args of [['migrate'], ['migrate', '--status'], ['workspace', 'list'], ['keys', 'list'], ['segments', 'list'], ['link-keys', 'list'], ['retention', 'run', '--workspace', 'default']]) {
      const result = await runCli(args, env);
      assert.equal(result.code, 2, `${args.join(' ')}: ${describeRun(result)}`);
      assert.match(result.stderr, /No Tessera store in/, args.join(' '));
      assert.ok(result.stderr.includes(folder), `${args.join(' ')} names ${folder}: ${result.stderr}`);
      assert.equal(existsSync(folder), false, `${args.join(' ')} created ${folder}`);
    }
    const created = await runCli(['workspace', 'create', 'First'], env);
    assert.equal(created.code, 0, describeRun(created));
    assert.equal(existsSync(join(folder, 'tessera.db')), true);
    const listed = await runCli(['workspace', 'list'], env);
    assert.equal(listed.code, 0, describeRun(listed));
  });
});
