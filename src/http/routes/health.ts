/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the store answers, schema current). */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../ports/store.js';

export function registerHealthRoutes(app: FastifyInstance, deps: { store: Store; isDraining: () => boolean }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (deps.isDraining()) return reply.code(503).send({ status: 'draining' });
    try {
      await deps.store.ping();
      return { status: 'ready', store: deps.store.kind };
    } catch (error) {
      return reply.code(503).send({ status: 'not_ready', reason: (error as Error).message });
    }
  });
}
