/**
 * Audiences API (admin key; issue 17 §4; docs/audiences.md):
 * - /v1/audiences CRUD: a segment or a persona (≥ a probability), optionally visited within N
 *   days; only people with the advertising purpose granted are ever exported;
 * - GET /v1/audiences/{id}/export?format=meta|google|linkedin[&since=ISO]: the platform's CSV,
 *   streamed; full, or incremental since the last export (audited, export-audience.ts).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Audience } from '../../core/audiences/audience.js';
import { PLATFORMS, type Platform } from '../../core/audiences/normalise.js';
import { TesseraError } from '../../core/errors.js';
import { parseTime } from '../../core/time.js';
import type { AudienceRecord, AudienceService } from '../../audiences/audience-service.js';
import { prepareAudienceExport } from '../../audiences/export-audience.js';
import type { Store } from '../../ports/store.js';
import type { KeyResolver } from '../auth.js';
import { idParams, safeText } from '../schemas/query.js';
import { document, json, routeSchema } from '../schemas/route-docs.js';

export interface AudienceRouteDeps { store: Store; keys: KeyResolver; service: AudienceService; now: () => number }

const tags = ['Audiences'];
const audience = document('An audience: id, name, source ({segment} or {persona: {id, minProbability}}), visitedWithinDays, purpose, defaultCountry, and per format the last export (members, excluded for lack of advertising consent, unmatchable, added, removed).');
const body = document('{name, source: {"segment": id} | {"persona": {"id": "p2", "minProbability": 0.7}}, visitedWithinDays?, purpose? (default advertising), defaultCountry? (default DE), id? (on create)}');
const schemas = {
  list: routeSchema({ summary: 'Every audience with its last exports', tags, auth: 'adminKey', response: { 200: json({ audiences: { type: 'array', items: { type: 'object' } } }, ['audiences']) } }),
  create: routeSchema({ summary: 'Create an audience for ad platforms', tags, auth: 'adminKey', body, response: { 201: audience } }),
  get: routeSchema({ summary: 'One audience with its last exports', tags, auth: 'adminKey', params: idParams, response: { 200: audience } }),
  update: routeSchema({ summary: 'Change an audience', tags, auth: 'adminKey', params: idParams, body, response: { 200: audience } }),
  delete: routeSchema({ summary: 'Delete an audience and its export state', tags, auth: 'adminKey', params: idParams, response: { 200: json({ deleted: { type: 'boolean' }, id: { type: 'string' } }, ['deleted', 'id']) } }),
  export: routeSchema({
    summary: 'The audience as the platform\'s CSV (hashed as it requires), streamed: full, or the adds and removes since the last export (audited)', tags, auth: 'adminKey', params: idParams,
    querystring: { type: 'object', properties: { format: { type: 'string', enum: [...PLATFORMS] }, since: safeText(64, 'Incremental: the changes since the last export of this format (an ISO time not before it).') }, required: ['format'] },
    response: { 200: { description: 'CSV: the platform\'s columns (incremental: plus `action`, add or remove).', content: { 'text/csv': { schema: { type: 'string' } } } } },
  }),
};

const iso = (ms: number) => new Date(ms).toISOString();

function view(r: AudienceRecord) {
  const a: Audience = r.audience;
  return {
    id: a.id, name: a.name, source: a.source, ...(a.visitedWithinDays !== undefined ? { visitedWithinDays: a.visitedWithinDays } : {}),
    purpose: a.purpose, defaultCountry: a.defaultCountry, createdAt: iso(a.createdAt), updatedAt: iso(a.updatedAt),
    lastExports: Object.fromEntries(Object.entries(r.lastExports).map(([format, s]) => [format, { ...s, at: iso(s.at) }])),
  };
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

export function registerAudienceRoutes(app: FastifyInstance, deps: AudienceRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);

  app.get('/v1/audiences', { schema: schemas.list }, async (request) => {
    const { workspaceId } = await admin(request);
    return { audiences: (await deps.service.list(workspaceId)).map(view) };
  });
  app.post('/v1/audiences', { schema: schemas.create }, async (request, reply) => {
    const { workspaceId } = await admin(request);
    return reply.code(201).send(view(await deps.service.create(workspaceId, request.body)));
  });
  app.get('/v1/audiences/:id', { schema: schemas.get }, async (request: IdRequest) => {
    const { workspaceId } = await admin(request);
    return view(await deps.service.get(workspaceId, request.params.id));
  });
  app.put('/v1/audiences/:id', { schema: schemas.update }, async (request: IdRequest) => {
    const { workspaceId } = await admin(request);
    return view(await deps.service.update(workspaceId, request.params.id, request.body));
  });
  app.delete('/v1/audiences/:id', { schema: schemas.delete }, async (request: IdRequest) => {
    const { workspaceId } = await admin(request);
    await deps.service.remove(workspaceId, request.params.id);
    return { deleted: true, id: request.params.id };
  });
  app.get('/v1/audiences/:id/export', { schema: schemas.export }, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { format: Platform; since?: string } }>, reply) => {
    const { workspaceId, keyId } = await admin(request);
    const found = await deps.service.stored(workspaceId, request.params.id);
    let since: number | undefined;
    if (request.query.since !== undefined) {
      since = parseTime(request.query.since);
      if (since === undefined) throw new TesseraError('invalid_query', { issues: [{ field: 'since', reason: 'must be an ISO-8601 time, e.g. "2026-01-31T12:00:00Z"' }] });
    }
    const { chunks } = await prepareAudienceExport(deps.store, { audience: found, format: request.query.format, now: deps.now(), actor: keyId, ...(since !== undefined ? { since } : {}) });
    reply.header('content-disposition', `attachment; filename="audience-${found.id}-${request.query.format}${since !== undefined ? '-changes' : ''}.csv"`);
    reply.type('text/csv; charset=utf-8');
    return reply.send(Readable.from(chunks));
  });
}
