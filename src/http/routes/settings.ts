/**
 * The settings document analytics.js (analytics-next) loads at start, so that a site can point
 * the browser client at Tessera with `cdnURL`/`apiHost` and nothing else: it names Tessera as the
 * one destination ("Segment.io" is how the client calls its own API) and enables every event.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KeyResolver } from '../auth.js';
import { pathParams } from '../schemas/query.js';
import { document, routeSchema } from '../schemas/route-docs.js';

export function registerSettingsRoutes(app: FastifyInstance, deps: { keys: KeyResolver; publicUrl?: string }): void {
  const configured = deps.publicUrl ? new URL(deps.publicUrl) : null;
  app.get('/v1/projects/:writeKey/settings', {
    schema: routeSchema({
      summary: 'The settings document analytics.js loads at start (Tessera as its one destination)', tags: ['Browser'], auth: 'none',
      description: 'The write key is in the path, as analytics.js asks for it.',
      params: pathParams({ writeKey: { maxLength: 512 } }), response: { 200: document('The analytics-next settings: integrations, plan, metrics.') },
    }),
  }, async (request: FastifyRequest<{ Params: { writeKey: string } }>) => {
    await deps.keys.workspaceFor('write', request.params.writeKey);
    // Behind a TLS-terminating proxy the request looks like plain http; the configured public URL
    // tells browsers where (and over which protocol) to send events.
    const host = configured ? `${configured.host}${configured.pathname.replace(/\/$/, '')}` : request.headers.host ?? 'localhost';
    const protocol = configured ? configured.protocol.replace(':', '') : request.protocol;
    return {
      integrations: {
        'Segment.io': { apiKey: request.params.writeKey, apiHost: `${host}/v1`, protocol, addBundledMetadata: false, unbundledIntegrations: [] },
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
