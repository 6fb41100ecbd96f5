/**
 * The experiments API (admin key): definitions (CRUD), assignment for server code, live results, and the
 * workspace's experiment settings (global holdout share).
 *
 * Bodies are validated by the core (core/experiments/validate-experiment.ts), which names every failing field;
 * the route schemas declare only their shape as an object, because Fastify's ajv is configured to coerce types
 * and would silently turn "0.5" into 0.5 — a changed value we refuse instead.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assignExperiment, parseUnitIds, type AssignDeps } from '../../experiments/assign-experiment.js';
import { experimentResults } from '../../experiments/experiment-results.js';
import type { ExperimentService } from '../../experiments/experiment-service.js';
import type { Store } from '../../ports/store.js';
import { bearerToken, type KeyResolver } from '../auth.js';
import { experimentView } from '../presenters/experiment-view.js';

export interface ExperimentRouteDeps {
  store: Store;
  keys: KeyResolver;
  service: ExperimentService;
  assign: Omit<AssignDeps, 'store'>;
}

const keyParams = {
  type: 'object',
  properties: { key: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9_.-]*$', description: 'The experiment key.' } },
  required: ['key'],
  additionalProperties: false,
} as const;
const objectBody = (description: string) => ({ type: 'object', description }) as const;

type KeyRequest = FastifyRequest<{ Params: { key: string } }>;

export function registerExperimentRoutes(app: FastifyInstance, deps: ExperimentRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.authenticate('admin', bearerToken(request.headers.authorization));

  app.get('/v1/experiments', async (request) => {
    const { workspaceId } = await admin(request);
    return { experiments: (await deps.service.list(workspaceId)).map(experimentView) };
  });

  app.post('/v1/experiments', { schema: { body: objectBody('An experiment: key, name, variations [{id, name?, weight}], coverage?, targeting?, hashAttribute?, hashVersion?, seed?, namespace?, status?, startAt?, stopAt?, goal?') } }, async (request, reply) => {
    const { workspaceId } = await admin(request);
    return reply.code(201).send(experimentView(await deps.service.create(workspaceId, request.body)));
  });

  app.get('/v1/experiment-settings', async (request) => {
    const { workspaceId } = await admin(request);
    return deps.service.settings(workspaceId);
  });

  app.put('/v1/experiment-settings', { schema: { body: objectBody('{holdoutShare}: the share of people in the global holdout, 0 to 0.5') } }, async (request) => {
    const { workspaceId } = await admin(request);
    return deps.service.putSettings(workspaceId, request.body);
  });

  app.get('/v1/experiments/:key', { schema: { params: keyParams } }, async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    return experimentView(await deps.service.get(workspaceId, request.params.key));
  });

  app.put('/v1/experiments/:key', { schema: { params: keyParams, body: objectBody('The whole experiment (the key may be omitted; it cannot change)') } }, async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    return experimentView(await deps.service.update(workspaceId, request.params.key, request.body));
  });

  app.delete('/v1/experiments/:key', { schema: { params: keyParams } }, async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    await deps.service.delete(workspaceId, request.params.key);
    return { deleted: true, key: request.params.key };
  });

  app.post('/v1/experiments/:key/assign', { schema: { params: keyParams, body: objectBody('{userId?, anonymousId?}: who is assigned (at least one)') } }, async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    const unit = parseUnitIds(request.body);
    return assignExperiment({ ...deps.assign, store: deps.store }, { workspaceId, experimentKey: request.params.key, unit });
  });

  app.get('/v1/experiments/:key/results', { schema: { params: keyParams } }, async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    return experimentResults(deps.store, workspaceId, request.params.key);
  });
}
