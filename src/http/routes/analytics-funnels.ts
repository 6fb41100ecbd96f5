/**
 * Funnels and retention (admin key; issue 18): GET /v1/analytics/funnel and /v1/analytics/retention.
 * JSON a chart draws directly, or CSV with `format=csv`. Parameters are read by the services
 * (analytics/funnel-query.ts), which name every failing one.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FunnelService } from '../../analytics/funnels.js';
import type { RetentionService } from '../../analytics/retention.js';
import { MAX_STEPS } from '../../analytics/funnel-query.js';
import type { KeyResolver } from '../auth.js';
import { safeText } from '../schemas/query.js';
import { routeSchema } from '../schemas/route-docs.js';
import { analyticsFilterParams, toCsv } from './analytics.js';

export interface FunnelRouteDeps {
  keys: KeyResolver;
  funnels: FunnelService;
  retention: RetentionService;
}

const tags = ['Analytics'];
const STEP_HELP = 'page:/path, page:/prefix* or event:Name[;property=value…]';
const steps = Object.fromEntries(Array.from({ length: MAX_STEPS }, (_, i) => [`step${i + 1}`, safeText(400, `Step ${i + 1} (${i < 2 ? 'required' : 'optional'}): ${STEP_HELP}.`)]));
const answer = (description: string) => ({
  200: { description, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } }, 'text/csv': { schema: { type: 'string' } } } },
});
const schemas = {
  funnel: routeSchema({
    summary: 'People through 2–8 ordered steps (pages or events), with conversion and drop-off per step', tags, auth: 'adminKey',
    querystring: { type: 'object', additionalProperties: false, properties: {
      ...analyticsFilterParams, ...steps,
      within: safeText(10, 'Time limit from the first step to the last: 30m, 12h, 7d (default none).'),
    } },
    response: answer('{ within, steps: [{ step, label, people, conversionFromPrevious, conversionFromFirst, dropOff, dropOffRate }], completed, conversionRate }'),
  }),
  retention: routeSchema({
    summary: 'Cohorts of new visitors by their first day, week or month, and the share who came back in each later one', tags, auth: 'adminKey',
    querystring: { type: 'object', additionalProperties: false, properties: {
      ...analyticsFilterParams,
      interval: { type: 'string', enum: ['day', 'week', 'month'], default: 'week', description: 'The cohort period (weeks from Monday).' },
    } },
    response: answer('{ interval, cohorts: [{ cohort, start, people, returning: [n0, n1, …], rates: [1, r1, …] }] }'),
  }),
};

type Params = Record<string, unknown>;

function csv(reply: FastifyReply, name: string, rows: Array<Record<string, unknown>>): string {
  reply.header('content-disposition', `attachment; filename="analytics-${name}.csv"`);
  reply.type('text/csv; charset=utf-8');
  return toCsv(rows);
}

export function registerFunnelRoutes(app: FastifyInstance, deps: FunnelRouteDeps): void {
  app.get('/v1/analytics/funnel', { schema: schemas.funnel }, async (request, reply) => {
    const { workspaceId } = await deps.keys.admin(request);
    const params = request.query as Params;
    const result = await deps.funnels.funnel(workspaceId, params);
    return params.format === 'csv' ? csv(reply, 'funnel', result.steps.map((s) => ({ ...s }))) : result;
  });

  app.get('/v1/analytics/retention', { schema: schemas.retention }, async (request, reply) => {
    const { workspaceId } = await deps.keys.admin(request);
    const params = request.query as Params;
    const result = await deps.retention.retention(workspaceId, params);
    if (params.format !== 'csv') return result;
    // One row per cohort: its people, then the people and share back in each period after it.
    const width = result.cohorts.length;
    return csv(reply, `retention-${result.interval}`, result.cohorts.map((c) => ({
      cohort: c.cohort, start: c.start, people: c.people,
      ...Object.fromEntries(Array.from({ length: width }, (_, n) => [`returning_${n}`, c.returning[n] ?? ''])),
      ...Object.fromEntries(Array.from({ length: width }, (_, n) => [`rate_${n}`, c.rates[n] ?? ''])),
    })));
  });
}
