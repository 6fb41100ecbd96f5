/**
 * Form definitions (progressive profiling): a pool of fields a workspace may ask, the fields that
 * always show, and how many new questions one view may ask. Which of the pool a visitor sees is
 * decided per view by next-questions.ts.
 *
 * Contracts:
 * - A field's `key` is the trait its answer is stored as (source `form:<id>`), except for `consent`
 *   fields, whose answer goes to the consent ledger with the field's exact wording.
 * - Texts are given per locale (`{ en: 'Company', de: 'Firma' }`); the form's `defaultLocale` must be
 *   present in each, so that every visitor gets a text.
 * - `pattern` is compiled here (a definition with an invalid regular expression is refused) and
 *   limited in length; answers are length-limited before matching.
 */
import { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import { httpUrlSchema } from '../safe-url.js';
import type { EpochMs } from '../time.js';

export const FIELD_TYPES = ['text', 'email', 'tel', 'number', 'select', 'radio', 'checkbox', 'textarea', 'consent'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** What a field tells about the lead: BANT (budget, authority, need, timeline) and the basics. */
export const FIELD_ROLES = ['email', 'name', 'company', 'role', 'budget', 'authority', 'need', 'timeline', 'other'] as const;
export type FieldRole = (typeof FIELD_ROLES)[number];

export type LocalisedText = Record<string, string>;

export interface FieldOption { value: string; label: LocalisedText }

export interface FormField {
  key: string;
  type: FieldType;
  label: LocalisedText;
  placeholder?: LocalisedText;
  help?: LocalisedText;
  required: boolean;
  options?: FieldOption[];
  validation?: { pattern?: string; min?: number; max?: number; maxLength?: number };
  /** What a visitor reads when the answer does not pass validation ("Please enter a 5-digit ZIP code"). */
  errorMessage?: LocalisedText;
  /** The purpose the answer is collected for (a consent field: the purpose it grants). */
  purpose: string;
  role: FieldRole;
  /** Importance for qualification, 0–10. */
  weight: number;
  /** Whether a known value is personal data, shown masked in a pre-fill. Default: text-like types. */
  personal: boolean;
  /** Consent fields only: the exact text shown next to the checkbox, and its version. */
  consent?: { text: LocalisedText; version: string };
  /**
   * Other trait names that hold the same fact (a CRM import's `company_name`, an identify's
   * `title`): a value under any of them makes the field known, so it is not asked.
   */
  knownAs?: string[];
}

export interface FormDefinition {
  id: string;
  workspaceId: string;
  name: string;
  defaultLocale: string;
  fields: FormField[];
  /** Keys of fields shown on every view (when not already known), e.g. the email. */
  alwaysShow: string[];
  /** Questions beyond `alwaysShow` per view. */
  maxNewQuestions: number;
  submitLabel: LocalisedText;
  thankYou: { message: LocalisedText; redirectUrl?: string };
  /** Shared device: no recognition, no pre-fill, the device's anonymous id is never linked. */
  kiosk: boolean;
  /** A declined field is not asked again for this many days. */
  declineCooldownDays: number;
  /** What losing a lead costs in the units of field weights (see next-questions.ts). */
  dropOffCost: number;
  archived: boolean;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export type FormInput = Omit<FormDefinition, 'id' | 'workspaceId' | 'createdAt' | 'updatedAt'>;

const locale = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or de-AT');
const text = (max: number) => z.record(locale, z.string().min(1).max(max)).refine((t) => Object.keys(t).length > 0, 'needs a text in at least one locale');
const fieldKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must start with a letter and hold only letters, digits and _, up to 64 characters');
const TEXT_LIKE: ReadonlySet<FieldType> = new Set(['text', 'email', 'tel', 'textarea']);

const fieldSchema = z.object({
  key: fieldKey,
  type: z.enum(FIELD_TYPES),
  label: text(500),
  placeholder: text(200).optional(),
  help: text(1000).optional(),
  required: z.boolean().default(false),
  options: z.array(z.object({ value: z.string().min(1).max(200), label: text(200) }).strict()).min(1).max(50).optional(),
  validation: z.object({
    pattern: z.string().min(1).max(200).optional(),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    maxLength: z.number().int().min(1).max(10_000).optional(),
  }).strict().optional(),
  purpose: z.string().min(1).max(64),
  role: z.enum(FIELD_ROLES).default('other'),
  weight: z.number().min(0).max(10).default(1),
  personal: z.boolean().optional(),
  consent: z.object({ text: text(20_000), version: z.string().min(1).max(100) }).strict().optional(),
  knownAs: z.array(z.string().min(1).max(512)).max(20).optional(),
  errorMessage: text(500).optional(),
}).strict();

const formSchema = z.object({
  name: z.string().min(1).max(200),
  defaultLocale: locale.default('en'),
  fields: z.array(fieldSchema).min(1).max(100),
  alwaysShow: z.array(fieldKey).max(20).default([]),
  maxNewQuestions: z.number().int().min(0).max(20).default(2),
  submitLabel: text(100).default({ en: 'Submit' }),
  thankYou: z.object({ message: text(2000), redirectUrl: httpUrlSchema(2000).optional() }).strict().default({ message: { en: 'Thank you!' } }),
  kiosk: z.boolean().default(false),
  declineCooldownDays: z.number().int().min(0).max(3650).default(90),
  dropOffCost: z.number().min(0).max(100).default(5),
  archived: z.boolean().default(false),
}).strict();

export type ParsedForm = { ok: true; form: FormInput } | { ok: false; issues: FieldIssue[] };

/** Validates a definition from the API; every problem is named by its path (`fields.2.options`). */
export function parseFormInput(input: unknown): ParsedForm {
  const parsed = formSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', reason: i.message })) };
  const f = parsed.data;
  const issues: FieldIssue[] = [];
  const keys = new Set<string>();
  const fields: FormField[] = f.fields.map((raw, i) => {
    const at = `fields.${i}`;
    if (keys.has(raw.key)) issues.push({ field: `${at}.key`, reason: `"${raw.key}" is used by another field` });
    keys.add(raw.key);
    const choice = raw.type === 'select' || raw.type === 'radio';
    if (choice && !raw.options) issues.push({ field: `${at}.options`, reason: `is required for a ${raw.type} field` });
    if (!choice && raw.options) issues.push({ field: `${at}.options`, reason: `is only for select and radio fields` });
    if (raw.options && new Set(raw.options.map((o) => o.value)).size !== raw.options.length) issues.push({ field: `${at}.options`, reason: 'holds the same value twice' });
    if (raw.type === 'consent' && !raw.consent) issues.push({ field: `${at}.consent`, reason: 'is required for a consent field: the exact text and its version' });
    if (raw.type !== 'consent' && raw.consent) issues.push({ field: `${at}.consent`, reason: 'is only for consent fields' });
    if (raw.type === 'consent' && raw.knownAs) issues.push({ field: `${at}.knownAs`, reason: 'is not for consent fields (a consent is known from the consent state)' });
    const v = raw.validation;
    if (v?.min !== undefined && v.max !== undefined && v.min > v.max) issues.push({ field: `${at}.validation.min`, reason: 'is greater than max' });
    if (v?.pattern !== undefined) {
      try { new RegExp(v.pattern, 'u'); } catch { issues.push({ field: `${at}.validation.pattern`, reason: 'is not a valid regular expression' }); }
    }
    const texts: Array<[string, LocalisedText | undefined]> = [['label', raw.label], ['placeholder', raw.placeholder], ['help', raw.help], ['consent.text', raw.consent?.text], ['errorMessage', raw.errorMessage]];
    for (const [name, t] of texts) if (t && !Object.hasOwn(t, f.defaultLocale)) issues.push({ field: `${at}.${name}`, reason: `needs a text in the default locale "${f.defaultLocale}"` });
    raw.options?.forEach((o, j) => { if (!Object.hasOwn(o.label, f.defaultLocale)) issues.push({ field: `${at}.options.${j}.label`, reason: `needs a text in the default locale "${f.defaultLocale}"` }); });
    return {
      key: raw.key, type: raw.type, label: raw.label, required: raw.required, purpose: raw.purpose, role: raw.role, weight: raw.weight,
      personal: raw.personal ?? TEXT_LIKE.has(raw.type),
      ...(raw.placeholder ? { placeholder: raw.placeholder } : {}),
      ...(raw.help ? { help: raw.help } : {}),
      ...(raw.options ? { options: raw.options } : {}),
      ...(raw.validation ? { validation: raw.validation } : {}),
      ...(raw.consent ? { consent: raw.consent } : {}),
      ...(raw.knownAs?.length ? { knownAs: raw.knownAs } : {}),
      ...(raw.errorMessage ? { errorMessage: raw.errorMessage } : {}),
    };
  });
  f.alwaysShow.forEach((key, i) => {
    if (!keys.has(key)) issues.push({ field: `alwaysShow.${i}`, reason: `"${key}" is not a field of this form` });
    else if (f.alwaysShow.indexOf(key) !== i) issues.push({ field: `alwaysShow.${i}`, reason: `"${key}" is listed twice` });
  });
  if (f.kiosk && !fields.some((x) => x.type === 'email' && f.alwaysShow.includes(x.key) && x.required)) {
    issues.push({ field: 'kiosk', reason: 'a kiosk form needs a required email field in alwaysShow: on a shared device the answers are linked by the email alone' });
  }
  for (const [name, t] of [['submitLabel', f.submitLabel], ['thankYou.message', f.thankYou.message]] as const) {
    if (!Object.hasOwn(t, f.defaultLocale)) issues.push({ field: name, reason: `needs a text in the default locale "${f.defaultLocale}"` });
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    form: {
      name: f.name, defaultLocale: f.defaultLocale, fields, alwaysShow: f.alwaysShow, maxNewQuestions: f.maxNewQuestions, submitLabel: f.submitLabel,
      thankYou: { message: f.thankYou.message, ...(f.thankYou.redirectUrl ? { redirectUrl: f.thankYou.redirectUrl } : {}) },
      kiosk: f.kiosk, declineCooldownDays: f.declineCooldownDays, dropOffCost: f.dropOffCost, archived: f.archived,
    },
  };
}

/** The text for `locale`, falling back to its language (`de` for `de-AT`), then the form's default. */
export function localise(text: LocalisedText, locale: string | undefined, fallback: string): string {
  if (locale) {
    if (Object.hasOwn(text, locale)) return text[locale]!;
    const language = locale.split('-')[0]!;
    if (Object.hasOwn(text, language)) return text[language]!;
  }
  return Object.hasOwn(text, fallback) ? text[fallback]! : Object.values(text)[0] ?? '';
}

/** The input shape, for the API reference (src/http/schemas/bodies.ts generates its JSON Schema). */
export const formInputSchema = formSchema;
