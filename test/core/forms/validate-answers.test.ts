/** Answers are validated against the fields shown in that view, each problem named per field. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateAnswers, type ShownField } from '../../../src/core/forms/validate-answers.js';
import { whitepaperForm } from './form-fixtures.js';

const form = whitepaperForm({
  fields: [
    ...whitepaperForm().fields.filter((f) => f.key !== 'plm'),
    { key: 'employees', type: 'number', label: { en: 'Employees' }, purpose: 'necessary', validation: { min: 1, max: 100000 } },
    { key: 'phone', type: 'tel', label: { en: 'Phone' }, purpose: 'necessary' },
    { key: 'zip', type: 'text', label: { en: 'ZIP' }, purpose: 'necessary', validation: { pattern: '[0-9]{5}' } },
    { key: 'agree', type: 'checkbox', label: { en: 'I agree' }, purpose: 'necessary', required: true },
  ],
});
const shown = (keys: string[], prefilled: string[] = []): ShownField[] => keys.map((k) => ({ field: form.fields.find((f) => f.key === k)!, prefilled: prefilled.includes(k) }));
const reasons = (result: ReturnType<typeof validateAnswers>) => (result.ok ? {} : Object.fromEntries(result.issues.map((i) => [i.field, i.reason])));

describe('answer validation', () => {
  it('normalises valid answers and separates consents', () => {
    const result = validateAnswers(shown(['email', 'company', 'employees', 'newsletter', 'jobRole']), {
      email: '  Karoline@ACME.com ', company: ' Acme ', employees: '250', newsletter: true, jobRole: 'manager',
    }, undefined);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.value.traits, { email: 'karoline@acme.com', company: 'Acme', employees: 250, jobRole: 'manager' });
    assert.deepEqual(result.value.consents.map((f) => f.key), ['newsletter']);
    assert.deepEqual(result.value.answered.sort(), ['company', 'email', 'employees', 'jobRole', 'newsletter']);
  });

  it('names every wrong answer with a reason a visitor can read', () => {
    const result = validateAnswers(shown(['email', 'employees', 'jobRole', 'phone', 'zip', 'agree']), {
      email: 'not-an-email', employees: 0, jobRole: 'astronaut', phone: 'call me', zip: '1234', company: 'Acme',
    }, undefined);
    assert.deepEqual(reasons(result), {
      'answers.email': 'must be an email address such as name@example.com',
      'answers.employees': 'must be at least 1',
      'answers.jobRole': 'must be one of engineer, manager, executive',
      'answers.phone': 'must be a phone number (digits, spaces, + - ( ) . /)',
      'answers.zip': 'does not have the expected format',
      'answers.agree': 'must be ticked',
      'answers.company': 'is not a field shown in this view',
    });
  });

  it('names every problem of one answer: too long and not an email address, or not a phone number', () => {
    const all = (result: ReturnType<typeof validateAnswers>) => (result.ok ? [] : result.issues.map((i) => `${i.field}: ${i.reason}`));
    assert.deepEqual(all(validateAnswers(shown(['email']), { email: 'x'.repeat(2_001) }, undefined)), [
      'answers.email: must be at most 2000 characters', 'answers.email: must be an email address such as name@example.com',
    ]);
    const phone = { ...form.fields.find((f) => f.key === 'phone')!, validation: { maxLength: 5 } };
    assert.deepEqual(all(validateAnswers([{ field: phone, prefilled: false }], { phone: 'call me now' }, undefined)), [
      'answers.phone: must be at most 5 characters', 'answers.phone: must be a phone number (digits, spaces, + - ( ) . /)',
    ]);
    const zip = { ...form.fields.find((f) => f.key === 'zip')!, errorMessage: { en: 'Please enter a 5-digit ZIP code.' }, validation: { pattern: '[0-9]{5}', maxLength: 5 } };
    assert.deepEqual(all(validateAnswers([{ field: zip, prefilled: false }], { zip: 'abcdefgh' }, undefined)), ['answers.zip: Please enter a 5-digit ZIP code.'], 'the field\'s own message is said once');
  });

  it('a declined key that is required and answered too is told both', () => {
    const result = validateAnswers(shown(['email']), { email: 'a@b.example' }, ['email']);
    assert.deepEqual(result.ok ? [] : result.issues.map((i) => i.reason), ['"email" is required and cannot be declined', '"email" is both answered and declined']);
  });

  it('a field\'s own error message, in the visitor\'s locale, replaces the reason of a wrong value', () => {
    const zip = { ...form.fields.find((f) => f.key === 'zip')!, errorMessage: { en: 'Please enter a 5-digit ZIP code.', de: 'Bitte eine fünfstellige PLZ.' } };
    const wrong = validateAnswers([{ field: zip, prefilled: false }], { zip: '12' }, undefined, { locale: 'de-AT', defaultLocale: 'en' });
    assert.deepEqual(reasons(wrong), { 'answers.zip': 'Bitte eine fünfstellige PLZ.' });
    assert.deepEqual(reasons(validateAnswers([{ field: { ...zip, required: true }, prefilled: false }], {}, undefined)), { 'answers.zip': 'is required' });
  });

  it('speaks the visitor\'s language: German built in, English otherwise', () => {
    const wrong = (locale: string) => reasons(validateAnswers(shown(['email', 'employees', 'agree']), { email: 'nope', employees: 0 }, undefined, { locale, defaultLocale: 'en' }));
    assert.deepEqual(wrong('de-AT'), {
      'answers.email': 'muss eine E-Mail-Adresse sein, z. B. name@beispiel.de',
      'answers.employees': 'muss mindestens 1 sein',
      'answers.agree': 'muss angekreuzt sein',
    });
    assert.equal(wrong('fr')['answers.email'], 'must be an email address such as name@example.com');
    assert.equal(wrong('__proto__')['answers.agree'], 'must be ticked');
  });

  it('a required field may be left out when it was shown pre-filled, not otherwise', () => {
    assert.deepEqual(reasons(validateAnswers(shown(['email']), {}, undefined)), { 'answers.email': 'is required' });
    assert.ok(validateAnswers(shown(['email'], ['email']), {}, undefined).ok);
  });

  it('declines: only shown, optional, unanswered fields', () => {
    const ok = validateAnswers(shown(['email', 'company', 'budget']), { email: 'k@acme.com' }, ['budget', 'budget']);
    assert.ok(ok.ok);
    assert.deepEqual(ok.value.declined, ['budget']);
    assert.deepEqual(reasons(validateAnswers(shown(['email', 'company']), { company: 'Acme' }, ['email', 'company', 'plm'])), {
      'declined.0': '"email" is required and cannot be declined',
      'declined.1': '"company" is both answered and declined',
      'declined.2': '"plm" is not a field shown in this view',
      'answers.email': 'is required',
    });
    assert.deepEqual(reasons(validateAnswers(shown(['company']), {}, 'company')), { declined: 'must be an array of field keys' });
  });

  it('refuses answers that are not an object, and over-long text', () => {
    assert.deepEqual(reasons(validateAnswers(shown(['company']), [], undefined)), { answers: 'must be an object of field keys and values' });
    assert.deepEqual(reasons(validateAnswers(shown(['company']), { company: 'x'.repeat(2001) }, undefined)), { 'answers.company': 'must be at most 2000 characters' });
    assert.deepEqual(reasons(validateAnswers(shown(['company']), { company: { a: 1 } }, undefined)), { 'answers.company': 'must be text' });
  });
});
