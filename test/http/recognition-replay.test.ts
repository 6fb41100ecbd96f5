/**
 * An email-link identify token (`tsr`) is single-use, bound to the first device that exchanged
 * it, short-lived and purpose-bound (issue 13, item 3), on both stores: a replay from another
 * device is refused with `token_used` and audited, a repeat from the same device gets the same
 * answer and links nothing new, an expired token and a token of any other purpose are refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOKEN_PURPOSES } from '../../src/core/links/signed-token.js';
import { LINK_TTL_MS } from '../../src/links/link-lifetimes.js';
import { createLinkSigner, type LinkSigner } from '../../src/links/link-signer.js';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError, profileOf, timelineOf, type Json } from './api-helpers.js';

const MINUTE = 60_000;
const stores = [
  { name: 'SQLite', start: startTessera, skip: false as const },
  { name: 'PostgreSQL', start: startTesseraOnPostgres, skip: await postgresSkip() },
];

for (const { name, start, skip } of stores) {
  describe(`a recognition token is single-use, short-lived and purpose-bound (${name})`, { skip }, () => {
    let t: TesseraUnderTest;
    let signer: LinkSigner;
    let workspaceId: string;
    let writeKeyId: string;
    let ada: string;
    const recognize = (token: string, anonymousId: string) => t.collect('/v1/recognize', { token, anonymousId });
    const identifyToken = (recipient = ada) => signer.sign(workspaceId, { purpose: 'identify', recipient, ttlMs: LINK_TTL_MS.identify });
    const audit = async (): Promise<Json[]> => JSON.parse((await t.admin('/v1/privacy/audit?limit=1000')).body).entries;
    const refusals = async () => (await audit()).filter((e) => e.action === 'link.token.reuse_refused');
    const prefillDevice = async (recognition: string) => {
      const verified = await signer.verify(workspaceId, recognition, 'prefill');
      assert.ok(verified.ok);
      return verified.claims.data?.anonymousId;
    };

    before(async () => {
      t = await start();
      signer = createLinkSigner({ keyring: t.tessera.store.keyring, now: Date.now });
      workspaceId = (await t.tessera.store.workspaces.list())[0]!.id;
      writeKeyId = (await t.tessera.store.workspaces.listKeys(workspaceId)).find((k) => k.kind === 'write')!.id;
      assert.equal((await t.collect('/v1/identify', { anonymousId: 'ada-laptop', traits: { email: 'ada@acme.test' } })).statusCode, 200);
      ada = (await profileOf(t, 'ada@acme.test')).id;
    });
    after(async () => t?.close());

    it('a replay from another device is refused with token_used, links nothing and is audited', async () => {
      const token = await identifyToken();
      const first = await recognize(token, 'ada-phone');
      assert.equal(first.statusCode, 200, first.body);
      for (const attacker of ['mallory-1', 'mallory-2']) {
        assertError(await recognize(token, attacker), 409, 'token_used');
        assert.equal(await t.tessera.store.profiles.resolve(workspaceId, attacker), null, `${attacker} was not linked to anybody`);
      }
      assert.ok(!(await profileOf(t, ada)).identities.some((i: Json) => String(i.value).startsWith('mallory')));
      const logged = await refusals();
      assert.equal(logged.length, 2);
      for (const entry of logged) {
        assert.equal(entry.subject, ada, 'the person\'s audit trail shows the attempt');
        assert.equal(entry.actor, writeKeyId);
        assert.equal(entry.details.purpose, 'identify');
        assert.doesNotMatch(JSON.stringify(entry), /mallory|ada-phone|ada@/, 'no device ids nor addresses in the log');
      }
    });

    it('of two devices racing with one token, exactly one is recognised', async () => {
      const token = await identifyToken();
      const answers = await Promise.all(['race-a', 'race-b', 'race-c'].map((id) => recognize(token, id)));
      assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 409, 409]);
      const linked = await Promise.all(['race-a', 'race-b', 'race-c'].map((id) => t.tessera.store.profiles.resolve(workspaceId, id)));
      assert.equal(linked.filter((p) => p === ada).length, 1);
      assert.equal(linked.filter((p) => p === null).length, 2);
    });

    it('a repeat from the same device gets the same answer and has no new effect', async () => {
      const token = await identifyToken();
      const first = await recognize(token, 'ada-tablet');
      assert.equal(first.statusCode, 200, first.body);
      const events = (await timelineOf(t, ada)).length;
      const identities = (await profileOf(t, ada)).identities.length;
      const again = await recognize(token, 'ada-tablet');
      assert.equal(again.statusCode, 200, again.body);
      const [a, b] = [JSON.parse(first.body), JSON.parse(again.body)];
      assert.equal(b.expiresAt, a.expiresAt, 'asking again never extends the recognition');
      assert.equal(b.anonymousId, undefined);
      assert.equal(await prefillDevice(b.recognition), 'ada-tablet');
      assert.equal((await timelineOf(t, ada)).length, events, 'no new identify event');
      assert.equal((await profileOf(t, ada)).identities.length, identities, 'no new device');
    });

    it('on a device that belongs to someone else, the fresh id it was handed counts as the same device', async () => {
      assert.equal((await t.collect('/v1/identify', { anonymousId: 'shared-pc', traits: { email: 'bob@acme.test' } })).statusCode, 200);
      const token = await identifyToken();
      const first = JSON.parse((await recognize(token, 'shared-pc')).body);
      assert.match(first.anonymousId, /^aid-/);
      const fromOld = JSON.parse((await recognize(token, 'shared-pc')).body);
      const fromNew = JSON.parse((await recognize(token, first.anonymousId)).body);
      for (const repeat of [fromOld, fromNew]) {
        assert.equal(await prefillDevice(repeat.recognition), first.anonymousId, 'the same fresh id, no second one');
        assert.equal(repeat.expiresAt, first.expiresAt);
      }
      assert.equal((await profileOf(t, ada)).identities.filter((i: Json) => String(i.value).startsWith('aid-')).length, 1);
      assertError(await recognize(token, 'shared-pc-2'), 409, 'token_used');
    });

    it('an expired token is refused, and the click mints tokens that live minutes', async () => {
      assert.ok(LINK_TTL_MS.identify <= 15 * MINUTE);
      const past = createLinkSigner({ keyring: t.tessera.store.keyring, now: () => Date.now() - LINK_TTL_MS.identify - MINUTE });
      const expired = await past.sign(workspaceId, { purpose: 'identify', recipient: ada, ttlMs: LINK_TTL_MS.identify });
      assertError(await recognize(expired, 'late-device'), 401, 'invalid_token');
      assert.equal(await t.tessera.store.profiles.resolve(workspaceId, 'late-device'), null);
    });

    it('a token of any other purpose is refused, and an identify token opens no other link', async () => {
      for (const purpose of TOKEN_PURPOSES.filter((p) => p !== 'identify')) {
        const token = await signer.sign(workspaceId, { purpose, recipient: ada, ttlMs: 10 * MINUTE, data: { anonymousId: 'wrong-purpose', url: 'https://acme.test/', list: 'news' } });
        assertError(await recognize(token, 'wrong-purpose'), 401, 'invalid_token');
      }
      assert.equal(await t.tessera.store.profiles.resolve(workspaceId, 'wrong-purpose'), null);
      const identify = await identifyToken();
      for (const path of ['c', 's', 'u', 'optin']) {
        const response = await t.inject({ method: 'GET', url: `/e/${path}/${identify}` });
        assert.equal(response.statusCode, 400, `/e/${path}/ refuses an identify token`);
      }
      assert.equal((await recognize(identify, 'still-usable')).statusCode, 200, 'and those attempts did not use it up');
    });

    it('hostile input gets a 4xx, never a 5xx, and uses no token up', async () => {
      const token = await identifyToken();
      const hostile: unknown[] = ['a\u0000b', '\u0001\u001f', 'x'.repeat(100_000), '', ' ', 1e400, -1e400, 12.5, true, null, {}, [], ['a'], { $gt: '' }];
      for (const anonymousId of hostile) {
        const response = await t.inject({ method: 'POST', url: '/v1/recognize', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('wk_test_write_key_0001:').toString('base64')}` }, payload: `{"token":${JSON.stringify(token)},"anonymousId":${typeof anonymousId === 'number' && !Number.isFinite(anonymousId) ? (anonymousId > 0 ? '1e400' : '-1e400') : JSON.stringify(anonymousId)}}` });
        assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${JSON.stringify(anonymousId)?.slice(0, 40)}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
      for (const bad of ['t\u0000', 'x'.repeat(100_000), 1e308, ['a'], {}]) assert.equal((await recognize(bad as string, 'hostile-device')).statusCode < 500, true);
      for (const body of [{ anonymousId: 'a\u0000b', email: 'ada@acme.test' }, { anonymousId: 'ok-device', userId: 'u\u0000' }, { anonymousId: 'ok-device', email: 'a\u0000@acme.test' }]) {
        const response = await t.inject({ method: 'POST', url: '/v1/recognitions', headers: { 'content-type': 'application/json', authorization: 'Bearer ak_test_admin_key_000000001' }, payload: JSON.stringify(body) });
        assert.equal(response.statusCode, 400, response.body);
      }
      const every = await t.inject({ method: 'POST', url: '/v1/recognitions', headers: { 'content-type': 'application/json', authorization: 'Bearer ak_test_admin_key_000000001' }, payload: JSON.stringify({ anonymousId: 'x'.repeat(513), userId: 'u\u0001', email: 'nope' }) });
      assert.deepEqual((assertError(every, 400, 'invalid_body').issues ?? []).map((i) => i.field), ['anonymousId', 'userId', 'email'], 'every failing field is named');
      assert.equal((await recognize(token, 'hostile-survivor')).statusCode, 200, 'the token was not used up by the hostile attempts');
    });

    it('the retention run deletes uses kept past their time', async () => {
      const now = Date.now();
      await t.tessera.store.tokenUses.claim({ workspaceId, tokenId: 'stale-use', purpose: 'identify', holder: 'stale-device', profileId: ada, outcome: {}, usedAt: now, keepUntil: now - 1 });
      assert.ok((await t.tessera.store.tokenUses.usesOf(workspaceId, [ada])).some((u) => u.tokenId === 'stale-use'));
      const run = await t.inject({ method: 'POST', url: '/v1/privacy/retention/run', headers: { authorization: 'Bearer ak_test_admin_key_000000001' } });
      assert.equal(run.statusCode, 200, run.body);
      const left = await t.tessera.store.tokenUses.usesOf(workspaceId, [ada]);
      assert.ok(!left.some((u) => u.tokenId === 'stale-use'));
      assert.ok(left.some((u) => u.holder === 'ada-phone'), 'live uses stay');
    });

    it('the person\'s export lists the recent uses; erasure deletes them', async () => {
      const exported = JSON.parse((await t.admin(`/v1/profiles/${ada}/export`)).body);
      assert.ok(exported.tokenUses.some((u: Json) => u.device === 'ada-phone' && u.purpose === 'identify'));
      const erased = await t.inject({ method: 'DELETE', url: `/v1/profiles/${ada}`, headers: { authorization: 'Bearer ak_test_admin_key_000000001' } });
      assert.equal(erased.statusCode, 200, erased.body);
      assert.deepEqual(await t.tessera.store.tokenUses.usesOf(workspaceId, [ada]), []);
    });
  });
}
