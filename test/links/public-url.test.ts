/**
 * Absolute URLs come from configuration only (issue 13, item 1). A forged `Host` (or
 * X-Forwarded-Host/-Proto, even behind a trusted proxy) never reaches an email: with
 * TESSERA_PUBLIC_URL the links are on it; without it, every email that needs a link is refused
 * (503 public_url_required) before anything is recorded or sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { linkIn } from '../support/smtp-sink.js';
import { BASE, startLinksHarness, type LinksHarness } from './links-harness.js';

const FORGED = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

describe('with TESSERA_PUBLIC_URL, behind a trusted proxy', () => {
  let h: LinksHarness;
  before(async () => {
    h = await startLinksHarness({ smtp: true, config: { trustProxy: true } });
    assert.equal((await h.admin('PUT', '/v1/lists/news', { name: 'News' })).statusCode, 200);
    await h.identify({ userId: 'u-ada', traits: { email: 'ada@acme.example' } });
  });
  after(() => h.close());

  test('the opt-in confirmation link is on the public URL, whatever Host and X-Forwarded-* say', async () => {
    const accepted = await h.visit('POST', '/v1/subscriptions', {
      headers: { ...FORGED, authorization: `Basic ${Buffer.from('wk_test_write_key_0001:').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'grace@acme.example', list: 'news' }),
    });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const mail = await h.smtp!.next();
    const link = linkIn(mail, /\/e\/optin\//);
    assert.ok(link.startsWith(`${BASE}/e/optin/`), link);
    assert.doesNotMatch(`${mail.text}\n${String(mail.html)}`, /evil\.example/);
  });

  test('minted and sent links are on the public URL, whatever Host and X-Forwarded-* say', async () => {
    const body = JSON.stringify({ recipient: 'ada@acme.example', messageId: 'm-1', list: 'news', links: [{ url: 'https://acme.example/a' }], subject: 'Hi' });
    const headers = { ...FORGED, authorization: 'Bearer ak_test_admin_key_000000001', 'content-type': 'application/json' };
    const minted = await h.tessera.app.inject({ method: 'POST', url: '/v1/emails/links', headers, payload: body.replace(',"subject":"Hi"', '') });
    assert.equal(minted.statusCode, 200, minted.body);
    assert.doesNotMatch(minted.body, /evil\.example/);
    const m = minted.json() as { links: Array<{ href: string }>; openPixel: string; honeypot: string; unsubscribe: string; headers: Record<string, string> };
    for (const url of [m.links[0]!.href, m.openPixel, m.honeypot, m.unsubscribe]) assert.ok(url.startsWith(`${BASE}/e/`), url);
    assert.equal(m.headers['List-Unsubscribe'], `<${m.unsubscribe}>`);
  });
});

describe('without TESSERA_PUBLIC_URL', () => {
  let h: LinksHarness;
  before(async () => {
    h = await startLinksHarness({ smtp: true, config: { publicUrl: undefined } });
    assert.equal((await h.admin('PUT', '/v1/lists/news', { name: 'News' })).statusCode, 200);
    await h.identify({ userId: 'u-ada', traits: { email: 'ada@acme.example' } });
  });
  after(() => h.close());

  const assertRefused = (response: { statusCode: number; body: string }) => {
    assert.equal(response.statusCode, 503, response.body);
    const error = (JSON.parse(response.body) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'public_url_required');
    assert.match(error.message, /TESSERA_PUBLIC_URL/);
    assert.doesNotMatch(response.body, /evil\.example/);
  };

  test('POST /v1/subscriptions with a forged Host is refused: no email, no profile, no pending subscription', async () => {
    const response = await h.visit('POST', '/v1/subscriptions', {
      headers: { host: 'evil.example', authorization: `Basic ${Buffer.from('wk_test_write_key_0001:').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'victim@acme.example', list: 'news' }),
    });
    assertRefused(response);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.smtp!.messages.length, 0, 'no email was sent');
    assert.equal(await h.tessera.store.profiles.resolve('default', 'victim@acme.example'), null, 'nothing was recorded');
  });

  test('bad input is still named first (400), before the configuration problem', async () => {
    const response = await h.write('/v1/subscriptions', { email: 'not-an-address', list: 'nope' });
    assert.equal(response.statusCode, 400, response.body);
    assert.deepEqual((response.json() as { error: { issues: Array<{ field: string }> } }).error.issues.map((i) => i.field), ['email', 'list']);
  });

  test('POST /v1/emails/links and /v1/emails/send are refused, whatever the Host', async () => {
    const headers = { host: 'evil.example', authorization: 'Bearer ak_test_admin_key_000000001', 'content-type': 'application/json' };
    const body = { recipient: 'ada@acme.example', messageId: 'm-1', links: [{ url: 'https://acme.example/a' }] };
    assertRefused(await h.tessera.app.inject({ method: 'POST', url: '/v1/emails/links', headers, payload: JSON.stringify(body) }));
    assertRefused(await h.tessera.app.inject({ method: 'POST', url: '/v1/emails/send', headers, payload: JSON.stringify({ ...body, subject: 'Hi' }) }));
    assert.equal(h.smtp!.messages.length, 0, 'no email was sent');
  });
});
