/**
 * Double opt-in and unsubscribe (see core/links/email-list.ts for the states).
 *
 * - subscribe: identifies the person by the email given (through ingest; a device's anonymousId
 *   is linked when given), marks the subscription pending with a new request id and sends the
 *   confirmation email over SMTP. The answer is the same whether or not the address is known or
 *   subscribed (nobody learns who is on a list); a subscribed person gets no second email, nor
 *   does a pending one within RESEND_AFTER_MS of the last email.
 * - confirm (a POST on the confirmation page): grants the list's purpose in the consent ledger,
 *   channel `email_confirmation`, with the page's exact wording and the request and confirmation
 *   as evidence. Only the latest request's link confirms; confirming twice changes nothing.
 * - unsubscribe (the page's POST or an RFC 8058 one-click POST): marks the subscription
 *   unsubscribed and withdraws the list's purpose in the ledger, unless another subscribed list of
 *   the person has the same purpose (then the consent stands for that list).
 * Machines (core/links/machine-verdict.ts) never confirm nor unsubscribe.
 */
import { randomUUID } from 'node:crypto';
import { TesseraError } from '../core/errors.js';
import { normaliseIdentity, type IdentityGuard } from '../core/identity/identity-key.js';
import { confirmOutcome, type EmailList, type ListSubscription } from '../core/links/email-list.js';
import { DEFAULT_MACHINE_RULES, judgeInteraction } from '../core/links/machine-verdict.js';
import { recordEmailEvent, type LinkRequest } from './email-events.js';
import type { LinkDeps } from './link-context.js';
import { LINK_TTL_MS, linkUrl } from './link-lifetimes.js';
import { confirmationMail } from './mail-templates.js';
import { findPerson, type Person } from './person.js';
import { emailBase } from '../public-base.js';
import { problemOf } from './token-problem.js';
import { currentUserId } from '../core/profiles/current-user-id.js';

/**
 * A pending request asked again within this time sends no new email (the first one's link still
 * works): a form submitted twice, or someone flooding an address with confirmation emails.
 */
export const RESEND_AFTER_MS = 5 * 60_000;

export interface SubscribeRequest {
  email: unknown;
  list: unknown;
  anonymousId?: unknown;
  /** The sign-up form's wording (kept as evidence of what the person asked for, 1,000 characters at most). */
  wording?: unknown;
}

/** The text the person agrees to by confirming: the list's wording, or a plain default. */
export const confirmationWording = (list: EmailList): string => list.wording ?? `Yes, send me the "${list.name}" emails. I can unsubscribe at any time with the link in every email.`;

export interface LinkAction {
  workspaceId: string;
  list: EmailList;
  person: Person;
  /** Token data: the request id (opt-in) and the email id (unsubscribe). */
  requestId: string | null;
  email: string | null;
  issuedAt: number;
  signupWording: string | null;
}

export type ActionLookup = { ok: true; action: LinkAction } | { ok: false; problem: 'invalid' | 'expired' | 'gone' };

export function createSubscriptions(deps: LinkDeps & { guard: IdentityGuard }) {
  const lookUp = async (token: string, purpose: 'optin' | 'unsubscribe'): Promise<ActionLookup> => {
    const verified = await deps.signer.verify(null, token, purpose);
    if (!verified.ok) return { ok: false, problem: problemOf(verified.reason) };
    const { claims } = verified;
    const data = claims.data ?? {};
    const [list, person] = await Promise.all([deps.store.emails.getList(claims.workspaceId, String(data.list)), findPerson(deps.store, claims.workspaceId, claims.recipient)]);
    if (!list || !person) return { ok: false, problem: 'gone' };
    return {
      ok: true,
      action: {
        workspaceId: claims.workspaceId, list, person, issuedAt: claims.issuedAt,
        requestId: typeof data.request === 'string' ? data.request : null, email: typeof data.email === 'string' ? data.email : null,
        signupWording: typeof data.wording === 'string' ? data.wording : null,
      },
    };
  };
  const verdictOf = async (action: LinkAction, kind: 'optin' | 'unsubscribe', request: LinkRequest, oneClick = false) => {
    const settings = await deps.settings.get(action.workspaceId);
    return judgeInteraction({ kind, userAgent: request.userAgent, ip: request.ip, at: deps.now(), sentAt: action.issuedAt, prefetch: request.prefetch, oneClick },
      { ...DEFAULT_MACHINE_RULES, scannerNetworks: settings.scannerNetworks });
  };
  const identifiers = (person: Person) => {
    const userId = currentUserId(person.profile);
    const anonymousId = [...person.profile.identities].filter((i) => i.kind === 'anonymous_id').sort((a, b) => b.firstSeenAt - a.firstSeenAt)[0]?.value;
    return userId ? { userId } : anonymousId ? { anonymousId } : null;
  };
  /** `messageId`, when given, makes a repeat a duplicate that ingest drops. */
  const recordConsent = async (action: LinkAction, granted: boolean, evidence: Record<string, unknown>, request: LinkRequest, messageId?: string) => {
    const ids = identifiers(action.person);
    if (!ids) return;
    const wording = confirmationWording(action.list);
    await deps.ingest.acceptConsent({
      workspaceId: action.workspaceId,
      body: {
        ...ids, ...(messageId ? { messageId } : {}), purposes: { [action.list.purpose]: granted }, channel: granted ? 'email_confirmation' : 'email_link',
        ...(granted ? { wording: { version: `list:${action.list.id}`, text: wording } } : {}),
        evidence: { list: action.list.id, ...evidence },
      },
      request: { ip: request.ip, ...(request.userAgent ? { userAgent: request.userAgent } : {}) },
      // The list's own confirmation text.
      isPublishedWording: () => true,
    });
  };

  return {
    /**
     * POST /v1/subscriptions. Resolves once the confirmation email was accepted by the SMTP server
     * (or none was needed). The confirmation link is on the configured public URL only: refused
     * (`public_url_required`) before anything is recorded while it is not configured.
     */
    async subscribe(workspaceId: string, body: SubscribeRequest): Promise<void> {
      const email = normaliseIdentity('email', body.email, deps.guard);
      const issues = [];
      if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) issues.push({ field: 'email', reason: 'is required: an email address' });
      const list = typeof body.list === 'string' ? await deps.store.emails.getList(workspaceId, body.list) : null;
      if (!list) issues.push({ field: 'list', reason: typeof body.list === 'string' ? 'is not a list of the workspace' : 'is required: a list id' });
      const anonymousId = body.anonymousId === undefined ? undefined : normaliseIdentity('anonymous_id', body.anonymousId, deps.guard);
      if (body.anonymousId !== undefined && !anonymousId) issues.push({ field: 'anonymousId', reason: 'must be a usable identifier' });
      if (body.wording !== undefined && (typeof body.wording !== 'string' || body.wording.length > 1000)) issues.push({ field: 'wording', reason: 'must be a string of at most 1,000 characters' });
      if (issues.length > 0 || !email || !list) throw new TesseraError('invalid_body', { issues });
      if (!deps.mailer.configured) throw new TesseraError('mail_unavailable', { message: 'Email is not configured on this server (set TESSERA_SMTP_URL).' });
      const base = emailBase(deps.publicBase);
      // Every subscriber gets an anonymous id, so that consent can later be recorded for them.
      await deps.ingest.accept({ workspaceId, impliedType: 'identify', items: [{ anonymousId: anonymousId ?? `optin-${randomUUID()}`, traits: { email } }] });
      const profileId = await deps.store.profiles.resolve(workspaceId, email);
      const person = profileId ? await findPerson(deps.store, workspaceId, profileId) : null;
      if (!person) return; // An erased person's address is refused by ingest: nothing to confirm.
      const current = await deps.store.emails.subscription(workspaceId, list.id, person.ids);
      const now = deps.now();
      if (current?.status === 'subscribed') return;
      if (current?.status === 'pending' && current.requestedAt !== null && now - current.requestedAt < RESEND_AFTER_MS) return;
      const requestId = randomUUID();
      const next: ListSubscription = {
        workspaceId, listId: list.id, profileId: person.profile.id, status: 'pending', requestId, requestedAt: now,
        confirmedAt: current?.confirmedAt ?? null, unsubscribedAt: current?.unsubscribedAt ?? null, updatedAt: now,
      };
      await deps.store.emails.putSubscription(next);
      const token = await deps.signer.sign(workspaceId, {
        purpose: 'optin', recipient: person.profile.id, ttlMs: LINK_TTL_MS.optin,
        data: { list: list.id, request: requestId, ...(typeof body.wording === 'string' ? { wording: body.wording } : {}) },
      });
      await deps.mailer.send({ to: email, ...confirmationMail(list, linkUrl(base, 'optin', token), LINK_TTL_MS.optin) });
    },

    lookUpOptin: (token: string) => lookUp(token, 'optin'),
    /** The person's current state on the action's list (for what the pages show). */
    status: async (action: LinkAction) => (await deps.store.emails.subscription(action.workspaceId, action.list.id, action.person.ids))?.status ?? null,
    lookUpUnsubscribe: (token: string) => lookUp(token, 'unsubscribe'),

    /** The confirmation page's POST. */
    async confirm(action: LinkAction, request: LinkRequest): Promise<'confirmed' | 'already_subscribed' | 'superseded' | 'not_requested' | 'machine'> {
      const verdict = await verdictOf(action, 'optin', request);
      if (verdict.machine) {
        await recordEmailEvent(deps.ingest, { workspaceId: action.workspaceId, profile: action.person.profile, name: 'Subscription Confirmed', properties: { list_id: action.list.id }, request, verdict });
        return 'machine';
      }
      const current = await deps.store.emails.subscription(action.workspaceId, action.list.id, action.person.ids);
      const outcome = confirmOutcome(current, action.requestId ?? '');
      if (outcome !== 'confirm' || !current) return outcome === 'confirm' ? 'not_requested' : outcome;
      const now = deps.now();
      // Consent and event first, under ids derived from the request (a retry after a failure is a
      // duplicate ingest drops); the subscription last, so a failure leaves the link usable.
      const key = `optin-${current.requestId}`;
      await recordConsent(action, true, {
        kind: 'double_opt_in', request: action.requestId, requestedAt: current.requestedAt === null ? null : new Date(current.requestedAt).toISOString(),
        confirmedAt: new Date(now).toISOString(), ...(action.signupWording ? { signupWording: action.signupWording } : {}),
      }, request, key);
      await recordEmailEvent(deps.ingest, { workspaceId: action.workspaceId, profile: action.person.profile, name: 'Subscription Confirmed', properties: { list_id: action.list.id }, request, verdict, dedupeKey: key });
      await deps.store.emails.putSubscription({ ...current, status: 'subscribed', confirmedAt: now, updatedAt: now });
      return 'confirmed';
    },

    /** The unsubscribe page's POST, or the mailbox provider's RFC 8058 one-click POST. */
    async unsubscribe(action: LinkAction, request: LinkRequest, oneClick: boolean): Promise<'unsubscribed' | 'already' | 'machine'> {
      const verdict = await verdictOf(action, 'unsubscribe', request, oneClick);
      const event = { workspaceId: action.workspaceId, profile: action.person.profile, name: 'Unsubscribed', properties: { list_id: action.list.id, one_click: oneClick, ...(action.email ? { email_id: action.email } : {}) }, request, verdict };
      if (verdict.machine) {
        await recordEmailEvent(deps.ingest, event);
        return 'machine';
      }
      const all = await deps.store.emails.subscriptionsOf(action.workspaceId, action.person.ids);
      const current = await deps.store.emails.subscription(action.workspaceId, action.list.id, action.person.ids);
      if (current?.status === 'unsubscribed') return 'already';
      const now = deps.now();
      // The withdrawal and the event first, the subscription last: a failure leaves the link usable.
      const lists = await deps.store.emails.lists(action.workspaceId);
      const samePurpose = new Set(lists.filter((l) => l.purpose === action.list.purpose && l.id !== action.list.id).map((l) => l.id));
      const stillSubscribed = all.some((s) => s.status === 'subscribed' && samePurpose.has(s.listId));
      if (!stillSubscribed) await recordConsent(action, false, { kind: oneClick ? 'rfc8058_one_click' : 'unsubscribe_link', ...(action.email ? { email: action.email } : {}), at: new Date(now).toISOString() }, request);
      await recordEmailEvent(deps.ingest, event);
      await deps.store.emails.putSubscription({
        workspaceId: action.workspaceId, listId: action.list.id, profileId: current?.profileId ?? action.person.profile.id, status: 'unsubscribed',
        requestId: current?.requestId ?? null, requestedAt: current?.requestedAt ?? null, confirmedAt: current?.confirmedAt ?? null, unsubscribedAt: now, updatedAt: now,
      });
      return 'unsubscribed';
    },
  };
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;
