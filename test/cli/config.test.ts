/** Configuration through the real command: a config file, environment variables, and their errors. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PROJECT_ROOT, freePort } from '../support/server-process.js';
import { tempDir } from '../support/tessera-under-test.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { describeRun, runCli } from './run-cli.js';

/** Starts `tessera serve …args`, waits until /healthz answers on `port`, stops it; the output if it never did. */
async function serveAnswersOn(port: number, args: string[]): Promise<{ answered: boolean; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve', ...args], {
    cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    // Up to 90 s, as test/support/server-process.ts allows: tsx compiles every module at start, slow on a loaded machine.
    for (const deadline = Date.now() + 90_000; Date.now() < deadline && child.exitCode === null;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return { answered: true, output };
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    return { answered: false, output };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

describe('configuration', () => {
  const dir = tempDir('tessera-cli-config-');
  after(() => dir.remove());

  it('takes the port and the data folder from the file given with --config', async () => {
    const port = await freePort();
    const file = join(dir.path, 'tessera.json');
    writeFileSync(file, JSON.stringify({ port, host: '127.0.0.1', dataDir: join(dir.path, 'from-file'), logLevel: 'warn' }));
    const served = await serveAnswersOn(port, ['--config', file]);
    assert.ok(served.answered, `the server did not answer on port ${port}:\n${served.output}`);
    // No public URL configured: the start says where browsers are sent, and what is refused.
    assert.match(served.output, new RegExp(`TESSERA_PUBLIC_URL is not set: analytics.js is pointed at http://127\\.0\\.0\\.1:${port}`), served.output);

    // The server created the default workspace in the data folder named by the file.
    const listed = await runCli(['workspace', 'list', '--config', file]);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.match(listed.stdout, /^default\tDefault workspace\t/m);
  });

  it('exits 2 naming the setting when a value is invalid, wherever it comes from', async () => {
    const file = join(dir.path, 'bad-port.json');
    writeFileSync(file, JSON.stringify({ port: 'eighty' }));
    const [fromEnv, fromFlag, fromFile] = await Promise.all([
      runCli(['serve'], { TESSERA_PORT: 'abc', TESSERA_DATA_DIR: dir.path }),
      runCli(['serve', '--port', '70000', '--data-dir', dir.path]),
      runCli(['serve', '--config', file, '--data-dir', dir.path]),
    ]);
    for (const result of [fromEnv, fromFlag, fromFile]) {
      assert.equal(result.code, 2, describeRun(result));
      assert.match(result.stderr, /^\s*port: /m, result.stderr);
    }
  });

  it('exits 2 when the config file cannot be read', async () => {
    const broken = join(dir.path, 'broken.json');
    writeFileSync(broken, '{ "port": ');
    const [missing, invalid] = await Promise.all([
      runCli(['migrate', '--status', '--config', join(dir.path, 'missing.json')]),
      runCli(['migrate', '--status'], { TESSERA_CONFIG: broken }),
    ]);
    for (const [result, name] of [[missing, 'missing.json'], [invalid, 'broken.json']] as const) {
      assert.equal(result.code, 2, describeRun(result));
      assert.match(result.stderr, new RegExp(`Cannot read the config file .*${name.replace('.', '\\.')}`));
    }
  });
});

describe('the public URL', () => {
  it('is read from TESSERA_PUBLIC_URL, --public-url wins, and a non-http URL is refused', () => {
    assert.equal(loadConfig({ env: { TESSERA_PUBLIC_URL: 'https://t.example.com/x' }, flags: {} }).publicUrl, 'https://t.example.com/x');
    assert.equal(loadConfig({ env: { TESSERA_PUBLIC_URL: 'https://a.example' }, flags: { publicUrl: 'https://b.example' } }).publicUrl, 'https://b.example');
    for (const bad of ['t.example.com', 'ftp://t.example.com', 'https://t.example.com/?a=1', 'http:t.example.com', 'https://t.example.com/x\r\ny', 'https://t.example.com/%0d%0a', ' https://t.example.com']) {
      assert.throws(() => loadConfig({ env: { TESSERA_PUBLIC_URL: bad }, flags: {} }), ConfigError, bad);
    }
  });
});

describe('the secrets key', () => {
  it('is read from TESSERA_SECRETS_KEY as 32 bytes in base64 or hex; anything else stops the start, naming the setting', () => {
    const base64 = Buffer.alloc(32, 7).toString('base64');
    assert.equal(loadConfig({ env: { TESSERA_SECRETS_KEY: base64 }, flags: {} }).secretsKey, base64);
    assert.equal(loadConfig({ env: {}, flags: {} }).secretsKey, undefined);
    for (const bad of ['secret', Buffer.alloc(16).toString('hex'), Buffer.alloc(33).toString('base64')]) {
      assert.throws(() => loadConfig({ env: { TESSERA_SECRETS_KEY: bad }, flags: {} }), (e: unknown) => e instanceof ConfigError && /secretsKey: must be 32 bytes/.test((e as Error).message), bad);
    }
  });

  it('takes previous keys from TESSERA_SECRETS_KEY_PREVIOUS, comma-separated, each checked', () => {
    const [a, b] = [Buffer.alloc(32, 1).toString('base64'), Buffer.alloc(32, 2).toString('hex')];
    assert.deepEqual(loadConfig({ env: { TESSERA_SECRETS_KEY_PREVIOUS: ` ${a}, ${b} ` }, flags: {} }).secretsKeyPrevious, [a, b]);
    assert.deepEqual(loadConfig({ env: {}, flags: {} }).secretsKeyPrevious, []);
    assert.throws(() => loadConfig({ env: { TESSERA_SECRETS_KEY_PREVIOUS: `${a},nope` }, flags: {} }), /secretsKeyPrevious\.1: each must be 32 bytes/);
  });
});

describe('the webhook allow-list', () => {
  const dir = tempDir('tessera-config-webhooks-');
  after(() => dir.remove());

  it('is read from TESSERA_WEBHOOK_ALLOW, comma-separated, each entry checked; the file keeps its other webhook settings', () => {
    const file = join(dir.path, 'config.json');
    writeFileSync(file, JSON.stringify({ webhooks: { maxAttempts: 3, allow: ['192.168.0.0/16'] }, links: { allowedDomains: ['acme.com'] } }));
    const config = loadConfig({ env: { TESSERA_WEBHOOK_ALLOW: ' 10.0.0.0/8, hooks.corp,*.svc.corp ,::1', TESSERA_LINK_DOMAINS: 'shop.acme.com' }, configFile: file });
    assert.deepEqual(config.webhooks.allow, ['10.0.0.0/8', 'hooks.corp', '*.svc.corp', '::1']);
    assert.equal(config.webhooks.maxAttempts, 3, 'an environment variable of a group does not drop the rest of the group from the file');
    assert.deepEqual(config.links.allowedDomains, ['shop.acme.com']);
    assert.deepEqual(loadConfig({ env: {}, configFile: file }).webhooks.allow, ['192.168.0.0/16']);
    assert.deepEqual(loadConfig({ env: {}, flags: {} }).webhooks.allow, [], 'default: public addresses only');
    assert.throws(() => loadConfig({ env: { TESSERA_WEBHOOK_ALLOW: '10.0.0.0/8,http://x/' }, flags: {} }), /webhooks\.allow\.1: each must be a CIDR/);
  });

  it('a "__proto__" key of the config file stays a plain key', () => {
    const file = join(dir.path, 'proto.json');
    writeFileSync(file, '{"__proto__": {"polluted": true}, "webhooks": {"__proto__": {"deliver": false}}}');
    const config = loadConfig({ env: { TESSERA_WEBHOOK_ALLOW: '10.0.0.0/8' }, configFile: file });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(config.webhooks.deliver, true);
  });
});
