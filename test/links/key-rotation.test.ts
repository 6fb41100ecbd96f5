/**
 * Rotating and retiring the keys that sign email links, through the admin API and through the
 * real `tessera link-keys` command on the same data: old links keep working until their key is
 * retired, then get the friendly page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeRun, runCli } from '../cli/run-cli.js';
import { startLinksHarness, type LinksHarness } from './links-harness.js';

describe('signing key rotation', () => {
  let h: LinksHarness;
  before(async () => {
    h = await startLinksHarness();
    await h.identify({ userId: 'u-rot', traits: { email: 'rot@acme.example' } });
  });
  after(() => h.close());

  const link = async () => (await h.admin('POST', '/v1/emails/links', { recipient: 'u-rot', messageId: 'm', links: [{ url: 'https://acme.example/r' }] })).json().links[0].href as string;
  const keys = async () => (await h.admin('GET', '/v1/links/keys')).json().keys as Array<{ id: string; active: boolean; retiredAt: string | null }>;
  const follow = async (href: string) => { h.later(60_000); return (await h.visit('GET', href)).statusCode; };

  test('admin API: rotate keeps old links working; retire stops them; secrets are never shown', async () => {
    const old = await link();
    const [first] = await keys();
    assert.equal(first!.active, true);
    const rotated = await h.admin('POST', '/v1/links/keys');
    assert.equal(rotated.statusCode, 201);
    const second = rotated.json().key;
    assert.equal(second.active, true);
    assert.deepEqual((await keys()).map((k) => [k.id, k.active]), [[first!.id, false], [second.id, true]]);
    assert.doesNotMatch(JSON.stringify(await keys()), /secret/);
    const fresh = await link();
    assert.equal(fresh.split('/').pop()!.split('.')[1], second.id, 'new links use the new key');
    assert.equal(await follow(old), 302, 'an old link still works');

    const retired = await h.admin('POST', `/v1/links/keys/${first!.id}/retire`);
    assert.equal(retired.statusCode, 200);
    assert.ok(retired.json().keys.find((k: { id: string }) => k.id === first!.id).retiredAt);
    const dead = await h.visit('GET', old);
    assert.equal(dead.statusCode, 400);
    assert.match(dead.body, /This link does not work/);
    assert.equal(await follow(fresh), 302);
    assert.equal((await h.admin('POST', `/v1/links/keys/${first!.id}/retire`)).statusCode, 404, 'retired already');
    assert.equal((await h.tessera.app.inject({ method: 'POST', url: '/v1/links/keys' })).statusCode, 401);
    const audit = await h.tessera.store.privacy.auditLog('default', { limit: 20 });
    assert.ok(audit.entries.some((e) => e.action === 'links.key.rotate') && audit.entries.some((e) => e.action === 'links.key.retire'));
  });

  test('CLI: tessera link-keys rotate, list and retire on the data of a running server', async () => {
    const env = { TESSERA_DATA_DIR: h.dataDir };
    const before = await link();
    const beforeKey = before.split('/').pop()!.split('.')[1]!;
    const rotated = await runCli(['link-keys', 'rotate'], env);
    assert.equal(rotated.code, 0, describeRun(rotated));
    const newKey = /signed with (\S+);/.exec(rotated.stdout)?.[1];
    assert.ok(newKey, rotated.stdout);
    const listed = await runCli(['link-keys', 'list'], env);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.match(listed.stdout, new RegExp(`^${newKey}\\tactive\\t`, 'm'));
    assert.match(listed.stdout, new RegExp(`^${beforeKey}\\tverifies\\t`, 'm'));
    assert.match(listed.stdout, /\tretired\t/, 'the key retired through the API is listed');
    const asJson = await runCli(['link-keys', 'list', '--json'], env);
    const parsed = JSON.parse(asJson.stdout) as Array<{ id: string; active: boolean; retiredAt: string | null }>;
    assert.deepEqual(parsed.filter((k) => k.active).map((k) => k.id), [newKey]);
    assert.doesNotMatch(asJson.stdout, /secret/);

    h.later(31_000); // the server's key cache
    const after = await link();
    assert.equal(after.split('/').pop()!.split('.')[1], newKey, 'the server signs with the key rotated by the CLI');
    assert.equal(await follow(before), 302);

    const retired = await runCli(['link-keys', 'retire', beforeKey], env);
    assert.equal(retired.code, 0, describeRun(retired));
    h.later(31_000);
    assert.equal((await h.visit('GET', before)).statusCode, 400, 'retired by the CLI: the server stops verifying within its cache time');
    assert.equal(await follow(after), 302);

    const again = await runCli(['link-keys', 'retire', beforeKey], env);
    assert.equal(again.code, 1, describeRun(again));
    assert.match(again.stderr, /No key/);
    const noWorkspace = await runCli(['link-keys', 'list', '--workspace', 'nope'], env);
    assert.equal(noWorkspace.code, 2, describeRun(noWorkspace));
    const help = await runCli(['link-keys', '--help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Rotation keeps old links working/);
  });
});
