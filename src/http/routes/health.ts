/**
 * Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the store answers, its schema
 * is current, and its background upkeep is not failing: a WAL that cannot be checkpointed, on a full
 * disk, grows until writes fail too).
 */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../ports/store.js';
import { json, routeSchema } from '../schemas/route-docs.js';

export function registerHealthRoutes(app: FastifyInstance, deps: { store: Store; isDraining: () => boolean }): void {
  const tags = ['Health'];
  const status = (description: string) => json({ status: { type: 'string' }, store: { type: 'string' }, reason: { type: 'string' } }, ['status'], description);
  app.get('/healthz', { schema: routeSchema({ summary: 'Liveness: the process answers', tags, auth: 'none', response: { 200: status('ok') } }) }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: routeSchema({ summary: 'Readiness: the store answers and its schema is current', tags, auth: 'none', response: { 200: status('ready'), 503: status('draining or not_ready, with the reason') } }) }, async (_request, reply) => {
    if (deps.isDraining()) return reply.code(503).send({ status: 'draining' });
    try {
      await deps.store.ping();
      const [problem] = deps.store.maintenance.problems();
      if (problem) {
        return reply.code(503).send({ status: 'not_ready', reason: `${problem.task} failing since ${new Date(problem.since).toISOString()}: ${problem.error}` });
      }
      return { status: 'ready', store: deps.store.kind };
    } catch (error) {
      return reply.code(503).send({ status: 'not_ready', reason: (error as Error).message });
    }
  });
}
