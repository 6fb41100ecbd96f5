/**
 * `GET /v1/recommendations/visitor` (issue 15 §3): recommendations for the browser, with the public
 * write key, for the caller's own visitor only, under the same identity rules as the decide API
 * (decisions/decide-for-visitor.ts) and the creepiness guard's ceilings (core/decisions/creepiness-guard.ts):
 *
 * - the visitor is named only by its `anonymousId` (never by email, userId or profile id: those are
 *   refused as unknown fields), optionally with a `recognition` token bound to it;
 * - the person's data (their history: for-you, leaving out what they bought, rotation, segment
 *   filters) is used only with a verified recognition token AND consent to personalization
 *   (`individual` depth); otherwise the list is the page's (popular, trending, also-*, similar
 *   for `item`), the same for anyone, and `for-you` is refused with a 403 naming `kind`;
 * - the answer holds the items and their reasons; no profile id, no scores, no evidence (the admin
 *   route has those).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LOCALES, type Locale } from '../../core/decisions/locale.js';
import { TesseraError } from '../../core/errors.js';
import { isGranted } from '../../core/privacy/consent.js';
import { PERSONALIZATION_PURPOSE } from '../../core/decisions/creepiness-guard.js';
import { ITEM_KINDS, RECOMMENDATION_KINDS, type RecommendationKind } from '../../core/recommendations/recommend.js';
import { verifyRecognition } from '../../forms/visitor.js';
import type { LinkSigner } from '../../links/link-signer.js';
import type { Store } from '../../ports/store.js';
import type { RecommendationService } from '../../recommendations/recommendation-service.js';
import { basicUser, type KeyResolver } from '../auth.js';
import { json, routeSchema } from '../schemas/route-docs.js';
import { safeText } from '../schemas/query.js';

export interface VisitorRecommendationDeps {
  store: Store;
  keys: KeyResolver;
  signer: LinkSigner;
  recommendations: RecommendationService;
  now: () => number;
}

type VisitorQuery = {
  writeKey?: string; anonymousId?: string; recognition?: string; kind: RecommendationKind; item?: string; limit: number;
  category?: string; type?: string; locale: Locale;
};

const schema = routeSchema({
  summary: 'Recommended items for the caller\'s own visitor (write key), each with its reason', tags: ['Recommendations (visitor)'], auth: 'writeKey',
  description: 'The visitor\'s history is used only with a valid `recognition` token bound to the `anonymousId` and consent to personalization; otherwise the list is the same for anyone and `for-you` is refused (403).',
  querystring: {
    type: 'object', additionalProperties: false,
    properties: {
      writeKey: safeText(512, 'The write key (or HTTP Basic user name).'),
      anonymousId: safeText(512, 'The visitor\'s own anonymous id (the tracker\'s tsr_aid cookie).'),
      recognition: safeText(8192, 'A recognition token from POST /v1/recognize, bound to the anonymous id.'),
      kind: { type: 'string', enum: [...RECOMMENDATION_KINDS], default: 'popular' },
      item: safeText(200, 'The item the page is about: also-*/similar start from it; it is never recommended itself.'),
      limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
      category: safeText(100, 'Only items of this category.'), type: safeText(40, 'Only items of this type.'),
      locale: { type: 'string', enum: [...LOCALES], default: 'en' },
    },
  },
  response: {
    200: json({
      kind: { type: 'string' }, personal: { type: 'boolean', description: 'Whether the visitor\'s own history shaped the list.' },
      items: { type: 'array', items: json({
        id: { type: 'string' }, title: { type: 'string' }, url: { type: 'string' }, image: { type: 'string' }, type: { type: 'string' },
        categories: { type: 'array', items: { type: 'string' } }, price: { type: 'number' }, currency: { type: 'string' },
        reason: json({ kind: { type: 'string' }, text: { type: 'string' } }, ['kind', 'text']),
      }, ['id', 'categories', 'reason']) },
    }, ['kind', 'personal', 'items']),
  },
});

export function registerVisitorRecommendationRoutes(app: FastifyInstance, deps: VisitorRecommendationDeps): void {
  app.get('/v1/recommendations/visitor', { schema }, async (request: FastifyRequest<{ Querystring: VisitorQuery }>) => {
    const q = request.query;
    const key = basicUser(request.headers.authorization) ?? q.writeKey;
    if (!key) throw new TesseraError('unauthorized', { message: 'The write key is required (HTTP Basic user name or "writeKey").' });
    const workspaceId = await deps.keys.workspaceFor('write', key);
    if (ITEM_KINDS.includes(q.kind) && q.item === undefined) throw new TesseraError('invalid_query', { message: `${q.kind} needs the current item.`, issues: [{ field: 'item', reason: `is required for ${q.kind}` }] });
    if (q.recognition !== undefined && q.anonymousId === undefined) throw new TesseraError('invalid_query', { issues: [{ field: 'anonymousId', reason: 'is required with recognition (the token is bound to it)' }] });
    const signed = q.anonymousId !== undefined && q.recognition !== undefined ? await verifyRecognition(deps, workspaceId, q.recognition, q.anonymousId) : null;
    const personal = signed !== null && isGranted(signed.consent ?? {}, PERSONALIZATION_PURPOSE);
    if (q.kind === 'for-you' && !personal) {
      throw new TesseraError('forbidden', {
        message: 'for-you reads the person\'s own history: it needs a recognition token bound to this anonymousId and consent to personalization (the decide API\'s rule for individual content).',
        issues: [{ field: 'kind', reason: 'for-you needs a verified recognition token and consent to personalization' }],
      });
    }
    const items = await deps.recommendations.recommend({
      workspaceId, kind: q.kind, ...(q.item !== undefined ? { itemId: q.item } : {}), profileId: personal ? signed!.id : null,
      filters: { ...(q.category !== undefined ? { category: q.category } : {}), ...(q.type !== undefined ? { type: q.type } : {}) },
      limit: q.limit, maxPerCategory: q.category !== undefined ? q.limit : 3, locale: q.locale, now: deps.now(),
    });
    return {
      kind: q.kind, personal,
      items: items.map(({ item: i, reason }) => ({
        id: i.id, ...(i.title !== undefined ? { title: i.title } : {}), ...(i.url !== undefined ? { url: i.url } : {}), ...(i.image !== undefined ? { image: i.image } : {}),
        ...(i.type !== undefined ? { type: i.type } : {}), categories: i.categories, ...(i.price !== undefined ? { price: i.price } : {}), ...(i.currency !== undefined ? { currency: i.currency } : {}),
        reason: { kind: reason.kind, text: reason.text },
      })),
    };
  });
}
