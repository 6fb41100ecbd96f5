/**
 * The item catalogue API (admin key; issue 15 §1): `PUT /v1/items/{id}` creates or replaces one
 * item, `POST /v1/items/batch` up to 1,000 (all or nothing), `GET /v1/items` pages through them
 * (filtered by category, type, source), `GET`/`DELETE /v1/items/{id}`. Validation is the core's
 * (core/recommendations/item.ts) and names every failing field. Items are not personal data: no
 * audit entry is written.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StoredItem } from '../../core/recommendations/item.js';
import { toIso } from '../../core/time.js';
import type { ItemService } from '../../recommendations/item-service.js';
import type { KeyResolver } from '../auth.js';
import { pageQuery, pathParams, safeText } from '../schemas/query.js';
import { json, routeSchema } from '../schemas/route-docs.js';

export interface ItemRouteDeps {
  keys: KeyResolver;
  items: ItemService;
}

const tags = ['Items'];
const label = { type: 'array', items: { type: 'string', maxLength: 100 } };
const itemProperties = {
  title: { type: 'string', maxLength: 500 },
  url: { type: 'string', format: 'uri', description: 'Absolute http(s) URL of the item\'s page.' },
  image: { type: 'string', format: 'uri', description: 'Absolute http(s) URL of its image.' },
  type: { type: 'string', maxLength: 40, description: 'Lower-case: product, article, whitepaper, event …' },
  categories: { ...label, maxItems: 20 },
  tags: { ...label, maxItems: 50 },
  price: { type: 'number', minimum: 0 },
  currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217.' },
  available: { type: 'boolean', default: true, description: 'In stock / published; unavailable items are never recommended.' },
  publishedAt: { type: 'string', format: 'date-time' },
  properties: { type: 'object', additionalProperties: true, description: 'Free JSON (at most 16 KB).' },
};
const itemBody = { type: 'object', description: 'An item. A put replaces every field; absent fields take their defaults. Unknown fields are refused.', properties: { id: { type: 'string', maxLength: 200, description: 'Optional here; must equal the path id.' }, ...itemProperties } };
const itemAnswer = json({
  id: { type: 'string' }, ...itemProperties,
  source: { type: 'string', enum: ['catalogue', 'event'], description: '`event`: a stub learned from events, not (yet) named by the catalogue.' },
  createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
}, ['id', 'categories', 'tags', 'available', 'properties', 'source', 'createdAt', 'updatedAt']);
const idParams = pathParams({ id: { maxLength: 200, description: 'The item id (SKU, product id, article slug).' } });

const schemas = {
  put: routeSchema({ summary: 'Create or replace an item', tags, auth: 'adminKey', params: idParams, body: itemBody, response: { 200: itemAnswer, 201: itemAnswer } }),
  batch: routeSchema({
    summary: 'Create or replace up to 1,000 items; one invalid item refuses the batch, naming every bad field (items[3].price)', tags, auth: 'adminKey',
    body: json({ items: { type: 'array', items: itemBody, minItems: 1, maxItems: 1000 } }, ['items']),
    response: { 200: json({ created: { type: 'integer' }, replaced: { type: 'integer' } }, ['created', 'replaced']) },
  }),
  list: routeSchema({
    summary: 'The items of the workspace in id order, paged', tags, auth: 'adminKey',
    querystring: pageQuery({ fallback: 100, extra: { category: safeText(100, 'Only items of this category (exact).'), type: safeText(40, 'Only items of this type.'), source: { type: 'string', enum: ['catalogue', 'event'] } } }),
    response: { 200: json({ items: { type: 'array', items: itemAnswer }, nextCursor: { type: ['string', 'null'] } }, ['items', 'nextCursor']) },
  }),
  get: routeSchema({ summary: 'One item', tags, auth: 'adminKey', params: idParams, response: { 200: itemAnswer } }),
  delete: routeSchema({ summary: 'Delete an item (what the models learned about it fades with time)', tags, auth: 'adminKey', params: idParams, response: { 200: json({ deleted: { type: 'boolean' }, id: { type: 'string' } }, ['deleted', 'id']) } }),
};

export function itemView(i: StoredItem) {
  const { workspaceId: _w, publishedAt, createdAt, updatedAt, ...rest } = i;
  return { ...rest, ...(publishedAt !== undefined ? { publishedAt: toIso(publishedAt) } : {}), createdAt: toIso(createdAt), updatedAt: toIso(updatedAt) };
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;
type ListRequest = FastifyRequest<{ Querystring: { limit: number; cursor?: string; category?: string; type?: string; source?: 'catalogue' | 'event' } }>;

export function registerItemRoutes(app: FastifyInstance, deps: ItemRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);

  app.put('/v1/items/:id', { schema: schemas.put }, async (request: IdRequest, reply) => {
    const { workspaceId } = await admin(request);
    const { item, created } = await deps.items.put(workspaceId, request.params.id, request.body);
    return reply.code(created ? 201 : 200).send(itemView(item));
  });

  app.post('/v1/items/batch', { schema: schemas.batch }, async (request) => {
    const { workspaceId } = await admin(request);
    return deps.items.putBatch(workspaceId, request.body);
  });

  app.get('/v1/items', { schema: schemas.list }, async (request: ListRequest) => {
    const { workspaceId } = await admin(request);
    const { limit, cursor, category, type, source } = request.query;
    const page = await deps.items.list(workspaceId, { limit, ...(cursor ? { cursor } : {}), ...(category !== undefined ? { category } : {}), ...(type !== undefined ? { type } : {}), ...(source ? { source } : {}) });
    return { items: page.items.map(itemView), nextCursor: page.nextCursor };
  });

  app.get('/v1/items/:id', { schema: schemas.get }, async (request: IdRequest) => {
    const { workspaceId } = await admin(request);
    return itemView(await deps.items.get(workspaceId, request.params.id));
  });

  app.delete('/v1/items/:id', { schema: schemas.delete }, async (request: IdRequest) => {
    const { workspaceId } = await admin(request);
    await deps.items.delete(workspaceId, request.params.id);
    return { deleted: true, id: request.params.id };
  });
}
