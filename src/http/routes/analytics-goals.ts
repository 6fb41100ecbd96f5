/**
 * Analytics goals (admin key; issue 18 §1): GET /v1/analytics/goals, GET/PUT/DELETE
 * /v1/analytics/goals/{id}. A goal is a name and a step in the funnel step syntax; ingest counts
 * conversions from its `countingSince` on (analytics/goals.ts), read with `goal=<id>` on the
 * metric, breakdown and time series routes (analytics/goal-conversions.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Goal, GoalService } from '../../analytics/goals.js';
import type { KeyResolver } from '../auth.js';
import { pathParams } from '../schemas/query.js';
import { json, routeSchema } from '../schemas/route-docs.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const tags = ['Analytics goals'];
const goalShape = {
  id: { type: 'string' }, name: { type: 'string' }, step: { type: 'string' },
  countingSince: { type: 'string', description: 'Conversions are counted from this instant on (creation or last step change); no backfill.' },
};
const goalDoc = json(goalShape, ['id', 'name', 'step', 'countingSince']);
const idParams = pathParams({ id: { maxLength: 64, description: 'The goal id: 1 to 64 letters, digits, _ or -.' } });
const goalBody = {
  type: 'object',
  description: 'name (1–100 characters) and step: page:/path, page:/prefix*, or event:Name[;property=value…] (as a funnel step).',
  properties: { name: { type: 'string' }, step: { type: 'string' }, id: { type: 'string' } },
  additionalProperties: true,
};
const schemas = {
  list: routeSchema({ summary: 'Every analytics goal of the workspace', tags, auth: 'adminKey', response: { 200: json({ goals: { type: 'array', items: goalDoc } }, ['goals']) } }),
  get: routeSchema({ summary: 'One analytics goal', tags, auth: 'adminKey', params: idParams, response: { 200: goalDoc } }),
  put: routeSchema({ summary: 'Create or change an analytics goal (at most 20; a new step counts from now on)', tags, auth: 'adminKey', params: idParams, body: goalBody, response: { 200: goalDoc, 201: goalDoc } }),
  delete: routeSchema({ summary: 'Delete an analytics goal (its counted conversions are no longer read)', tags, auth: 'adminKey', params: idParams, response: { 200: json({ deleted: { type: 'boolean' }, id: { type: 'string' } }, ['deleted', 'id']) } }),
};

export function goalView(goal: Goal): { id: string; name: string; step: string; countingSince: string } {
  return { id: goal.id, name: goal.name, step: goal.step, countingSince: new Date(goal.countingSince).toISOString() };
}

export function registerAnalyticsGoalRoutes(app: FastifyInstance, deps: { keys: KeyResolver; goals: GoalService }): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);

  app.get('/v1/analytics/goals', { schema: schemas.list }, async (request) => {
    const { workspaceId } = await admin(request);
    return { goals: (await deps.goals.list(workspaceId)).map(goalView) };
  });

  app.get('/v1/analytics/goals/:id', { schema: schemas.get }, async (request: IdRequest) => {
    const { workspaceId } = await admin(request);
    return goalView(await deps.goals.get(workspaceId, request.params.id));
  });

  app.put('/v1/analytics/goals/:id', { schema: schemas.put }, async (request: IdRequest, reply) => {
    const { workspaceId } = await admin(request);
    const { goal, created } = await deps.goals.put(workspaceId, request.params.id, request.body);
    return reply.code(created ? 201 : 200).send(goalView(goal));
  });

  app.delete('/v1/analytics/goals/:id', { schema: schemas.delete }, async (request: IdRequest) => {
    const { workspaceId } = await admin(request);
    await deps.goals.delete(workspaceId, request.params.id);
    return { deleted: true, id: request.params.id };
  });
}
