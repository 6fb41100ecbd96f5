/**
 * Email events on the person's timeline (Segment's email event names: `Email Opened`,
 * `Email Link Clicked`, `Unsubscribed`; plus `Survey Answered` and `Subscription Confirmed`), each
 * with the machine-vs-human verdict as `properties.machine` (boolean) and
 * `properties.machineReason` (a MachineReason or null) — what scoring's `isMachineEvent` reads —
 * and `properties.machineDetail`. They go through ordinary ingest (consent, pseudonymisation of
 * the address and user agent, identity resolution).
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../core/events/event.js';
import type { MachineVerdict } from '../core/links/machine-verdict.js';
import type { Profile } from '../core/profiles/profile.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { identifiersOf } from './person.js';

/** What a link request tells about who made it. */
export interface LinkRequest {
  ip: string;
  userAgent: string | undefined;
  /** `Purpose: prefetch` or `Sec-Purpose: prefetch`. */
  prefetch: boolean;
}

export interface EmailEvent {
  workspaceId: string;
  profile: Profile;
  name: string;
  properties: JsonObject;
  request: LinkRequest;
  verdict: MachineVerdict;
  /** Traits to write with `traitSource` (an identify before the track event). */
  traits?: JsonObject;
  traitSource?: string;
  /**
   * A stable id for what happened (e.g. `survey-<token id>`): the events' message ids derive from
   * it, so recording the same thing twice stores it once (ingest drops duplicate message ids).
   */
  dedupeKey?: string;
}

export function verdictProperties(verdict: MachineVerdict): JsonObject {
  return verdict.machine ? { machine: true, machineReason: verdict.reason, machineDetail: verdict.detail } : { machine: false, machineReason: null };
}

/** Records the event (and the traits, if any) for the profile; false when the profile has no identifier to attribute it by. */
export async function recordEmailEvent(ingest: IngestService, e: EmailEvent): Promise<boolean> {
  const ids = identifiersOf(e.profile);
  if (!ids) return false;
  const context: JsonObject = { ...((ids.context as JsonObject | undefined) ?? {}), ip: e.request.ip, ...(e.request.userAgent ? { userAgent: e.request.userAgent } : {}) };
  const base = { ...ids, context };
  const items: unknown[] = [];
  const id = (part: string) => (e.dedupeKey ? `${e.dedupeKey}-${part}` : `email-${randomUUID()}`);
  if (e.traits) items.push({ type: 'identify', messageId: id('traits'), ...base, traits: e.traits });
  items.push({ type: 'track', messageId: id('event'), event: e.name, ...base, properties: { ...e.properties, ...verdictProperties(e.verdict) } });
  await ingest.accept({ workspaceId: e.workspaceId, items, ...(e.traitSource ? { traitSource: e.traitSource } : {}) });
  return true;
}

export function linkRequestOf(request: { ip: string; headers: Record<string, string | string[] | undefined> }): LinkRequest {
  const header = (name: string) => { const v = request.headers[name]; return Array.isArray(v) ? v[0] : v; };
  const purpose = `${header('purpose') ?? ''} ${header('sec-purpose') ?? ''} ${header('x-purpose') ?? ''} ${header('x-moz') ?? ''}`;
  return { ip: request.ip, userAgent: header('user-agent'), prefetch: /prefetch/i.test(purpose) };
}

/**
 * `Email Sent` on the person's timeline once the SMTP server took the message (Segment's email
 * spec: `email_id`, `email_subject`), under a message id derived from the email's own id, so that
 * sending the same email id again records it once.
 */
export async function recordEmailSent(ingest: IngestService, e: { workspaceId: string; profile: Profile; emailId: string; subject: string; list?: string }): Promise<boolean> {
  const ids = identifiersOf(e.profile);
  if (!ids) return false;
  const properties: JsonObject = { email_id: e.emailId, email_subject: e.subject, ...(e.list ? { list: e.list } : {}) };
  await ingest.accept({ workspaceId: e.workspaceId, items: [{ type: 'track', messageId: `email-sent-${e.emailId}`, event: 'Email Sent', ...ids, properties }] });
  return true;
}
