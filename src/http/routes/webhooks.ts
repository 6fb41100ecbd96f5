/**
 * Webhooks API (admin key): create (the signing secret is shown once, in the answer), list, read,
 * update, rotate the secret, delete; the delivery log of a webhook, one delivery with every attempt, and redelivery
 * (a delivered or dead delivery is sent again, with the same id, as soon as the worker sees it).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { parseWebhookInput, type Webhook } from '../../core/webhooks/webhook.js';
import type { WebhookTargetPolicy } from '../../core/webhooks/webhook-target.js';
import type { Store } from '../../ports/store.js';
import type { DeliveryStatus } from '../../ports/webhook-store.js';
import type { WebhookListSource } from '../../webhooks/webhook-list.js';
import type { KeyResolver } from '../auth.js';
import { deliveryView, webhookView } from '../presenters/lead-scoring-view.js';
import { BODIES } from '../schemas/bodies.js';
import { idParams, pageQuery, pathParams } from '../schemas/query.js';
import { document, json, routeSchema } from '../schemas/route-docs.js';

export interface WebhookRouteDeps {
  store: Store;
  keys: KeyResolver;
  webhooks: WebhookListSource;
  /** Where webhooks may point (no internal addresses unless the operator allows them). */
  targets: WebhookTargetPolicy;
  /** Tell the delivery worker to look at the outbox now. */
  poke: () => void;
  now: () => number;
}

const deliveryParams = pathParams({ id: { maxLength: 200 }, deliveryId: { maxLength: 200 } });
const logQuery = pageQuery({ fallback: 50, extra: { status: { type: 'string', enum: ['pending', 'delivered', 'dead', 'suppressed'] } } });

const tags = ['Webhooks'];
const webhook = document('A webhook (its signing secret only in the answers that create or rotate it).');
const delivery = document('A delivery: the event sent, its status and every attempt.');
const schemas = {
  list: routeSchema({ summary: 'Every webhook', tags, auth: 'adminKey', response: { 200: json({ webhooks: { type: 'array', items: { type: 'object' } } }, ['webhooks']) } }),
  create: routeSchema({ summary: 'Create a webhook; the answer shows its signing secret, once (audited)', tags, auth: 'adminKey', body: BODIES.webhook, response: { 201: webhook } }),
  get: routeSchema({ summary: 'One webhook', tags, auth: 'adminKey', params: idParams, response: { 200: webhook } }),
  update: routeSchema({ summary: 'Change a webhook (audited)', tags, auth: 'adminKey', params: idParams, body: BODIES.webhook, response: { 200: webhook } }),
  rotate: routeSchema({ summary: 'A new signing secret, shown once; the old one stops signing at once (audited)', tags, auth: 'adminKey', params: idParams, response: { 200: webhook } }),
  delete: routeSchema({ summary: 'Delete a webhook (audited)', tags, auth: 'adminKey', params: idParams, response: { 200: json({ deleted: { type: 'boolean' } }, ['deleted']) } }),
  deliveries: routeSchema({
    summary: 'The delivery log of a webhook, newest first (audited: payloads name people)', tags, auth: 'adminKey', params: idParams, querystring: logQuery,
    response: { 200: json({ webhookId: { type: 'string' }, deliveries: { type: 'array', items: { type: 'object' } }, nextCursor: { type: ['string', 'null'] } }, ['webhookId', 'deliveries', 'nextCursor']) },
  }),
  delivery: routeSchema({ summary: 'One delivery with every attempt', tags, auth: 'adminKey', params: deliveryParams, response: { 200: delivery } }),
  redeliver: routeSchema({ summary: 'Send a delivered or dead delivery again, with the same id (audited)', tags, auth: 'adminKey', params: deliveryParams, response: { 202: delivery } }),
};

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

export function registerWebhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);
  const audit = (workspaceId: string, actor: string, action: string, details: Record<string, unknown>) =>
    deps.store.privacy.audit({ workspaceId, at: deps.now(), actor, action, subject: null, details });
  const find = async (workspaceId: string, id: string): Promise<Webhook> => {
    const webhook = await deps.store.webhooks.get(workspaceId, id);
    if (!webhook) throw new TesseraError('not_found', { message: `No webhook ${id}.` });
    return webhook;
  };

  app.get('/v1/webhooks', { schema: schemas.list }, async (request) => {
    const { workspaceId } = await admin(request);
    return { webhooks: (await deps.store.webhooks.list(workspaceId)).map((w) => webhookView(w)) };
  });

  app.post('/v1/webhooks', { schema: schemas.create }, async (request, reply) => {
    const { workspaceId, keyId } = await admin(request);
    const parsed = parseWebhookInput(request.body, { targets: deps.targets });
    if (!parsed.ok) throw new TesseraError('invalid_body', { message: 'The webhook is invalid; nothing was created.', issues: parsed.issues });
    const at = deps.now();
    const webhook: Webhook = { ...parsed.input, id: `wh_${randomUUID()}`, workspaceId, secret: newSecret(), createdAt: at, updatedAt: at };
    await deps.store.webhooks.create(webhook);
    deps.webhooks.invalidate(workspaceId);
    await audit(workspaceId, keyId, 'webhook.create', { webhookId: webhook.id, events: webhook.events });
    reply.code(201);
    return webhookView(webhook, { withSecret: true });
  });

  app.get('/v1/webhooks/:id', { schema: schemas.get }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId } = await admin(request);
    return webhookView(await find(workspaceId, request.params.id));
  });

  app.put('/v1/webhooks/:id', { schema: schemas.update }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const current = await find(workspaceId, request.params.id);
    const { segmentIds, stages, message, ...kept } = current;
    // A field sent as null clears the narrowing (all segments / all stages) or the message setting.
    const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body)
      ? Object.fromEntries(Object.entries(request.body).filter(([, v]) => v !== null)) : request.body;
    const cleared = (field: string) => typeof request.body === 'object' && request.body !== null && (request.body as Record<string, unknown>)[field] === null;
    const base = { ...kept, ...(segmentIds && !cleared('segmentIds') ? { segmentIds } : {}), ...(stages && !cleared('stages') ? { stages } : {}), ...(message && !cleared('message') ? { message } : {}) };
    const parsed = parseWebhookInput(body, { targets: deps.targets, current: { url: base.url, description: base.description, events: base.events, active: base.active, ...(base.segmentIds ? { segmentIds: base.segmentIds } : {}), ...(base.stages ? { stages: base.stages } : {}), ...(base.message ? { message: base.message } : {}) } });
    if (!parsed.ok) throw new TesseraError('invalid_body', { message: 'The webhook is invalid; nothing was changed.', issues: parsed.issues });
    const updated: Webhook = { id: current.id, workspaceId, secret: current.secret, createdAt: current.createdAt, ...parsed.input, updatedAt: deps.now() };
    await deps.store.webhooks.update(updated);
    deps.webhooks.invalidate(workspaceId);
    await audit(workspaceId, keyId, 'webhook.update', { webhookId: updated.id });
    deps.poke();
    return webhookView(updated);
  });

  // A new signing secret, shown once; the old one stops signing at once (deliveries in flight
  // are signed when sent, so retries use the new one).
  app.post('/v1/webhooks/:id/rotate-secret', { schema: schemas.rotate }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const current = await find(workspaceId, request.params.id);
    const rotated: Webhook = { ...current, secret: newSecret(), updatedAt: deps.now() };
    await deps.store.webhooks.update(rotated);
    await audit(workspaceId, keyId, 'webhook.rotate_secret', { webhookId: rotated.id });
    return webhookView(rotated, { withSecret: true });
  });

  app.delete('/v1/webhooks/:id', { schema: schemas.delete }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    if (!(await deps.store.webhooks.delete(workspaceId, request.params.id))) throw new TesseraError('not_found', { message: `No webhook ${request.params.id}.` });
    deps.webhooks.invalidate(workspaceId);
    await audit(workspaceId, keyId, 'webhook.delete', { webhookId: request.params.id });
    return { deleted: true };
  });

  app.get('/v1/webhooks/:id/deliveries', { schema: schemas.deliveries },
    async (request: FastifyRequest<{ Params: { id: string }; Querystring: { limit: number; cursor?: string; status?: DeliveryStatus } }>) => {
      const { workspaceId, keyId } = await admin(request);
      const webhook = await find(workspaceId, request.params.id);
      const { limit, cursor, status } = request.query;
      const page = await deps.store.webhooks.deliveries(workspaceId, webhook.id, { limit, ...(cursor ? { cursor } : {}), ...(status ? { status } : {}) });
      // Payloads name people: reading the log is a read of personal data.
      await audit(workspaceId, keyId, 'webhook.deliveries.read', { webhookId: webhook.id, returned: page.deliveries.length });
      return { webhookId: webhook.id, deliveries: page.deliveries.map(deliveryView), nextCursor: page.nextCursor };
    });

  app.get('/v1/webhooks/:id/deliveries/:deliveryId', { schema: schemas.delivery },
    async (request: FastifyRequest<{ Params: { id: string; deliveryId: string } }>) => {
      const { workspaceId, keyId } = await admin(request);
      const delivery = await deps.store.webhooks.delivery(workspaceId, request.params.deliveryId);
      if (!delivery || delivery.webhookId !== request.params.id) throw new TesseraError('not_found', { message: `No delivery ${request.params.deliveryId} of webhook ${request.params.id}.` });
      await audit(workspaceId, keyId, 'webhook.delivery.read', { webhookId: delivery.webhookId, deliveryId: delivery.id });
      return deliveryView(delivery);
    });

  app.post('/v1/webhooks/:id/deliveries/:deliveryId/redeliver', { schema: schemas.redeliver },
    async (request: FastifyRequest<{ Params: { id: string; deliveryId: string } }>, reply) => {
      const { workspaceId, keyId } = await admin(request);
      const delivery = await deps.store.webhooks.delivery(workspaceId, request.params.deliveryId);
      if (!delivery || delivery.webhookId !== request.params.id) throw new TesseraError('not_found', { message: `No delivery ${request.params.deliveryId} of webhook ${request.params.id}.` });
      await deps.store.webhooks.redeliver(workspaceId, delivery.id, deps.now());
      await audit(workspaceId, keyId, 'webhook.redeliver', { webhookId: delivery.webhookId, deliveryId: delivery.id });
      deps.poke();
      reply.code(202);
      return deliveryView((await deps.store.webhooks.delivery(workspaceId, delivery.id)) ?? delivery);
    });
}
