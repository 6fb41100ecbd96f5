/**
 * The schema of a route, in its route options: what it needs (auth, parameters, body) and what it
 * answers. One source for three uses: Fastify validates the parameters with it (validator.ts), the
 * OpenAPI document is generated from it (openapi.ts), and the tests check real answers against it.
 *
 * Every JSON route answers errors in one envelope, `ErrorEnvelope` (registered once with
 * `app.addSchema`, a component of the document), documented for every 4xx and 5xx.
 */
import type { FastifySchema } from 'fastify';
import { ERROR_CODES } from '../../core/errors.js';

export const ERROR_ENVELOPE = {
  $id: 'ErrorEnvelope',
  description: 'Every error of the JSON API: a stable code, a sentence, and each failing field with its reason.',
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', enum: [...ERROR_CODES] },
        message: { type: 'string' },
        issues: {
          type: 'array',
          items: { type: 'object', required: ['field', 'reason'], additionalProperties: false, properties: { field: { type: 'string' }, reason: { type: 'string' } } },
        },
      },
    },
  },
} as const;

const ERROR_REF = { $ref: 'ErrorEnvelope#' } as const;

/** Security schemes of the document; routes name them by these keys. */
export const SECURITY_SCHEMES = {
  adminKey: { type: 'http', scheme: 'bearer', description: 'An admin key: `Authorization: Bearer <admin key>`. Reads and changes everything of its workspace; keep it on servers.' },
  writeKey: { type: 'http', scheme: 'basic', description: 'A write key as the HTTP Basic user name with an empty password (what Segment\'s libraries send). The write key is public (it is in web pages); browser routes also take it as `writeKey` in the JSON body or the query.' },
  serverKey: { type: 'http', scheme: 'bearer', description: 'A server key (`sk_…`, `tessera keys create --kind server --scope decide`): `Authorization: Bearer <server key>`. Secret, for servers; it may do only what its scopes allow (`decide`: decisions for anyone by userId or email).' },
  session: { type: 'apiKey', in: 'cookie', name: 'tessera_session', description: 'A person signed in to the admin app (`POST /v1/session`): the HttpOnly session cookie; requests that change something also send the session\'s CSRF token as `x-csrf-token`. Admin routes then allow what the user\'s role allows (docs/admin.md); a refusal is 403 `forbidden` naming the role needed.' },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'The configured `TESSERA_METRICS_TOKEN`; without one, `/metrics` answers clients on the same machine only.' },
} as const;

/** `writeOrServerKey`: browsers send the write key, servers a server key (the decide API). */
export type Auth = keyof typeof SECURITY_SCHEMES | 'none' | 'link-token' | 'writeOrServerKey';

/** Shorthands for documented answers. */
export const json = (properties: Record<string, unknown> = {}, required: string[] = [], description?: string) =>
  ({ type: 'object', properties, required, ...(description ? { description } : {}) }) as const;
export const text = (contentType: string, description: string) => ({ description, content: { [contentType]: { schema: { type: 'string' } } } });
export const empty = (description: string) => ({ description, type: 'null' });
/** A JSON object whose shape is the named domain document (kept open: the domain owns it). */
export const document = (description: string) => ({ type: 'object', additionalProperties: true, description });

export interface RouteDocs {
  summary: string;
  description?: string;
  tags: string[];
  auth: Auth;
  params?: object;
  querystring?: object;
  /** Documents the body; it is parsed by the route's domain parser, not by this schema (validator.ts). */
  body?: object;
  /** Answers by status code (`200`, `201`, `302` …); 4xx and 5xx get the error envelope. */
  response: Record<number, object>;
  /** Routes that answer people with HTML pages: errors are pages too, not the envelope. */
  pages?: boolean;
}

export function routeSchema(docs: RouteDocs): FastifySchema {
  // Every admin route also takes a signed-in person (http/session-auth.ts checks their role).
  const security = docs.auth === 'none' || docs.auth === 'link-token' ? []
    : docs.auth === 'writeKey' ? [{ writeKey: [] }, {}]
      : docs.auth === 'writeOrServerKey' ? [{ writeKey: [] }, { serverKey: [] }, {}]
        : docs.auth === 'adminKey' ? [{ adminKey: [] }, { session: [] }] : [{ [docs.auth]: [] }];
  const errors = docs.pages
    ? { '4xx': text('text/html', 'A friendly page saying what went wrong.'), '5xx': text('text/html', 'A friendly page.') }
    : { '4xx': { description: 'A client error, in the error envelope.', ...ERROR_REF }, '5xx': { description: 'A server error or overload (429/503 carry Retry-After), in the error envelope.', ...ERROR_REF } };
  return {
    summary: docs.summary,
    ...(docs.description ? { description: docs.description } : {}),
    tags: docs.tags,
    security,
    ...(docs.params ? { params: docs.params } : {}),
    ...(docs.querystring ? { querystring: docs.querystring } : {}),
    ...(docs.body ? { body: docs.body } : {}),
    response: { ...docs.response, ...errors },
  } as FastifySchema;
}
