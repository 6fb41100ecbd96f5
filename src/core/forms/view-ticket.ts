/**
 * The `viewId` of a rendered form: a signed ticket saying which fields one visitor was shown (and
 * which of them pre-filled), so that the submit validates against exactly that view and the
 * counters of the drop-off model count what was really shown, without storing every view.
 *
 * The MAC function is given by the caller (a keyed hash on the workspace secret); a ticket is bound
 * to its form and its anonymous id and expires after TICKET_TTL_MS.
 */
import type { EpochMs } from '../time.js';

export const TICKET_TTL_MS = 7 * 86_400_000;

export interface ViewTicket {
  id: string;
  formId: string;
  anonymousId: string;
  /** Keys shown, in order. */
  shown: string[];
  /** Keys shown pre-filled. */
  prefilled: string[];
  /** The visitor was recognised (verified prefill token) for this view. */
  recognised: boolean;
  at: EpochMs;
}

export function encodeTicket(ticket: ViewTicket, mac: (text: string) => string): string {
  const payload = Buffer.from(JSON.stringify([ticket.id, ticket.formId, ticket.anonymousId, ticket.shown, ticket.prefilled, ticket.recognised ? 1 : 0, ticket.at]), 'utf8').toString('base64url');
  return `${payload}.${mac(`form-view:${payload}`)}`;
}

export type TicketCheck = { ok: true; ticket: ViewTicket } | { ok: false; reason: string };

export function decodeTicket(value: unknown, expected: { formId: string; anonymousId: string; now: EpochMs }, mac: (text: string) => string): TicketCheck {
  if (typeof value !== 'string' || value.length > 8192) return { ok: false, reason: 'is not a view id from this form\'s render' };
  const [payload, signature, extra] = value.split('.');
  if (!payload || !signature || extra !== undefined || mac(`form-view:${payload}`) !== signature) return { ok: false, reason: 'is not a view id from this form\'s render' };
  let parts: unknown;
  try { parts = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')); } catch { return { ok: false, reason: 'is malformed' }; }
  if (!Array.isArray(parts) || parts.length !== 7) return { ok: false, reason: 'is malformed' };
  const [id, formId, anonymousId, shown, prefilled, recognised, at] = parts as [string, string, string, string[], string[], number, number];
  if (formId !== expected.formId) return { ok: false, reason: 'belongs to another form' };
  if (anonymousId !== expected.anonymousId) return { ok: false, reason: 'belongs to another visitor (anonymousId)' };
  if (!(expected.now - at < TICKET_TTL_MS)) return { ok: false, reason: 'has expired; render the form again' };
  return { ok: true, ticket: { id, formId, anonymousId, shown, prefilled, recognised: recognised === 1, at } };
}
