/**
 * The admin app (admin/, built by `npm run build` into admin/dist): static files under /admin,
 * and `GET /` sends a person who opens Tessera's address to it.
 *
 * - Hashed files (admin/dist/assets/*-HASH.js|css) never change under their name: cached for a year,
 *   immutable.
 * - Every other path under /admin/ is a screen of the single-page app (/admin/people/…): answered
 *   with index.html, never cached, so that a new release is picked up on the next load.
 * - The app talks only to the documented HTTP API; these routes serve files and nothing else.
 *   A Content-Security-Policy allows scripts, styles and requests to this origin only.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { TesseraError } from '../../core/errors.js';

/** The same three levels up from src/http/routes (tsx) and dist/http/routes (compiled). */
export const ADMIN_DIST = fileURLToPath(new URL('../../../admin/dist/', import.meta.url));

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export async function registerAdminAppRoutes(app: FastifyInstance, deps: { dir?: string } = {}): Promise<void> {
  const dir = deps.dir ?? ADMIN_DIST;
  await app.register(fastifyStatic, { root: dir, serve: false, decorateReply: true });

  const secure = (reply: FastifyReply) => reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin');

  const index = (reply: FastifyReply) => {
    if (!existsSync(join(dir, 'index.html'))) throw new TesseraError('not_found', { message: 'The admin app is not built: run `npm run build`.' });
    return secure(reply).header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });
  };

  const hidden = { hide: true };
  app.get('/', { schema: hidden }, async (_request, reply) => reply.redirect('/admin/', 302));
  app.get('/admin', { schema: hidden }, async (_request, reply) => reply.redirect('/admin/', 301));
  app.get('/admin/*', { schema: hidden }, async (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    // A name as the build writes them (no dots but the extension's, no slashes): nothing outside assets/.
    const asset = /^assets\/([\w-]+\.(?:js|css))$/.exec(rest)?.[1];
    if (asset !== undefined) {
      if (!existsSync(join(dir, 'assets', asset))) throw new TesseraError('not_found', { message: `No admin asset "${asset}".` });
      return secure(reply).header('cache-control', 'public, max-age=31536000, immutable').sendFile(asset, join(dir, 'assets'), { cacheControl: false });
    }
    return index(reply);
  });
}
