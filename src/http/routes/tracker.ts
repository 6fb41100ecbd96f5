/**
 * GET /t.js: Tessera's own browser tracker (web/tracker, built by `npm run build` into
 * web/tracker/dist/t.js), configured by the data-* attributes of its script tag. Public: the
 * write key is in the tag, not in the address, so one cached file serves every workspace.
 *
 * Read once and kept in memory; answered with a strong ETag (304 on a match) and a short cache
 * lifetime, so that a new release reaches browsers within minutes. Cross-origin embedding is the
 * point of the file, hence Cross-Origin-Resource-Policy: cross-origin.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { empty, routeSchema, text } from '../schemas/route-docs.js';

/** The same three levels up from src/http/routes (tsx) and dist/http/routes (compiled). */
export const TRACKER_FILE = fileURLToPath(new URL('../../../web/tracker/dist/t.js', import.meta.url));

export function registerTrackerRoutes(app: FastifyInstance, deps: { file?: string } = {}): void {
  let cached: { body: Buffer; etag: string } | null = null;
  const load = () => {
    if (!cached) {
      let body: Buffer;
      try {
        body = readFileSync(deps.file ?? TRACKER_FILE);
      } catch {
        throw new TesseraError('not_found', { message: 'The tracker is not built: run `npm run build`.' });
      }
      cached = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    return cached;
  };

  app.get('/t.js', {
    schema: routeSchema({ summary: 'Tessera\'s own browser tracker, configured by data-* attributes', tags: ['Browser'], auth: 'none', response: { 200: text('text/javascript', 'The tracker (strong ETag).'), 304: empty('Not modified (If-None-Match).') } }),
  }, async (request, reply) => {
    const { body, etag } = load();
    reply.header('etag', etag).header('cache-control', 'public, max-age=300').header('cross-origin-resource-policy', 'cross-origin');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/javascript; charset=utf-8').send(body);
  });
}
