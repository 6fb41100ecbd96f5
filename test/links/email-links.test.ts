/**
 * Email links over real HTTP (injected) with a real SQLite store: minting, click redirect with the
 * allow list and `tsr`, open pixel, friendly pages for bad tokens, machine verdicts on the events.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, eventsNamed, startLinksHarness, type LinksHarness } from './links-harness.js';

const MINUTE = 60_000;

describe('email links', () => {
  let h: LinksHarness;
  let person: string;
  before(async () => {
    h = await startLinksHarness();
    await h.identify({ userId: 'u-karo', anonymousId: 'anon-karo', traits: { email: 'karo@acme.example', name: 'Karo' } });
    person = await h.profileId('u-karo');
  });
  after(() => h.close());

  const mint = async (body: Record<string, unknown>) => {
    const response = await h.admin('POST', '/v1/emails/links', { recipient: 'karo@acme.example', messageId: 'mail-1', ...body });
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as { recipient: string; links: Array<{ url: string; href: string }>; openPixel: string; honeypot: string; formUrl: string | null; unsubscribe: string | null; headers: Record<string, string> };
  };
  const tokenOf = (href: string) => href.split('/').pop()!;

  test('minting answers signed, wrapped links on the public URL, for a recipient found by any identifier', async () => {
    const minted = await mint({ links: [{ url: 'https://www.acme.example/pricing?plan=pro' }], formUrl: 'https://acme.example/forms/2' });
    assert.equal(minted.recipient, person);
    assert.match(minted.links[0]!.href, new RegExp(`^${BASE}/e/c/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`));
    assert.match(minted.openPixel, new RegExp(`^${BASE}/e/o/`));
    assert.match(minted.honeypot, new RegExp(`^${BASE}/e/c/`));
    assert.match(minted.formUrl!, new RegExp(`^${BASE}/e/c/`));
    assert.equal(minted.unsubscribe, null, 'no list, no unsubscribe link');
    assert.deepEqual(minted.headers, {});
    assert.ok(!minted.links[0]!.href.includes('karo'), 'no personal data in the link');
  });

  test('a human click redirects to the target with a fresh identify token, and records a human click', async () => {
    const minted = await mint({ links: [{ url: 'https://www.acme.example/pricing?plan=pro' }] });
    h.later(5 * MINUTE);
    const response = await h.visit('GET', minted.links[0]!.href);
    assert.equal(response.statusCode, 302);
    const target = new URL(response.headers.location as string);
    assert.equal(`${target.origin}${target.pathname}`, 'https://www.acme.example/pricing');
    assert.equal(target.searchParams.get('plan'), 'pro', 'the query is kept');
    const tsr = target.searchParams.get('tsr');
    assert.ok(tsr, 'tsr appended');
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
    const verified = await h.tessera.app.inject({ method: 'POST', url: '/v1/recognize', headers: { authorization: `Basic ${Buffer.from('wk_test_write_key_0001:').toString('base64')}`, 'content-type': 'application/json' }, payload: JSON.stringify({ token: tsr, anonymousId: 'anon-landing' }) });
    assert.equal(verified.statusCode, 200, `the tsr token is an identify token the tracker can exchange: ${verified.body}`);
    const claims = JSON.parse(Buffer.from(tsr.split('.')[0]!, 'base64url').toString('utf8'));
    assert.equal(claims.purpose, 'identify');
    assert.ok(claims.expiresAt - claims.issuedAt <= 15 * MINUTE, 'the token in the address bar lives minutes, not as long as the email');
    const replay = await h.tessera.app.inject({ method: 'POST', url: '/v1/recognize', headers: { authorization: `Basic ${Buffer.from('wk_test_write_key_0001:').toString('base64')}`, 'content-type': 'application/json' }, payload: JSON.stringify({ token: tsr, anonymousId: 'anon-elsewhere' }) });
    assert.equal(replay.statusCode, 409, replay.body);
    assert.equal(JSON.parse(replay.body).error.code, 'token_used');
    assert.equal(await h.tessera.store.profiles.resolve('default', 'anon-elsewhere'), null, 'the replaying device was not linked');
    const clicks = await eventsNamed(h, person, 'Email Link Clicked');
    const last = clicks.at(-1)!;
    assert.equal(last.properties.link_url, 'https://www.acme.example/pricing?plan=pro');
    assert.equal(last.properties.email_id, 'mail-1');
    assert.equal(last.properties.machine, false);
    assert.equal(last.properties.machineReason, null);
  });

  test('a click on a link of an email older than 30 days still redirects, but recognises nobody', async () => {
    const minted = await mint({ links: [{ url: 'https://acme.example/old' }] });
    h.later(29 * 24 * 60 * MINUTE);
    assert.ok(new URL((await h.visit('GET', minted.links[0]!.href)).headers.location as string).searchParams.get('tsr'), '29 days: still recognises');
    h.later(2 * 24 * 60 * MINUTE);
    const old = await h.visit('GET', minted.links[0]!.href);
    assert.equal(old.statusCode, 302);
    const target = new URL(old.headers.location as string);
    assert.equal(`${target.origin}${target.pathname}`, 'https://acme.example/old');
    assert.equal(target.searchParams.get('tsr'), null);
  });

  test('scanners: the honeypot, a scanner agent and a click seconds after the send are machines, and get no tsr', async () => {
    const minted = await mint({ links: [{ url: 'https://acme.example/a' }, { url: 'https://acme.example/b' }] });
    const before = (await eventsNamed(h, person, 'Email Link Clicked')).length;
    const fast = await h.visit('GET', minted.links[0]!.href);
    assert.equal(fast.statusCode, 302);
    assert.equal(new URL(fast.headers.location as string).searchParams.get('tsr'), null, 'a machine never gets an identify token');
    h.later(5 * MINUTE);
    await h.visit('GET', minted.links[1]!.href, { userAgent: 'Mozilla/5.0 (compatible; Barracuda Sentinel)' });
    const honeypot = await h.visit('GET', minted.honeypot);
    assert.equal(honeypot.statusCode, 302);
    const events = (await eventsNamed(h, person, 'Email Link Clicked')).slice(before);
    assert.deepEqual(events.map((e) => [e.properties.machine, e.properties.machineReason]), [
      [true, 'right_after_send'], [true, 'scanner_user_agent'], [true, 'honeypot_link'],
    ]);
  });

  test('a HEAD request (a scanner probing) redirects without recording anything', async () => {
    const minted = await mint({ links: [{ url: 'https://acme.example/head' }] });
    h.later(MINUTE);
    const before = (await eventsNamed(h, person, 'Email Link Clicked')).length;
    const response = await h.visit('HEAD', minted.links[0]!.href);
    assert.equal(response.statusCode, 302);
    assert.equal((await eventsNamed(h, person, 'Email Link Clicked')).length, before);
  });

  test('the open pixel is a GIF for everyone; Apple Mail Privacy Protection opens are machines', async () => {
    const minted = await mint({ links: [] });
    h.later(MINUTE);
    const human = await h.visit('GET', minted.openPixel);
    assert.equal(human.statusCode, 200);
    assert.equal(human.headers['content-type'], 'image/gif');
    assert.equal(human.rawPayload.subarray(0, 6).toString(), 'GIF89a');
    await h.visit('GET', minted.openPixel, { userAgent: 'Mozilla/5.0' });
    const bad = await h.visit('GET', '/e/o/garbage');
    assert.equal(bad.statusCode, 200, 'a broken token still gets the pixel (no broken image in an email)');
    assert.equal(bad.headers['content-type'], 'image/gif');
    const opens = await eventsNamed(h, person, 'Email Opened');
    assert.deepEqual(opens.map((e) => [e.properties.machine, e.properties.machineReason]), [[false, null], [true, 'apple_mail_privacy']]);
  });

  test('only allow-listed http(s) targets can be minted; each bad link is named', async () => {
    const response = await h.admin('POST', '/v1/emails/links', {
      recipient: person, messageId: 'mail-2',
      links: [{ url: 'https://acme.example/ok' }, { url: 'https://evil.example/' }, { url: 'javascript:alert(1)' }, { url: 'https://acme.example.evil.example/' }, { url: 'https://user:pw@acme.example/' }],
      formUrl: 'https://evilacme.example/',
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json().error.issues.map((i: { field: string }) => i.field), ['links[1].url', 'links[2].url', 'links[3].url', 'links[4].url', 'formUrl']);
  });

  test('bad input: unknown recipient, list or survey, missing fields, a non-object body → 4xx naming the field', async () => {
    const unknown = await h.admin('POST', '/v1/emails/links', { recipient: 'nobody@nowhere.example', messageId: 'm', links: [] });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.issues[0].field, 'recipient');
    const refs = await h.admin('POST', '/v1/emails/links', { recipient: person, messageId: 'm', list: 'nope', survey: 'nope' });
    assert.equal(refs.statusCode, 400);
    assert.deepEqual(refs.json().error.issues.map((i: { field: string }) => i.field), ['list', 'survey']);
    const missing = await h.admin('POST', '/v1/emails/links', { links: [{}] });
    assert.equal(missing.statusCode, 400);
    assert.deepEqual(missing.json().error.issues.map((i: { field: string }) => i.field).sort(), ['links[0].url', 'messageId', 'recipient']);
    assert.equal((await h.admin('POST', '/v1/emails/links', [1])).statusCode, 400);
    const noKey = await h.tessera.app.inject({ method: 'POST', url: '/v1/emails/links', payload: { recipient: person } });
    assert.equal(noKey.statusCode, 401);
  });

  test('tampered, garbage, expired and wrong-purpose tokens get a friendly HTML page and no redirect', async () => {
    const minted = await mint({ links: [{ url: 'https://acme.example/x' }] });
    const token = tokenOf(minted.links[0]!.href);
    const [payload, key, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), data: { url: 'https://evil.example/' } })).toString('base64url');
    const cases: Array<[string, number]> = [
      [`/e/c/${forged}.${key}.${mac}`, 400],
      [`/e/c/${token.slice(0, -2)}`, 400],
      ['/e/c/%3Cscript%3Ealert(1)%3C%2Fscript%3E', 400],
      [`/e/c/${tokenOf(minted.openPixel)}`, 400],
    ];
    for (const [url, status] of cases) {
      const response = await h.visit('GET', url);
      assert.equal(response.statusCode, status, url);
      assert.equal(response.headers.location, undefined, 'no redirect');
      assert.match(response.headers['content-type'] as string, /^text\/html/);
      assert.match(response.body, /This link does not work/);
      assert.doesNotMatch(response.body, /<script>alert|"error"|at .*\.ts|bad_signature|wrong_purpose/, 'no reflection, JSON or internals');
      assert.match(response.headers['content-security-policy'] as string, /default-src 'none'/);
    }
    h.later(181 * 24 * 60 * MINUTE);
    const expired = await h.visit('GET', minted.links[0]!.href);
    assert.equal(expired.statusCode, 410);
    assert.match(expired.body, /This link has expired/);
  });

  test('a domain removed from the allow list stops redirecting links already sent', async () => {
    const saved = await h.admin('PUT', '/v1/links/settings', { allowedDomains: ['docs.partner.example'] });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.deepEqual(saved.json().effectiveAllowedDomains.sort(), ['acme.example', 'docs.partner.example', 't.example.com']);
    const minted = await mint({ links: [{ url: 'https://docs.partner.example/guide' }] });
    h.later(MINUTE);
    assert.equal((await h.visit('GET', minted.links[0]!.href)).statusCode, 302);
    await h.admin('PUT', '/v1/links/settings', { allowedDomains: [] });
    const refused = await h.visit('GET', minted.links[0]!.href);
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /cannot be followed/);
    const bad = await h.admin('PUT', '/v1/links/settings', { allowedDomains: ['not a domain'], scannerNetworks: ['10.0.0.0/99', 'x'] });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().error.issues.map((i: { field: string }) => i.field), ['allowedDomains.0', 'scannerNetworks.0', 'scannerNetworks.1']);
  });

  test('a scanner network configured by the workspace makes its clicks machines', async () => {
    await h.admin('PUT', '/v1/links/settings', { allowedDomains: [], scannerNetworks: ['203.0.113.0/24'] });
    const minted = await mint({ links: [{ url: 'https://acme.example/net' }] });
    h.later(MINUTE);
    await h.tessera.app.inject({ method: 'GET', url: minted.links[0]!.href.slice(BASE.length), remoteAddress: '203.0.113.7', headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0 Safari/537.36' } });
    const last = (await eventsNamed(h, person, 'Email Link Clicked')).at(-1)!;
    assert.equal(last.properties.machineReason, 'scanner_network');
    await h.admin('PUT', '/v1/links/settings', { allowedDomains: [], scannerNetworks: [] });
  });
});

describe('email link paths', () => {
  test('a link cut short or mangled gets the friendly page, not JSON', async () => {
    const h = await startLinksHarness();
    try {
      for (const [method, url] of [['GET', '/e/c'], ['GET', '/e/c/'], ['GET', '/e/zz/abc'], ['POST', '/e/s'], ['GET', '/e/']] as const) {
        const response = await h.visit(method, url, method === 'POST' ? { body: '' } : {});
        assert.equal(response.statusCode, 400, `${method} ${url}`);
        assert.match(response.headers['content-type'] as string, /^text\/html/, `${method} ${url}`);
        assert.match(response.body, /This link does not work/);
      }
      assert.equal((await h.tessera.app.inject({ method: 'GET', url: '/v1/nope' })).headers['content-type']?.toString().startsWith('application/json'), true, 'the API keeps its JSON 404');
    } finally {
      await h.close();
    }
  });
});
