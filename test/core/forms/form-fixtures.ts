/** A lead-generation form used by the forms tests: basics, BANT fields and a newsletter consent. */
import { parseFormInput, type FormDefinition } from '../../../src/core/forms/form-definition.js';

export const WHITEPAPER_FORM_INPUT = {
  name: 'Whitepaper download',
  defaultLocale: 'en',
  alwaysShow: ['email'],
  maxNewQuestions: 2,
  fields: [
    { key: 'email', type: 'email', label: { en: 'Work email', de: 'Geschäftliche E-Mail' }, required: true, purpose: 'necessary', role: 'email', weight: 5 },
    { key: 'firstName', type: 'text', label: { en: 'First name', de: 'Vorname' }, purpose: 'necessary', role: 'name', weight: 1 },
    { key: 'company', type: 'text', label: { en: 'Company', de: 'Firma' }, purpose: 'necessary', role: 'company', weight: 2 },
    { key: 'jobRole', type: 'select', label: { en: 'Your role' }, purpose: 'necessary', role: 'authority', weight: 2,
      options: [{ value: 'engineer', label: { en: 'Engineer' } }, { value: 'manager', label: { en: 'Manager' } }, { value: 'executive', label: { en: 'Executive' } }] },
    { key: 'budget', type: 'select', label: { en: 'Budget this year' }, purpose: 'necessary', role: 'budget', weight: 2,
      options: [{ value: 'lt10k', label: { en: 'Under 10k' } }, { value: 'gt10k', label: { en: '10k or more' } }] },
    { key: 'plm', type: 'text', label: { en: 'Which PLM system do you use?' }, purpose: 'necessary', role: 'need', weight: 2 },
    { key: 'timeline', type: 'radio', label: { en: 'When do you plan to decide?' }, purpose: 'necessary', role: 'timeline', weight: 2,
      options: [{ value: 'q1', label: { en: 'This quarter' } }, { value: 'later', label: { en: 'Later' } }] },
    { key: 'newsletter', type: 'consent', label: { en: 'Newsletter' }, purpose: 'email_marketing', role: 'other', weight: 1,
      consent: { version: '2026-11', text: { en: 'Send me the monthly newsletter. I can unsubscribe at any time.' } } },
  ],
};

export function whitepaperForm(overrides: Record<string, unknown> = {}): FormDefinition {
  const parsed = parseFormInput({ ...WHITEPAPER_FORM_INPUT, ...overrides });
  if (!parsed.ok) throw new Error(`fixture form is invalid: ${JSON.stringify(parsed.issues)}`);
  return { ...parsed.form, id: 'whitepaper', workspaceId: 'ws', createdAt: 0, updatedAt: 0 };
}
