/**
 * Serves analytics.js (Segment's analytics-next browser library, an npm dependency) so that a
 * site can use the stock Segment snippet with Tessera's address in place of Segment's CDN:
 *   <script> … t.src = "https://tessera.example.com/analytics.js/v1/" + key + "/analytics.min.js" … </script>
 * and the chunks it loads lazily (query-string identify `?ajs_uid=…`, plugins) from
 * `/analytics-next/bundles/…`. Files are read once and kept in memory; chunk names carry a
 * content hash, so they are cached as immutable.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import type { KeyResolver } from '../auth.js';
import { pathParams } from '../schemas/query.js';
import { routeSchema, text } from '../schemas/route-docs.js';

const CHUNK_NAME = /^[\w-]+\.bundle\.[0-9a-f]{8,}\.js$/;

function bundleDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@segment/analytics-next/package.json')), 'dist', 'umd');
}

export function registerAnalyticsJsRoutes(app: FastifyInstance, deps: { keys: KeyResolver }): void {
  const files = new Map<string, Buffer>();
  const read = (name: string): Buffer => {
    let body = files.get(name);
    if (!body) {
      try {
        body = readFileSync(join(bundleDir(), name));
      } catch {
        throw new TesseraError('not_found', { message: `No analytics.js file "${name}".` });
      }
      files.set(name, body);
    }
    return body;
  };

  app.get('/analytics.js/v1/:writeKey/analytics.min.js', {
    schema: routeSchema({ summary: 'analytics.js (Segment analytics-next) for the stock snippet', tags: ['Browser'], auth: 'none', params: pathParams({ writeKey: { maxLength: 512 } }), response: { 200: text('text/javascript', 'The library.') } }),
  }, async (request: FastifyRequest<{ Params: { writeKey: string } }>, reply) => {
    await deps.keys.workspaceFor('write', request.params.writeKey);
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(read('standalone.js'));
  });

  app.get('/analytics-next/bundles/:file', {
    schema: routeSchema({ summary: 'A chunk analytics.js loads lazily (immutable: the name has a content hash)', tags: ['Browser'], auth: 'none', params: pathParams({ file: { maxLength: 200 } }), response: { 200: text('text/javascript', 'The chunk.') } }),
  }, async (request: FastifyRequest<{ Params: { file: string } }>, reply) => {
    if (!CHUNK_NAME.test(request.params.file)) throw new TesseraError('not_found', { message: `No analytics.js file "${request.params.file}".` });
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=31536000, immutable').send(read(request.params.file));
  });
}
