/**
 * The profile API (admin key): one profile by any identifier, its timeline, and search.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import type { Store } from '../../ports/store.js';
import { bearerToken, type KeyResolver } from '../auth.js';
import { eventView, profileView } from '../presenters/profile-view.js';

const pageQuery = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 }, cursor: { type: 'string', maxLength: 512 } },
} as const;

export function registerProfileRoutes(app: FastifyInstance, deps: { store: Store; keys: KeyResolver }): void {
  const admin = (request: FastifyRequest) => deps.keys.workspaceFor('admin', bearerToken(request.headers.authorization));

  const resolve = async (workspaceId: string, id: string) => {
    const profileId = await deps.store.profiles.resolve(workspaceId, id);
    if (!profileId) throw new TesseraError('not_found', { message: `No profile is known by "${id}".` });
    return profileId;
  };

  app.get('/v1/profiles/:id', async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const workspaceId = await admin(request);
    const profileId = await resolve(workspaceId, request.params.id);
    const [profile, merges] = await Promise.all([deps.store.profiles.get(workspaceId, profileId), deps.store.profiles.merges(workspaceId, profileId)]);
    if (!profile) throw new TesseraError('not_found');
    return profileView(profile, merges);
  });

  app.get('/v1/profiles/:id/events', { schema: { querystring: pageQuery } }, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { limit: number; cursor?: string } }>) => {
    const workspaceId = await admin(request);
    const profileId = await resolve(workspaceId, request.params.id);
    const page = await deps.store.profiles.events(workspaceId, profileId, { limit: request.query.limit, ...(request.query.cursor ? { cursor: request.query.cursor } : {}) });
    return { profileId, events: page.events.map(eventView), nextCursor: page.nextCursor };
  });

  app.get('/v1/profiles', { schema: { querystring: { ...pageQuery, properties: { ...pageQuery.properties, q: { type: 'string', maxLength: 200 } }, additionalProperties: true } } },
    async (request: FastifyRequest<{ Querystring: Record<string, string> & { limit: number; q?: string; cursor?: string } }>) => {
      const workspaceId = await admin(request);
      // No prototype: `trait.__proto__=x` must be a (never matching) filter, not a prototype assignment.
      const traits: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [key, value] of Object.entries(request.query)) {
        if (!key.startsWith('trait.')) continue;
        if (typeof value !== 'string' || key.length <= 6) throw new TesseraError('invalid_query', { issues: [{ field: key, reason: 'must be given once, as trait.NAME=VALUE' }] });
        traits[key.slice(6)] = value;
      }
      const result = await deps.store.profiles.search(workspaceId, {
        traits, limit: request.query.limit,
        ...(request.query.q ? { q: request.query.q } : {}),
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
      });
      return { profiles: result.profiles.map((p) => profileView(p)), nextCursor: result.nextCursor };
    });
}
