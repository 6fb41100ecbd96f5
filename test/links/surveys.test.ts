/**
 * One-click micro-surveys end to end over HTTP: definitions through the admin API, answer links
 * minted for a recipient, GET page (nothing recorded), POST answer (trait with source
 * `survey:<id>`, answer row, event), next question, thank-you redirect; machines never answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, eventsNamed, startLinksHarness, type LinksHarness } from './links-harness.js';

const MINUTE = 60_000;
const SURVEY = {
  name: 'PLM landscape',
  questions: [
    { id: 'plm', prompt: 'Which PLM system do you use?', trait: 'plm_system', options: [
      { value: 'teamcenter', label: 'Teamcenter', imageUrl: 'https://acme.example/logos/tc.png' }, { value: 'windchill', label: 'Windchill' }, { value: 'other', label: 'Something else' }] },
    { id: 'size', prompt: 'How many engineers use it?', trait: 'plm_seats', options: [{ value: 'small', label: 'Up to 50' }, { value: 'large', label: 'More than 50' }] },
  ],
  thankYou: { message: 'Thanks, that helps!', redirectUrl: 'https://acme.example/thanks' },
};

describe('micro-surveys', () => {
  let h: LinksHarness;
  let person: string;
  before(async () => {
    h = await startLinksHarness();
    await h.identify({ userId: 'u-sam', traits: { email: 'sam@acme.example' } });
    person = await h.profileId('u-sam');
  });
  after(() => h.close());

  const answerLinks = async (recipient = 'u-sam') => {
    const response = await h.admin('POST', '/v1/emails/links', { recipient, messageId: 'nurture-3', survey: 'plm' });
    assert.equal(response.statusCode, 200, response.body);
    return response.json().survey as { id: string; question: { id: string; prompt: string }; answers: Array<{ value: string; label: string; imageUrl?: string; href: string }> } | null;
  };

  test('a survey is defined, validated and read back through the admin API', async () => {
    const bad = await h.admin('PUT', '/v1/surveys/plm', { ...SURVEY, questions: [{ ...SURVEY.questions[0], options: [SURVEY.questions[0]!.options[0]] }] });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.issues[0].field, 'questions.0.options');
    const put = await h.admin('PUT', '/v1/surveys/plm', SURVEY);
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual((await h.admin('GET', '/v1/surveys/plm')).json(), { id: 'plm', ...SURVEY });
    assert.deepEqual((await h.admin('GET', '/v1/surveys')).json().surveys.map((s: { id: string }) => s.id), ['plm']);
    assert.equal((await h.admin('GET', '/v1/surveys/nope')).statusCode, 404);
  });

  test('the email gets one answer link per option of the first unanswered question', async () => {
    const survey = await answerLinks();
    assert.equal(survey?.question.id, 'plm');
    assert.deepEqual(survey?.answers.map((a) => [a.value, a.label]), [['teamcenter', 'Teamcenter'], ['windchill', 'Windchill'], ['other', 'Something else']]);
    assert.equal(survey?.answers[0]!.imageUrl, 'https://acme.example/logos/tc.png');
    assert.ok(survey?.answers.every((a) => a.href.startsWith(`${BASE}/e/s/`)));
  });

  test('GET shows the answer with a POST button and records nothing; a scanner that only follows links never answers', async () => {
    const survey = await answerLinks();
    h.later(5 * MINUTE);
    const page = await h.visit('GET', survey!.answers[1]!.href);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Which PLM system do you use\?/);
    assert.match(page.body, /Your answer: <strong>Windchill<\/strong>/);
    assert.match(page.body, /<form id="answer" method="post"/);
    assert.match(page.body, /<script nonce="[^"]+">document.getElementById\('answer'\).submit\(\);<\/script>/);
    const nonce = /nonce="([^"]+)"/.exec(page.body)![1];
    assert.match(page.headers['content-security-policy'] as string, new RegExp(`script-src 'nonce-${nonce!.replace(/[+/=]/g, '\\$&')}'`));
    assert.equal((await h.tessera.store.profiles.get('default', person))!.traits.plm_system, undefined);
    assert.deepEqual(await eventsNamed(h, person, 'Survey Answered'), []);
  });

  test('POST records the answer as a trait with source survey:<id>, and offers the next question', async () => {
    const survey = await answerLinks();
    h.later(5 * MINUTE);
    const href = survey!.answers[0]!.href;
    const answered = await h.visit('POST', href, { body: '' });
    assert.equal(answered.statusCode, 200, answered.body);
    assert.match(answered.body, /How many engineers use it\?/);
    const actions = [...answered.body.matchAll(/<form class="inline" method="post" action="([^"]+)">/g)].map((m) => m[1]!);
    assert.equal(actions.length, 2, 'one POST button per answer of the next question');
    const profile = (await h.tessera.store.profiles.get('default', person))!;
    assert.equal(profile.traits.plm_system, 'teamcenter');
    assert.equal(profile.traitMeta.plm_system!.source, 'survey:plm');
    const [event] = await eventsNamed(h, person, 'Survey Answered');
    assert.deepEqual([event!.properties.survey_id, event!.properties.question_id, event!.properties.answer, event!.properties.email_id, event!.properties.machine], ['plm', 'plm', 'teamcenter', 'nurture-3', false]);

    // A reload (the same token again) changes nothing.
    await h.visit('POST', href, { body: '' });
    assert.equal((await eventsNamed(h, person, 'Survey Answered')).length, 1);

    // The next question's button; then the thank-you redirect (allow-listed).
    const last = await h.visit('POST', `/e/s/${actions[1]}`, { body: '' });
    assert.equal(last.statusCode, 303);
    assert.equal(last.headers.location, 'https://acme.example/thanks');
    const after = (await h.tessera.store.profiles.get('default', person))!;
    assert.equal(after.traits.plm_seats, 'large');
    assert.equal(after.traitMeta.plm_seats!.source, 'survey:plm');
    const report = (await h.admin('GET', '/v1/surveys/plm/report')).json();
    assert.deepEqual(report.questions.map((q: { answers: Array<{ count: number }> }) => q.answers.map((a) => a.count)), [[1, 0, 0], [0, 1]]);
  });

  test('a later email asks no question already answered; changing one\'s mind replaces the trait', async () => {
    assert.equal(await answerLinks(), null, 'both answered: no survey block');
    await h.admin('PUT', '/v1/surveys/plm', { ...SURVEY, questions: [SURVEY.questions[0]] });
    await h.tessera.ingest.accept({ workspaceId: 'default', impliedType: 'identify', items: [{ userId: 'u-sam2', traits: { email: 'sam2@acme.example' } }] });
    const survey = await answerLinks('u-sam2');
    h.later(MINUTE);
    await h.visit('POST', survey!.answers[0]!.href, { body: '' });
    const thanks = await h.visit('POST', survey!.answers[1]!.href, { body: '' });
    assert.equal(thanks.statusCode, 303);
    const sam2 = await h.profileId('u-sam2');
    assert.equal((await h.tessera.store.profiles.get('default', sam2))!.traits.plm_system, 'windchill');
    // The report counts each person once, for their latest answer: Sam's Teamcenter, Sam 2's Windchill.
    const report = (await h.admin('GET', '/v1/surveys/plm/report')).json();
    assert.deepEqual(report.questions.map((q: { answers: Array<{ count: number }> }) => q.answers.map((a) => a.count)), [[1, 1, 0]]);
    assert.equal((await h.tessera.store.emails.answersOf('default', [sam2])).length, 2, 'both answers stay in the person\'s record');
  });

  test('a scanner\'s POST is recorded as a machine event and answers nothing', async () => {
    await h.tessera.ingest.accept({ workspaceId: 'default', impliedType: 'identify', items: [{ userId: 'u-scan', traits: { email: 'scan@acme.example' } }] });
    const survey = await answerLinks('u-scan');
    h.later(MINUTE);
    const response = await h.visit('POST', survey!.answers[0]!.href, { body: '', userAgent: 'Mozilla/5.0 (compatible; Proofpoint URL Defense)' });
    assert.equal(response.statusCode, 303, 'the machine sees the same outcome');
    const scanner = await h.profileId('u-scan');
    assert.equal((await h.tessera.store.profiles.get('default', scanner))!.traits.plm_system, undefined);
    const [event] = await eventsNamed(h, scanner, 'Survey Answered');
    assert.deepEqual([event!.properties.machine, event!.properties.machineReason], [true, 'scanner_user_agent']);
    assert.deepEqual(await h.tessera.store.emails.answersOf('default', [scanner]), []);
  });

  test('a deleted survey\'s answer links lead to the friendly page', async () => {
    await h.admin('PUT', '/v1/surveys/gone', SURVEY);
    const minted = (await h.admin('POST', '/v1/emails/links', { recipient: 'u-scan', messageId: 'm', survey: 'gone' })).json();
    const deleted = await h.tessera.app.inject({ method: 'DELETE', url: '/v1/surveys/gone', headers: { authorization: 'Bearer ak_test_admin_key_000000001' } });
    assert.equal(deleted.statusCode, 204);
    const page = await h.visit('GET', minted.survey.answers[0].href);
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /no longer available/);
    assert.equal((await h.tessera.app.inject({ method: 'DELETE', url: '/v1/surveys/gone', headers: { authorization: 'Bearer ak_test_admin_key_000000001' } })).statusCode, 404);
  });

  test('a survey token is useless as a click, and a click token as an answer', async () => {
    const survey = await answerLinks('u-scan');
    const token = survey!.answers[0]!.href.split('/').pop();
    const asClick = await h.visit('GET', `/e/c/${token}`);
    assert.equal(asClick.statusCode, 400);
    assert.equal(asClick.headers.location, undefined);
    const click = (await h.admin('POST', '/v1/emails/links', { recipient: 'u-sam2', messageId: 'm', links: [{ url: 'https://acme.example/' }] })).json().links[0].href.split('/').pop();
    const asAnswer = await h.visit('POST', `/e/s/${click}`, { body: '' });
    assert.equal(asAnswer.statusCode, 400);
    assert.match(asAnswer.body, /This link does not work/);
  });
});
