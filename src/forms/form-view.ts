/**
 * The JSON a browser gets for a rendered form (GET /v1/forms/{id}/render, and `next` of a submit),
 * in the visitor's locale. Known values appear only masked and only for a recognised visitor.
 */
import { localise, type FormDefinition, type FormField } from '../core/forms/form-definition.js';
import { maskEmail, maskText, maskValue } from '../core/forms/mask.js';
import type { QuestionPlan } from '../core/forms/next-questions.js';
import type { Profile } from '../core/profiles/profile.js';

export interface FieldView {
  key: string;
  type: FormField['type'];
  label: string;
  required: boolean;
  options?: Array<{ value: string; label: string }>;
  placeholder?: string;
  help?: string;
  validation?: FormField['validation'];
  prefill?: { masked: string };
  /** Consent fields: the exact wording shown and the purpose it grants. */
  text?: string;
  purpose?: string;
  why: string;
}

export interface FormView {
  form: { id: string; name: string; submitLabel: string; thankYou: { message: string; redirectUrl?: string } };
  viewId: string;
  fields: FieldView[];
  recognized: { masked: string } | null;
  complete: boolean;
}

export function thankYouView(form: FormDefinition, locale: string | undefined): FormView['form']['thankYou'] {
  return { message: localise(form.thankYou.message, locale, form.defaultLocale), ...(form.thankYou.redirectUrl ? { redirectUrl: form.thankYou.redirectUrl } : {}) };
}

export function formView(form: FormDefinition, plan: QuestionPlan, view: { viewId: string; locale: string | undefined; recognised: Profile | null }): FormView {
  const t = (text: Record<string, string>) => localise(text, view.locale, form.defaultLocale);
  const fields = plan.fields.map(({ field, known, why }): FieldView => {
    const label = (value: string) => { const o = field.options?.find((x) => x.value === value); return o ? t(o.label) : undefined; };
    return {
      key: field.key, type: field.type, label: t(field.label), required: field.required,
      ...(field.options ? { options: field.options.map((o) => ({ value: o.value, label: t(o.label) })) } : {}),
      ...(field.placeholder ? { placeholder: t(field.placeholder) } : {}),
      ...(field.help ? { help: t(field.help) } : {}),
      ...(field.validation ? { validation: field.validation } : {}),
      ...(known !== undefined && view.recognised ? { prefill: { masked: maskValue(field, known, label) } } : {}),
      ...(field.consent ? { text: t(field.consent.text), purpose: field.purpose } : {}),
      why,
    };
  });
  return {
    form: { id: form.id, name: form.name, submitLabel: t(form.submitLabel), thankYou: thankYouView(form, view.locale) },
    viewId: view.viewId,
    fields,
    recognized: view.recognised ? { masked: recognisedAs(view.recognised) } : null,
    complete: plan.complete,
  };
}

/** How a recognised visitor is greeted: their masked email, else masked name, never in clear. */
function recognisedAs(profile: Profile): string {
  const email = profile.traits.email;
  if (typeof email === 'string' && email.includes('@')) return maskEmail(email);
  const name = profile.traits.firstName ?? profile.traits.name;
  return typeof name === 'string' ? maskText(name) : '***';
}
