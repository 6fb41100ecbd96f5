/**
 * The personalization admin API (admin key; issue 14): slots (`/v1/slots`: validation names the
 * bad node, e.g. `rules[0].condition.trait.key`), the preview of a decision with its full trace,
 * the workspace's decision settings and its transparency notice. Changes and previews are written
 * to the audit log (a preview reads a person's profile).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LOCALES, type Locale } from '../../core/decisions/locale.js';
import { TesseraError } from '../../core/errors.js';
import { toIso } from '../../core/time.js';
import { previewDecision } from '../../decisions/preview-decision.js';
import type { SlotService } from '../../decisions/slot-service.js';
import type { StoredSlot } from '../../ports/decision-store.js';
import type { Store } from '../../ports/store.js';
import { bearerToken, type KeyResolver } from '../auth.js';
import { parsePreviewInput } from '../decision-context-input.js';
import { idParams } from '../schemas/query.js';
import { document, json, routeSchema } from '../schemas/route-docs.js';

export interface SlotRouteDeps {
  store: Store;
  keys: KeyResolver;
  slots: SlotService;
  now: () => number;
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const tags = ['Personalization'];
const slot = document('A slot: its definition (id, name, channel, variants, defaultVariantId, rules, strategy, depthCeiling, explain, timing, tags), createdAt, updatedAt and version.');
const slotBody = {
  type: 'object', description: 'A slot definition (docs/decisions.md). Validated as a whole; every problem is named by its path.',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' }, channel: { type: 'string', enum: ['web', 'email', 'any'] },
    variants: { type: 'array', items: { type: 'object' } }, defaultVariantId: { type: 'string' }, rules: { type: 'array', items: { type: 'object' } },
    strategy: { type: 'object' }, depthCeiling: { type: 'string', enum: ['none', 'contextual', 'segment', 'persona', 'individual'] }, explain: { type: 'boolean' },
    timing: { type: 'object' }, tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['id', 'name', 'channel', 'variants', 'defaultVariantId'],
};
const settingsDoc = document('Decision settings: depthCeiling, salutation, minSegmentSize, timezone, defaultLocale, globalCaps, tagCaps, quietHours.');
const previewBody = {
  type: 'object',
  properties: {
    profile: { type: 'string', description: 'Any identifier of the person: profile id, userId, email or anonymousId. Absent: a visit without a profile.' },
    context: { type: 'object', description: 'The visit: url, path, category, referrer, utm, deviceClass, localHour, weekday, country, timezone, recognised (default "login" with a profile, "none" without), locale.' },
    channel: { type: 'string', enum: ['web', 'email'], default: 'web' },
    at: { type: 'string', format: 'date-time', description: 'Decide as at this moment (default now).' },
  },
};
const schemas = {
  list: routeSchema({ summary: 'Every slot of the workspace', tags, auth: 'adminKey', response: { 200: json({ slots: { type: 'array', items: { type: 'object' } } }, ['slots']) } }),
  create: routeSchema({ summary: 'Create a slot (audited)', tags, auth: 'adminKey', body: slotBody, response: { 201: slot } }),
  get: routeSchema({ summary: 'One slot', tags, auth: 'adminKey', params: idParams, response: { 200: slot } }),
  replace: routeSchema({ summary: 'Replace a slot\'s definition (audited)', tags, auth: 'adminKey', params: idParams, body: slotBody, response: { 200: slot } }),
  delete: routeSchema({ summary: 'Delete a slot (audited)', tags, auth: 'adminKey', params: idParams, response: { 200: json({ deleted: { type: 'boolean' }, id: { type: 'string' } }, ['deleted', 'id']) } }),
  preview: routeSchema({
    summary: 'What the slot would show a person or a made-up visit: the rule that fired, the variant, the explanation and the full trace (audited)', tags, auth: 'adminKey', params: idParams, body: previewBody,
    response: { 200: json({ decision: { type: 'object' }, profileId: { type: ['string', 'null'] }, at: { type: 'string' }, durationMs: { type: 'number' } }, ['decision', 'profileId', 'at']) },
  }),
  getSettings: routeSchema({ summary: 'The workspace\'s decision settings', tags, auth: 'adminKey', response: { 200: settingsDoc } }),
  putSettings: routeSchema({ summary: 'Replace the decision settings; omitted fields take their defaults (audited)', tags, auth: 'adminKey', body: settingsDoc, response: { 200: settingsDoc } }),
  notice: routeSchema({
    summary: 'The transparency notice: the main parameters of every slot in plain words, for the privacy page', tags, auth: 'adminKey',
    querystring: { type: 'object', properties: { locale: { type: 'string', enum: [...LOCALES], default: 'en' } }, additionalProperties: false },
    response: { 200: json({ locale: { type: 'string' }, slots: { type: 'array', items: { type: 'object' } } }, ['locale', 'slots']) },
  }),
};

export function slotView(s: StoredSlot) {
  const { workspaceId: _w, createdAt, updatedAt, version, ...definition } = s;
  return { ...definition, createdAt: toIso(createdAt), updatedAt: toIso(updatedAt), version };
}

export function registerSlotRoutes(app: FastifyInstance, deps: SlotRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.authenticate('admin', bearerToken(request.headers.authorization));
  const audit = (workspaceId: string, actor: string, action: string, subject: string | null, details: Record<string, unknown>) =>
    deps.store.privacy.audit({ workspaceId, at: deps.now(), actor, action, subject, details });

  app.get('/v1/slots', { schema: schemas.list }, async (request) => {
    const { workspaceId } = await admin(request);
    return { slots: (await deps.slots.listSlots(workspaceId)).map(slotView) };
  });

  app.post('/v1/slots', { schema: schemas.create }, async (request, reply) => {
    const { workspaceId, keyId } = await admin(request);
    const created = await deps.slots.createSlot(workspaceId, request.body);
    await audit(workspaceId, keyId, 'slot.create', null, { slotId: created.id, version: created.version });
    return reply.code(201).send(slotView(created));
  });

  app.get('/v1/slots/:id', { schema: schemas.get }, async (request: IdRequest) => {
    const { workspaceId } = await admin(request);
    return slotView(await deps.slots.getSlot(workspaceId, request.params.id));
  });

  app.put('/v1/slots/:id', { schema: schemas.replace }, async (request: IdRequest) => {
    const { workspaceId, keyId } = await admin(request);
    const replaced = await deps.slots.replaceSlot(workspaceId, request.params.id, request.body);
    await audit(workspaceId, keyId, 'slot.update', null, { slotId: replaced.id, version: replaced.version });
    return slotView(replaced);
  });

  app.delete('/v1/slots/:id', { schema: schemas.delete }, async (request: IdRequest) => {
    const { workspaceId, keyId } = await admin(request);
    await deps.slots.deleteSlot(workspaceId, request.params.id);
    await audit(workspaceId, keyId, 'slot.delete', null, { slotId: request.params.id });
    return { deleted: true, id: request.params.id };
  });

  app.post('/v1/slots/:id/preview', { schema: schemas.preview }, async (request: IdRequest) => {
    const { workspaceId, keyId } = await admin(request);
    const parsed = parsePreviewInput(request.body);
    if (!parsed.ok) throw new TesseraError('invalid_body', { message: 'The preview request is invalid.', issues: parsed.issues });
    const preview = await previewDecision({ store: deps.store, slots: deps.slots, now: deps.now }, { workspaceId, slotId: request.params.id, ...parsed.input });
    await audit(workspaceId, keyId, 'slot.preview', preview.profileId, { slotId: request.params.id, ruleId: preview.decision.ruleId });
    return { decision: preview.decision, profileId: preview.profileId, at: toIso(preview.at), durationMs: preview.durationMs };
  });

  app.get('/v1/personalization/settings', { schema: schemas.getSettings }, async (request) => {
    const { workspaceId } = await admin(request);
    return deps.slots.settings(workspaceId);
  });

  app.put('/v1/personalization/settings', { schema: schemas.putSettings }, async (request) => {
    const { workspaceId, keyId } = await admin(request);
    const settings = await deps.slots.putSettings(workspaceId, request.body);
    await audit(workspaceId, keyId, 'personalization.settings', null, { depthCeiling: settings.depthCeiling, minSegmentSize: settings.minSegmentSize });
    return settings;
  });

  app.get('/v1/personalization/notice', { schema: schemas.notice }, async (request: FastifyRequest<{ Querystring: { locale?: Locale } }>) => {
    const { workspaceId } = await admin(request);
    const locale = request.query.locale ?? 'en';
    return { locale, slots: await deps.slots.notice(workspaceId, locale) };
  });
}
