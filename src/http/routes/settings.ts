/**
 * The settings document analytics.js (analytics-next) loads at start, so that a site can point
 * the browser client at Tessera with `cdnURL`/`apiHost` and nothing else: it names Tessera as the
 * one destination ("Segment.io" is how the client calls its own API) and enables every event.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KeyResolver } from '../auth.js';

export function registerSettingsRoutes(app: FastifyInstance, deps: { keys: KeyResolver }): void {
  app.get('/v1/projects/:writeKey/settings', async (request: FastifyRequest<{ Params: { writeKey: string } }>) => {
    await deps.keys.workspaceFor('write', request.params.writeKey);
    const host = request.headers.host ?? 'localhost';
    return {
      integrations: {
        'Segment.io': { apiKey: request.params.writeKey, apiHost: `${host}/v1`, protocol: request.protocol, addBundledMetadata: false, unbundledIntegrations: [] },
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
