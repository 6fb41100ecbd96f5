/**
 * Submitting a form: validate against the fields of the signed view, then, through ingest:
 *   1. each consent checkbox ticked → the consent ledger (channel `form`, the exact wording shown),
 *      first, so that answers collected for that purpose are admitted;
 *   2. one identify with the answers as traits (source `form:<id>`; the email field identifies the
 *      visitor) and one `Form Submitted` track event (answered and declined keys; the declines,
 *      explicit or by leaving an optional question empty, are remembered on the profile);
 * then count the submit and render what to ask next.
 *
 * Kiosk mode: the events carry a fresh one-off anonymous id instead of the device's, so the shared
 * device is never linked to the person (their email links the answers), and nothing is offered next.
 * The same happens when an unrecognised visitor on a device known to belong to one person submits
 * another person's email (a colleague at the same computer): their answers join that email's
 * profile, and the two people are not merged through the device.
 */
import { randomUUID } from 'node:crypto';
import { TesseraError, isTesseraError, type FieldIssue } from '../core/errors.js';
import { localise, type FormDefinition } from '../core/forms/form-definition.js';
import { FORM_SUBMITTED } from '../core/forms/declined.js';
import { validateAnswers, type ShownField } from '../core/forms/validate-answers.js';
import { decodeTicket } from '../core/forms/view-ticket.js';
import { countersFor } from './form-counters.js';
import { eventContext, recordInteraction, ticketMac, type FormDeps, type RequestMeta } from './form-deps.js';
import { thankYouView, type FormView } from './form-view.js';
import { asksSomething, planFor, purposeCheck, showPlan } from './render-form.js';
import { profileOfAnonymousId } from './visitor.js';

export interface SubmitRequest {
  workspaceId: string;
  form: FormDefinition;
  anonymousId: string;
  viewId: unknown;
  answers: unknown;
  declined?: unknown;
  recognition?: unknown;
  locale?: string;
  kiosk?: boolean;
  meta: RequestMeta;
}

export interface SubmitResult {
  ok: true;
  next: FormView | null;
  thankYou: FormView['form']['thankYou'];
}

export async function submitForm(deps: FormDeps, request: SubmitRequest): Promise<SubmitResult> {
  const { form } = request;
  const now = deps.now();
  const checked = decodeTicket(request.viewId, { formId: form.id, anonymousId: request.anonymousId, now }, await ticketMac(deps, request.workspaceId));
  if (!checked.ok) throw new TesseraError('invalid_body', { issues: [{ field: 'viewId', reason: checked.reason }] });
  const ticket = checked.ticket;
  const byKey = new Map(form.fields.map((f) => [f.key, f]));
  // A field removed from the form since the view is ignored; the rest is validated as shown.
  const shown: ShownField[] = ticket.shown.filter((k) => byKey.has(k)).map((k) => ({ field: byKey.get(k)!, prefilled: ticket.recognised && ticket.prefilled.includes(k) }));
  const result = validateAnswers(shown, request.answers, request.declined, { ...(request.locale ? { locale: request.locale } : {}), defaultLocale: form.defaultLocale });
  if (!result.ok) throw new TesseraError('invalid_body', { message: 'Some answers are not valid.', issues: result.issues });
  const answers = result.value;
  // A question shown and left empty is skipped: like "prefer not to say", it is not asked again
  // during the cool-down (else the next view would ask it again at once). Required and pre-filled
  // fields are never skipped.
  const skipped = shown.filter(({ field, prefilled }) => !field.required && !prefilled && !answers.answered.includes(field.key) && !answers.declined.includes(field.key)).map(({ field }) => field.key);

  const kiosk = form.kiosk || request.kiosk === true;
  const emailField = form.fields.find((f) => f.type === 'email' && Object.hasOwn(answers.traits, f.key));
  if (kiosk && !emailField) throw new TesseraError('invalid_body', { issues: [{ field: 'answers.email', reason: 'is required on a shared device (kiosk mode)' }] });
  const device = kiosk ? null : await profileOfAnonymousId(deps.store, request.workspaceId, request.anonymousId);
  // Someone else on a known device: an unrecognised visitor gives an email the device's person
  // does not have. Linking it to the device would merge two people, so it is kept apart, as on a kiosk.
  const email = emailField ? answers.traits[emailField.key] : undefined;
  const deviceEmails = device?.identities.filter((i) => i.kind === 'email').map((i) => i.value) ?? [];
  const someoneElse = !ticket.recognised && typeof email === 'string' && deviceEmails.length > 0 && !deviceEmails.includes(email);
  const separate = kiosk || someoneElse;
  const anonymousId = separate ? `form-${randomUUID()}` : request.anonymousId;
  // Answers collected for a consent-based purpose are kept only with that consent: held already
  // (by the device's person, when it is them) or ticked in this very submission.
  const held = separate ? null : device;
  const grantedNow = Object.fromEntries(answers.consents.map((f) => [f.purpose, { granted: true, at: now, channel: 'form' as const, messageId: 'form' }]));
  const allowed = await purposeCheck(deps, request.workspaceId, { ...held?.consent, ...grantedNow });
  const withheld = Object.keys(answers.traits).filter((k) => !allowed(byKey.get(k)!.purpose));
  for (const key of withheld) delete answers.traits[key];
  const context = eventContext(request.meta, request.locale);
  const source = `form:${form.id}`;
  // The email trait is also the identity (trimmed, lower-cased by validation), so that an answer
  // of a known person's email joins their profile.
  const traits = { ...answers.traits, ...(emailField && emailField.key !== 'email' && Object.hasOwn(answers.traits, emailField.key) ? { email: answers.traits[emailField.key] } : {}) };
  // Message ids derive from the view: a retried or double-clicked submit of one view is stored once.
  const messageId = (part: string) => `form-${ticket.id}-${part}`;
  const identify = { workspaceId: request.workspaceId, impliedType: 'identify' as const, items: [{ messageId: messageId('identify'), anonymousId, traits, context }], traitSource: source, ...(request.meta.gpc ? { gpc: true } : {}) };
  // Checked before anything is written (a strict data schema may refuse an answer): a refused
  // submission records no consent either.
  const refused = (await deps.ingest.forWorkspace(request.workspaceId)).validate(identify).issues;
  if (Object.keys(traits).length > 0 && refused.length > 0) throw asAnswerIssues(new TesseraError('invalid_event', { issues: refused }));

  for (const field of answers.consents) {
    await deps.ingest.acceptConsent({
      workspaceId: request.workspaceId,
      body: {
        messageId: messageId(`consent-${field.key}`), anonymousId, purposes: { [field.purpose]: true }, channel: 'form',
        wording: { version: field.consent!.version, text: localise(field.consent!.text, request.locale, form.defaultLocale) },
        evidence: { formId: form.id, field: field.key, viewId: ticket.id },
      },
      request: { ...(request.meta.ip ? { ip: request.meta.ip } : {}), ...(request.meta.userAgent ? { userAgent: request.meta.userAgent } : {}), ...(request.meta.origin ? { origin: request.meta.origin } : {}) },
      // The form's own text, from its definition.
      isPublishedWording: () => true,
    });
  }
  if (Object.keys(traits).length > 0) {
    try {
      await deps.ingest.accept(identify);
    } catch (error) {
      throw isTesseraError(error) && error.status === 400 ? asAnswerIssues(error) : error;
    }
  }
  // After the identify, so that it lands on the person's profile (and its declines with it).
  await recordInteraction(deps, request.workspaceId, {
    anonymousId, name: FORM_SUBMITTED, messageId: messageId('submitted'), context, traitSource: source, ...(request.meta.gpc ? { gpc: true } : {}),
    properties: { formId: form.id, viewId: ticket.id, fields: ticket.shown, answered: answers.answered.filter((k) => !withheld.includes(k)), declined: [...answers.declined, ...skipped], skipped, ...(withheld.length > 0 ? { withheld } : {}) },
  });
  // A view is submitted once as far as the counters go (a double click, a retry).
  if (deps.firstTime?.(`${request.workspaceId} ${ticket.id} submit`) ?? true) await deps.store.forms.count(request.workspaceId, countersFor(form.id, 'submits', now, ticket.shown));

  const thankYou = thankYouView(form, request.locale);
  if (separate) return { ok: true, next: null, thankYou };
  const again = { workspaceId: request.workspaceId, form, anonymousId, ...(request.locale ? { locale: request.locale } : {}), recognition: request.recognition, meta: request.meta };
  const { plan, recognised } = await planFor(deps, again);
  return { ok: true, next: asksSomething(plan) ? await showPlan(deps, again, plan, recognised) : null, thankYou };
}

/** Ingest names event fields (`traits.company`); the visitor needs `answers.company`. */
function asAnswerIssues(error: TesseraError): TesseraError {
  const issues: FieldIssue[] = error.issues.map((i) => {
    const trait = /^traits\.(.+)$/.exec(i.field);
    return trait ? { field: `answers.${trait[1]}`, reason: i.reason } : i;
  });
  return new TesseraError('invalid_body', { message: error.message, issues });
}
