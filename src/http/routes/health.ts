/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the store answers, schema current). */
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
      return { status: 'ready', store: deps.store.kind };
    } catch (error) {
      return reply.code(503).send({ status: 'not_ready', reason: (error as Error).message });
    }
  });
}
