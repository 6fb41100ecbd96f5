/**
 * The pure part of the form renderer: what a control's state means as an answer, which server
 * issue belongs to which field, and the autocomplete hint of well-known keys.
 */
import type { FieldView } from './form-types.js';

/** A control's state as the DOM gives it. */
export interface RawInput {
  value: string;
  /** Checked state of a single checkbox (boolean fields, consent). */
  checked?: boolean;
  /** Checked values of a checkbox group. */
  values?: string[];
}

/**
 * The answer to send for a field, or undefined to send nothing (an empty optional field; the
 * server then leaves the trait alone). Numbers are sent as numbers; a checkbox group as the list of
 * checked values; a single checkbox and a consent box as booleans.
 */
export function answerOf(field: FieldView, raw: RawInput): unknown {
  if (field.type === 'consent' || (field.type === 'checkbox' && !field.options?.length)) return raw.checked === true;
  if (field.type === 'checkbox') return raw.values?.length ? raw.values : undefined;
  const value = raw.value.trim();
  if (value === '') return undefined;
  if (field.type === 'number') {
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  }
  return value;
}

/**
 * Server issues by field key: `answers.email` (or `answers.email.x`) belongs to field `email`;
 * anything else (`viewId`, `body`) is a form-level message under the empty key.
 */
export function issuesByField(issues: ReadonlyArray<{ field: string; reason: string }>, keys: readonly string[]): Map<string, string> {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const m = /^answers\.(.+)$/.exec(issue.field);
    const key = m ? keys.find((k) => m[1] === k || m[1]!.startsWith(`${k}.`)) : undefined;
    const slot = key ?? '';
    // Shown as sentences: the server's reasons start in lower case ("must be an email address").
    const text = key ? issue.reason.charAt(0).toUpperCase() + issue.reason.slice(1) : `${issue.field} ${issue.reason}`;
    byField.set(slot, byField.has(slot) ? `${byField.get(slot)} ${text}` : text);
  }
  return byField;
}

const AUTOCOMPLETE: Record<string, string> = {
  email: 'email', name: 'name', fullname: 'name', firstname: 'given-name', lastname: 'family-name',
  phone: 'tel', company: 'organization', jobtitle: 'organization-title', title: 'organization-title',
  country: 'country-name', city: 'address-level2', postalcode: 'postal-code', website: 'url',
};

/** The HTML autocomplete token for well-known trait keys (`firstName`, `first_name` …), else undefined. */
export function autocompleteOf(key: string): string | undefined {
  const k = key.toLowerCase().replace(/[^a-z]/g, '');
  return Object.hasOwn(AUTOCOMPLETE, k) ? AUTOCOMPLETE[k] : undefined;
}

/** Whether the visitor may skip a field with "prefer not to say" (optional questions only). */
export function declinable(field: FieldView): boolean {
  return !field.required && field.type !== 'consent' && !field.prefill;
}

/** Only http(s) redirects are followed after a submission (never javascript: or data:). */
export function safeRedirect(url: string | undefined, base: string): string | null {
  if (!url) return null;
  try {
    const u = new URL(url, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch { return null; }
}
