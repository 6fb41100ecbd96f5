/** Form definitions are validated with every problem named by its path. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localise, parseFormInput } from '../../../src/core/forms/form-definition.js';
import { WHITEPAPER_FORM_INPUT } from './form-fixtures.js';

const issuesOf = (input: unknown) => {
  const parsed = parseFormInput(input);
  assert.equal(parsed.ok, false, 'expected the definition to be refused');
  return (parsed as { issues: Array<{ field: string; reason: string }> }).issues;
};
const withField = (i: number, patch: Record<string, unknown>) => ({ ...WHITEPAPER_FORM_INPUT, fields: WHITEPAPER_FORM_INPUT.fields.map((f, j) => (j === i ? { ...f, ...patch } : f)) });

describe('form definitions', () => {
  it('accepts the fixture with defaults filled in', () => {
    const parsed = parseFormInput(WHITEPAPER_FORM_INPUT);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.equal(parsed.form.kiosk, false);
    assert.equal(parsed.form.declineCooldownDays, 90);
    assert.equal(parsed.form.fields[0]!.personal, true, 'an email is personal');
    assert.equal(parsed.form.fields[3]!.personal, false, 'a choice from a list is not');
    assert.equal(parsed.form.fields[1]!.weight, 1);
    assert.deepEqual(parsed.form.submitLabel, { en: 'Submit' });
  });

  it('names each problem', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ ...WHITEPAPER_FORM_INPUT, name: '' }, 'name', /at least 1|too small|>=1/i],
      [withField(1, { key: '1bad key' }), 'fields.1.key', /start with a letter/],
      [withField(1, { key: 'email' }), 'fields.1.key', /used by another field/],
      [withField(3, { options: undefined }), 'fields.3.options', /required for a select/],
      [withField(1, { options: [{ value: 'a', label: { en: 'A' } }] }), 'fields.1.options', /only for select and radio/],
      [withField(7, { consent: undefined }), 'fields.7.consent', /exact text/],
      [withField(1, { validation: { pattern: '([' } }), 'fields.1.validation.pattern', /not a valid regular expression/],
      [withField(1, { validation: { min: 5, max: 1 } }), 'fields.1.validation.min', /greater than max/],
      [withField(1, { label: { de: 'Vorname' } }), 'fields.1.label', /default locale "en"/],
      [withField(1, { type: 'colour' }), 'fields.1.type', /./],
      [withField(1, { weight: 11 }), 'fields.1.weight', /./],
      [withField(1, { surprise: true }), 'fields.1', /surprise/],
      [{ ...WHITEPAPER_FORM_INPUT, alwaysShow: ['nope'] }, 'alwaysShow.0', /not a field of this form/],
      [{ ...WHITEPAPER_FORM_INPUT, alwaysShow: ['email', 'email'] }, 'alwaysShow.1', /listed twice/],
      [withField(7, { knownAs: ['x'] }), 'fields.7.knownAs', /not for consent fields/],
      [{ ...WHITEPAPER_FORM_INPUT, alwaysShow: [], kiosk: true }, 'kiosk', /required email field in alwaysShow/],
      [{ ...WHITEPAPER_FORM_INPUT, thankYou: { message: { en: 'x' }, redirectUrl: 'javascript:alert(1)' } }, 'thankYou.redirectUrl', /./],
      [{ ...WHITEPAPER_FORM_INPUT, maxNewQuestions: -1 }, 'maxNewQuestions', /./],
    ];
    for (const [input, field, reason] of cases) {
      const issues = issuesOf(input);
      const issue = issues.find((i) => i.field === field);
      assert.ok(issue, `no issue for ${field}: ${JSON.stringify(issues)}`);
      assert.match(issue.reason, reason);
    }
    for (const junk of [null, [], 'form', 42]) assert.equal(parseFormInput(junk).ok, false);
  });

  it('localises with a fallback to the language, then the default locale', () => {
    const text = { en: 'Company', de: 'Firma' };
    assert.equal(localise(text, 'de-AT', 'en'), 'Firma');
    assert.equal(localise(text, 'fr', 'en'), 'Company');
    assert.equal(localise(text, undefined, 'en'), 'Company');
    assert.equal(localise({ constructor: 'x', en: 'y' } as Record<string, string>, 'toString', 'en'), 'y');
  });
});
