/**
 * POST /v1/consent (write key): a consent banner or form records the visitor's choices per
 * purpose, with the wording shown, for the current visitor (anonymousId) or a known person
 * (userId). The decision takes effect for the events that follow at once; the ledger keeps the
 * record with pseudonymised request metadata as evidence.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import type { IngestService } from '../../ingest/ingest-service.js';
import type { Store } from '../../ports/store.js';
import { publishedWordingHashes } from '../../privacy/published-wordings.js';
import { basicUser, type KeyResolver } from '../auth.js';
import { BODIES } from '../schemas/bodies.js';
import { json, routeSchema } from '../schemas/route-docs.js';

export function registerConsentRoutes(app: FastifyInstance, deps: { ingest: IngestService; keys: KeyResolver; store: Store }): void {
  app.post('/v1/consent', {
    schema: routeSchema({
      summary: 'Record a visitor\'s consent choices per purpose, with the wording shown (takes effect at once)', tags: ['Privacy', 'Collection'], auth: 'writeKey',
      body: BODIES.consent, response: { 200: json({ success: { type: 'boolean' }, messageId: { type: 'string' } }, ['success', 'messageId']) },
    }),
  }, async (request: FastifyRequest) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: body === undefined ? 'is required' : 'must be a JSON object' }] });
    }
    const fromBody = typeof (body as { writeKey?: unknown }).writeKey === 'string' ? (body as { writeKey: string }).writeKey : undefined;
    const workspaceId = await deps.keys.workspaceFor('write', basicUser(request.headers.authorization) ?? fromBody);
    const userAgent = request.headers['user-agent'];
    const origin = request.headers.origin;
    // Only the workspace's own wording is kept once for everyone; a text of the client's stays with the person.
    const published = await publishedWordingHashes(deps.store, workspaceId);
    const { messageId } = await deps.ingest.acceptConsent({
      workspaceId, body, isPublishedWording: (hash) => published.has(hash),
      request: { ip: request.ip, ...(userAgent ? { userAgent } : {}), ...(origin ? { origin } : {}) },
    });
    return { success: true, messageId };
  });
}
