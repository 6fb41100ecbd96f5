/**
 * Email lists and subscriptions (double opt-in, RFC 8058 unsubscribe).
 *
 * A subscription moves pending → subscribed (the person confirmed on the page, with a POST) →
 * unsubscribed, and may start again (re-subscribing months later sends a new confirmation). The
 * consent for the list's purpose is granted only by the confirmation, whose record is the
 * evidence (GDPR Art. 7(1)); an unsubscribe withdraws it (Art. 7(3)) when no other list of the same
 * purpose is still subscribed.
 */
import { z } from 'zod';
import { singleLineText } from '../header-text.js';
import type { FieldIssue } from '../errors.js';
import type { EpochMs } from '../time.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const definition = z.object({
  /** Shown in the confirmation email's subject: one line. */
  name: singleLineText(1, 200),
  description: z.string().max(1000).optional(),
  /** The consent purpose the list's emails are sent for (a purpose the workspace declares). */
  purpose: z.string().min(1).max(64).default('email_marketing'),
  /** The exact wording the person agrees to; shown on the confirmation page and kept as consent evidence. */
  wording: z.string().min(1).max(5000).optional(),
}).strict();

export type EmailListInput = z.input<typeof definition>;
export interface EmailList extends z.output<typeof definition> {
  id: string;
}

export type SubscriptionStatus = 'pending' | 'subscribed' | 'unsubscribed';

export interface ListSubscription {
  workspaceId: string;
  listId: string;
  profileId: string;
  status: SubscriptionStatus;
  /** The id of the latest confirmation token sent (only that one confirms a pending request). */
  requestId: string | null;
  requestedAt: EpochMs | null;
  confirmedAt: EpochMs | null;
  unsubscribedAt: EpochMs | null;
  updatedAt: EpochMs;
}

export function isListId(id: string): boolean {
  return ID.test(id);
}

export function parseEmailList(id: string, input: unknown, purposes: ReadonlySet<string>): { ok: true; list: EmailList } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  if (!ID.test(id)) issues.push({ field: 'id', reason: 'must be 1–64 letters, digits, _ or -' });
  const parsed = definition.safeParse(input);
  if (!parsed.success) issues.push(...parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', reason: i.message })));
  else if (!purposes.has(parsed.data.purpose)) issues.push({ field: 'purpose', reason: 'is not a purpose declared by the workspace' });
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, list: { id, ...parsed.data } };
}

/** What confirming a subscription does, decided from its current state and the token's request id. */
export type ConfirmOutcome = 'confirm' | 'already_subscribed' | 'superseded' | 'not_requested';

export function confirmOutcome(current: ListSubscription | null, requestId: string): ConfirmOutcome {
  if (!current || current.requestId === null) return 'not_requested';
  if (current.requestId !== requestId) return 'superseded';
  return current.status === 'subscribed' ? 'already_subscribed' : current.status === 'pending' ? 'confirm' : 'superseded';
}

/** The input shape, for the API reference (src/http/schemas/bodies.ts generates its JSON Schema). */
export const emailListInputSchema = definition;
