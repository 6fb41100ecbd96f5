/** The shapes of `GET /v1/forms/{id}/render` and `POST /v1/forms/{id}/submit` (the agreed contract). */
export type FieldKind = 'text' | 'email' | 'tel' | 'number' | 'select' | 'radio' | 'checkbox' | 'textarea' | 'consent';

export interface FieldView {
  key: string;
  type: FieldKind;
  label: string;
  required: boolean;
  options?: Array<{ value: string; label: string }>;
  placeholder?: string;
  help?: string;
  validation?: { pattern?: string; min?: number; max?: number; maxLength?: number };
  /** Present only for a visitor recognised by an email link or the site's server. */
  prefill?: { masked: string };
  /** Consent fields: the exact wording shown, and the purpose it grants. */
  text?: string;
  purpose?: string;
  why?: string;
}

export interface FormView {
  form: { id: string; name: string; submitLabel: string; thankYou: { message: string; redirectUrl?: string } };
  viewId: string;
  fields: FieldView[];
  recognized: { masked: string } | null;
  complete: boolean;
}

export interface SubmitAnswer {
  ok: true;
  next: FormView | null;
  thankYou: { message: string; redirectUrl?: string };
}

export interface ErrorAnswer {
  error: { code: string; message: string; issues?: Array<{ field: string; reason: string }> };
}

/**
 * The renderer's own texts (the form's labels and messages come from Tessera, per locale). English,
 * and German for `de…` locales; pages override any of them per form (tessera.form(id, el, { texts })).
 */
export interface FormTexts {
  notYou: string;
  welcome: string;
  change: string;
  decline: string;
  choose: string;
  errors: string;
  failed: string;
}

export const DEFAULT_TEXTS: FormTexts = {
  notYou: 'Not you?',
  welcome: 'Welcome back,',
  change: 'Change',
  decline: 'Prefer not to say',
  choose: 'Choose…',
  errors: 'Please correct the marked fields:',
  failed: 'Sending failed. Please try again.',
};

const GERMAN: FormTexts = {
  notYou: 'Nicht Sie?',
  welcome: 'Willkommen zurück,',
  change: 'Ändern',
  decline: 'Keine Angabe',
  choose: 'Bitte wählen…',
  errors: 'Bitte korrigieren Sie die markierten Felder:',
  failed: 'Senden fehlgeschlagen. Bitte versuchen Sie es erneut.',
};

/** The default texts for a locale (a language tag such as `de-AT`). */
export function textsFor(locale: string): FormTexts {
  return /^de\b/i.test(locale) ? GERMAN : DEFAULT_TEXTS;
}
