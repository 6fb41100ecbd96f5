/**
 * Form interactions the browser reports (POST /v1/forms/{id}/events): `started` (the first input)
 * and `abandoned` (the visitor left with the form unsent). With an abandon, `fields` names the
 * fields the visitor filled in or touched, in that order; the drop-off model blames the fields shown
 * that were left untouched (where the visitor stopped), or the last one touched when every field was.
 * Without `fields`, every field shown shares the blame. Views are counted by render, submits by submit.
 *
 * Each view counts each interaction once per server process (a page that reports `started` twice
 * does not inflate the counters); the view ticket proves which fields were shown.
 */
import { TesseraError } from '../core/errors.js';
import type { FormDefinition } from '../core/forms/form-definition.js';
import { decodeTicket } from '../core/forms/view-ticket.js';
import { blamedFields } from '../core/forms/drop-off.js';
import { countersFor } from './form-counters.js';
import { eventContext, recordInteraction, ticketMac, type FormDeps, type RequestMeta } from './form-deps.js';

export const FORM_INTERACTIONS = ['started', 'abandoned'] as const;
export type FormInteraction = (typeof FORM_INTERACTIONS)[number];

export interface InteractionRequest {
  workspaceId: string;
  form: FormDefinition;
  anonymousId: string;
  viewId: unknown;
  event: FormInteraction;
  fields?: string[];
  kiosk?: boolean;
  meta: RequestMeta;
}

export function createInteractionRecorder(deps: FormDeps): (request: InteractionRequest) => Promise<void> {
  return async (request) => {
    const now = deps.now();
    const checked = decodeTicket(request.viewId, { formId: request.form.id, anonymousId: request.anonymousId, now }, await ticketMac(deps, request.workspaceId));
    if (!checked.ok) throw new TesseraError('invalid_body', { issues: [{ field: 'viewId', reason: checked.reason }] });
    const { ticket } = checked;
    const once = `${request.workspaceId} ${ticket.id} ${request.event}`;
    if (!(deps.firstTime?.(once) ?? true)) return;
    const blamed = request.event === 'abandoned' ? blamedFields(ticket.shown, request.fields) : ticket.shown;
    const counters = countersFor(request.form.id, request.event === 'started' ? 'starts' : 'abandons', now, ticket.shown, blamed);
    if (request.event === 'abandoned') counters.push(...ticket.shown.map((key) => ({ formId: request.form.id, day: counters[0]!.day, scope: `field:${key}`, metric: 'exits' as const, count: 1 })));
    await deps.store.forms.count(request.workspaceId, counters);
    if (!(request.form.kiosk || request.kiosk === true)) {
      await recordInteraction(deps, request.workspaceId, {
        anonymousId: request.anonymousId, name: request.event === 'started' ? 'Form Started' : 'Form Abandoned',
        properties: { formId: request.form.id, viewId: ticket.id, fields: blamed }, context: eventContext(request.meta, undefined), ...(request.meta.gpc ? { gpc: true } : {}),
      });
    }
  };
}
