/**
 * Contract: the email-links store (ports/email-store.ts): link settings, lists, surveys,
 * subscriptions and answers, scoped to their workspace, found under any id of a merged person,
 * and deleted by erasure.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { ListSubscription } from '../../core/links/email-list.js';
import type { Survey } from '../../core/links/survey.js';
import type { SurveyAnswer } from '../../ports/email-store.js';
import { T0, newWorkspace, profileOf, send, type StoreSubject } from './contract-fixtures.js';

const survey = (id: string, name = 'PLM'): Survey => ({
  id, name, thankYou: { message: 'Thanks!' },
  questions: [{ id: 'plm', prompt: 'Which PLM system do you use?', trait: 'plm_system', options: [{ value: 'tc', label: 'Teamcenter' }, { value: 'wc', label: 'Windchill' }] }],
});
const subscription = (ws: string, profileId: string, over: Partial<ListSubscription> = {}): ListSubscription => ({
  workspaceId: ws, listId: 'news', profileId, status: 'pending', requestId: 'req1', requestedAt: T0, confirmedAt: null, unsubscribedAt: null, updatedAt: T0, ...over,
});
const answer = (ws: string, profileId: string, over: Partial<SurveyAnswer> = {}): SurveyAnswer => ({
  workspaceId: ws, tokenId: `tok_${randomUUID()}`, surveyId: 's1', questionId: 'plm', profileId, answer: 'tc', messageId: 'm1', answeredAt: T0, ...over,
});

export function emailContract(subject: () => StoreSubject): void {
  test('link settings, lists and surveys are stored per workspace and replaced whole', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    assert.equal(await store.emails.getLinkSettings(ws), null);
    await store.emails.putLinkSettings(ws, { allowedDomains: ['acme.com'], scannerNetworks: [] }, T0);
    await store.emails.putLinkSettings(ws, { allowedDomains: ['acme.com', 'docs.acme.io'], scannerNetworks: ['10.0.0.0/8'] }, T0 + 1);
    assert.deepEqual(await store.emails.getLinkSettings(ws), { allowedDomains: ['acme.com', 'docs.acme.io'], scannerNetworks: ['10.0.0.0/8'] });
    assert.equal(await store.emails.getLinkSettings(other), null);

    await store.emails.putList(ws, { id: 'news', name: 'Newsletter', purpose: 'email_marketing', wording: 'Send me the monthly newsletter.' }, T0);
    await store.emails.putList(ws, { id: 'events', name: 'Events', purpose: 'email_marketing' }, T0);
    await store.emails.putList(ws, { id: 'news', name: 'News', purpose: 'email_marketing' }, T0 + 1);
    assert.deepEqual(await store.emails.getList(ws, 'news'), { id: 'news', name: 'News', purpose: 'email_marketing' }, 'replaced whole');
    assert.deepEqual((await store.emails.lists(ws)).map((l) => l.id), ['events', 'news']);
    assert.equal(await store.emails.getList(other, 'news'), null);

    await store.emails.putSurvey(ws, survey('s1'), T0);
    await store.emails.putSurvey(ws, survey('s1', 'PLM v2'), T0 + 1);
    assert.deepEqual(await store.emails.getSurvey(ws, 's1'), survey('s1', 'PLM v2'));
    assert.deepEqual(await store.emails.surveys(ws), [survey('s1', 'PLM v2')]);
    assert.equal(await store.emails.getSurvey(other, 's1'), null);
    assert.deepEqual(await store.emails.surveys(other), []);
    assert.equal(await store.emails.deleteSurvey(other, 's1'), false, 'only in its own workspace');
    assert.equal(await store.emails.deleteSurvey(ws, 's1'), true);
    assert.equal(await store.emails.deleteSurvey(ws, 's1'), false);
    assert.equal(await store.emails.getSurvey(ws, 's1'), null);
  });

  test('a subscription is upserted and found under any of the person\'s ids, the latest first', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    assert.equal(await store.emails.subscription(ws, 'news', ['prf_a']), null);
    await store.emails.putSubscription(subscription(ws, 'prf_a'));
    const confirmed = subscription(ws, 'prf_a', { status: 'subscribed', confirmedAt: T0 + 5, updatedAt: T0 + 5 });
    await store.emails.putSubscription(confirmed);
    assert.deepEqual(await store.emails.subscription(ws, 'news', ['prf_a']), confirmed);
    const onMerged = subscription(ws, 'prf_b', { status: 'unsubscribed', unsubscribedAt: T0 + 9, updatedAt: T0 + 9, requestId: null, requestedAt: null });
    await store.emails.putSubscription(onMerged);
    assert.deepEqual(await store.emails.subscription(ws, 'news', ['prf_a', 'prf_b']), onMerged, 'the most recently updated row of the person');
    assert.equal(await store.emails.subscription(ws, 'events', ['prf_a', 'prf_b']), null, 'another list');
    assert.equal(await store.emails.subscription(await newWorkspace(store), 'news', ['prf_a']), null, 'another workspace');
    await store.emails.putSubscription(subscription(ws, 'prf_a', { listId: 'events' }));
    assert.deepEqual((await store.emails.subscriptionsOf(ws, ['prf_a', 'prf_b'])).map((s) => [s.listId, s.profileId]), [['events', 'prf_a'], ['news', 'prf_a'], ['news', 'prf_b']]);
  });

  test('one answer per token; answers and counts per survey', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const first = answer(ws, 'prf_a', { answeredAt: T0 + 2 });
    assert.equal(await store.emails.recordAnswer(first), true);
    assert.equal(await store.emails.recordAnswer({ ...first, answer: 'wc' }), false, 'the same token again');
    await store.emails.recordAnswer(answer(ws, 'prf_b', { answer: 'wc', answeredAt: T0 + 1 }));
    await store.emails.recordAnswer(answer(ws, 'prf_c', { answer: 'tc', answeredAt: T0 + 3 }));
    await store.emails.recordAnswer(answer(ws, 'prf_c', { surveyId: 's2', answeredAt: T0 + 4 }));
    assert.deepEqual(await store.emails.answersOf(ws, ['prf_a']), [first]);
    assert.deepEqual((await store.emails.answersOf(ws, ['prf_a', 'prf_b'])).map((a) => a.profileId), ['prf_b', 'prf_a'], 'oldest first');
    assert.deepEqual(await store.emails.answerCounts(ws, 's1'), [{ questionId: 'plm', answer: 'tc', count: 2 }, { questionId: 'plm', answer: 'wc', count: 1 }]);
    assert.deepEqual(await store.emails.answerCounts(await newWorkspace(store), 's1'), []);

    const other = await newWorkspace(store);
    await store.emails.recordAnswer(answer(other, 'prf_x', { answeredAt: T0 }));
    assert.equal(await store.emails.purgeAnswers(ws, T0 + 3), 2, 'answered before T0+3');
    assert.deepEqual((await store.emails.answersOf(ws, ['prf_a', 'prf_b', 'prf_c'])).map((a) => a.answeredAt), [T0 + 3, T0 + 4]);
    assert.equal((await store.emails.answersOf(other, ['prf_x'])).length, 1, 'another workspace keeps its own');
  });

  test('erasure deletes the person\'s subscriptions and answers, also those of profiles merged into them, and nobody else\'s', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'identify', anonymousId: 'em-laptop', userId: 'em-user', at: T0 }]);
    await send(store, ws, [{ type: 'identify', anonymousId: 'em-phone', traits: { email: 'em@example.com' }, at: T0 + 1 }]);
    const phone = await profileOf(store, ws, 'em-phone');
    await send(store, ws, [{ type: 'identify', userId: 'em-user', traits: { email: 'em@example.com' }, at: T0 + 2 }]);
    await send(store, ws, [{ type: 'identify', userId: 'other-user', at: T0 }]);
    const person = await profileOf(store, ws, 'em-user');
    const other = await profileOf(store, ws, 'other-user');
    assert.notEqual(person, phone, 'the phone profile was merged into the person');
    for (const id of [person, phone, other]) {
      await store.emails.putSubscription(subscription(ws, id));
      await store.emails.recordAnswer(answer(ws, id));
    }
    await store.privacy.erase(ws, person, { tombstone: null, at: T0 + 10 });
    assert.deepEqual(await store.emails.subscriptionsOf(ws, [person, phone]), []);
    assert.deepEqual(await store.emails.answersOf(ws, [person, phone]), []);
    assert.equal((await store.emails.subscriptionsOf(ws, [other])).length, 1);
    assert.equal((await store.emails.answersOf(ws, [other])).length, 1);
  });
}
