/**
 * GDPR for the email-link data: a person's list subscriptions and survey answers appear in their
 * export and are deleted by their erasure (with the links: an erased person's links lead nowhere
 * personal); aggregates stay. Also the configuration of the email features.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { runRetention } from '../../src/privacy/retention.js';
import { createPrivacyContexts } from '../../src/privacy/privacy-context.js';
import { startLinksHarness, type LinksHarness } from './links-harness.js';

describe('email-link personal data: export and erasure', () => {
  let h: LinksHarness;
  before(async () => {
    h = await startLinksHarness({ smtp: true });
    await h.admin('PUT', '/v1/lists/news', { name: 'News' });
    await h.admin('PUT', '/v1/surveys/plm', { name: 'PLM', questions: [{ id: 'plm', prompt: 'Which PLM?', trait: 'plm_system', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] }] });
    await h.identify({ userId: 'u-gdpr', anonymousId: 'anon-gdpr', traits: { email: 'gdpr@acme.example' } });
    await h.write('/v1/subscriptions', { email: 'gdpr@acme.example', list: 'news' });
    await h.smtp!.next();
    const minted = (await h.admin('POST', '/v1/emails/links', { recipient: 'u-gdpr', messageId: 'm1', survey: 'plm', list: 'news', links: [{ url: 'https://acme.example/' }] })).json();
    h.later(60_000);
    assert.equal((await h.visit('POST', minted.survey.answers[1].href, { body: '' })).statusCode, 200);
  });
  after(() => h.close());

  test('the export lists the subscriptions and survey answers', async () => {
    const response = await h.admin('GET', '/v1/profiles/u-gdpr/export');
    assert.equal(response.statusCode, 200, response.body);
    const exported = response.json();
    assert.deepEqual(exported.subscriptions.map((s: { list: string; status: string }) => [s.list, s.status]), [['news', 'pending']]);
    assert.deepEqual(exported.surveyAnswers.map((a: { survey: string; question: string; answer: string; emailId: string }) => [a.survey, a.question, a.answer, a.emailId]), [['plm', 'plm', 'b', 'm1']]);
  });

  test('erasure deletes them; the survey report keeps only counts; the person\'s old links lead nowhere', async () => {
    const person = await h.profileId('u-gdpr');
    const unsubscribe = (await h.admin('POST', '/v1/emails/links', { recipient: 'u-gdpr', messageId: 'm2', list: 'news' })).json().unsubscribe as string;
    const erased = await h.tessera.app.inject({ method: 'DELETE', url: '/v1/profiles/u-gdpr', headers: { authorization: 'Bearer ak_test_admin_key_000000001' } });
    assert.ok([200, 202, 204].includes(erased.statusCode), erased.body);
    assert.deepEqual(await h.tessera.store.emails.subscriptionsOf('default', [person]), []);
    assert.deepEqual(await h.tessera.store.emails.answersOf('default', [person]), []);
    const report = (await h.admin('GET', '/v1/surveys/plm/report')).json();
    assert.deepEqual(report.questions[0].answers.map((a: { count: number }) => a.count), [0, 0], 'counts come from the answers, which are gone');
    const page = await h.visit('GET', unsubscribe);
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /no longer available/);
  });
});

describe('retention of survey answers', () => {
  test('answers are kept as long as their Survey Answered events, then deleted by the retention job', async () => {
    const h = await startLinksHarness();
    try {
      await h.admin('PUT', '/v1/surveys/plm', { name: 'PLM', questions: [{ id: 'plm', prompt: 'Which PLM?', trait: 'plm_system', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] }] });
      await h.identify({ userId: 'u-ret', traits: { email: 'ret@acme.example' } });
      const minted = (await h.admin('POST', '/v1/emails/links', { recipient: 'u-ret', messageId: 'm', survey: 'plm' })).json();
      h.later(60_000);
      await h.visit('POST', minted.survey.answers[0].href, { body: '' });
      const person = await h.profileId('u-ret');
      assert.equal((await h.tessera.store.emails.answersOf('default', [person])).length, 1);
      const privacy = createPrivacyContexts(h.tessera.store, () => h.clock.now);
      // Undeclared track events are kept for the longest retention of the undeclared purposes (395 days by default).
      const soon = await runRetention({ store: h.tessera.store, privacy }, { workspaceId: 'default', now: h.clock.now + 30 * 86_400_000, actor: 'test' });
      assert.equal(soon.surveyAnswersDeleted, 0);
      const later = await runRetention({ store: h.tessera.store, privacy }, { workspaceId: 'default', now: h.clock.now + 800 * 86_400_000, actor: 'test' });
      assert.equal(later.surveyAnswersDeleted, 1);
      assert.deepEqual(await h.tessera.store.emails.answersOf('default', [person]), []);
    } finally {
      await h.close();
    }
  });
});

describe('configuration of email links', () => {
  test('SMTP URL, sender and link domains from the environment', () => {
    const config = loadConfig({ env: { TESSERA_SMTP_URL: 'smtp://mailer:secret@mail.acme.example:587', TESSERA_MAIL_FROM: 'Acme <news@acme.example>', TESSERA_LINK_DOMAINS: 'acme.example, docs.acme.io ,' } });
    assert.equal(config.smtpUrl, 'smtp://mailer:secret@mail.acme.example:587');
    assert.equal(config.mailFrom, 'Acme <news@acme.example>');
    assert.deepEqual(config.links.allowedDomains, ['acme.example', 'docs.acme.io']);
    const defaults = loadConfig({ env: {} });
    assert.equal(defaults.smtpUrl, undefined);
    assert.deepEqual(defaults.links.allowedDomains, []);
  });
  test('invalid values name the setting', () => {
    assert.throws(() => loadConfig({ env: { TESSERA_SMTP_URL: 'http://mail.example' } }), (e: unknown) => e instanceof ConfigError && /smtpUrl/.test(e.message));
    assert.throws(() => loadConfig({ env: { TESSERA_LINK_DOMAINS: 'acme.example,https://evil/' } }), (e: unknown) => e instanceof ConfigError && /links\.allowedDomains/.test(e.message));
  });
});
