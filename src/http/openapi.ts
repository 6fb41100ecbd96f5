/**
 * The API reference: an OpenAPI 3.1 document generated from the schemas in the route options
 * (schemas/route-docs.ts), served as JSON at `GET /openapi.json` and as a browsable page at
 * `GET /docs` (Swagger UI, whose files ship inside the npm package: nothing is fetched from the
 * network, and no validator service is called). The shared schemas it refers to are registered
 * by schemas/schema-support.ts.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../version.js';
import { SECURITY_SCHEMES, document, routeSchema } from './schemas/route-docs.js';

/** One registered route (HEAD routes Fastify adds for each GET are left out). */
export interface RegisteredRoute {
  method: string;
  url: string;
  /** The route's schema says `hide`: it must be one of UNDOCUMENTED. */
  hidden: boolean;
}

/**
 * Routes deliberately absent from the document, each with its reason. The reference test fails on
 * any other registered route that the document lacks.
 */
export const UNDOCUMENTED: ReadonlyArray<{ method: string; url: RegExp; reason: string }> = [
  { method: 'OPTIONS', url: /^\*$/, reason: 'CORS preflight of every route (@fastify/cors), answered by the plugin' },
  { method: '*', url: /^\/docs(\/.*)?$/, reason: 'the browsable page of this document (Swagger UI\'s own files)' },
  { method: 'GET', url: /^\/$/, reason: 'a redirect to the admin app (/admin/)' },
  { method: 'GET', url: /^\/admin(\/\*)?$/, reason: 'the admin app\'s static files (admin/dist) and its screens, all answered with index.html' },
];

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on the app, in registration order (read by the reference test). */
    readonly registeredRoutes: RegisteredRoute[];
  }
}

export async function registerApiReference(app: FastifyInstance, options: { publicUrl?: string }): Promise<void> {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url, hidden: (route.schema as { hide?: boolean } | undefined)?.hide === true });
    }
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tessera API',
        version: VERSION,
        description: 'The collection API (Segment-compatible, write key), the browser API of forms and consent (write key), the admin API (admin key), and the email-link pages (signed tokens). Every JSON error is the `ErrorEnvelope`.',
      },
      // Absolute addresses come from configuration only, never from a request's Host header.
      ...(options.publicUrl ? { servers: [{ url: options.publicUrl }] } : {}),
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true }, staticCSP: true });
  app.get('/openapi.json', {
    schema: routeSchema({
      summary: 'This API reference, as an OpenAPI 3.1 document', tags: ['Reference'], auth: 'none',
      response: { 200: document('The OpenAPI 3.1 document; browsable at /docs.') },
    }),
  }, async () => app.swagger());
}
