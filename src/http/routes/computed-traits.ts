/** The computed traits API (admin key): list, create, read, update, delete; changes start a backfill (also on demand). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BackfillRunner } from '../../segments/backfill.js';
import type { SegmentService } from '../../segments/segment-service.js';
import { bearerToken, type KeyResolver } from '../auth.js';
import { computedTraitView } from '../presenters/segment-view.js';

type KeyRequest = FastifyRequest<{ Params: { key: string } }>;

export function registerComputedTraitRoutes(app: FastifyInstance, deps: { keys: KeyResolver; service: SegmentService; backfills: BackfillRunner; now: () => number }): void {
  const admin = (request: FastifyRequest) => deps.keys.authenticate('admin', bearerToken(request.headers.authorization));

  app.get('/v1/computed-traits', async (request) => {
    const { workspaceId } = await admin(request);
    return { computedTraits: (await deps.service.listComputedTraits(workspaceId)).map((r) => computedTraitView(r, deps.now())) };
  });

  app.post('/v1/computed-traits', async (request, reply) => {
    const { workspaceId } = await admin(request);
    return reply.code(201).send(computedTraitView(await deps.service.putComputedTrait(workspaceId, request.body), deps.now()));
  });

  app.get('/v1/computed-traits/:key', async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    return computedTraitView(await deps.service.getComputedTrait(workspaceId, request.params.key), deps.now());
  });

  app.put('/v1/computed-traits/:key', async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    return computedTraitView(await deps.service.putComputedTrait(workspaceId, request.body, request.params.key), deps.now());
  });

  app.post('/v1/computed-traits/:key/backfill', async (request: KeyRequest, reply) => {
    const { workspaceId } = await admin(request);
    await deps.service.getComputedTrait(workspaceId, request.params.key);
    deps.backfills.start({ workspaceId, kind: 'computed', id: request.params.key });
    return reply.code(202).send({ started: true, key: request.params.key });
  });

  app.delete('/v1/computed-traits/:key', async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    await deps.service.deleteComputedTrait(workspaceId, request.params.key);
    return { deleted: true, key: request.params.key };
  });
}
