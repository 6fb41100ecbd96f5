/**
 * The settings document analytics.js (analytics-next) loads at start, so that a site can point
 * the browser client at Tessera with `cdnURL`/`apiHost` and nothing else: it names Tessera as the
 * one destination ("Segment.io" is how the client calls its own API) and enables every event.
 *
 * analytics-next sends events to `${protocol}://${apiHost}/<t|p|i|…>`, so `apiHost` is a host (and
 * path) without a scheme; a relative value is not possible. Both come from the configured public
 * URL (or the listen address without one, public-base.ts), never from the request: the document
 * is the same for everyone who asks with this write key, so caches may keep it for a while.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PublicBase } from '../../public-base.js';
import type { KeyResolver } from '../auth.js';
import { pathParams } from '../schemas/query.js';
import { document, routeSchema } from '../schemas/route-docs.js';

/** Browsers and shared caches may keep the document five minutes (like analytics.js itself). */
export const SETTINGS_CACHE_CONTROL = 'public, max-age=300';

export function registerSettingsRoutes(app: FastifyInstance, deps: { keys: KeyResolver; publicBase: PublicBase }): void {
  const base = new URL(deps.publicBase.url);
  // Behind a TLS-terminating proxy the request looks like plain http; the configured public URL
  // tells browsers where (and over which protocol) to send events.
  const apiHost = `${base.host}${base.pathname.replace(/\/$/, '')}/v1`;
  const protocol = base.protocol.replace(':', '');
  app.get('/v1/projects/:writeKey/settings', {
    schema: routeSchema({
      summary: 'The settings document analytics.js loads at start (Tessera as its one destination)', tags: ['Browser'], auth: 'none',
      description: 'The write key is in the path, as analytics.js asks for it.',
      params: pathParams({ writeKey: { maxLength: 512 } }), response: { 200: document('The analytics-next settings: integrations, plan, metrics.') },
    }),
  }, async (request: FastifyRequest<{ Params: { writeKey: string } }>, reply) => {
    await deps.keys.workspaceFor('write', request.params.writeKey);
    reply.header('cache-control', SETTINGS_CACHE_CONTROL);
    return {
      integrations: {
        'Segment.io': { apiKey: request.params.writeKey, apiHost, protocol, addBundledMetadata: false, unbundledIntegrations: [] },
      },
      plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } }, group: { __default: { enabled: true } } },
      edgeFunction: {},
      analyticsNextEnabled: true,
      middlewareSettings: {},
      enabledMiddleware: {},
      metrics: { sampleRate: 0 },
      legacyVideoPluginsEnabled: false,
      remotePlugins: [],
    };
  });
}
