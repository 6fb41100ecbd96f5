/**
 * GET /t.js: Tessera's own browser tracker (web/tracker, built by `npm run build` into
 * web/tracker/dist/t.js), configured by the data-* attributes of its script tag. Public: the
 * write key is in the tag, not in the address, so one cached file serves every workspace.
 *
 * GET /t-slots.js: the tracker's slot module (dist/t-slots.js), which t.js loads only on pages
 * with `data-tessera-slot` elements, from `/t-slots.js?v=<content hash>`. Asked for by the hash of
 * the file served, it is cached for a year (immutable: a new build has a new address); any other
 * `v` (a t.js from before a release, still in a cache) gets the current file with a short lifetime.
 *
 * Read once and kept in memory; answered with a strong ETag (304 on a match) and a short cache
 * lifetime, so that a new release reaches browsers within minutes. Cross-origin embedding is the
 * point of the files, hence Cross-Origin-Resource-Policy: cross-origin.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { empty, routeSchema, text } from '../schemas/route-docs.js';

/** The same three levels up from src/http/routes (tsx) and dist/http/routes (compiled). */
export const TRACKER_FILE = fileURLToPath(new URL('../../../web/tracker/dist/t.js', import.meta.url));
export const SLOTS_FILE = fileURLToPath(new URL('../../../web/tracker/dist/t-slots.js', import.meta.url));

const SHORT = 'public, max-age=300';
const YEAR = 'public, max-age=31536000, immutable';

interface Served { body: Buffer; etag: string; version: string }

/** Reads `file` once; the version is the content hash web/tracker/build.ts puts into t.js. */
function served(file: string): () => Served {
  let cached: Served | null = null;
  return () => {
    if (!cached) {
      let body: Buffer;
      try {
        body = readFileSync(file);
      } catch {
        throw new TesseraError('not_found', { message: 'The tracker is not built: run `npm run build`.' });
      }
      const hash = createHash('sha256').update(body).digest('base64url');
      cached = { body, etag: `"${hash.slice(0, 27)}"`, version: hash.slice(0, 12) };
    }
    return cached;
  };
}

export function registerTrackerRoutes(app: FastifyInstance, deps: { file?: string; slotsFile?: string } = {}): void {
  const tracker = served(deps.file ?? TRACKER_FILE);
  const slots = served(deps.slotsFile ?? SLOTS_FILE);
  const responses = { 200: text('text/javascript', 'The script (strong ETag).'), 304: empty('Not modified (If-None-Match).') };

  app.get('/t.js', {
    schema: routeSchema({ summary: 'Tessera\'s own browser tracker, configured by data-* attributes', tags: ['Browser'], auth: 'none', response: responses }),
  }, async (request, reply) => {
    const { body, etag } = tracker();
    reply.header('etag', etag).header('cache-control', SHORT).header('cross-origin-resource-policy', 'cross-origin');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/javascript; charset=utf-8').send(body);
  });

  app.get('/t-slots.js', {
    schema: routeSchema({
      summary: 'The tracker\'s slot module, loaded by /t.js on pages with data-tessera-slot elements', tags: ['Browser'], auth: 'none',
      description: 'Asked for with `v` = the content hash of the current module (as /t.js does), it may be cached for a year; otherwise for five minutes.',
      querystring: { type: 'object', properties: { v: { type: 'string', description: 'The module\'s content hash, as /t.js asks for it.' } } },
      response: responses,
    }),
  }, async (request, reply) => {
    const { body, etag, version } = slots();
    const { v } = request.query as { v?: unknown };
    reply.header('etag', etag).header('cache-control', v === version ? YEAR : SHORT).header('cross-origin-resource-policy', 'cross-origin');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/javascript; charset=utf-8').send(body);
  });
}
