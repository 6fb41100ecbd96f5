/**
 * Rendering a form for one visitor: find who they are (visitor.ts), choose the next questions
 * (core/forms/next-questions.ts), sign the view ticket, count the view for the drop-off model and
 * put `Form Viewed` on the timeline (not in kiosk mode: a shared device's id belongs to nobody).
 */
import { randomBytes } from 'node:crypto';
import type { FormDefinition } from '../core/forms/form-definition.js';
import { chooseQuestions, type QuestionPlan, type VisitorKnowledge } from '../core/forms/next-questions.js';
import { encodeTicket } from '../core/forms/view-ticket.js';
import type { Profile } from '../core/profiles/profile.js';
import { isGranted, type ConsentState } from '../core/privacy/consent.js';
import { countersFor, fieldCounters } from './form-counters.js';
import { eventContext, recordInteraction, ticketMac, type FormDeps, type RequestMeta } from './form-deps.js';
import { formView, type FormView } from './form-view.js';
import { findVisitor } from './visitor.js';

export interface RenderRequest {
  workspaceId: string;
  form: FormDefinition;
  anonymousId: string;
  locale?: string;
  recognition?: unknown;
  /** The page declared a shared device (tracker `data-kiosk`); the form's own setting also counts. */
  kiosk?: boolean;
  meta: RequestMeta;
}

export function knowledgeOf(profile: Profile | null): VisitorKnowledge | null {
  if (!profile) return null;
  // Another module may add lifecycle stages to the profile; read it as unknown data.
  const lifecycle = (profile as unknown as { lifecycle?: unknown }).lifecycle;
  const stage = typeof lifecycle === 'object' && lifecycle !== null ? (lifecycle as { stage?: unknown }).stage : undefined;
  return { traits: profile.traits, consent: profile.consent, declined: profile.declined ?? {}, ...(stage !== undefined ? { stage } : {}) };
}

export async function planFor(deps: FormDeps, request: Omit<RenderRequest, 'meta'>): Promise<{ plan: QuestionPlan; recognised: Profile | null }> {
  const kiosk = request.form.kiosk || request.kiosk === true;
  const visitor = await findVisitor(deps, { workspaceId: request.workspaceId, anonymousId: request.anonymousId, recognition: request.recognition, kiosk });
  const counters = await fieldCounters(deps.store.forms, request.workspaceId, request.form.id, deps.now());
  const purposeAllowed = await purposeCheck(deps, request.workspaceId, visitor.profile?.consent ?? {});
  const plan = chooseQuestions({ form: request.form, visitor: knowledgeOf(visitor.profile), recognised: visitor.recognised, counters, now: deps.now(), purposeAllowed });
  return { plan, recognised: visitor.recognised ? visitor.profile : null };
}

/**
 * Whether the workspace may keep data of a purpose for a person with this consent: a declared
 * purpose whose legal basis is not consent, or one the person granted.
 */
export async function purposeCheck(deps: Pick<FormDeps, 'privacy'>, workspaceId: string, consent: ConsentState): Promise<(purpose: string) => boolean> {
  const { purposes } = await deps.privacy.get(workspaceId);
  return (key) => {
    const purpose = purposes.get(key);
    return purpose !== undefined && (purpose.legalBasis !== 'consent' || isGranted(consent, key));
  };
}

export async function renderForm(deps: FormDeps, request: RenderRequest): Promise<FormView> {
  const { plan, recognised } = await planFor(deps, request);
  return showPlan(deps, request, plan, recognised);
}

/** Whether a plan asks anything new (not only pre-filled fields). */
export const asksSomething = (plan: QuestionPlan) => plan.fields.some((f) => f.known === undefined);

/** Signs the view of a plan, counts it and puts it on the timeline; the plan is shown. */
export async function showPlan(deps: FormDeps, request: RenderRequest, plan: QuestionPlan, recognised: Profile | null): Promise<FormView> {
  const now = deps.now();
  const shown = plan.fields.map((f) => f.field.key);
  const ticket = {
    id: randomBytes(9).toString('base64url'), formId: request.form.id, anonymousId: request.anonymousId, shown,
    prefilled: plan.fields.filter((f) => f.known !== undefined).map((f) => f.field.key), recognised: recognised !== null, at: now,
  };
  const viewId = encodeTicket(ticket, await ticketMac(deps, request.workspaceId));
  await deps.store.forms.count(request.workspaceId, countersFor(request.form.id, 'views', now, shown));
  if (!(request.form.kiosk || request.kiosk === true)) {
    await recordInteraction(deps, request.workspaceId, {
      anonymousId: request.anonymousId, name: 'Form Viewed',
      properties: { formId: request.form.id, viewId: ticket.id, fields: shown, stage: plan.stage }, context: eventContext(request.meta, request.locale), ...(request.meta.gpc ? { gpc: true } : {}),
    });
  }
  return formView(request.form, plan, { viewId, locale: request.locale, recognised });
}
