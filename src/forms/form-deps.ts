/**
 * What the form services need, and the helpers they share: loading a live form, the MAC of view
 * tickets, and the timeline events of form interactions.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { TesseraError, isTesseraError } from '../core/errors.js';
import type { JsonObject } from '../core/events/event.js';
import type { FormDefinition } from '../core/forms/form-definition.js';
import type { IngestService } from '../ingest/ingest-service.js';
import type { LinkSigner } from '../links/link-signer.js';
import type { Store } from '../ports/store.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';
import type { FirstTime } from './once-per-view.js';

export interface FormDeps {
  store: Store;
  ingest: IngestService;
  privacy: PrivacyContexts;
  signer: LinkSigner;
  now: () => number;
  logger?: Logger;
  /** Counts each interaction of a view once (once-per-view.ts); absent: every report counts. */
  firstTime?: FirstTime;
}

/** Request metadata kept (pseudonymised by ingest) on the events a form interaction makes. */
export interface RequestMeta {
  ip?: string;
  userAgent?: string;
  origin?: string;
  /** Global Privacy Control (`Sec-GPC: 1`): honoured for the form's events as for any event. */
  gpc?: boolean;
}

/** A form a visitor may see: archived forms are gone for visitors (the admin API still has them). */
export async function liveForm(store: Store, workspaceId: string, formId: string): Promise<FormDefinition> {
  const form = await store.forms.get(workspaceId, formId);
  if (!form || form.archived) throw new TesseraError('not_found', { message: `No form "${formId}".` });
  return form;
}

export async function ticketMac(deps: FormDeps, workspaceId: string): Promise<(text: string) => string> {
  const privacy = await deps.privacy.get(workspaceId);
  return (text) => privacy.fingerprint(text);
}

export function eventContext(meta: RequestMeta, locale: string | undefined): JsonObject {
  return { ...(meta.ip ? { ip: meta.ip } : {}), ...(meta.userAgent ? { userAgent: meta.userAgent } : {}), ...(locale ? { locale } : {}) };
}

/**
 * Puts a form interaction (Form Viewed / Started / Submitted / Abandoned) on the visitor's timeline. These are
 * ordinary track events under the workspace's privacy rules; when the rules refuse them (a strict
 * schema that does not declare them) the interaction is still counted, so the refusal is logged
 * and not answered to the browser.
 */
export async function recordInteraction(deps: FormDeps, workspaceId: string, event: { anonymousId: string; name: string; properties: JsonObject; context: JsonObject; traitSource?: string; gpc?: boolean; messageId?: string }): Promise<void> {
  try {
    await deps.ingest.accept({
      workspaceId, impliedType: 'track',
      items: [{ messageId: event.messageId ?? `form-${randomUUID()}`, anonymousId: event.anonymousId, event: event.name, properties: event.properties, context: event.context }],
      ...(event.traitSource ? { traitSource: event.traitSource } : {}),
      ...(event.gpc ? { gpc: true } : {}),
    });
  } catch (error) {
    if (!isTesseraError(error) || error.status !== 400) throw error;
    deps.logger?.warn({ workspaceId, event: event.name, issues: error.issues }, 'form interaction not put on the timeline');
  }
}
