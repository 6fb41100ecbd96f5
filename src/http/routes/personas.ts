/**
 * Personas API (admin key; issue 17):
 * - GET/PUT /v1/personas/definition: the workspace's feature definition (validated: purposes with
 *   a legal basis for profiling, no sensitive categories, the one-hot width cap) and its version;
 * - POST /v1/personas/fit: starts a fit in the background, 202 with the job; GET: its progress;
 * - GET/PUT /v1/personas/schedule: how often fits run on their own (`fitEveryHours`, 0 = never),
 *   with the last and next fit (personas/persona-fit-schedule.ts);
 * - GET /v1/personas: the current model's personas — aggregates only, none smaller than the
 *   k-anonymity minimum (20 profiles of the fitted sample; smaller ones are counted as hidden);
 * - GET /v1/personas/report: the agency briefing (persona-report.ts), aggregates only;
 * - PATCH /v1/personas/{id}: rename, describe, pin.
 */
import { projectPersonas } from '../../core/personas/persona-projection.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TesseraError } from '../../core/errors.js';
import { definitionVersion, parseFeatureDefinition } from '../../core/personas/feature-definition.js';
import { featureSpecs } from '../../core/personas/features.js';
import { parseFitSchedule } from '../../core/personas/fit-schedule.js';
import { personaReport } from '../../core/personas/persona-report.js';
import type { PersonaFitRunner } from '../../personas/persona-fit-runner.js';
import { fitScheduleState } from '../../personas/persona-fit-schedule.js';
import { featureDefinition as savedDefinition, InvalidDefinition } from '../../personas/persona-fit-runner.js';
import type { Store } from '../../ports/store.js';
import type { PrivacyContexts } from '../../privacy/privacy-context.js';
import type { KeyResolver } from '../auth.js';
import { pathParams } from '../schemas/query.js';
import { document, json, routeSchema } from '../schemas/route-docs.js';

export interface PersonaRouteDeps {
  store: Store;
  keys: KeyResolver;
  privacy: PrivacyContexts;
  fits: Pick<PersonaFitRunner, 'start' | 'progress'>;
  now: () => number;
}

/** Reports never show a persona of fewer profiles than this (k-anonymity, issue 17 §3). */
export const K_ANONYMITY_MINIMUM = 20;

const text = (max: number) => z.string().max(max).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');
const labelSchema = z.object({ name: text(100).min(1).optional(), description: text(1000).optional(), pinned: z.boolean().optional() }).strict()
  .refine((l) => l.name !== undefined || l.description !== undefined || l.pinned !== undefined, 'give name, description or pinned');

const tags = ['Personas'];
const definitionAnswer = json({ definition: { type: 'object' }, version: { type: 'string' }, features: { type: 'array', items: { type: 'object' } } }, ['definition', 'version', 'features']);
const jobAnswer = json({ job: { type: ['object', 'null'], description: 'The fit job: id, state, phase, done, total, …; null before the first fit.' } }, ['job']);
const scheduleAnswer = json({
  fitEveryHours: { type: 'number' },
  lastFitAt: { type: ['string', 'null'], description: 'The last fit stored (model fitted or fit started), ISO time; null before the first fit.' },
  nextFitAt: { type: ['string', 'null'], description: 'When the next scheduled fit is due; null before the first fit (that one is asked for) and when fitEveryHours is 0.' },
  running: { type: 'boolean' },
}, ['fitEveryHours', 'lastFitAt', 'nextFitAt', 'running']);
const schemas = {
  getDefinition: routeSchema({ summary: 'The persona feature definition, its version (a hash) and the features it yields', tags, auth: 'adminKey', response: { 200: definitionAnswer } }),
  putDefinition: routeSchema({
    summary: 'Replace the persona feature definition (purposes with a legal basis for profiling; no sensitive categories)', tags, auth: 'adminKey',
    body: document('The feature definition: profilingPurposes, categories, categoryHalfLifeDays, lifecycleStages, monetaryTrait, traits, sensitiveCategories, utcOffsetMinutes, maxOneHotWidth (docs/personas.md).'),
    response: { 200: definitionAnswer },
  }),
  startFit: routeSchema({ summary: 'Start fitting personas in the background (audited): 202 with the job', tags, auth: 'adminKey', response: { 202: jobAnswer } }),
  fitProgress: routeSchema({ summary: 'The progress of the last persona fit', tags, auth: 'adminKey', response: { 200: jobAnswer } }),
  getSchedule: routeSchema({ summary: 'How often personas are refitted on their own, with the last and the next fit', tags, auth: 'adminKey', response: { 200: scheduleAnswer } }),
  putSchedule: routeSchema({
    summary: 'Set how often personas are refitted on their own (audited): fitEveryHours, 0 = never (on demand only)', tags, auth: 'adminKey',
    body: json({ fitEveryHours: { type: 'number', minimum: 0, maximum: 8760, description: 'Hours between scheduled fits, counted from the last fit; 0: never on a schedule.' } }, ['fitEveryHours']),
    response: { 200: scheduleAnswer },
  }),
  list: routeSchema({
    summary: 'The current personas: aggregates only, none smaller than 20 profiles of the fitted sample', tags, auth: 'adminKey',
    response: { 200: json({ model: { type: ['object', 'null'] }, personas: { type: 'array', items: { type: 'object' } }, hidden: { type: 'integer' }, projection: { type: ['object', 'null'], description: 'A 2-D map of the personas shown: `points` (id, x, y) from a weighted PCA of their centroids, and per axis the share of variance it shows and its strongest features (`loadings`: feature, label, loading); null before the first fit.' } }, ['model', 'personas', 'hidden']) },
  }),
  report: routeSchema({
    summary: 'A persona report without personal data, for briefing an agency: size, share, distinguishing features, top content, channels (none below 20 profiles)', tags, auth: 'adminKey',
    response: { 200: json({ report: { type: ['object', 'null'], description: 'modelVersion, fittedAt, sampleSize, kMinimum, personas, hidden; null before the first fit.' } }, ['report']) },
  }),
  label: routeSchema({
    summary: 'Name, describe or pin a persona of the current model (audited)', tags, auth: 'adminKey', params: pathParams({ id: { maxLength: 64 } }),
    body: json({ name: { type: 'string', maxLength: 100 }, description: { type: 'string', maxLength: 1000 }, pinned: { type: 'boolean' } }),
    response: { 200: json({ id: { type: 'string' }, name: { type: ['string', 'null'] }, description: { type: ['string', 'null'] }, pinned: { type: 'boolean' } }, ['id']) },
  }),
};

export function registerPersonaRoutes(app: FastifyInstance, deps: PersonaRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);
  const audit = (workspaceId: string, actor: string, action: string, subject: string | null, details: Record<string, unknown> = {}) =>
    deps.store.privacy.audit({ workspaceId, at: deps.now(), actor, action, subject, details });

  // A saved definition that names a trait marked sensitive since is no longer valid: a 409 says so.
  const featureDefinition = async (...args: Parameters<typeof savedDefinition>) => {
    try {
      return await savedDefinition(...args);
    } catch (error) {
      if (error instanceof InvalidDefinition) throw new TesseraError('conflict', { message: `${error.message}; save a new one.` });
      throw error;
    }
  };

  app.get('/v1/personas/definition', { schema: schemas.getDefinition }, async (request) => {
    const { workspaceId } = await admin(request);
    const definition = await featureDefinition(deps.store, deps.privacy, workspaceId);
    const { settings } = await deps.privacy.get(workspaceId);
    return { definition, version: definitionVersion(definition), features: featureSpecs(definition, settings.schema) };
  });

  app.put('/v1/personas/definition', { schema: schemas.putDefinition }, async (request) => {
    const { workspaceId, keyId } = await admin(request);
    const { settings } = await deps.privacy.get(workspaceId);
    const parsed = parseFeatureDefinition(request.body, settings);
    if (!parsed.ok) throw new TesseraError('invalid_body', { message: 'The persona feature definition is invalid; nothing was changed.', issues: parsed.issues });
    await deps.store.configs.put(workspaceId, 'personas', parsed.definition, deps.now());
    const version = definitionVersion(parsed.definition);
    await audit(workspaceId, keyId, 'personas.definition.update', null, { version });
    return { definition: parsed.definition, version, features: featureSpecs(parsed.definition, settings.schema) };
  });

  app.post('/v1/personas/fit', { schema: schemas.startFit }, async (request, reply) => {
    const { workspaceId, keyId } = await admin(request);
    const job = deps.fits.start(workspaceId);
    await audit(workspaceId, keyId, 'personas.fit', job.id, {});
    reply.code(202);
    return { job };
  });

  app.get('/v1/personas/fit', { schema: schemas.fitProgress }, async (request) => {
    const { workspaceId } = await admin(request);
    return { job: await deps.fits.progress(workspaceId) };
  });

  const scheduleOf = async (workspaceId: string) => {
    const state = await fitScheduleState(deps.store, workspaceId);
    const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
    return { fitEveryHours: state.fitEveryHours, lastFitAt: iso(state.lastFitAt), nextFitAt: iso(state.nextFitAt), running: state.running };
  };

  app.get('/v1/personas/schedule', { schema: schemas.getSchedule }, async (request) => {
    const { workspaceId } = await admin(request);
    return scheduleOf(workspaceId);
  });

  app.put('/v1/personas/schedule', { schema: schemas.putSchedule }, async (request) => {
    const { workspaceId, keyId } = await admin(request);
    const parsed = parseFitSchedule(request.body);
    if (!parsed.ok) throw new TesseraError('invalid_body', { message: 'The persona fit schedule is invalid; nothing was changed.', issues: parsed.issues });
    await deps.store.configs.put(workspaceId, 'personas-schedule', parsed.schedule, deps.now());
    await audit(workspaceId, keyId, 'personas.schedule.update', null, { fitEveryHours: parsed.schedule.fitEveryHours });
    return scheduleOf(workspaceId);
  });

  app.get('/v1/personas', { schema: schemas.list }, async (request) => {
    const { workspaceId } = await admin(request);
    const model = await deps.store.personas.currentModel(workspaceId);
    if (!model) return { model: null, personas: [], hidden: 0, projection: null };
    const shown = model.personas.filter((p) => p.size >= K_ANONYMITY_MINIMUM);
    const { settings } = await deps.privacy.get(workspaceId);
    const labels = new Map(featureSpecs(model.definition, settings.schema).map((f) => [f.key, f.label]));
    const projection = projectPersonas(shown, model.features);
    return {
      model: { version: model.version, fittedAt: new Date(model.fittedAt).toISOString(), definitionVersion: model.definitionVersion, sampleSize: model.sampleSize, threshold: model.threshold, bic: model.bic, changes: model.changes },
      personas: shown.map((p) => ({
        id: p.id, name: p.name, description: p.description, pinned: p.pinned, size: p.size, share: p.weight,
        distinguishing: p.distinguishing,
      })),
      hidden: model.personas.length - shown.length,
      // A 2-D map of the personas shown (core/personas/persona-projection.ts), axes with their strongest features.
      projection: {
        points: projection.points,
        axes: projection.axes.map((axis) => ({ explained: axis.explained, loadings: axis.loadings.map((l) => ({ ...l, label: labels.get(l.feature) ?? l.feature })) })),
      },
    };
  });

  app.get('/v1/personas/report', { schema: schemas.report }, async (request) => {
    const { workspaceId, keyId } = await admin(request);
    const model = await deps.store.personas.currentModel(workspaceId);
    if (!model) return { report: null };
    await audit(workspaceId, keyId, 'personas.report', null, { version: model.version });
    const report = personaReport(model, K_ANONYMITY_MINIMUM);
    return { report: { ...report, fittedAt: new Date(report.fittedAt).toISOString() } };
  });

  app.patch('/v1/personas/:id', { schema: schemas.label }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const parsed = labelSchema.safeParse(request.body);
    if (!parsed.success) {
      throw new TesseraError('invalid_body', { issues: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', reason: i.message })) });
    }
    const label = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as { name?: string; description?: string; pinned?: boolean };
    if (!(await deps.store.personas.label(workspaceId, request.params.id, label))) {
      throw new TesseraError('not_found', { message: `The current persona model has no persona "${request.params.id}".` });
    }
    await audit(workspaceId, keyId, 'personas.label', request.params.id, { fields: Object.keys(label) });
    const model = await deps.store.personas.currentModel(workspaceId);
    const persona = model!.personas.find((p) => p.id === request.params.id)!;
    return { id: persona.id, name: persona.name, description: persona.description, pinned: persona.pinned };
  });
}
