/** The computed traits API (admin key): list, create, read, update, delete; changes start a backfill (also on demand). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BackfillRunner } from '../../segments/backfill.js';
import type { SegmentService } from '../../segments/segment-service.js';
import type { KeyResolver } from '../auth.js';
import { computedTraitView } from '../presenters/segment-view.js';
import { pathParams } from '../schemas/query.js';
import { document, json, routeSchema } from '../schemas/route-docs.js';

type KeyRequest = FastifyRequest<{ Params: { key: string } }>;

const tags = ['Computed traits'];
const trait = document('A computed trait: its definition and backfill progress.');
const traitBody = { type: 'object', properties: { key: { type: 'string' }, name: { type: 'string' } }, additionalProperties: true, description: 'A computed trait definition: key, and what it computes from events (docs/computed-traits.md).' };
const keyParams = pathParams({ key: { maxLength: 200 } });
const schemas = {
  list: routeSchema({ summary: 'Every computed trait', tags, auth: 'adminKey', response: { 200: json({ computedTraits: { type: 'array', items: { type: 'object' } } }, ['computedTraits']) } }),
  create: routeSchema({ summary: 'Create a computed trait (computed for every profile in the background)', tags, auth: 'adminKey', body: traitBody, response: { 201: trait } }),
  get: routeSchema({ summary: 'One computed trait', tags, auth: 'adminKey', params: keyParams, response: { 200: trait } }),
  update: routeSchema({ summary: 'Change a computed trait (recomputed in the background)', tags, auth: 'adminKey', params: keyParams, body: traitBody, response: { 200: trait } }),
  backfill: routeSchema({ summary: 'Recompute a computed trait now', tags, auth: 'adminKey', params: keyParams, response: { 202: json({ started: { type: 'boolean' }, key: { type: 'string' } }, ['started', 'key']) } }),
  delete: routeSchema({ summary: 'Delete a computed trait', tags, auth: 'adminKey', params: keyParams, response: { 200: json({ deleted: { type: 'boolean' }, key: { type: 'string' } }, ['deleted', 'key']) } }),
};

export function registerComputedTraitRoutes(app: FastifyInstance, deps: { keys: KeyResolver; service: SegmentService; backfills: BackfillRunner; now: () => number }): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);

  app.get('/v1/computed-traits', { schema: schemas.list }, async (request) => {
    const { workspaceId } = await admin(request);
    return { computedTraits: (await deps.service.listComputedTraits(workspaceId)).map((r) => computedTraitView(r, deps.now())) };
  });

  app.post('/v1/computed-traits', { schema: schemas.create }, async (request, reply) => {
    const { workspaceId } = await admin(request);
    return reply.code(201).send(computedTraitView(await deps.service.putComputedTrait(workspaceId, request.body), deps.now()));
  });

  app.get('/v1/computed-traits/:key', { schema: schemas.get }, async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    return computedTraitView(await deps.service.getComputedTrait(workspaceId, request.params.key), deps.now());
  });

  app.put('/v1/computed-traits/:key', { schema: schemas.update }, async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    return computedTraitView(await deps.service.putComputedTrait(workspaceId, request.body, request.params.key), deps.now());
  });

  app.post('/v1/computed-traits/:key/backfill', { schema: schemas.backfill }, async (request: KeyRequest, reply) => {
    const { workspaceId } = await admin(request);
    await deps.service.getComputedTrait(workspaceId, request.params.key);
    deps.backfills.start({ workspaceId, kind: 'computed', id: request.params.key });
    return reply.code(202).send({ started: true, key: request.params.key });
  });

  app.delete('/v1/computed-traits/:key', { schema: schemas.delete }, async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    await deps.service.deleteComputedTrait(workspaceId, request.params.key);
    return { deleted: true, key: request.params.key };
  });
}
