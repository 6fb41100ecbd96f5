/**
 * The first start and `tessera users …`, as a user runs them: `tessera serve` prints the one-time
 * welcome link once (a restart while it is valid says so instead, and prints nothing once a user
 * exists); the link creates the first administrator once, with a Secure cookie on an https public
 * URL; the CLI creates, lists, disables and resets users with set-password links.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/tessera-under-test.js';
import { describeRun, runCli } from './run-cli.js';

const PASSWORD = 'correct horse battery staple';
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('the first administrator and tessera users', () => {
  const dir = tempDir('tessera-cli-users-');
  const dataDir = join(dir.path, 'data');
  const env = { TESSERA_DATA_DIR: dataDir, TESSERA_PUBLIC_URL: 'https://tessera.example.test' };
  after(() => dir.remove());

  it('prints the welcome link once; it signs in the first administrator once; later starts print none', async () => {
    let server = await startServerProcess({ dataDir, env });
    let link: string;
    try {
      const match = /(https:\/\/tessera\.example\.test\/admin\/welcome\?token=[A-Za-z0-9_-]+)/.exec(server.output());
      assert.ok(match, server.output());
      link = match[1]!;
      assert.match(server.output(), /single-use, valid 60 minutes/);
    } finally {
      await server.stop();
    }
    server = await startServerProcess({ dataDir, env });
    try {
      assert.ok(!server.output().includes('/admin/welcome?token='), 'a restart does not print a second link while the first is valid');
      assert.match(server.output(), /printed before is valid until/);
      const token = new URL(link).searchParams.get('token')!;
      const res = await post(`${server.url}/v1/session/welcome`, { token, email: 'ada@example.com', name: 'Ada', password: PASSWORD });
      assert.equal(res.status, 201, await res.text());
      const cookie = res.headers.get('set-cookie') ?? '';
      assert.match(cookie, /^tessera_session=[A-Za-z0-9_-]{43};/);
      assert.match(cookie, /; Secure/i, 'the public URL is https');
      assert.match(cookie, /; HttpOnly/i);
      assert.match(cookie, /; SameSite=Strict/i);
      const again = await post(`${server.url}/v1/session/welcome`, { token, email: 'eve@example.com', name: 'Eve', password: PASSWORD });
      assert.equal(again.status, 401, 'single use');
    } finally {
      await server.stop();
    }
    server = await startServerProcess({ dataDir, env });
    try {
      assert.ok(!/admin\/welcome|printed before/.test(server.output()), server.output());
      const signIn = await post(`${server.url}/v1/session`, { email: 'ada@example.com', password: PASSWORD });
      assert.equal(signIn.status, 200, 'the session store survives restarts, and so does the account');
    } finally {
      await server.stop();
    }
    const welcome = await runCli(['users', 'welcome-link'], env);
    assert.equal(welcome.code, 1, describeRun(welcome));
    assert.match(welcome.stderr, /Users exist already/);
  });

  it('creates, lists, disables and resets users; the printed link sets the password', async () => {
    const created = await runCli(['users', 'create', '--email', 'Mia@Example.com', '--name', 'Mia Marketer', '--role', 'marketer'], env);
    assert.equal(created.code, 0, describeRun(created));
    assert.match(created.stdout, /Created mia@example\.com \(marketer, usr_/);
    const link = /(https:\/\/tessera\.example\.test\/admin\/set-password\?token=[A-Za-z0-9_-]+)/.exec(created.stdout)?.[1];
    assert.ok(link, created.stdout);
    const dup = await runCli(['users', 'create', '--email', 'mia@example.com', '--name', 'Again', '--role', 'viewer'], env);
    assert.equal(dup.code, 1, describeRun(dup));
    const badRole = await runCli(['users', 'create', '--email', 'x@example.com', '--name', 'X', '--role', 'owner'], env);
    assert.equal(badRole.code, 2, describeRun(badRole));
    const badEmail = await runCli(['users', 'create', '--email', 'not-an-address', '--name', 'X', '--role', 'viewer'], env);
    assert.equal(badEmail.code, 2, describeRun(badEmail));

    const list = await runCli(['users', 'list'], env);
    assert.equal(list.code, 0, describeRun(list));
    assert.match(list.stdout, /\tada@example\.com\tadmin\tactive\tAda$/m);
    assert.match(list.stdout, /\tmia@example\.com\tmarketer\tno password yet\tMia Marketer$/m);

    const server = await startServerProcess({ dataDir, env });
    try {
      const set = await post(`${server.url}/v1/session/set-password`, { token: new URL(link).searchParams.get('token'), password: PASSWORD });
      assert.equal(set.status, 200, await set.text());
      const disabled = await runCli(['users', 'disable', 'mia@example.com'], env);
      assert.equal(disabled.code, 0, describeRun(disabled));
      const refused = await post(`${server.url}/v1/session`, { email: 'mia@example.com', password: PASSWORD });
      assert.equal(refused.status, 403);
      assert.match(((await refused.json()) as { error: { message: string } }).error.message, /disabled/);
      assert.equal((await runCli(['users', 'enable', 'mia@example.com'], env)).code, 0);
      const reset = await runCli(['users', 'reset-password', 'mia@example.com'], env);
      assert.equal(reset.code, 0, describeRun(reset));
      const resetLink = /(https:\/\/\S+\/admin\/set-password\?token=[A-Za-z0-9_-]+)/.exec(reset.stdout)?.[1];
      assert.ok(resetLink, reset.stdout);
      const newPassword = 'another fine pass phrase';
      const again = await post(`${server.url}/v1/session/set-password`, { token: new URL(resetLink).searchParams.get('token'), password: newPassword });
      assert.equal(again.status, 200, await again.text());
      assert.equal((await post(`${server.url}/v1/session`, { email: 'mia@example.com', password: newPassword })).status, 200);
    } finally {
      await server.stop();
    }
    const unknown = await runCli(['users', 'disable', 'nobody@example.com'], env);
    assert.equal(unknown.code, 1, describeRun(unknown));
  });
});
