/** Survey and list definitions, the next question, and what confirming a subscription does. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confirmOutcome, parseEmailList, type ListSubscription } from '../../../src/core/links/email-list.js';
import { firstUnanswered, nextQuestion, parseSurvey } from '../../../src/core/links/survey.js';

const options = [{ value: 'tc', label: 'Teamcenter' }, { value: 'wc', label: 'Windchill' }];
const SURVEY = {
  name: 'PLM',
  questions: [
    { id: 'plm', prompt: 'Which PLM system do you use?', trait: 'plm_system', options },
    { id: 'size', prompt: 'How many engineers?', trait: 'team_size', options: [{ value: 's', label: '1–10' }, { value: 'l', label: '10+' }] },
    { id: 'role', prompt: 'Your role?', trait: 'role', options: [{ value: 'eng', label: 'Engineer' }, { value: 'mgr', label: 'Manager' }] },
  ],
};

describe('survey definitions', () => {
  it('accepts a valid survey with a default thank-you', () => {
    const parsed = parseSurvey('plm-2026', SURVEY);
    assert.ok(parsed.ok);
    assert.equal(parsed.survey.thankYou.message, 'Thank you for your answer.');
  });
  it('names each problem', () => {
    const parsed = parseSurvey('bad id!', {
      name: '', questions: [
        { id: 'a', prompt: 'p', trait: 'email', options },
        { id: 'a', prompt: 'p', trait: 'ok', options: [options[0], options[0]] },
        { id: 'b', prompt: 'p', trait: 'x', options: [options[0]] },
      ],
    });
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.issues.map((i) => i.field), ['id', 'name', 'questions.0.trait', 'questions.2.options']);
    const dupes = parseSurvey('s', { name: 'n', questions: [{ id: 'a', prompt: 'p', trait: 't', options }, { id: 'a', prompt: 'p', trait: 'u', options: [options[0], options[0]] }] });
    assert.ok(!dupes.ok);
    assert.deepEqual(dupes.issues.map((i) => i.field), ['questions.1.id', 'questions.1.options.1.value']);
    assert.ok(!parseSurvey('s', { ...SURVEY, extra: 1 }).ok, 'unknown keys are refused');
    assert.ok(!parseSurvey('s', { ...SURVEY, thankYou: { redirectUrl: 'javascript:alert(1)' } }).ok);
  });
  it('the next question skips what the profile already knows, from any source', () => {
    const parsed = parseSurvey('s', SURVEY);
    assert.ok(parsed.ok);
    assert.equal(nextQuestion(parsed.survey, 'plm', new Set(['plm_system']))?.id, 'size');
    assert.equal(nextQuestion(parsed.survey, 'plm', new Set(['plm_system', 'team_size']))?.id, 'role');
    assert.equal(nextQuestion(parsed.survey, 'plm', new Set(['team_size', 'role'])), null);
    assert.equal(nextQuestion(parsed.survey, 'role', new Set()), null, 'after the last');
    assert.equal(firstUnanswered(parsed.survey, new Set())?.id, 'plm');
    assert.equal(firstUnanswered(parsed.survey, new Set(['plm_system']))?.id, 'size');
    assert.equal(firstUnanswered(parsed.survey, new Set(['plm_system', 'team_size', 'role'])), null);
  });
});

describe('email lists', () => {
  it('validates the purpose against the workspace', () => {
    assert.ok(parseEmailList('news', { name: 'News' }, new Set(['email_marketing'])).ok, 'email_marketing by default');
    const bad = parseEmailList('news', { name: 'News', purpose: 'spam' }, new Set(['email_marketing']));
    assert.ok(!bad.ok && bad.issues[0]!.field === 'purpose');
  });
  it('confirming: only the latest request confirms, once', () => {
    const sub = (over: Partial<ListSubscription>): ListSubscription => ({
      workspaceId: 'w', listId: 'l', profileId: 'p', status: 'pending', requestId: 'r2', requestedAt: 1, confirmedAt: null, unsubscribedAt: null, updatedAt: 1, ...over,
    });
    assert.equal(confirmOutcome(null, 'r2'), 'not_requested');
    assert.equal(confirmOutcome(sub({}), 'r2'), 'confirm');
    assert.equal(confirmOutcome(sub({}), 'r1'), 'superseded', 'an older email\'s link');
    assert.equal(confirmOutcome(sub({ status: 'subscribed' }), 'r2'), 'already_subscribed');
    assert.equal(confirmOutcome(sub({ status: 'unsubscribed' }), 'r2'), 'superseded', 'an old link cannot undo an unsubscribe');
    assert.equal(confirmOutcome(sub({ requestId: null }), 'r2'), 'not_requested');
  });
});
