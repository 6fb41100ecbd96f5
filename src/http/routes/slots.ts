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
import { previewDecision, type RecommendationLoader } from '../../decisions/preview-decision.js';
import type { SlotService } from '../../decisions/slot-service.js';
import type { StoredSlot } from '../../ports/decision-store.js';
import type { Store } from '../../ports/store.js';
import type { LinkSigner } from '../../links/link-signer.js';
import type { KeyResolver } from '../auth.js';
import { parsePreviewInput } from '../decision-context-input.js';
import { dayParam, idParams } from '../schemas/query.js';
import { reportCsv, reportRange, type ReportQuery } from './slot-report-query.js';
import { document, json, routeSchema } from '../schemas/route-docs.js';

export interface SlotRouteDeps {
  store: Store;
  keys: KeyResolver;
  slots: SlotService;
  now: () => number;
  /** Decision ids are sealed with the workspace's link key: made with the first slot, so that decide never writes. */
  signer?: Pick<LinkSigner, 'activeKey'>;
  /** Recommended items for slots of the `recommendation` strategy (absent: they show their default). */
  recommend?: RecommendationLoader;
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const tags = ['Personalization'];
const slot = document('A slot: its definition (id, name, channel, variants, defaultVariantId, rules, strategy, depthCeiling, explain, timing, tags, goal, experiment), createdAt, updatedAt and version.');
const slotBody = {
  type: 'object', description: 'A slot definition (docs/decisions.md). Validated as a whole; every problem is named by its path.',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' }, channel: { type: 'string', enum: ['web', 'email', 'any'] },
    variants: { type: 'array', items: { type: 'object' } }, defaultVariantId: { type: 'string' }, rules: { type: 'array', items: { type: 'object' } },
    strategy: { type: 'object' }, depthCeiling: { type: 'string', enum: ['none', 'contextual', 'segment', 'persona', 'individual'] }, explain: { type: 'boolean' },
    timing: { type: 'object' }, tags: { type: 'array', items: { type: 'string' } },
    goal: { type: 'object', description: 'The conversion goal of the slot\'s report: {event, within?} (within: a duration, default "7d", at most "90d").' },
    experiment: { type: 'string', description: 'The key of an experiment whose variation ids are variant ids of this slot: decide shows the visitor\'s arm (docs/decisions.md, Slot experiments).' },
  },
  required: ['id', 'name', 'channel', 'variants', 'defaultVariantId'],
};
const settingsDoc = document('Decision settings: depthCeiling, salutation, minSegmentSize, timezone, defaultLocale, globalCaps, tagCaps, quietHours.');
const previewBody = {
  type: 'object',
  properties: {
    profile: { type: 'string', description: 'Any identifier of the person: profile id, userId, email or anonymousId. Absent: a visit without a profile.' },
    persona: { type: 'string', description: 'A persona id of the workspace\'s current persona model (GET /v1/personas): decide for a made-up typical member of it — assigned to that persona with probability 1, personalization consent granted, nothing else known. Not with profile.' },
    context: { type: 'object', description: 'The visit: url, path, category, referrer, utm, deviceClass, localHour, weekday, country, timezone, recognised (default "login" with a profile or persona, "none" without), locale.' },
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
    summary: 'What the slot would show a person, a typical member of a persona or a made-up visit: the rule that fired, the variant, the explanation and the full trace (audited)', tags, auth: 'adminKey', params: idParams, body: previewBody,
    response: {
      200: json({
        decision: { type: 'object' }, profileId: { type: ['string', 'null'] }, at: { type: 'string' }, durationMs: { type: 'number' },
        holdoutShare: { type: 'number', description: 'The workspace\'s global holdout share.' },
        outsideHoldout: { type: 'object', description: 'Only when the person is in the global holdout (decision.holdout): what the rules would show them outside it.' },
        persona: { type: 'string', description: 'Only when asked for a persona: its id (profileId is then null: the typical member is made up, never stored).' },
      }, ['decision', 'profileId', 'at', 'holdoutShare']),
    },
  }),
  report: routeSchema({
    summary: 'The slot\'s report: impressions, clicks, CTR, dismissals, conversions after exposure and the depth mix, in total and over time, per variant, per rule and per depth',
    tags, auth: 'adminKey', params: idParams,
    querystring: {
      type: 'object', additionalProperties: false,
      properties: {
        from: dayParam('First local day in the workspace\'s time zone (default: 29 days before to).'),
        to: dayParam('Last local day (default: today in the workspace\'s time zone).'),
        interval: { type: 'string', enum: ['day', 'week'], default: 'day', description: 'One point per day, or per ISO week (starting Monday).' },
        format: { type: 'string', enum: ['json', 'csv'], default: 'json', description: 'csv: one line per period, variant, rule and depth.' },
      },
    },
    response: {
      200: {
        description: 'json: the report; csv: its rows as an attachment.',
        content: {
          'application/json': {
            schema: json({
              slot: { type: 'string' }, goal: { type: ['object', 'null'] }, timezone: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, interval: { type: 'string' },
              totals: { type: 'object' }, series: { type: 'array' }, variants: { type: 'array' }, rules: { type: 'array' }, depths: { type: 'array' },
            }, ['slot', 'from', 'to', 'interval', 'totals', 'series', 'variants', 'rules', 'depths']),
          },
          'text/csv': { schema: { type: 'string' } },
        },
      },
    },
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
  const admin = (request: FastifyRequest) => deps.keys.admin(request);
  const audit = (workspaceId: string, actor: string, action: string, subject: string | null, details: Record<string, unknown>) =>
    deps.store.privacy.audit({ workspaceId, at: deps.now(), actor, action, subject, details });

  app.get('/v1/slots', { schema: schemas.list }, async (request) => {
    const { workspaceId } = await admin(request);
    return { slots: (await deps.slots.listSlots(workspaceId)).map(slotView) };
  });

  app.post('/v1/slots', { schema: schemas.create }, async (request, reply) => {
    const { workspaceId, keyId } = await admin(request);
    const created = await deps.slots.createSlot(workspaceId, request.body);
    await deps.signer?.activeKey(workspaceId);
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
    const preview = await previewDecision({ store: deps.store, slots: deps.slots, now: deps.now, ...(deps.recommend ? { recommend: deps.recommend } : {}) }, { workspaceId, slotId: request.params.id, ...parsed.input });
    const persona = parsed.input.persona;
    await audit(workspaceId, keyId, 'slot.preview', preview.profileId, { slotId: request.params.id, ruleId: preview.decision.ruleId, ...(persona !== undefined ? { persona } : {}) });
    return {
      decision: preview.decision, profileId: preview.profileId, at: toIso(preview.at), durationMs: preview.durationMs, holdoutShare: preview.holdoutShare,
      ...(preview.outsideHoldout ? { outsideHoldout: preview.outsideHoldout } : {}), ...(persona !== undefined ? { persona } : {}),
    };
  });

  app.get('/v1/slots/:id/report', { schema: schemas.report }, async (request: FastifyRequest<{ Params: { id: string }; Querystring: ReportQuery }>, reply) => {
    const { workspaceId } = await admin(request);
    const { day: today, timezone } = await deps.slots.today(workspaceId);
    const range = reportRange(request.query, today);
    if (request.query.format !== 'csv') return { ...(await deps.slots.report(workspaceId, request.params.id, range)), timezone };
    const { slot: id, rows } = await deps.slots.reportRows(workspaceId, request.params.id, range);
    reply.header('content-disposition', `attachment; filename="slot-${id}-report.csv"`);
    reply.type('text/csv; charset=utf-8');
    return reportCsv(rows, range.interval);
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
