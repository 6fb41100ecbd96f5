/**
 * The browser-facing forms API (write key, like the collection API: HTTP Basic user name, or
 * `writeKey` in the query or body; CORS open):
 *   GET  /v1/forms/{id}/render  the fields to show now (recognition: X-Tessera-Recognition header
 *                               or `recognition` query parameter)
 *   POST /v1/forms/{id}/submit  answers → traits (source form:<id>), consent ledger, next questions
 *   POST /v1/forms/{id}/events  started / abandoned (sendBeacon: text/plain JSON accepted) → 204
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { normaliseIdentity, type IdentityGuard } from '../../core/identity/identity-key.js';
import { FORM_INTERACTIONS, createInteractionRecorder, type FormInteraction } from '../../forms/form-events.js';
import { liveForm, type FormDeps, type RequestMeta } from '../../forms/form-deps.js';
import { renderForm } from '../../forms/render-form.js';
import { submitForm } from '../../forms/submit-form.js';
import { createOncePerView } from '../../forms/once-per-view.js';
import { basicUser, type KeyResolver } from '../auth.js';
import { idParams, safeText } from '../schemas/query.js';
import { document, empty, routeSchema } from '../schemas/route-docs.js';

export interface FormRouteDeps extends FormDeps {
  keys: KeyResolver;
  guard: IdentityGuard;
}

type Query = Record<string, string | undefined>;
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

const tags = ['Forms (browser)'];
const browserBody = { anonymousId: { type: ['string', 'number'], description: 'The visitor\'s anonymous id.' }, writeKey: { type: 'string' }, viewId: { type: 'string' }, kiosk: { type: 'boolean' } };
const schemas = {
  render: routeSchema({
    summary: 'The fields to show this visitor now (recognition: X-Tessera-Recognition header or `recognition`)', tags, auth: 'writeKey', params: idParams,
    querystring: {
      type: 'object',
      properties: {
        anonymousId: safeText(512, 'The visitor\'s anonymous id (required).'), writeKey: safeText(512, 'The write key (or HTTP Basic).'), locale: safeText(200, 'A language tag such as en or de-AT.'),
        recognition: safeText(8192, 'A recognition token (POST /v1/recognize).'), kiosk: safeText(16, '`true` or `1`: a shared device (nothing is pre-filled).'),
      },
    },
    response: { 200: document('The form to show: fields with their texts, and the view id to send back.') },
  }),
  submit: routeSchema({
    summary: 'Submit answers: traits (source form:<id>), consent ledger, and the next questions', tags, auth: 'writeKey', params: idParams,
    body: { type: 'object', properties: { ...browserBody, answers: { type: 'object' }, declined: { type: 'array', items: { type: 'string' } }, recognition: { type: 'string' }, locale: { type: 'string' } }, required: ['anonymousId'] },
    response: { 200: document('What was stored, and the next questions or the thank-you.') },
  }),
  events: routeSchema({
    summary: 'Record that the visitor started or abandoned the form (sendBeacon: text/plain JSON)', tags, auth: 'writeKey', params: idParams,
    body: { type: 'object', properties: { ...browserBody, event: { type: 'string', enum: [...FORM_INTERACTIONS] }, fields: { type: 'array', items: { type: 'string' }, maxItems: 100 } }, required: ['anonymousId', 'event'] },
    response: { 204: empty('Recorded.') },
  }),
};

export function registerFormRoutes(app: FastifyInstance, routeDeps: FormRouteDeps): void {
  const deps: FormRouteDeps = { ...routeDeps, firstTime: routeDeps.firstTime ?? createOncePerView() };
  const recordInteraction = createInteractionRecorder(deps);
  const workspaceOf = (request: FastifyRequest, body?: Record<string, unknown>) => {
    const query = request.query as Query;
    const fromBody = typeof body?.writeKey === 'string' ? body.writeKey : undefined;
    return deps.keys.workspaceFor('write', basicUser(request.headers.authorization) ?? fromBody ?? query.writeKey);
  };
  const anonymousIdOf = (value: unknown) => {
    const id = normaliseIdentity('anonymous_id', value, deps.guard);
    if (!id) throw new TesseraError('invalid_body', { issues: [{ field: 'anonymousId', reason: 'is required: the visitor\'s anonymous id' }] });
    return id;
  };
  const localeOf = (value: unknown, where: 'query' | 'body'): string | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' || value.length > 35 || !LOCALE.test(value)) {
      throw new TesseraError(where === 'query' ? 'invalid_query' : 'invalid_body', { issues: [{ field: 'locale', reason: 'must be a language tag such as en or de-AT' }] });
    }
    return value;
  };
  const metaOf = (request: FastifyRequest): RequestMeta => ({
    ip: request.ip,
    ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
    ...(request.headers.origin ? { origin: request.headers.origin } : {}),
    ...(request.headers['sec-gpc'] === '1' ? { gpc: true } : {}),
  });

  // No automatic HEAD route: a HEAD (a link checker) would count a view and put it on a timeline.
  app.get('/v1/forms/:id/render', { exposeHeadRoute: false, schema: schemas.render }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const query = request.query as Query;
    const workspaceId = await workspaceOf(request);
    const anonymousId = normaliseIdentity('anonymous_id', query.anonymousId, deps.guard);
    if (!anonymousId) throw new TesseraError('invalid_query', { issues: [{ field: 'anonymousId', reason: 'is required: the visitor\'s anonymous id' }] });
    const locale = localeOf(query.locale, 'query');
    const form = await liveForm(deps.store, workspaceId, request.params.id);
    const header = request.headers['x-tessera-recognition'];
    const recognition = (typeof header === 'string' && header !== '' ? header : undefined) ?? query.recognition;
    return renderForm(deps, {
      workspaceId, form, anonymousId, ...(locale ? { locale } : {}), recognition, kiosk: query.kiosk === 'true' || query.kiosk === '1', meta: metaOf(request),
    });
  });

  app.post('/v1/forms/:id/submit', { schema: schemas.submit }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const body = objectBody(request.body);
    const workspaceId = await workspaceOf(request, body);
    const anonymousId = anonymousIdOf(body.anonymousId);
    const locale = localeOf(body.locale, 'body');
    const form = await liveForm(deps.store, workspaceId, request.params.id);
    return submitForm(deps, {
      workspaceId, form, anonymousId, viewId: body.viewId, answers: body.answers ?? {}, declined: body.declined, recognition: body.recognition,
      ...(locale ? { locale } : {}), kiosk: body.kiosk === true, meta: metaOf(request),
    });
  });

  app.post('/v1/forms/:id/events', { schema: schemas.events }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const body = objectBody(request.body);
    const workspaceId = await workspaceOf(request, body);
    const anonymousId = anonymousIdOf(body.anonymousId);
    if (!(FORM_INTERACTIONS as readonly unknown[]).includes(body.event)) throw new TesseraError('invalid_body', { issues: [{ field: 'event', reason: `must be one of ${FORM_INTERACTIONS.join(', ')}` }] });
    const fields = body.fields;
    if (fields !== undefined && (!Array.isArray(fields) || fields.length > 100 || fields.some((f) => typeof f !== 'string'))) {
      throw new TesseraError('invalid_body', { issues: [{ field: 'fields', reason: 'must be an array of field keys' }] });
    }
    const form = await liveForm(deps.store, workspaceId, request.params.id);
    await recordInteraction({
      workspaceId, form, anonymousId, viewId: body.viewId, event: body.event as FormInteraction, ...(fields ? { fields: fields as string[] } : {}), kiosk: body.kiosk === true, meta: metaOf(request),
    });
    return reply.code(204).send();
  });
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: body === undefined ? 'is required' : 'must be a JSON object' }] });
  }
  return body as Record<string, unknown>;
}
