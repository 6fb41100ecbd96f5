/**
 * URLs Tessera sends people to carry no control characters (issue 13, item 4): refused where they
 * are minted or defined (400 naming every field), and a target signed before that rule (or stored
 * in a survey) never reaches a Location header: a friendly page, never a 500 nor Fastify's own
 * error body. Non-ASCII targets redirect to their percent-encoded form.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLinkSigner } from '../../src/links/link-signer.js';
import { LINK_TTL_MS } from '../../src/links/link-lifetimes.js';
import { parseSurvey } from '../../src/core/links/survey.js';
import { WHITEPAPER_FORM_INPUT } from '../core/forms/form-fixtures.js';
import { BASE, startLinksHarness, type LinksHarness } from './links-harness.js';

const MINUTE = 60_000;
const SCANNER = 'Mozilla/5.0 (compatible; Barracuda Sentinel)';

/** Targets on an allowed domain that must never be minted. */
const HOSTILE: Array<[name: string, url: string]> = [
  ['CR LF (header injection)', 'https://www.acme.example/a\r\nSet-Cookie: x=1'],
  ['LF', 'https://www.acme.example/a\nb'],
  ['NUL', 'https://www.acme.example/a\u0000b'],
  ['tab', 'https://www.acme.example/a\tb'],
  ['DEL', 'https://www.acme.example/a\u007fb'],
  ['C1 NEL', 'https://www.acme.example/a\u0085b'],
  ['percent-encoded CR LF', 'https://www.acme.example/a%0d%0aSet-Cookie:%20x=1'],
  ['percent-encoded NUL', 'https://www.acme.example/a?b=%00'],
  ['percent-encoded C1', 'https://www.acme.example/a%C2%85b'],
];

/** Fastify's own error body (`{"statusCode":…,"error":…}`): no answer may look like it. */
const assertNotFrameworkBody = (body: string) => assert.doesNotMatch(body, /"statusCode"\s*:|ERR_INVALID_CHAR/, body.slice(0, 300));

describe('link targets with control characters', () => {
  let h: LinksHarness;
  let person: string;
  before(async () => {
    h = await startLinksHarness();
    await h.identify({ userId: 'u-karo', traits: { email: 'karo@acme.example' } });
    person = await h.profileId('u-karo');
  });
  after(() => h.close());

  const mint = (body: Record<string, unknown>) => h.admin('POST', '/v1/emails/links', { recipient: 'u-karo', messageId: 'mail-1', ...body });

  for (const [name, url] of HOSTILE) {
    test(`minting refuses a target with ${name}: 400 naming the field`, async () => {
      const response = await mint({ links: [{ url: 'https://www.acme.example/ok' }, { url }], formUrl: url });
      assert.equal(response.statusCode, 400, response.body);
      const issues = (response.json() as { error: { issues: Array<{ field: string; reason: string }> } }).error.issues;
      assert.deepEqual(issues.map((i) => i.field), ['links[1].url', 'formUrl']);
      for (const issue of issues) assert.match(issue.reason, /control character/);
    });
  }

  /** A click token signed directly, as tokens minted before the rule were. */
  const signedClick = async (url: string) => {
    const signer = createLinkSigner({ keyring: h.tessera.store.keyring, now: () => h.clock.now });
    const token = await signer.sign('default', { purpose: 'click', recipient: person, ttlMs: LINK_TTL_MS.click, data: { email: 'mail-old', url, identify: true } });
    return `/e/c/${token}`;
  };

  for (const [name, url] of HOSTILE) {
    test(`a link signed earlier with ${name} answers the friendly 403 page (person, scanner, HEAD), never a 500`, async () => {
      const path = await signedClick(url);
      h.later(5 * MINUTE);
      for (const [method, userAgent] of [['GET', undefined], ['GET', SCANNER], ['HEAD', undefined]] as const) {
        const response = await h.visit(method, path, userAgent ? { userAgent } : {});
        assert.equal(response.statusCode, 403, `${method} ${userAgent ?? ''}: ${response.body.slice(0, 300)}`);
        assert.equal(response.headers.location, undefined);
        if (method === 'GET') assert.match(response.body, /This link cannot be followed/);
        assertNotFrameworkBody(response.body);
      }
    });
  }

  test('a non-ASCII target redirects to its percent-encoded form (was a 500: not a valid header value)', async () => {
    const minted = await mint({ links: [{ url: 'https://www.acme.example/preise/€?q=grüße' }, { url: 'https://www.acme.example/ü', identify: false }] });
    assert.equal(minted.statusCode, 200, minted.body);
    const [withTsr, plain] = (minted.json() as { links: Array<{ href: string }> }).links;
    h.later(5 * MINUTE);
    const person = await h.visit('GET', withTsr!.href);
    assert.equal(person.statusCode, 302, person.body);
    const target = new URL(person.headers.location as string);
    assert.equal(`${target.origin}${target.pathname}`, 'https://www.acme.example/preise/%E2%82%AC');
    assert.equal(target.searchParams.get('q'), 'grüße');
    assert.ok(target.searchParams.get('tsr'));
    for (const [method, userAgent] of [['GET', undefined], ['GET', SCANNER], ['HEAD', undefined]] as const) {
      const response = await h.visit(method, plain!.href, userAgent ? { userAgent } : {});
      assert.equal(response.statusCode, 302, `${method}: ${response.body}`);
      assert.equal(response.headers.location, 'https://www.acme.example/%C3%BC');
    }
  });
});

describe('survey and form URLs with control characters', () => {
  let h: LinksHarness;
  before(async () => {
    h = await startLinksHarness();
    await h.identify({ userId: 'u-sam', traits: { email: 'sam@acme.example' } });
  });
  after(() => h.close());

  const survey = (imageUrl: string, redirectUrl: string) => ({
    name: 'S', questions: [{ id: 'q', prompt: 'Q?', trait: 'answer', options: [{ value: 'a', label: 'A', imageUrl }, { value: 'b', label: 'B' }] }],
    thankYou: { message: 'Thanks', redirectUrl },
  });

  test('a survey with a control character in an image or redirect URL is refused, naming both fields', async () => {
    const response = await h.admin('PUT', '/v1/surveys/s', survey('https://acme.example/a\r\n.png', 'https://acme.example/thanks%0D%0A'));
    assert.equal(response.statusCode, 400, response.body);
    const issues = (response.json() as { error: { issues: Array<{ field: string; reason: string }> } }).error.issues;
    assert.deepEqual(issues.map((i) => i.field).sort(), ['questions.0.options.0.imageUrl', 'thankYou.redirectUrl']);
    for (const issue of issues) assert.match(issue.reason, /control character/);
  });

  test('a survey stored earlier with a CR/LF redirect thanks the person on a page instead of redirecting', async () => {
    const parsed = parseSurvey('old', survey('https://acme.example/a.png', 'https://acme.example/thanks'));
    assert.ok(parsed.ok);
    await h.tessera.store.emails.putSurvey('default', { ...parsed.survey, thankYou: { ...parsed.survey.thankYou, redirectUrl: 'https://acme.example/thanks\r\nSet-Cookie: x=1' } }, h.clock.now);
    const minted = await h.admin('POST', '/v1/emails/links', { recipient: 'u-sam', messageId: 'm', survey: 'old' });
    assert.equal(minted.statusCode, 200, minted.body);
    h.later(5 * MINUTE);
    const answered = await h.visit('POST', (minted.json() as { survey: { answers: Array<{ href: string }> } }).survey.answers[0]!.href, { body: '' });
    assert.equal(answered.statusCode, 200, answered.body.slice(0, 300));
    assert.equal(answered.headers.location, undefined);
    assert.match(answered.body, /Thank you/);
  });

  test('a form with a control character in its thank-you redirect is refused, naming the field', async () => {
    const form = { ...WHITEPAPER_FORM_INPUT, thankYou: { message: { en: 'Thanks' }, redirectUrl: 'https://acme.example/x\r\ny' } };
    const response = await h.admin('POST', '/v1/forms', { id: 'f', ...form });
    assert.equal(response.statusCode, 400, response.body);
    const issues = (response.json() as { error: { issues: Array<{ field: string; reason: string }> } }).error.issues;
    assert.deepEqual(issues.map((i) => i.field), ['thankYou.redirectUrl'], JSON.stringify(issues));
    assert.match(issues[0]!.reason, /control character/);
  });

  test('the links are on the public URL (sanity)', async () => {
    const minted = await h.admin('POST', '/v1/emails/links', { recipient: 'u-sam', messageId: 'm', links: [{ url: 'https://acme.example/ok' }] });
    assert.ok((minted.json() as { links: Array<{ href: string }> }).links[0]!.href.startsWith(`${BASE}/e/c/`));
  });
});

describe('email header text with control characters', () => {
  let h: LinksHarness;
  before(async () => {
    h = await startLinksHarness();
    await h.identify({ userId: 'u-sam', traits: { email: 'sam@acme.example' } });
  });
  after(() => h.close());

  const fieldsOf = (response: { statusCode: number; body: string }) => {
    assert.equal(response.statusCode, 400, response.body);
    const issues = (JSON.parse(response.body) as { error: { issues: Array<{ field: string; reason: string }> } }).error.issues;
    for (const issue of issues) assert.match(issue.reason, /control characters/);
    return issues.map((i) => i.field);
  };

  test('the message id and subject of an email are one line (the mail library would fold a CR/LF into a space)', async () => {
    const body = { recipient: 'u-sam', messageId: 'm-1\r\nBcc: evil@evil.example', subject: 'Hello\r\nBcc: evil@evil.example', links: [] };
    assert.deepEqual(fieldsOf(await h.admin('POST', '/v1/emails/send', body)), ['messageId', 'subject']);
    assert.deepEqual(fieldsOf(await h.admin('POST', '/v1/emails/links', { recipient: 'u-sam', messageId: 'm\u0000' })), ['messageId']);
  });

  test('a list name (the confirmation email\'s subject) is one line', async () => {
    assert.deepEqual(fieldsOf(await h.admin('PUT', '/v1/lists/news', { name: 'News\r\nBcc: evil@evil.example' })), ['name']);
  });
});
