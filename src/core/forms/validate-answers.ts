/**
 * Validation of a form submission against the fields shown in that view. Every problem names its
 * field (`answers.email`) and a reason a visitor can read; nothing is stored unless all pass.
 *
 * Contracts:
 * - Only fields shown in the view may be answered or declined (a client cannot write other traits
 *   through a form).
 * - A required field must be answered, unless it was shown pre-filled (the browser does not
 *   re-send an unchanged pre-filled value). A required field cannot be declined.
 * - Values are normalised: strings trimmed (an email also lower-cased), numbers from numeric
 *   strings, checkboxes from booleans. An empty optional answer counts as not answered.
 * - Reasons about answers are in the visitor's language (answer-messages.ts); a field's own
 *   `errorMessage` replaces the reason of a value that does not pass validation. Reasons about the
 *   request itself (a field not shown, a bad `declined`) are for developers, in English.
 */
import type { FieldIssue } from '../errors.js';
import type { JsonObject } from '../events/event.js';
import { answerMessage, type AnswerProblem } from './answer-messages.js';
import { localise, type FormField } from './form-definition.js';

export interface ShownField {
  field: FormField;
  prefilled: boolean;
}

export interface ValidAnswers {
  /** Trait values by key (consent fields excluded). */
  traits: JsonObject;
  /** Consent fields ticked. */
  consents: FormField[];
  declined: string[];
  /** Keys answered (traits and consents). */
  answered: string[];
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/;
const TEL = /^\+?[0-9 ()./-]{4,30}$/;
const MAX_TEXT = 2_000;
const MAX_TEXTAREA = 10_000;

export function validateAnswers(shown: ShownField[], answers: unknown, declined: unknown, locale: { locale?: string; defaultLocale: string } = { defaultLocale: 'en' }): { ok: true; value: ValidAnswers } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) return { ok: false, issues: [{ field: 'answers', reason: 'must be an object of field keys and values' }] };
  const byKey = new Map(shown.map((s) => [s.field.key, s]));
  const given = answers as Record<string, unknown>;
  for (const key of Object.keys(given)) if (!byKey.has(key)) issues.push({ field: `answers.${key}`, reason: 'is not a field shown in this view' });
  const declinedKeys: string[] = [];
  if (declined !== undefined) {
    if (!Array.isArray(declined) || declined.some((k) => typeof k !== 'string')) issues.push({ field: 'declined', reason: 'must be an array of field keys' });
    else for (const [i, key] of (declined as string[]).entries()) {
      const s = byKey.get(key);
      if (!s) issues.push({ field: `declined.${i}`, reason: `"${key}" is not a field shown in this view` });
      else {
        const required = s.field.required === true;
        const answered = Object.hasOwn(given, key) && !isEmpty(given[key]);
        if (required) issues.push({ field: `declined.${i}`, reason: `"${key}" is required and cannot be declined` });
        if (answered) issues.push({ field: `declined.${i}`, reason: `"${key}" is both answered and declined` });
        if (!required && !answered && !declinedKeys.includes(key)) declinedKeys.push(key);
      }
    }
  }
  const value: ValidAnswers = { traits: {}, consents: [], declined: declinedKeys, answered: [] };
  for (const { field, prefilled } of shown) {
    const raw = Object.hasOwn(given, field.key) ? given[field.key] : undefined;
    const name = `answers.${field.key}`;
    if (isEmpty(raw) || (field.type === 'consent' && raw === false)) {
      if (field.required && !prefilled && !declinedKeys.includes(field.key)) issues.push({ field: name, reason: answerMessage({ code: field.type === 'consent' || field.type === 'checkbox' ? 'tick' : 'required' }, locale.locale) });
      continue;
    }
    const result = normalise(field, raw);
    if ('problems' in result) {
      // The field's own message says it once; else each problem has its reason.
      if (field.errorMessage) issues.push({ field: name, reason: localise(field.errorMessage, locale.locale, locale.defaultLocale) });
      else for (const problem of result.problems) issues.push({ field: name, reason: answerMessage(problem, locale.locale) });
      continue;
    }
    value.answered.push(field.key);
    if (field.type === 'consent') value.consents.push(field);
    else value.traits[field.key] = result.value;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
}

function isEmpty(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

/**
 * The stored value, or every problem with it: checks that do not depend on each other all run (a
 * text too long and not an email address is told both); a value of the wrong kind has one problem.
 */
function normalise(field: FormField, raw: unknown): { value: unknown } | { problems: AnswerProblem[] } {
  const v = field.validation ?? {};
  const one = (problem: AnswerProblem) => ({ problems: [problem] });
  switch (field.type) {
    case 'checkbox':
    case 'consent':
      if (raw === true || raw === 'true' || raw === 'on') return { value: true };
      if (field.type === 'checkbox' && (raw === false || raw === 'false')) return { value: false };
      return one({ code: 'boolean' });
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return one({ code: 'number' });
      // min and max exclude each other (a form definition has min <= max).
      if (v.min !== undefined && n < v.min) return one({ code: 'min', min: v.min });
      if (v.max !== undefined && n > v.max) return one({ code: 'max', max: v.max });
      return { value: n };
    }
    case 'select':
    case 'radio': {
      if (typeof raw !== 'string') return one({ code: 'option' });
      const option = field.options?.find((o) => o.value === raw);
      return option ? { value: option.value } : one({ code: 'oneOf', options: field.options?.map((o) => o.value).join(', ') ?? '' });
    }
    default: {
      if (typeof raw !== 'string' && typeof raw !== 'number') return one({ code: 'text' });
      let text = String(raw).trim();
      const problems: AnswerProblem[] = [];
      const limit = v.maxLength ?? (field.type === 'textarea' ? MAX_TEXTAREA : MAX_TEXT);
      if (text.length > limit) problems.push({ code: 'maxLength', limit });
      if (field.type === 'email') {
        text = text.toLowerCase();
        if (!EMAIL.test(text)) problems.push({ code: 'email' });
      }
      if (field.type === 'tel' && !TEL.test(text)) problems.push({ code: 'tel' });
      // The form's own pattern runs only on a text within the limit, so that its cost stays bounded
      // (a pattern written without care can take time exponential in the length).
      if (v.pattern !== undefined && text.length <= limit && !new RegExp(`^(?:${v.pattern})$`, 'u').test(text)) problems.push({ code: 'format' });
      return problems.length > 0 ? { problems } : { value: text };
    }
  }
}
