/**
 * Safe pre-fill: known values are shown (masked) only with a recognition minted from a signed email
 * link or the site's own server, bound to one device's anonymous id; never from a cookie alone, and
 * no token of another purpose, person or device works. Export and erasure cover the declined fields.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLinkSigner, type LinkSigner } from '../../src/links/link-signer.js';
import { WHITEPAPER_FORM_INPUT } from '../core/forms/form-fixtures.js';
import { WRITE_KEY, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError, assertIssue, profileOf, type Json } from './api-helpers.js';
import { adminSend, keysOf, renderOk, submitOk } from './forms-helpers.js';

describe('recognition and safe pre-fill', () => {
  let t: TesseraUnderTest;
  let signer: LinkSigner;
  let workspaceId: string;
  let karoline: string;
  const recognize = (body: unknown) => t.collect('/v1/recognize', body);

  before(async () => {
    t = await startTessera();
    signer = createLinkSigner({ keyring: t.tessera.store.keyring, now: Date.now });
    workspaceId = (await t.tessera.store.workspaces.list())[0]!.id;
    assert.equal((await adminSend(t, 'POST', '/v1/forms', { id: 'whitepaper', ...WHITEPAPER_FORM_INPUT })).statusCode, 201);
    const first = await renderOk(t, 'whitepaper', { anonymousId: 'k-laptop' });
    await submitOk(t, 'whitepaper', { anonymousId: 'k-laptop', viewId: first.viewId, answers: { email: 'karoline@acme.com', company: 'Acme GmbH' }, declined: ['plm'] });
    karoline = (await profileOf(t, 'karoline@acme.com')).id;
  });
  after(async () => t.close());

  const identifyToken = (recipient = karoline, ttlMs = 3_600_000) => signer.sign(workspaceId, { purpose: 'identify', recipient, ttlMs });

  it('an email-link token recognises the device: masked pre-fill, known fields skipped, answers stored', async () => {
    const answer = await recognize({ token: await identifyToken(), anonymousId: 'k-phone' });
    assert.equal(answer.statusCode, 200, answer.body);
    const { recognition, expiresAt } = JSON.parse(answer.body);
    assert.ok(Date.parse(expiresAt) > Date.now() + 25 * 60_000 && Date.parse(expiresAt) <= Date.now() + 30 * 60_000);
    assert.ok((await profileOf(t, 'k-phone')).id === karoline, 'the device is linked to the person through ingest');

    const view = await renderOk(t, 'whitepaper', { anonymousId: 'k-phone' }, recognition);
    assert.deepEqual(view.recognized, { masked: 'k***@acme.com' });
    assert.deepEqual(view.fields[0], { ...view.fields[0], key: 'email', prefill: { masked: 'k***@acme.com' } });
    assert.ok(!keysOf(view).includes('company'), 'known and not always shown: skipped');
    assert.ok(!keysOf(view).includes('plm'), 'declined: not asked again');
    assert.doesNotMatch(JSON.stringify(view), /karoline@|Acme GmbH/);
    const byQuery = await renderOk(t, 'whitepaper', { anonymousId: 'k-phone', recognition });
    assert.deepEqual(byQuery.recognized, { masked: 'k***@acme.com' });

    // The pre-filled email is not re-sent; the new answers land on Karoline's profile.
    const asked = keysOf(view).filter((k) => k !== 'email');
    const answers = Object.fromEntries(asked.map((k) => [k, view.fields.find((f: Json) => f.key === k).options?.[0].value ?? 'x']));
    const done = await submitOk(t, 'whitepaper', { anonymousId: 'k-phone', viewId: view.viewId, answers, recognition });
    const profile = await profileOf(t, 'karoline@acme.com');
    for (const k of asked) assert.equal(profile.traits[k], answers[k]);
    assert.equal(profile.traits.email, 'karoline@acme.com');
    if (done.next) assert.deepEqual(done.next.recognized, { masked: 'k***@acme.com' }, 'the next questions stay pre-filled for the recognised device');
  });

  it('a recognition is useless on another device, and no other token recognises', async () => {
    const { recognition } = JSON.parse((await recognize({ token: await identifyToken(), anonymousId: 'k-phone-2' })).body);
    const elsewhere = await renderOk(t, 'whitepaper', { anonymousId: 'other-visitor' }, recognition);
    assert.equal(elsewhere.recognized, null);
    assert.ok(elsewhere.fields.every((f: Json) => f.prefill === undefined));
    // An identify token is not a pre-fill token, nor is one minted for another device.
    const wrongPurpose = await renderOk(t, 'whitepaper', { anonymousId: 'k-phone-2' }, await identifyToken());
    assert.equal(wrongPurpose.recognized, null);
    const forOther = await signer.sign(workspaceId, { purpose: 'prefill', recipient: karoline, ttlMs: 60_000, data: { anonymousId: 'someone-else' } });
    assert.equal((await renderOk(t, 'whitepaper', { anonymousId: 'k-phone-2' }, forOther)).recognized, null);
    // A cookie alone: the device is linked, but nothing known is shown.
    const cookieOnly = await renderOk(t, 'whitepaper', { anonymousId: 'k-phone-2' });
    assert.equal(cookieOnly.recognized, null);
    assert.ok(!keysOf(cookieOnly).includes('email'), 'a known always-field is silently skipped');
  });

  it('tampered, expired, other-purpose and garbage tokens get invalid_token, never trust', async () => {
    const good = await identifyToken();
    const [payload, keyId, mac] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const tamperedPayload = Buffer.from(JSON.stringify({ ...claims, recipient: 'prf_someone_else' })).toString('base64url');
    const past = createLinkSigner({ keyring: t.tessera.store.keyring, now: () => Date.now() - 7_200_000 });
    const tokens = [
      `${tamperedPayload}.${keyId}.${mac}`,
      `${payload}.${keyId}.${mac.slice(0, -2)}AA`,
      await past.sign(workspaceId, { purpose: 'identify', recipient: karoline, ttlMs: 3_600_000 }),
      await signer.sign(workspaceId, { purpose: 'click', recipient: karoline, ttlMs: 3_600_000 }),
      await signer.sign(workspaceId, { purpose: 'prefill', recipient: karoline, ttlMs: 3_600_000, data: { anonymousId: 'x' } }),
      'garbage', 'a.b.c',
    ];
    for (const token of tokens) assertError(await recognize({ token, anonymousId: 'attacker' }), 401, 'invalid_token');
    assert.equal(await t.tessera.store.profiles.resolve(workspaceId, 'attacker'), null, 'nothing was linked');
    assertIssue(assertError(await recognize({ anonymousId: 'attacker' }), 400), 'token', /required/);
    assertIssue(assertError(await recognize({ token: good }), 400), 'anonymousId', /required/);
    assertError(await t.inject({ method: 'POST', url: '/v1/recognize', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token: good, anonymousId: 'x' }) }), 401, 'unauthorized');
  });

  it('the site\'s server recognises a visitor with the admin key', async () => {
    const answer = await adminSend(t, 'POST', '/v1/recognitions', { anonymousId: 'k-tablet', email: 'Karoline@Acme.com' });
    assert.equal(answer.statusCode, 200, answer.body);
    const view = await renderOk(t, 'whitepaper', { anonymousId: 'k-tablet' }, JSON.parse(answer.body).recognition);
    assert.deepEqual(view.recognized, { masked: 'k***@acme.com' });
    assertError(await t.collect('/v1/recognitions', { anonymousId: 'x', email: 'karoline@acme.com' }), 401, 'unauthorized');
    assertIssue(assertError(await adminSend(t, 'POST', '/v1/recognitions', { anonymousId: 'x' }), 400), 'userId', /userId or email/);
    assertIssue(assertError(await adminSend(t, 'POST', '/v1/recognitions', { anonymousId: 'x', email: 'not an email' }), 400), 'email', /usable email/);
  });

  it('on a device that belongs to someone else, a link recognises its person on a fresh anonymous id, never merging the two', async () => {
    const own = JSON.parse((await recognize({ token: await identifyToken(), anonymousId: 'k-laptop' })).body);
    assert.equal(own.anonymousId, undefined, 'Karoline on her own laptop keeps its id');
    assert.equal((await t.collect('/v1/identify', { anonymousId: 'max-phone', traits: { email: 'max@acme.com' } })).statusCode, 200);
    const max = (await profileOf(t, 'max@acme.com')).id;
    const answer = await recognize({ token: await identifyToken(max), anonymousId: 'k-laptop' });
    assert.equal(answer.statusCode, 200, answer.body);
    const { recognition, anonymousId } = JSON.parse(answer.body);
    assert.match(anonymousId, /^aid-/);
    assert.equal((await profileOf(t, anonymousId)).id, max);
    assert.equal((await profileOf(t, 'k-laptop')).id, karoline, 'the laptop stays Karoline\'s');
    assert.ok(!(await profileOf(t, 'max@acme.com')).identities.some((i: Json) => i.value === 'k-laptop'));
    assert.deepEqual((await renderOk(t, 'whitepaper', { anonymousId }, recognition)).recognized, { masked: 'm***@acme.com' });
    assert.equal((await renderOk(t, 'whitepaper', { anonymousId: 'k-laptop' }, recognition)).recognized, null);
    const server = JSON.parse((await adminSend(t, 'POST', '/v1/recognitions', { anonymousId: 'k-laptop', email: 'max@acme.com' })).body);
    assert.match(server.anonymousId, /^aid-/, 'the site\'s server vouching for Max on Karoline\'s laptop gets a fresh id too');
  });

  it('"Not you?" answers 200 and needs the anonymous id', async () => {
    const forget = await t.collect('/v1/recognize/forget', { anonymousId: 'k-phone' });
    assert.equal(forget.statusCode, 200);
    assert.deepEqual(JSON.parse(forget.body), { ok: true });
    assertIssue(assertError(await t.collect('/v1/recognize/forget', {}), 400), 'anonymousId', /required/);
    const viaBody = await t.inject({ method: 'POST', url: '/v1/recognize/forget', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ writeKey: WRITE_KEY, anonymousId: 'k-phone' }) });
    assert.equal(viaBody.statusCode, 200);
  });

  it('the export holds the declined fields; erasure removes them with the profile', async () => {
    const exported = await t.admin(`/v1/profiles/${karoline}/export`);
    assert.equal(exported.statusCode, 200, exported.body);
    assert.deepEqual(Object.keys(JSON.parse(exported.body).profile.declined), ['plm']);
    const erased = await t.inject({ method: 'DELETE', url: `/v1/profiles/${karoline}`, headers: { authorization: `Bearer ${'ak_test_admin_key_000000001'}` } });
    assert.equal(erased.statusCode, 200, erased.body);
    assert.equal((await t.admin('/v1/profiles/karoline@acme.com')).statusCode, 404);
    const stale = await recognize({ token: await identifyToken(), anonymousId: 'k-new' });
    assertError(stale, 401, 'invalid_token');
  });
});
