/**
 * The public decide API (issue 14 §2; the contract: docs/decisions.md "The decide API"):
 *   POST /v1/decide        write key (browsers) or server key with the `decide` scope
 *   GET  /v1/decide        the same, for simple embeds (query parameters)
 *   GET  /v1/decide/email  server key: the rendered HTML block for one recipient (`?format=json`: the JSON)
 *
 * No leak through the public key: with the write key a decision uses only the caller's own
 * anonymousId (or a recognition token bound to it); naming `userId` or `email` is refused with 403.
 * A server key (`Authorization: Bearer sk_…`) may name anyone. The answer never carries the trace,
 * the allowed depth, what limited it or a profile id.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import type { IdentityGuard } from '../../core/identity/identity-key.js';
import type { DecideForVisitor, DecideVisitor } from '../../decisions/decide-for-visitor.js';
import { basicUser, bearerToken, type KeyResolver } from '../auth.js';
import { parseDecideBody, parseDecideQuery, MAX_DECIDE_SLOTS, type DecideInput, type DecideQuery } from '../decide-input.js';
import { decisionEmailBlock } from '../presenters/decision-email-block.js';
import { safeText } from '../schemas/query.js';
import { json, routeSchema, text } from '../schemas/route-docs.js';

export interface DecideRouteDeps {
  keys: KeyResolver;
  guard: IdentityGuard;
  decide: DecideForVisitor;
}

const tags = ['Personalization (decide)'];
const decisionDoc = {
  type: 'object',
  description: 'One slot\'s decision: decisionId, slot, variant {id, title?, body, format, imageUrl?, linkUrl?, payload?}, rule, depth, tags, explanation {locale, text, dataKindLabels}, showWhy, whyUrl; experiment and variation only when the visitor\'s arm of the slot\'s experiment chose the variant (docs/decisions.md, Slot experiments).',
  required: ['decisionId', 'slot', 'variant', 'rule', 'depth', 'tags', 'explanation', 'showWhy', 'whyUrl'],
  properties: {
    decisionId: { type: 'string' }, slot: { type: 'string' }, variant: { type: 'object' }, rule: { type: 'string' },
    depth: { type: 'string', enum: ['none', 'contextual', 'segment', 'persona', 'individual'] }, tags: { type: 'array', items: { type: 'string' } },
    explanation: json({ locale: { type: 'string' }, text: { type: 'string' }, dataKindLabels: { type: 'array', items: { type: 'string' } } }, ['locale', 'text', 'dataKindLabels']),
    showWhy: { type: 'boolean' }, whyUrl: { type: 'string' },
    experiment: { type: 'string', description: 'The key of the slot\'s experiment the visitor is in (absent otherwise).' },
    variation: { type: 'string', description: 'The visitor\'s variation of that experiment (= the variant id).' },
  },
};
const answer = json({
  decisions: { type: 'object', additionalProperties: decisionDoc, description: 'By slot id.' },
  missing: { type: 'array', items: { type: 'string' }, description: 'Slot ids with no slot (the page keeps its default HTML).' },
}, ['decisions', 'missing']);
const visitQuery = {
  anonymousId: safeText(512, 'The visitor\'s anonymous id (the tracker\'s tsr_aid cookie).'),
  recognition: safeText(8192, 'A recognition token from POST /v1/recognize, bound to the anonymous id.'),
  userId: safeText(512, 'Server key only: the person\'s userId.'),
  email: safeText(512, 'Server key only: the person\'s email address.'),
  channel: { type: 'string', enum: ['web', 'email'] },
  url: safeText(2000, 'The page\'s URL; its utm_* parameters become the context\'s utm.'),
  path: safeText(2000), referrer: safeText(2000), category: safeText(2000), locale: safeText(200, 'A language tag (en, de-AT): the explanation\'s language.'),
  timezone: safeText(100, 'IANA time zone (Europe/Berlin).'), deviceClass: { type: 'string', enum: ['desktop', 'mobile', 'tablet', 'other'] }, country: safeText(2, 'ISO 3166-1 alpha-2 (DE).'),
};
const slotQuery = { anyOf: [safeText(200), { type: 'array', items: safeText(200), maxItems: MAX_DECIDE_SLOTS }], description: `A slot id; repeat for more (at most ${MAX_DECIDE_SLOTS}).` };
const schemas = {
  post: routeSchema({
    summary: 'Decide what to show: per slot the chosen variant rendered, a decisionId and the explanation for the person', tags, auth: 'writeOrServerKey',
    description: 'Browsers: the write key (HTTP Basic user or `writeKey`), for their own anonymousId (and recognition token) only. Servers: `Authorization: Bearer sk_…` with the decide scope, which may also name `userId` or `email`.',
    body: {
      type: 'object',
      properties: {
        writeKey: { type: 'string' }, slots: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: MAX_DECIDE_SLOTS },
        anonymousId: { type: ['string', 'number'] }, recognition: { type: 'string' }, userId: { type: ['string', 'number'] }, email: { type: 'string' },
        channel: { type: 'string', enum: ['web', 'email'], default: 'web' },
        context: { type: 'object', description: 'The visit: url, path, category, referrer, itemId (the item the page is about, for also-bought/also-viewed slots), utm {source, medium, campaign, content, term}, deviceClass, localHour, weekday, country, timezone, locale.' },
      },
      required: ['slots'],
    },
    response: { 200: answer },
  }),
  get: routeSchema({
    summary: 'Decide what to show (the GET form for simple embeds)', tags, auth: 'writeOrServerKey',
    querystring: { type: 'object', properties: { slot: slotQuery, writeKey: safeText(512, 'The write key (or HTTP Basic).'), ...visitQuery } },
    response: { 200: answer },
  }),
  email: routeSchema({
    summary: 'The rendered HTML block for one email recipient (server key, decide scope); ?format=json for the JSON', tags, auth: 'serverKey',
    description: 'Without email or userId: the block for an unknown recipient (contextual content and defaults).',
    querystring: { type: 'object', properties: { slot: slotQuery, format: { type: 'string', enum: ['html', 'json'], default: 'html' }, ...visitQuery } },
    response: { 200: { ...text('text/html', 'One element per slot: data-tessera-slot, data-tessera-decision; links carry tsr_decision.'), ...answer } },
  }),
};

type Caller = { workspaceId: string; server: boolean };

export function registerDecideRoutes(app: FastifyInstance, deps: DecideRouteDeps): void {
  const callerOf = async (request: FastifyRequest, writeKey: unknown): Promise<Caller> => {
    const bearer = bearerToken(request.headers.authorization);
    if (bearer) return { workspaceId: (await deps.keys.authenticateServer('decide', bearer)).workspaceId, server: true };
    const key = basicUser(request.headers.authorization) ?? (typeof writeKey === 'string' ? writeKey : undefined);
    if (!key) throw new TesseraError('unauthorized', { message: 'A key is required: browsers send the write key (HTTP Basic user name or "writeKey"), servers "Authorization: Bearer sk_…" (a server key with the decide scope).' });
    return { workspaceId: await deps.keys.workspaceFor('write', key), server: false };
  };

  /** The write key may decide only for its own visitor. */
  const visitorOf = (caller: Caller, input: DecideInput): DecideVisitor => {
    if (input.userId !== undefined || input.email !== undefined) {
      if (!caller.server) {
        throw new TesseraError('forbidden', {
          message: 'The write key is public: it decides only for the caller\'s own visitor (anonymousId, or a recognition token bound to it). Deciding by userId or email needs a server key with the decide scope (Authorization: Bearer sk_…), kept on a server.',
          issues: [{ field: input.userId !== undefined ? 'userId' : 'email', reason: 'needs a server key with the decide scope' }],
        });
      }
      return { kind: 'person', ...(input.userId !== undefined ? { userId: input.userId } : { email: input.email! }) };
    }
    return { kind: 'device', ...(input.anonymousId !== undefined ? { anonymousId: input.anonymousId } : {}), ...(input.recognition !== undefined ? { recognition: input.recognition } : {}) };
  };

  const run = (caller: Caller, input: DecideInput) =>
    deps.decide({ workspaceId: caller.workspaceId, slotIds: input.slots, visitor: visitorOf(caller, input), channel: input.channel, context: input.context });

  app.post('/v1/decide', { schema: schemas.post }, async (request) => {
    const body = request.body;
    const caller = await callerOf(request, typeof body === 'object' && body !== null ? (body as { writeKey?: unknown }).writeKey : undefined);
    const parsed = parseDecideBody(body, deps.guard);
    if (!parsed.ok) throw new TesseraError('invalid_body', { message: 'The decide request is invalid.', issues: parsed.issues });
    return run(caller, parsed.input);
  });

  app.get('/v1/decide', { schema: schemas.get }, async (request: FastifyRequest<{ Querystring: DecideQuery & { writeKey?: string } }>) => {
    const caller = await callerOf(request, request.query.writeKey);
    const parsed = parseDecideQuery(request.query, deps.guard);
    if (!parsed.ok) throw new TesseraError('invalid_query', { message: 'The decide request is invalid.', issues: parsed.issues });
    return run(caller, parsed.input);
  });

  app.get('/v1/decide/email', { schema: schemas.email }, async (request: FastifyRequest<{ Querystring: DecideQuery & { format?: 'html' | 'json' } }>, reply: FastifyReply) => {
    const { workspaceId } = await deps.keys.authenticateServer('decide', bearerToken(request.headers.authorization));
    const parsed = parseDecideQuery({ channel: 'email', ...request.query }, deps.guard);
    if (!parsed.ok) throw new TesseraError('invalid_query', { message: 'The decide request is invalid.', issues: parsed.issues });
    const result = await run({ workspaceId, server: true }, parsed.input);
    if (request.query.format === 'json') return result;
    const html = parsed.input.slots.filter((id) => Object.hasOwn(result.decisions, id)).map((id) => decisionEmailBlock(result.decisions[id]!)).join('\n');
    return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });
}
