/**
 * Masking of known values shown in a pre-fill: enough for the person to recognise their own data
 * ("k***@acme.com"), too little for someone else on the same device to learn it. Non-personal
 * values (an option chosen from a list) are shown as they are.
 */
import type { FormField } from './form-definition.js';

/** `karoline@acme.com` → `k***@acme.com`; the domain stays, it tells which address it is. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return maskText(email);
  return `${email[0]}***${email.slice(at)}`;
}

/** `Karoline` → `K***`; `+49 170 1234567` → `***67`. */
export function maskText(text: string): string {
  const t = text.trim();
  if (t.length === 0) return '***';
  if (/^[+\d\s()./-]+$/.test(t)) return `***${t.replace(/\D/g, '').slice(-2)}`;
  return `${[...t][0]}***`;
}

export function maskValue(field: FormField, value: unknown, label: (optionValue: string) => string | undefined): string {
  if (field.type === 'consent' || field.type === 'checkbox') return value === true ? '✓' : '–';
  if ((field.type === 'select' || field.type === 'radio') && typeof value === 'string') return field.personal ? '***' : label(value) ?? value;
  const text = String(value);
  if (!field.personal) return text;
  return field.type === 'email' ? maskEmail(text) : maskText(text);
}
