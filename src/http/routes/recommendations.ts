/**
 * Serving (`GET /v1/recommendations`), the per-list report (`GET /v1/recommendations/report`) and
 * the settings, all with the admin key (the visitor's own variant with the write key is
 * visitor-recommendations.ts). Recommendation settings (admin key; issue 15): `GET`/`PUT /v1/recommendations/settings` — URL
 * patterns that name items in page paths, the history window and cap, half-lives, neighbours and
 * minimum support (core/recommendations/settings.ts). A put replaces the whole document; omitted
 * fields take their defaults. Audited.
 */
import type { ItemHistory } from '../../core/recommendations/co-occurrence.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../../ports/store.js';
import type { RecommendationSettingsService } from '../../recommendations/recommendation-settings.js';
import type { KeyResolver } from '../auth.js';
import { json, routeSchema } from '../schemas/route-docs.js';
import { safeText } from '../schemas/query.js';
import { ITEM_KINDS, RECOMMENDATION_KINDS, type RecommendationKind } from '../../core/recommendations/recommend.js';
import { LOCALES, type Locale } from '../../core/decisions/locale.js';
import { TesseraError } from '../../core/errors.js';
import type { RecommendationService } from '../../recommendations/recommendation-service.js';
import { itemView } from './items.js';
import { dayOf } from '../../ports/recommendation-store.js';

const dayIso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
/** The UTC day of a calendar date YYYY-MM-DD; null when there is no such day (2026-02-30). */
const dayFrom = (date: string): number | null => {
  const at = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(at) && at >= 0 && dayIso(dayOf(at)) === date ? dayOf(at) : null;
};

export interface RecommendationRouteDeps {
  store: Store;
  keys: KeyResolver;
  settings: RecommendationSettingsService;
  recommendations: RecommendationService;
  now: () => number;
}

type RecommendQuery = {
  kind: RecommendationKind; item?: string; profile?: string; limit: number; category?: string; type?: string; tag?: string;
  minPrice?: number; maxPrice?: number; maxPerCategory: number; locale: Locale;
};

const tags = ['Recommendations'];
const settingsProperties = {
  urlPatterns: { type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 20, description: 'Page paths naming an item, e.g. /blog/:id or /artikel/:id/*.' },
  urlPatternType: { type: 'string', maxLength: 40, default: 'article', description: 'The type of stubs found by a URL pattern.' },
  historyWindow: { type: 'string', default: '30d', description: 'Recent items that co-occur with a new interaction: within this window (45m, 12h, 30d, 8w).' },
  historyCap: { type: 'integer', minimum: 1, maximum: 500, default: 20, description: '… and at most this many.' },
  pairCap: { type: 'integer', minimum: 1, maximum: 500, default: 10, description: 'A new interaction co-occurs with at most this many of the newest recent items of its family (ingest cost: about 2 × pairCap row updates per new item).' },
  halfLife: { type: 'string', default: '90d', description: 'Co-occurrence and popularity weights halve in this time.' },
  trendingHalfLife: { type: 'string', default: '3d', description: 'The short memory trending compares with the long one; shorter than halfLife.' },
  neighbours: { type: 'integer', minimum: 1, maximum: 200, default: 20, description: 'Top-K neighbours kept per item.' },
  minSupport: { type: 'integer', minimum: 1, maximum: 1000, default: 2, description: 'Decayed co-occurrences a pair needs before it is recommended.' },
  rotationImpressions: { type: 'integer', minimum: 0, maximum: 1000, default: 5, description: 'Rotation: an item shown this many times (decayed) to a person without a click sinks behind fresher items in their lists; 0 = off.' },
  rotationHalfLife: { type: 'string', default: '7d', description: 'Rotation: the shown counts halve in this time.' },
  segmentFilters: {
    type: 'array', maxItems: 20, description: 'Filters that apply only to members of a segment: {segment, category?, type?, tag?, minPrice?, maxPrice?}.',
    items: { type: 'object', properties: { segment: { type: 'string' }, category: { type: 'string' }, type: { type: 'string' }, tag: { type: 'string' }, minPrice: { type: 'number' }, maxPrice: { type: 'number' } } },
  },
};
const settingsDoc = json(settingsProperties, Object.keys(settingsProperties));
const price = (description: string) => ({ type: 'number', minimum: 0, maximum: 1e12, description });
const recommendQuery = {
  type: 'object', additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: [...RECOMMENDATION_KINDS], default: 'popular', description: 'also-bought, also-viewed, also-read and similar need `item`; for-you uses `profile` (popular in their categories, then popular, when they are new).' },
    item: safeText(200, 'The current item: its neighbours (also-*), and never recommended itself.'),
    profile: safeText(512, 'Any identifier of the person (profile id, userId, email, anonymousId): what they bought or read is left out; for-you starts from their recent items.'),
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
    category: safeText(100, 'Only items of this category.'), type: safeText(40, 'Only items of this type.'), tag: safeText(100, 'Only items with this tag.'),
    minPrice: price('Only items at least this price.'), maxPrice: price('Only items at most this price.'),
    maxPerCategory: { type: 'integer', minimum: 1, maximum: 100, default: 3, description: 'Diversity: at most this many items of one category (by their first category).' },
    locale: { type: 'string', enum: [...LOCALES], default: 'en', description: 'The language of the reasons.' },
  },
};
const recommendedItem = json({
  item: { type: 'object', description: 'The item, as GET /v1/items/{id} shows it.' },
  score: { type: 'number' },
  reason: json({ kind: { type: 'string' }, text: { type: 'string' }, itemId: { type: 'string' }, interaction: { type: 'string' }, category: { type: 'string' } }, ['kind', 'text']),
  evidence: { type: 'object', additionalProperties: { type: 'number' }, description: 'The counts behind the score (decayed people, cosine, rates).' },
}, ['item', 'score', 'reason', 'evidence']);

const schemas = {
  recommend: routeSchema({
    summary: 'Recommended items with their reason (en/de) and evidence: also-bought, also-viewed, also-read, for-you, popular, trending', tags, auth: 'adminKey',
    querystring: recommendQuery,
    response: { 200: json({ kind: { type: 'string' }, profileId: { type: ['string', 'null'] }, items: { type: 'array', items: recommendedItem } }, ['kind', 'profileId', 'items']) },
  }),
  report: routeSchema({
    summary: 'Views and clicks of recommended lists per list, strategy and source: click-through rate and mean click position', tags, auth: 'adminKey',
    description: 'From `Recommendation Viewed` / `Recommendation Clicked` events and recommendation slots\' `Slot Viewed` / `Slot Clicked` naming their item (docs/recommendations.md). CTR = clicks / items shown.',
    querystring: { type: 'object', additionalProperties: false, properties: { from: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'First UTC day (default: 29 days before `to`).' }, to: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'Last UTC day, inclusive (default: today).' } } },
    response: { 200: json({ from: { type: 'string' }, to: { type: 'string' }, lists: { type: 'array', items: json({
      listId: { type: 'string' }, strategy: { type: 'string' }, source: { type: 'string', enum: ['tracker', 'server'] }, views: { type: 'integer' }, impressions: { type: 'integer' },
      clicks: { type: 'integer' }, ctr: { type: ['number', 'null'] }, meanClickPosition: { type: ['number', 'null'] },
    }, ['listId', 'strategy', 'source', 'views', 'impressions', 'clicks', 'ctr', 'meanClickPosition']) } }, ['from', 'to', 'lists']) },
  }),
  get: routeSchema({ summary: 'The workspace\'s recommendation settings', tags, auth: 'adminKey', response: { 200: settingsDoc } }),
  put: routeSchema({ summary: 'Replace the recommendation settings; omitted fields take their defaults (audited)', tags, auth: 'adminKey', body: { type: 'object', properties: settingsProperties }, response: { 200: settingsDoc } }),
};

export function registerRecommendationRoutes(app: FastifyInstance, deps: RecommendationRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);

  app.get('/v1/recommendations', { schema: schemas.recommend }, async (request: FastifyRequest<{ Querystring: RecommendQuery }>) => {
    const { workspaceId } = await admin(request);
    const q = request.query;
    if (ITEM_KINDS.includes(q.kind) && q.item === undefined) throw new TesseraError('invalid_query', { message: `${q.kind} needs the current item.`, issues: [{ field: 'item', reason: `is required for ${q.kind}` }] });
    if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice) throw new TesseraError('invalid_query', { issues: [{ field: 'maxPrice', reason: 'must not be below minPrice' }] });
    let profileId: string | null = null;
    let history: ItemHistory | null | undefined;
    if (q.profile !== undefined) {
      // The person and their recent items in one read (PostgreSQL: one round trip).
      const found = await deps.store.recommendations.historyOf(workspaceId, q.profile);
      if (!found) throw new TesseraError('not_found', { message: 'No profile is known by this identifier.' });
      ({ profileId, history } = found);
    }
    const filters = {
      ...(q.category !== undefined ? { category: q.category } : {}), ...(q.type !== undefined ? { type: q.type } : {}), ...(q.tag !== undefined ? { tag: q.tag } : {}),
      ...(q.minPrice !== undefined ? { minPrice: q.minPrice } : {}), ...(q.maxPrice !== undefined ? { maxPrice: q.maxPrice } : {}),
    };
    const items = await deps.recommendations.recommend({
      workspaceId, kind: q.kind, ...(q.item !== undefined ? { itemId: q.item } : {}), profileId, ...(history !== undefined ? { history } : {}), filters, limit: q.limit, maxPerCategory: q.maxPerCategory, locale: q.locale, now: deps.now(),
    });
    return { kind: q.kind, profileId, items: items.map(({ reason: { texts: _texts, ...reason }, ...r }) => ({ ...r, reason, item: itemView(r.item) })) };
  });

  app.get('/v1/recommendations/report', { schema: schemas.report }, async (request: FastifyRequest<{ Querystring: { from?: string; to?: string } }>) => {
    const { workspaceId } = await admin(request);
    const q = request.query;
    const bad = (['from', 'to'] as const).filter((f) => q[f] !== undefined && dayFrom(q[f]!) === null);
    if (bad.length > 0) throw new TesseraError('invalid_query', { issues: bad.map((field) => ({ field, reason: 'must be a calendar date YYYY-MM-DD' })) });
    const toDay = q.to !== undefined ? dayFrom(q.to)! : dayOf(deps.now());
    const fromDay = q.from !== undefined ? dayFrom(q.from)! : toDay - 29;
    if (fromDay > toDay) throw new TesseraError('invalid_query', { issues: [{ field: 'from', reason: 'must not be after to' }] });
    if (toDay - fromDay > 366) throw new TesseraError('invalid_query', { issues: [{ field: 'from', reason: 'the range must be at most 367 days' }] });
    const rows = await deps.store.recommendations.listReport(workspaceId, { fromDay, toDay });
    return {
      from: dayIso(fromDay), to: dayIso(toDay),
      lists: rows.map(({ clickPositions, clickPositionSum, ...r }) => ({
        ...r, ctr: r.impressions > 0 ? Math.round((r.clicks / r.impressions) * 1e4) / 1e4 : null,
        meanClickPosition: clickPositions > 0 ? Math.round((clickPositionSum / clickPositions) * 100) / 100 : null,
      })),
    };
  });

  app.get('/v1/recommendations/settings', { schema: schemas.get }, async (request) => {
    const { workspaceId } = await admin(request);
    return deps.settings.read(workspaceId);
  });

  app.put('/v1/recommendations/settings', { schema: schemas.put }, async (request) => {
    const { workspaceId, keyId } = await admin(request);
    const settings = await deps.settings.put(workspaceId, request.body);
    await deps.store.privacy.audit({ workspaceId, at: deps.now(), actor: keyId, action: 'recommendations.settings', subject: null, details: { urlPatterns: settings.urlPatterns.length } });
    return settings;
  });
}
