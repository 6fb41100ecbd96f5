/**
 * `GET /metrics`: the Prometheus text format, and the count of every answered request. With a
 * configured token, a scrape must send it as `Authorization: Bearer …`; without one, only clients
 * on this machine may read the metrics. A request that came through a proxy is not local, whatever
 * its address: a proxy on the same machine (nginx in front of Tessera) connects from loopback, and
 * would otherwise hand the metrics to anyone on the internet.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import type { Metrics } from '../../metrics/metrics.js';
import { bearerToken } from '../auth.js';
import { routeSchema, text } from '../schemas/route-docs.js';

export interface MetricsDeps {
  metrics: Metrics;
  token?: string | undefined;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

export function registerMetricsRoutes(app: FastifyInstance, deps: MetricsDeps): void {
  // Every answered request, by its route pattern (404s have none: "unmatched").
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.httpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  const expected = deps.token === undefined ? null : digest(deps.token);
  app.get('/metrics', {
    schema: routeSchema({ summary: 'Prometheus metrics (token, or this machine only)', tags: ['Health'], auth: 'metricsToken', response: { 200: text('text/plain', 'The Prometheus text format.') } }),
  }, async (request, reply) => {
    if (expected) {
      const given = bearerToken(request.headers.authorization);
      // Compared as digests, in constant time: the token's length is not revealed either.
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        throw new TesseraError('unauthorized', { message: 'GET /metrics needs Authorization: Bearer <the configured TESSERA_METRICS_TOKEN>.' });
      }
    } else if (!isLoopback(request.ip) || PROXY_HEADERS.some((h) => request.headers[h] !== undefined)) {
      throw new TesseraError('forbidden', { message: 'Metrics are served to this machine only; set TESSERA_METRICS_TOKEN to let Prometheus read them from elsewhere.' });
    }
    const { contentType, body } = await deps.metrics.render();
    return reply.type(contentType).send(body);
  });
}
