/**
 * The collection API, compatible with the Segment HTTP tracking API
 * (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/) and with
 * analytics.js's short paths. 200 `{ success: true }` means stored; 400 is a permanent error
 * (clients drop the request); 429 and 503 carry Retry-After (clients retry; dedupe by messageId
 * makes that harmless).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventType, JsonObject } from '../../core/events/event.js';
import { TesseraError, type FieldIssue } from '../../core/errors.js';
import { readClientTime } from '../../core/events/event-time.js';
import { EVENT_LIMITS } from '../../core/events/limits.js';
import type { Accepted, IngestService } from '../../ingest/ingest-service.js';
import { basicUser, type KeyResolver } from '../auth.js';
import { eventJsonSchema } from '../../core/events/event-schema.js';
import { json, routeSchema } from '../schemas/route-docs.js';
import { NUL_ALLOWED } from '../schemas/validator.js';

const SINGLE: ReadonlyArray<[EventType, string]> = [
  ['track', 't'], ['identify', 'i'], ['page', 'p'], ['screen', 's'], ['group', 'g'], ['alias', 'a'],
];

const tags = ['Collection'];
const stored = json({ success: { type: 'boolean', const: true } }, ['success'], 'Stored (or a duplicate messageId, already stored).');
const writeKeyField = { writeKey: { type: 'string', description: 'The write key, for clients that cannot send HTTP Basic (analytics.js with text/plain bodies).' } };
/**
 * Documentation of the bodies, from the same JSON Schemas the event validator compiles
 * (core/events/event-schema.ts). Not validated by Fastify: the hand-tuned validator of the ingest
 * pipeline checks every event once (schemas/validator.ts).
 */
const eventBody = (type: EventType) => {
  const schema = eventJsonSchema(type) as { properties: object };
  return { ...schema, properties: { ...schema.properties, ...writeKeyField }, description: `A Segment ${type} call (https://segment.com/docs/connections/spec/${type}/).`, [NUL_ALLOWED]: true };
};
const batchBody = {
  type: 'object',
  properties: {
    batch: { type: 'array', maxItems: EVENT_LIMITS.maxBatchItems, items: { type: 'object', description: 'An event with its `type`: track, identify, page, screen, group or alias.' } },
    context: { type: 'object', description: 'Merged into every item\'s context.' },
    integrations: { type: 'object' },
    sentAt: { type: 'string', description: 'When the client sent the batch (ISO 8601), to correct clock skew.' },
    ...writeKeyField,
  },
  required: ['batch'],
  [NUL_ALLOWED]: true,
};
const singleSchema = (type: EventType, short: boolean) => routeSchema({
  summary: short ? `Record one ${type} (analytics.js short path)` : `Record one ${type}`, tags, auth: 'writeKey', body: eventBody(type), response: { 200: stored },
  description: 'Bodies may be gzip- or deflate-compressed, sent as application/json, text/plain or without a type; at most 500 KB decompressed, 32 KB per event. 400 is permanent; 429 and 503 carry Retry-After.',
});
const batchSchema = (summary: string) => routeSchema({ summary, tags, auth: 'writeKey', body: batchBody, response: { 200: stored }, description: 'Up to 2,500 events of any type; all are stored, or none (a 400 names every bad item).' });

export interface CollectDeps {
  ingest: IngestService;
  keys: KeyResolver;
}

function bodyObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: body === undefined ? 'is required' : 'must be a JSON object' }] });
  }
  return body as Record<string, unknown>;
}

async function workspaceOf(request: FastifyRequest, body: Record<string, unknown>, keys: KeyResolver): Promise<string> {
  const fromBody = typeof body.writeKey === 'string' ? body.writeKey : undefined;
  return keys.workspaceFor('write', basicUser(request.headers.authorization) ?? fromBody);
}

/** The object, or undefined when absent or (with an issue added) not an object. */
function objectOrUndefined(value: unknown, field: string, issues: FieldIssue[]): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) { issues.push({ field, reason: 'must be an object' }); return undefined; }
  return value as JsonObject;
}

/**
 * The Segment answer `{"success":true}`; with `deadLettered` when some events failed alone and were
 * kept as dead letters for an admin to retry (they count as received: the client must not resend).
 */
function answer(result: Accepted): { success: true; deadLettered?: number } {
  return result.deadLettered > 0 ? { success: true, deadLettered: result.deadLettered } : { success: true };
}

/** Global Privacy Control (https://privacycg.github.io/gpc-spec/): `Sec-GPC: 1`. */
function hasGpc(request: FastifyRequest): boolean {
  return request.headers['sec-gpc'] === '1';
}

export function registerCollectRoutes(app: FastifyInstance, deps: CollectDeps): void {
  for (const [type, short] of SINGLE) {
    const handler = async (request: FastifyRequest) => {
      const receivedAt = Date.now();
      const body = bodyObject(request);
      const workspaceId = await workspaceOf(request, body, deps.keys);
      return answer(await deps.ingest.accept({ workspaceId, items: [body], impliedType: type, receivedAt, gpc: hasGpc(request), requestIp: request.ip }));
    };
    app.post(`/v1/${type}`, { schema: singleSchema(type, false) }, handler);
    app.post(`/v1/${short}`, { schema: singleSchema(type, true) }, handler);
  }

  const batch = async (request: FastifyRequest) => {
    const receivedAt = Date.now();
    const body = bodyObject(request);
    const workspaceId = await workspaceOf(request, body, deps.keys);
    // The batch's own fields are checked together, and reported with the items' problems at once.
    const issues: FieldIssue[] = [];
    if (!Array.isArray(body.batch)) issues.push({ field: 'batch', reason: body.batch === undefined ? 'is required' : 'must be an array' });
    const context = objectOrUndefined(body.context, 'context', issues);
    const integrations = objectOrUndefined(body.integrations, 'integrations', issues);
    // As on an item, sentAt is an ISO string (a number would pass as epoch ms and skew every item's
    // time), checked once here rather than once per item.
    let sentAt: string | undefined;
    if (body.sentAt !== undefined && body.sentAt !== null) {
      const read = typeof body.sentAt === 'string' ? readClientTime(body.sentAt) : 'must be string';
      if (typeof read === 'string') issues.push({ field: 'sentAt', reason: read });
      else sentAt = body.sentAt as string;
    }
    const accept = {
      workspaceId, items: Array.isArray(body.batch) ? body.batch as unknown[] : [], receivedAt, gpc: hasGpc(request),
      // A historical import comes from a server, not from the visitors: its address says nothing of their country.
      ...(request.routeOptions.url === '/v1/import' ? {} : { requestIp: request.ip }),
      defaults: { ...(context ? { context } : {}), ...(integrations ? { integrations } : {}), ...(sentAt !== undefined ? { sentAt } : {}) },
    };
    if (issues.length > 0) {
      const items = accept.items.length <= EVENT_LIMITS.maxBatchItems ? (await deps.ingest.forWorkspace(workspaceId)).validate(accept).issues : [];
      throw new TesseraError('invalid_batch', { issues: [...issues, ...items].slice(0, 100) });
    }
    return answer(await deps.ingest.accept(accept));
  };
  app.post('/v1/batch', { schema: batchSchema('Record a batch of events') }, batch);
  app.post('/v1/b', { schema: batchSchema('Record a batch of events (analytics.js short path)') }, batch);
  app.post('/v1/import', { schema: batchSchema('Import a batch of historical events (same as /v1/batch)') }, batch);

  // analytics.js reports its own delivery metrics here; accepted and discarded.
  app.post('/v1/m', { schema: routeSchema({ summary: 'analytics.js delivery metrics: accepted and discarded', tags, auth: 'none', body: { type: 'object', [NUL_ALLOWED]: true }, response: { 200: stored } }) }, async () => ({ success: true }));
}
