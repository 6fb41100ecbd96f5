/**
 * Double opt-in over a real SMTP server in the test process, and unsubscribe (page and RFC 8058
 * one-click): consent is granted only by the confirmation POST, with its evidence in the ledger;
 * confirming twice, expired links, superseded links, re-subscribing months later, machines.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { headerLine, linkIn } from '../support/smtp-sink.js';
import { BASE, eventsNamed, startLinksHarness, type LinksHarness } from './links-harness.js';

const DAY = 24 * 3600_000;
const WORDING = 'Yes, send me the monthly Acme engineering newsletter. I can unsubscribe at any time.';

describe('double opt-in and unsubscribe', () => {
  let h: LinksHarness;
  let adaFirstLink = '';
  before(async () => {
    h = await startLinksHarness({ smtp: true });
    const put = await h.admin('PUT', '/v1/lists/news', { name: 'Acme Engineering News', description: 'Monthly', wording: WORDING });
    assert.equal(put.statusCode, 200, put.body);
  });
  after(() => h.close());

  const subscribe = (email: string, extra: Record<string, unknown> = {}) => h.write('/v1/subscriptions', { email, list: 'news', ...extra });
  const confirmLink = async () => linkIn(await h.smtp!.next(), /\/e\/optin\//);
  const consentOf = async (email: string) => (await h.tessera.store.profiles.get('default', await h.profileId(email)))!.consent.email_marketing;
  const ledger = async (email: string) => h.tessera.store.privacy.consents('default', await h.profileId(email));
  const subscription = async (email: string) => h.tessera.store.emails.subscription('default', 'news', [await h.profileId(email)]);

  test('subscribing sends a confirmation email; consent is granted only by the POST on its page, with evidence', async () => {
    const accepted = await subscribe('Ada@Acme.example', { anonymousId: 'anon-ada', wording: 'Subscribe me to the newsletter' });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const mail = await h.smtp!.next();
    assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', 'ada@acme.example');
    assert.equal(mail.from?.text, '"Acme" <news@acme.example>');
    assert.match(mail.subject ?? '', /confirm your subscription to Acme Engineering News/);
    const link = linkIn(mail, /\/e\/optin\//);
    adaFirstLink = link;
    assert.ok(link.startsWith(`${BASE}/e/optin/`));
    assert.equal(await consentOf('ada@acme.example'), undefined, 'not granted by asking');
    assert.equal((await subscription('ada@acme.example'))?.status, 'pending');

    h.later(10 * 60_000);
    const page = await h.visit('GET', link);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Confirm your subscription/);
    assert.ok(page.body.includes(WORDING), 'the exact wording is shown');
    assert.equal(await consentOf('ada@acme.example'), undefined, 'a GET (a scanner) confirms nothing');

    const confirmed = await h.visit('POST', link, { body: '' });
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /you are now subscribed/);
    const consent = await consentOf('ada@acme.example');
    assert.equal(consent?.granted, true);
    assert.equal(consent?.channel, 'email_confirmation');
    const [record] = await ledger('ada@acme.example');
    assert.deepEqual(record!.purposes, { email_marketing: true });
    assert.equal(record!.wording?.text, WORDING);
    assert.equal(record!.wording?.version, 'list:news');
    assert.equal(record!.evidence.kind, 'double_opt_in');
    assert.equal(record!.evidence.list, 'news');
    assert.equal(record!.evidence.signupWording, 'Subscribe me to the newsletter');
    assert.ok(typeof record!.evidence.requestedAt === 'string' && typeof record!.evidence.confirmedAt === 'string');
    assert.equal((await subscription('ada@acme.example'))?.status, 'subscribed');
    assert.equal(await h.profileId('anon-ada'), await h.profileId('ada@acme.example'), 'the device was linked to the person');
    const [confirmedEvent] = await eventsNamed(h, await h.profileId('ada@acme.example'), 'Subscription Confirmed');
    assert.deepEqual([confirmedEvent!.properties.list_id, confirmedEvent!.properties.machine], ['news', false], 'a step on the timeline');

    // Confirming twice changes nothing.
    const again = await h.visit('POST', link, { body: '' });
    assert.match(again.body, /already confirmed/);
    assert.equal((await ledger('ada@acme.example')).length, 1);

    // Subscribing again while subscribed sends nothing (and answers the same).
    const count = h.smtp!.messages.length;
    assert.equal((await subscribe('ada@acme.example')).statusCode, 202);
    assert.equal(h.smtp!.messages.length, count);
  });

  test('an expired confirmation link gets the friendly page and subscribes nobody', async () => {
    await subscribe('late@acme.example');
    const link = await confirmLink();
    h.later(8 * DAY);
    for (const method of ['GET', 'POST'] as const) {
      const response = await h.visit(method, link, method === 'POST' ? { body: '' } : {});
      assert.equal(response.statusCode, 410, method);
      assert.match(response.body, /This link has expired/);
    }
    assert.equal(await consentOf('late@acme.example'), undefined);
    assert.equal((await subscription('late@acme.example'))?.status, 'pending');
  });

  test('asking twice: no second email within minutes; later, only the newest email\'s link confirms', async () => {
    await subscribe('twice@acme.example');
    const first = await confirmLink();
    h.later(60_000);
    const count = h.smtp!.messages.length;
    assert.equal((await subscribe('twice@acme.example')).statusCode, 202);
    assert.equal(h.smtp!.messages.length, count, 'asked again within minutes: no second email (no flooding)');
    h.later(5 * 60_000);
    await subscribe('twice@acme.example');
    const second = await confirmLink();
    assert.notEqual(first, second);
    h.later(60_000);
    assert.match((await h.visit('POST', first, { body: '' })).body, /This link was replaced/);
    assert.equal(await consentOf('twice@acme.example'), undefined);
    assert.match((await h.visit('POST', second, { body: '' })).body, /you are now subscribed/);
    assert.equal((await consentOf('twice@acme.example'))?.granted, true);
  });

  test('a scanner\'s POST confirms nothing', async () => {
    await subscribe('scanned@acme.example');
    const link = await confirmLink();
    h.later(60_000);
    const response = await h.visit('POST', link, { body: '', userAgent: 'Mimecast URL Protect' });
    assert.match(response.body, /Please confirm in your browser/);
    assert.equal(await consentOf('scanned@acme.example'), undefined);
    assert.equal((await subscription('scanned@acme.example'))?.status, 'pending');
  });

  test('RFC 8058: an email for a list carries List-Unsubscribe headers; the one-click POST unsubscribes and withdraws consent', async () => {
    const sent = await h.admin('POST', '/v1/emails/send', {
      recipient: 'ada@acme.example', messageId: 'issue-12', list: 'news', subject: 'Acme News #12', intro: 'Hello Ada,\nthis month…',
      links: [{ url: 'https://acme.example/blog/12' }], labels: ['Read the story'],
    });
    assert.equal(sent.statusCode, 200, sent.body);
    const mail = await h.smtp!.next();
    assert.equal(mail.subject, 'Acme News #12');
    const unsubscribeUrl = sent.json().unsubscribe as string;
    assert.equal(headerLine(mail, 'List-Unsubscribe'), `<${unsubscribeUrl}>`);
    assert.equal(headerLine(mail, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    assert.deepEqual(sent.json().headers, { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    assert.ok((mail.html as string).includes(sent.json().links[0].href.replace(/&/g, '&amp;')), 'the wrapped link is in the HTML');
    assert.ok((mail.html as string).includes(sent.json().openPixel), 'the open pixel');
    assert.match(mail.text ?? '', /Read the story: https:\/\/t\.example\.com\/e\/c\//);
    const timeline = (await h.admin('GET', '/v1/profiles/ada@acme.example/events')).json().events as Array<{ event: string | null; properties: Record<string, unknown> }>;
    const sentEvents = timeline.filter((e) => e.event === 'Email Sent');
    assert.deepEqual(sentEvents.map((e) => [e.properties.email_id, e.properties.email_subject, e.properties.list]), [['issue-12', 'Acme News #12', 'news']], 'the send is on the timeline once');
    assert.equal((await h.admin('GET', '/v1/profiles/ada@acme.example')).json().behaviour.email.sent, 1);

    h.later(DAY);
    const page = await h.visit('GET', unsubscribeUrl);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Stop sending me <strong>Acme Engineering News<\/strong>/);
    assert.equal((await subscription('ada@acme.example'))?.status, 'subscribed', 'a GET unsubscribes nobody');

    // The mailbox provider's one-click POST, from its own servers and agent.
    const oneClick = await h.visit('POST', unsubscribeUrl, { body: 'List-Unsubscribe=One-Click', userAgent: null });
    assert.equal(oneClick.statusCode, 200);
    assert.equal((await subscription('ada@acme.example'))?.status, 'unsubscribed');
    const consent = await consentOf('ada@acme.example');
    assert.equal(consent?.granted, false);
    const last = (await ledger('ada@acme.example')).at(-1)!;
    assert.deepEqual(last.purposes, { email_marketing: false });
    assert.equal(last.channel, 'email_link');
    assert.equal(last.evidence.kind, 'rfc8058_one_click');
    assert.equal(last.evidence.email, 'issue-12');
    const [event] = await eventsNamed(h, await h.profileId('ada@acme.example'), 'Unsubscribed');
    assert.deepEqual([event!.properties.list_id, event!.properties.one_click, event!.properties.machine], ['news', true, false]);

    // The multipart spelling RFC 8058 also allows is understood.
    const other = (await h.admin('POST', '/v1/emails/links', { recipient: 'scanned@acme.example', messageId: 'issue-12', list: 'news' })).json().unsubscribe;
    const multipart = await h.visit('POST', other, {
      body: '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=b' }, userAgent: null,
    });
    assert.equal(multipart.statusCode, 200);
    assert.equal(multipart.body, 'Unsubscribed.\n');
    assert.equal((await subscription('scanned@acme.example'))?.status, 'unsubscribed');

    const listed = await h.admin('GET', '/v1/profiles/ada@acme.example/subscriptions');
    assert.equal(listed.statusCode, 200);
    assert.deepEqual(listed.json().subscriptions.map((s: { list: string; status: string }) => [s.list, s.status]), [['news', 'unsubscribed']]);
    assert.equal((await h.admin('GET', '/v1/profiles/nobody@acme.example/subscriptions')).statusCode, 404);

    // After unsubscribing: the links say so, and a list email is refused.
    const state = (await h.admin('POST', '/v1/emails/links', { recipient: 'ada@acme.example', messageId: 'issue-13', list: 'news' })).json();
    assert.deepEqual(state.subscription, { list: 'news', status: 'unsubscribed', consented: false });
    const refused = await h.admin('POST', '/v1/emails/send', { recipient: 'ada@acme.example', messageId: 'issue-13', list: 'news', subject: 'Acme News #13' });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.issues[0].field, 'list');

    const after = await h.visit('GET', unsubscribeUrl);
    assert.match(after.body, /You are unsubscribed/);
    assert.doesNotMatch(after.body, /<button/, 'nothing left to press');

    // Unsubscribing again changes nothing.
    const again = await h.visit('POST', unsubscribeUrl, { body: 'confirm=1' });
    assert.match(again.body, /already unsubscribed/);
    assert.equal((await ledger('ada@acme.example')).filter((r) => r.purposes.email_marketing === false).length, 1);
  });

  test('re-subscribing months later: a new confirmation, the old link stays dead, consent granted again', async () => {
    const oldLinks = h.smtp!.messages.length;
    h.later(120 * DAY);
    assert.equal((await subscribe('ada@acme.example')).statusCode, 202);
    assert.equal(h.smtp!.messages.length, oldLinks + 1, 'a new confirmation email');
    const link = await confirmLink();
    h.later(60_000);
    assert.equal((await h.visit('POST', adaFirstLink, { body: '' })).statusCode, 410, 'the first email\'s link is long dead');
    assert.equal((await consentOf('ada@acme.example'))?.granted, false);
    assert.match((await h.visit('POST', link, { body: '' })).body, /you are now subscribed/);
    assert.equal((await consentOf('ada@acme.example'))?.granted, true);
    assert.deepEqual((await ledger('ada@acme.example')).map((r) => r.purposes.email_marketing), [true, false, true]);
  });

  test('a scanner\'s page POST never unsubscribes; the unsubscribe token is useless elsewhere', async () => {
    const minted = (await h.admin('POST', '/v1/emails/links', { recipient: 'twice@acme.example', messageId: 'm-2', list: 'news' })).json();
    h.later(60_000);
    const scanner = await h.visit('POST', minted.unsubscribe, { body: 'confirm=1', userAgent: 'Mozilla/5.0 (compatible; Barracuda Sentinel)' });
    assert.match(scanner.body, /Please unsubscribe in your browser/);
    assert.equal((await subscription('twice@acme.example'))?.status, 'subscribed');
    const token = minted.unsubscribe.split('/').pop();
    assert.equal((await h.visit('POST', `/e/optin/${token}`, { body: '' })).statusCode, 400, 'not an opt-in token');
    assert.equal((await h.visit('GET', `/e/c/${token}`)).statusCode, 400, 'not a click token');
  });

  test('bad subscription requests are 4xx naming the field', async () => {
    const bad = await h.write('/v1/subscriptions', { email: 'not-an-email', list: 'nope', anonymousId: '' , wording: 5 });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().error.issues.map((i: { field: string }) => i.field), ['email', 'list', 'anonymousId', 'wording']);
    assert.equal((await h.write('/v1/subscriptions', [])).statusCode, 400);
    const noKey = await h.tessera.app.inject({ method: 'POST', url: '/v1/subscriptions', payload: { email: 'a@acme.example', list: 'news' } });
    assert.equal(noKey.statusCode, 401);
    const badList = await h.admin('PUT', '/v1/lists/news2', { name: 'x', purpose: 'nope' });
    assert.equal(badList.statusCode, 400);
    assert.equal(badList.json().error.issues[0].field, 'purpose');
  });
});

describe('without SMTP configured', () => {
  test('subscribing and sending answer 503 mail_unavailable, saying what to configure', async () => {
    const h = await startLinksHarness();
    try {
      await h.admin('PUT', '/v1/lists/news', { name: 'News' });
      const response = await h.write('/v1/subscriptions', { email: 'a@acme.example', list: 'news' });
      assert.equal(response.statusCode, 503);
      assert.equal(response.json().error.code, 'mail_unavailable');
      assert.match(response.json().error.message, /TESSERA_SMTP_URL/);
      const send = await h.admin('POST', '/v1/emails/send', { recipient: 'a@acme.example', messageId: 'm', subject: 's' });
      assert.equal(send.statusCode, 503);
    } finally {
      await h.close();
    }
  });
});
