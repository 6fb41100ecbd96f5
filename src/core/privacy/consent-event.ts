/**
 * A consent request (POST /v1/consent: a banner, a form, an email confirmation) becomes a timeline
 * event of type `consent`, so that it travels through identity resolution like any event and the
 * person's state changes in order with their other events. Its time is the server's receive time:
 * proof of consent should not rest on a client clock.
 */
import { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import type { JsonObject, TrackedEvent } from '../events/event.js';
import { normaliseIdentity, type IdentityGuard } from '../identity/identity-key.js';
import { readClientTime } from '../events/event-time.js';
import type { EpochMs } from '../time.js';
import { CONSENT_CHANNELS, type ConsentChannel, type ConsentWording } from './consent.js';

export interface ConsentPayload {
  purposes: Record<string, boolean>;
  channel: ConsentChannel;
  wording: ConsentWording | null;
  evidence: JsonObject;
  /** Pseudonymised request metadata, added by the server. */
  request: JsonObject;
}

const body = z.object({
  anonymousId: z.union([z.string(), z.number()]).nullish(),
  userId: z.union([z.string(), z.number()]).nullish(),
  messageId: z.string().min(1).max(512).optional(),
  timestamp: z.string().max(64).optional(),
  purposes: z.record(z.string().max(64), z.boolean()).refine((p) => Object.keys(p).length > 0, 'must name at least one purpose'),
  channel: z.enum(CONSENT_CHANNELS).default('banner'),
  wording: z.object({
    version: z.string().min(1).max(100),
    text: z.string().min(1).max(20_000).optional(),
    hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the text, 64 hex characters').optional(),
  }).refine((w) => w.text !== undefined || w.hash !== undefined, 'needs the text shown or its SHA-256 hash').optional(),
  evidence: z.record(z.string(), z.unknown()).default({}),
  context: z.record(z.string(), z.unknown()).default({}),
  writeKey: z.string().optional(),
}).strict();

export interface ConsentRequestOptions {
  workspaceId: string;
  receivedAt: EpochMs;
  guard: IdentityGuard;
  purposes: ReadonlySet<string>;
  newMessageId: () => string;
  /** SHA-256 hex of a text. */
  hashText: (text: string) => string;
  request: JsonObject;
  /** Whether a text (by its hash) is the workspace's own published wording (see ConsentWording.published). */
  isPublishedWording?: (hash: string) => boolean;
}

export function validateConsentRequest(input: unknown, options: ConsentRequestOptions): { ok: true; event: TrackedEvent } | { ok: false; issues: FieldIssue[] } {
  const parsed = body.safeParse(input);
  if (!parsed.success) {
    // Every problem is reported: the shape's, and those of the fields the shape did not refuse.
    const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', reason: i.message }));
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) checkFields(input as Record<string, unknown>, options, new Set(issues.map((i) => i.field)), issues);
    return { ok: false, issues };
  }
  const b = parsed.data;
  const issues: FieldIssue[] = [];
  const { anonymousId, userId, clientTime } = checkFields(b, options, new Set(), issues);
  let wording: ConsentWording | null = null;
  if (b.wording) {
    const hash = b.wording.text !== undefined ? options.hashText(b.wording.text) : b.wording.hash!;
    if (b.wording.text !== undefined && b.wording.hash !== undefined && b.wording.hash !== hash) issues.push({ field: 'wording.hash', reason: 'does not match the SHA-256 of wording.text' });
    wording = { version: b.wording.version, hash, ...(b.wording.text !== undefined ? { text: b.wording.text } : {}) };
    if (wording.text !== undefined && options.isPublishedWording?.(hash)) wording.published = true;
  }
  if (issues.length > 0) return { ok: false, issues };
  const payload: ConsentPayload = { purposes: b.purposes, channel: b.channel, wording, evidence: b.evidence as JsonObject, request: options.request };
  return {
    ok: true,
    event: {
      workspaceId: options.workspaceId, messageId: b.messageId ?? options.newMessageId(), type: 'consent', name: 'Consent Updated', category: null,
      anonymousId, userId, previousId: null, groupId: null, properties: payload as unknown as JsonObject, traits: {}, context: b.context as JsonObject, integrations: {},
      timestamp: options.receivedAt, originalTimestamp: clientTime, sentAt: null, receivedAt: options.receivedAt,
    },
  };
}

/**
 * The checks that need nothing else of the request to be valid: the identifiers, the purposes the
 * workspace declares, the client's time. They run on the raw fields when the shape is wrong too,
 * skipping the fields it refused (each problem is reported once); issues are appended to `issues`.
 */
function checkFields(fields: Record<string, unknown>, options: ConsentRequestOptions, refused: ReadonlySet<string>, issues: FieldIssue[]): { anonymousId: string | null; userId: string | null; clientTime: EpochMs | null } {
  const anonymousId = normaliseIdentity('anonymous_id', fields.anonymousId, options.guard) ?? null;
  const userId = normaliseIdentity('user_id', fields.userId, options.guard) ?? null;
  if (!anonymousId && !userId && !refused.has('anonymousId') && !refused.has('userId')) issues.push({ field: 'anonymousId', reason: 'either userId or anonymousId is required, as a usable identifier' });
  const purposes = fields.purposes;
  if (typeof purposes === 'object' && purposes !== null && !Array.isArray(purposes) && !refused.has('purposes')) {
    for (const purpose of Object.keys(purposes)) {
      if (!options.purposes.has(purpose) && !refused.has(`purposes.${purpose}`)) issues.push({ field: `purposes.${purpose}`, reason: 'is not a purpose declared by the workspace' });
    }
  }
  // The client's time is kept as evidence only, under the rules of every client time (event-time.ts).
  let clientTime: EpochMs | null = null;
  if (fields.timestamp !== undefined && !refused.has('timestamp')) {
    const read = readClientTime(fields.timestamp);
    if (typeof read === 'string') issues.push({ field: 'timestamp', reason: read });
    else clientTime = read;
  }
  return { anonymousId, userId, clientTime };
}

export function consentPayload(event: TrackedEvent): ConsentPayload {
  return event.properties as unknown as ConsentPayload;
}

/** The input shape, for the API reference (src/http/schemas/bodies.ts generates its JSON Schema). */
export const consentInputSchema = body;
