/**
 * The front door of ingestion, shared by the HTTP API and `tessera import`: validates a request's
 * events as a whole (a batch is all or nothing, with every item's problems listed), applies the
 * workspace's privacy settings that need no knowledge of the person (strict-mode schema,
 * pseudonymisation of IP and user agent, the GPC signal), then waits until the queue has committed
 * the events. What depends on the person (consent) is decided in the pipeline.
 */
import { createHash } from 'node:crypto';
import type { EventType, JsonObject, TrackedEvent } from '../core/events/event.js';
import { EVENT_LIMITS } from '../core/events/limits.js';
import { validateEvent, type EventDefaults } from '../core/events/validate-event.js';
import { TesseraError, type FieldIssue } from '../core/errors.js';
import type { IdentityGuard } from '../core/identity/identity-key.js';
import { undeclaredFields } from '../core/privacy/admit-event.js';
import { validateConsentRequest } from '../core/privacy/consent-event.js';
import { pseudonymiseContext } from '../core/privacy/pseudonymise.js';
import { withCountry } from '../core/events/country.js';
import type { PrivacyContext, PrivacyContexts } from '../privacy/privacy-context.js';
import type { IngestQueue, SubmitResult } from './ingest-queue.js';

export interface IngestServiceDeps {
  queue: IngestQueue;
  guard: IdentityGuard;
  privacy: PrivacyContexts;
  now: () => number;
  newMessageId: () => string;
  /** The country of an IP address (geo/country-of-ip.ts), looked up before the IP is pseudonymised; without it no country is kept. */
  countryOf?: (ip: string) => string | null;
}

export interface AcceptRequest {
  workspaceId: string;
  /** One event for the single-event endpoints, the `batch` array otherwise. */
  items: unknown[];
  /** Set by single-event endpoints; batch items carry their own `type`. */
  impliedType?: EventType;
  defaults?: EventDefaults;
  receivedAt?: number;
  /** The request carried a Global Privacy Control signal (`Sec-GPC: 1`). */
  gpc?: boolean;
  /**
   * The trait source of every event (`form:<id>`, `survey:<id>`, `email-link`): only for events
   * Tessera builds itself on the server. Routes never copy it from a client's input.
   */
  traitSource?: string;
  /** False for `tessera import`: events keep their own timestamp (no clock-skew correction). */
  correctSkew?: boolean;
  /** The address the request came from: only its country is kept (core/events/country.ts), never the address. */
  requestIp?: string;
}

export interface ConsentRequest {
  workspaceId: string;
  body: unknown;
  /** Request metadata to keep as evidence (pseudonymised here). */
  request: { ip?: string; userAgent?: string; origin?: string };
  receivedAt?: number;
  /**
   * Whether a wording text (by SHA-256 hex) is the workspace's own published wording, kept once
   * for everyone; any other text stays on the person's consent record (ConsentWording.published).
   * Absent: none is.
   */
  isPublishedWording?: (hash: string) => boolean;
}

/** Validation and submission for one workspace under its current privacy settings (bulk imports). */
export interface WorkspaceIngest {
  validate(request: AcceptRequest): { events: TrackedEvent[]; issues: FieldIssue[] };
  submit(events: TrackedEvent[]): Promise<SubmitResult>;
}

/** What became of a request's events: all stored, except `deadLettered` kept as dead letters (ingest-queue.ts). */
export interface Accepted {
  accepted: number;
  deadLettered: number;
}

export interface IngestService {
  /** Validates and stores; resolves with the number of events accepted (stored or dead-lettered). Throws TesseraError. */
  accept(request: AcceptRequest): Promise<Accepted>;
  /** Records a consent decision (POST /v1/consent). Throws TesseraError. */
  acceptConsent(request: ConsentRequest): Promise<{ messageId: string }>;
  forWorkspace(workspaceId: string): Promise<WorkspaceIngest>;
}

/** Issues without repeats: a batch-level field (`sentAt`) may be found wanting by every item. */
function distinct(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => { const key = `${i.field}\n${i.reason}`; if (seen.has(key)) return false; seen.add(key); return true; });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function createIngestService(deps: IngestServiceDeps): IngestService {
  const validate = (request: AcceptRequest, privacy: PrivacyContext) => {
    const receivedAt = request.receivedAt ?? deps.now();
    const isBatch = request.impliedType === undefined;
    const { settings } = privacy;
    const pseudonymise = { ip: settings.ip, userAgent: settings.userAgent, hashIp: (ip: string) => privacy.hashIp(ip, receivedAt), hashDeviceId: privacy.hashDeviceId };
    const events: TrackedEvent[] = [];
    const issues: FieldIssue[] = [];
    request.items.forEach((item, i) => {
      const fieldPrefix = isBatch ? `batch[${i}].` : '';
      const result = validateEvent(item, {
        workspaceId: request.workspaceId, receivedAt, guard: deps.guard, newMessageId: deps.newMessageId,
        ...(request.impliedType ? { impliedType: request.impliedType } : {}),
        ...(request.defaults ? { defaults: request.defaults } : {}),
        ...(fieldPrefix ? { fieldPrefix } : {}),
        ...(request.correctSkew === false ? { correctSkew: false } : {}),
      });
      if (!result.ok) { issues.push(...result.issues); return; }
      const undeclared = undeclaredFields(result.event, settings.schema, fieldPrefix);
      if (undeclared.length > 0) { issues.push(...undeclared); return; }
      const located = deps.countryOf ? withCountry(result.event.context, request.requestIp, deps.countryOf) : result.event.context;
      let context = pseudonymiseContext(located, pseudonymise);
      if (request.gpc && context.gpc !== true) context = { ...context, gpc: true };
      const event = context === result.event.context ? result.event : { ...result.event, context };
      if (request.traitSource !== undefined) event.traitSource = request.traitSource;
      events.push(event);
    });
    return { events, issues };
  };

  return {
    async accept(request) {
      if (request.items.length > EVENT_LIMITS.maxBatchItems) {
        throw new TesseraError('invalid_batch', { issues: [{ field: 'batch', reason: `holds ${request.items.length} events; the limit is ${EVENT_LIMITS.maxBatchItems}` }] });
      }
      const privacy = await deps.privacy.get(request.workspaceId);
      const { events, issues } = validate(request, privacy);
      if (issues.length > 0) throw new TesseraError(request.impliedType ? 'invalid_event' : 'invalid_batch', { issues: distinct(issues).slice(0, 100) });
      const { deadLettered } = events.length > 0 ? await deps.queue.submit(request.workspaceId, events, privacy) : { deadLettered: 0 };
      return { accepted: events.length, deadLettered };
    },
    async acceptConsent(request) {
      const privacy = await deps.privacy.get(request.workspaceId);
      const receivedAt = request.receivedAt ?? deps.now();
      const meta: JsonObject = pseudonymiseContext({ ...(request.request.ip ? { ip: request.request.ip } : {}), ...(request.request.userAgent ? { userAgent: request.request.userAgent } : {}) },
        { ip: privacy.settings.ip, userAgent: privacy.settings.userAgent, hashIp: (ip) => privacy.hashIp(ip, receivedAt) });
      if (request.request.origin) meta.origin = request.request.origin;
      const result = validateConsentRequest(request.body, {
        workspaceId: request.workspaceId, receivedAt, guard: deps.guard, purposes: new Set(privacy.purposes.keys()),
        newMessageId: deps.newMessageId, hashText: sha256, request: meta,
        ...(request.isPublishedWording ? { isPublishedWording: request.isPublishedWording } : {}),
      });
      if (!result.ok) throw new TesseraError('invalid_body', { issues: result.issues });
      await deps.queue.submit(request.workspaceId, [result.event], privacy);
      return { messageId: result.event.messageId };
    },
    async forWorkspace(workspaceId) {
      const privacy = await deps.privacy.get(workspaceId);
      return {
        validate: (request) => validate(request, privacy),
        submit: (events) => deps.queue.submit(workspaceId, events, privacy),
      };
    },
  };
}
