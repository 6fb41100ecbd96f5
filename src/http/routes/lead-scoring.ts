/**
 * Lead scoring and lifecycle API (admin key): the workspace's scoring and lifecycle configuration,
 * a profile's scores with their explanation ("why 57 points"), its lifecycle stage with history,
 * and manual moves. A configuration change re-scores the existing profiles in the background
 * (lead-scoring/rescore.ts). Before saving, a preview says what a person would score under the
 * changed rules (core/scoring/preview.ts); the stage funnel counts the moves of a period.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError, type FieldIssue } from '../../core/errors.js';
import { parseLifecycleConfig } from '../../core/lifecycle/lifecycle-config.js';
import { explainScores } from '../../core/scoring/explain.js';
import { previewScores } from '../../core/scoring/preview.js';
import { parseScoringConfig } from '../../core/scoring/scoring-config.js';
import { stageFunnel } from '../../core/lifecycle/stage-funnel.js';
import { toIso } from '../../core/time.js';
import type { LeadScoringSettingsSource } from '../../lead-scoring/lead-scoring-settings.js';
import { moveStage, type MoveStageDeps } from '../../lead-scoring/move-stage.js';
import type { RescoreRunner } from '../../lead-scoring/rescore.js';
import type { Store } from '../../ports/store.js';
import type { KeyResolver } from '../auth.js';
import { lifecycleView } from '../presenters/lead-scoring-view.js';
import { BODIES } from '../schemas/bodies.js';
import { profileIdParams } from '../schemas/query.js';
import { document, json, routeSchema } from '../schemas/route-docs.js';

export interface LeadScoringRouteDeps {
  store: Store;
  keys: KeyResolver;
  settings: LeadScoringSettingsSource;
  move: Omit<MoveStageDeps, 'store' | 'settings' | 'now'>;
  /** Re-scores existing profiles after a configuration change. */
  rescore: Pick<RescoreRunner, 'start' | 'progress'>;
  now: () => number;
}

const tags = ['Lead scoring'];
const lifecycleAnswer = json({ profileId: { type: 'string' }, stage: { type: ['string', 'null'] }, history: { type: 'array' } }, ['profileId']);
const rescoreAnswer = json({ rescore: { type: ['object', 'null'], description: 'Progress of the re-scoring (null: none ever ran).' } }, ['rescore']);
const configSchemas = {
  scoring: {
    get: routeSchema({ summary: 'The scoring configuration', tags, auth: 'adminKey', response: { 200: document('The scoring configuration.') } }),
    put: routeSchema({ summary: 'Replace the scoring configuration (audited; re-scores every profile in the background)', tags, auth: 'adminKey', body: BODIES.scoring, response: { 200: document('The scoring configuration saved.') } }),
  },
  lifecycle: {
    get: routeSchema({ summary: 'The lifecycle configuration', tags, auth: 'adminKey', response: { 200: document('The lifecycle configuration.') } }),
    put: routeSchema({ summary: 'Replace the lifecycle configuration (audited; re-evaluates every profile in the background)', tags, auth: 'adminKey', body: BODIES.lifecycle, response: { 200: document('The lifecycle configuration saved.') } }),
  },
} as const;
const schemas = {
  rescoreProgress: routeSchema({ summary: 'Progress of the background re-scoring', tags, auth: 'adminKey', response: { 200: rescoreAnswer } }),
  rescore: routeSchema({ summary: 'Re-score every profile now (audited)', tags, auth: 'adminKey', response: { 202: rescoreAnswer } }),
  score: routeSchema({ summary: 'A profile\'s scores and why ("why 57 points"; audited)', tags: ['Lead scoring', 'Profiles'], auth: 'adminKey', params: profileIdParams, response: { 200: json({ profileId: { type: 'string' }, lifecycle: { type: 'object' } }, ['profileId']) } }),
  lifecycle: routeSchema({ summary: 'A profile\'s lifecycle stage and its history (audited)', tags: ['Lead scoring', 'Profiles'], auth: 'adminKey', params: profileIdParams, response: { 200: lifecycleAnswer } }),
  preview: routeSchema({
    summary: 'What a person would score under unsaved rules: per rule, proposed and current points, and the lifecycle moves they would make (audited)',
    description: '`scoring` and `lifecycle` default to the stored configurations; engagement is rebuilt from the person\'s stored events, as a save re-scores. Nothing is saved.',
    tags: ['Lead scoring', 'Profiles'], auth: 'adminKey',
    body: {
      type: 'object', additionalProperties: false, required: ['profile'],
      properties: {
        profile: { type: 'string', minLength: 1, maxLength: 512, description: 'Any identifier of the person: profile id, userId, email or anonymousId.' },
        scoring: BODIES.scoring, lifecycle: BODIES.lifecycle,
      },
    },
    response: { 200: document('{ profileId, at, rules, proposed, current, explanation, lifecycle: { stage, moves, heldUntil } }') },
  }),
  funnel: routeSchema({
    summary: 'The stage funnel: lifecycle moves of the last days per stage and per (from, to)',
    tags, auth: 'adminKey',
    querystring: { type: 'object', additionalProperties: false, properties: { days: { type: 'integer', minimum: 1, maximum: 366, default: 30, description: 'The period: the last this many days up to now.' } } },
    response: { 200: document('{ from, to, days, stages: [{ key, label, entered, left }], moves: [{ from, to, moves, people }] }') },
  }),
  move: routeSchema({
    summary: 'Move a profile to a lifecycle stage by hand (audited)', tags: ['Lead scoring', 'Profiles'], auth: 'adminKey', params: profileIdParams,
    body: { type: 'object', properties: { stage: { type: 'string', minLength: 1, maxLength: 64 }, note: { type: 'string', maxLength: 1000 } }, required: ['stage'], additionalProperties: false },
    response: { 200: { ...lifecycleAnswer, properties: { ...lifecycleAnswer.properties, moved: { type: 'boolean' } } } },
  }),
};

export function registerLeadScoringRoutes(app: FastifyInstance, deps: LeadScoringRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);
  const audit = (workspaceId: string, actor: string, action: string, subject: string | null, details: Record<string, unknown> = {}) =>
    deps.store.privacy.audit({ workspaceId, at: deps.now(), actor, action, subject, details });
  const resolve = async (workspaceId: string, id: string) => {
    const profileId = await deps.store.profiles.resolve(workspaceId, id);
    const profile = profileId ? await deps.store.profiles.get(workspaceId, profileId) : null;
    if (!profile) throw new TesseraError('not_found', { message: `No profile is known by "${id}".` });
    return profile;
  };

  /**
   * GET and PUT of one configuration document. A saved change is audited and re-scores the existing
   * profiles in the background (replaying engagement when the scoring rules changed).
   */
  const configRoutes = <C>(kind: 'scoring' | 'lifecycle', parse: (body: unknown) => { ok: true; config: C } | { ok: false; issues: FieldIssue[] },
    read: (settings: Awaited<ReturnType<LeadScoringSettingsSource['get']>>) => C, summary: (config: C) => Record<string, unknown>) => {
    app.get(`/v1/${kind}`, { schema: configSchemas[kind].get }, async (request) => read(await deps.settings.get((await admin(request)).workspaceId)));
    app.put(`/v1/${kind}`, { schema: configSchemas[kind].put }, async (request) => {
      const { workspaceId, keyId } = await admin(request);
      const parsed = parse(request.body);
      if (!parsed.ok) throw new TesseraError('invalid_body', { message: `The ${kind} configuration is invalid; nothing was changed.`, issues: parsed.issues });
      await deps.store.configs.put(workspaceId, kind, parsed.config, deps.now());
      deps.settings.invalidate(workspaceId);
      await audit(workspaceId, keyId, `${kind}.settings.update`, null, summary(parsed.config));
      deps.rescore.start(workspaceId, { replay: kind === 'scoring' });
      return parsed.config;
    });
  };
  configRoutes('scoring', parseScoringConfig, (s) => s.scoring, (c) => ({ engagementRules: c.engagement.rules.length, fitRules: c.fit.rules.length }));
  configRoutes('lifecycle', parseLifecycleConfig, (s) => s.lifecycle, (c) => ({ stages: c.stages.length, rules: c.rules.length }));

  // Progress of the re-scoring a configuration change starts (null: none ever ran in this workspace).
  app.get('/v1/scoring/rescore', { schema: schemas.rescoreProgress }, async (request) => {
    const { workspaceId } = await admin(request);
    return { rescore: await deps.rescore.progress(workspaceId) };
  });

  app.post('/v1/scoring/rescore', { schema: schemas.rescore }, async (request, reply) => {
    const { workspaceId, keyId } = await admin(request);
    const progress = deps.rescore.start(workspaceId, { replay: true });
    await audit(workspaceId, keyId, 'scoring.rescore', null, {});
    reply.code(202);
    return { rescore: progress };
  });

  app.get('/v1/profiles/:id/score', { schema: schemas.score }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const profile = await resolve(workspaceId, request.params.id);
    const { lifecycle } = await deps.settings.get(workspaceId);
    await audit(workspaceId, keyId, 'profile.score.read', profile.id);
    return { profileId: profile.id, ...explainScores(profile, deps.now()), lifecycle: lifecycleView(profile.lifecycle, lifecycle) };
  });

  app.post('/v1/scoring/preview', { schema: schemas.preview }, async (request) => {
    const { workspaceId, keyId } = await admin(request);
    const { body, issues } = parsePreviewBody(request.body);
    const stored = await deps.settings.get(workspaceId);
    const parsedScoring = body.scoring === undefined ? null : parseScoringConfig(body.scoring);
    const parsedLifecycle = body.lifecycle === undefined ? null : parseLifecycleConfig(body.lifecycle);
    if (parsedScoring && !parsedScoring.ok) issues.push(...parsedScoring.issues.map((i) => ({ ...i, field: `scoring.${i.field}` })));
    if (parsedLifecycle && !parsedLifecycle.ok) issues.push(...parsedLifecycle.issues.map((i) => ({ ...i, field: `lifecycle.${i.field}` })));
    if (issues.length > 0) throw new TesseraError('invalid_body', { message: 'The rules to preview are invalid.', issues });
    const profile = await resolve(workspaceId, body.profile);
    const events = (await deps.store.segments.eventsByProfile(workspaceId, [profile.id])).get(profile.id) ?? [];
    const preview = previewScores({
      profile, events, at: deps.now(),
      scoring: parsedScoring?.ok ? parsedScoring.config : stored.scoring,
      lifecycle: parsedLifecycle?.ok ? parsedLifecycle.config : stored.lifecycle,
    });
    await audit(workspaceId, keyId, 'profile.score.preview', profile.id);
    return { profileId: profile.id, ...preview };
  });

  app.get('/v1/lifecycle/funnel', { schema: schemas.funnel }, async (request) => {
    const { workspaceId } = await admin(request);
    const { days } = request.query as { days: number };
    const to = deps.now();
    const from = to - days * 86_400_000;
    const moves = await deps.store.profiles.lifecycleMoves(workspaceId, { from, to });
    const { lifecycle } = await deps.settings.get(workspaceId);
    return { from: toIso(from), to: toIso(to), days, ...stageFunnel(lifecycle.stages, moves), moves };
  });

  app.get('/v1/profiles/:id/lifecycle', { schema: schemas.lifecycle }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const profile = await resolve(workspaceId, request.params.id);
    await audit(workspaceId, keyId, 'profile.lifecycle.read', profile.id);
    return { profileId: profile.id, ...lifecycleView(profile.lifecycle, (await deps.settings.get(workspaceId)).lifecycle) };
  });

  app.post('/v1/profiles/:id/lifecycle', { schema: schemas.move }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const body = parseMoveBody(request.body);
    const found = await resolve(workspaceId, request.params.id);
    const { moved, profile } = await moveStage({ ...deps.move, store: deps.store, settings: deps.settings, now: deps.now }, {
      workspaceId, profileId: found.id, to: body.stage, actor: keyId, ...(body.note ? { note: body.note } : {}),
    });
    await audit(workspaceId, keyId, 'profile.lifecycle.move', profile.id, { to: body.stage, moved });
    return { profileId: profile.id, moved, ...lifecycleView(profile.lifecycle, (await deps.settings.get(workspaceId)).lifecycle) };
  });
}

function parseMoveBody(body: unknown): { stage: string; note?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'must be an object such as {"stage": "sales_accepted", "note": "…"}' }] });
  const { stage, note, ...rest } = body as Record<string, unknown>;
  const issues = [];
  if (typeof stage !== 'string' || stage.length === 0 || stage.length > 64) issues.push({ field: 'stage', reason: 'is required: the key of a stage' });
  if (note !== undefined && (typeof note !== 'string' || note.length > 1000)) issues.push({ field: 'note', reason: 'must be a text of at most 1000 characters' });
  for (const key of Object.keys(rest)) issues.push({ field: key, reason: 'is not a field of a move (stage, note)' });
  if (issues.length > 0) throw new TesseraError('invalid_body', { issues });
  return { stage: stage as string, ...(typeof note === 'string' && note.trim() ? { note: note.trim() } : {}) };
}

/** The preview's body: the person (any identifier) and the rules to try; each failing field named. */
function parsePreviewBody(body: unknown): { body: { profile: string; scoring?: unknown; lifecycle?: unknown }; issues: FieldIssue[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'must be an object such as {"profile": "lena@example.com", "scoring": {…}}' }] });
  const { profile, scoring, lifecycle, ...rest } = body as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  if (typeof profile !== 'string' || profile.trim() === '' || profile.length > 512) issues.push({ field: 'profile', reason: 'is required: an identifier of the person (profile id, userId, email or anonymousId)' });
  for (const key of Object.keys(rest)) issues.push({ field: key, reason: 'is not a field of a preview (profile, scoring, lifecycle)' });
  return { body: { profile: typeof profile === 'string' ? profile.trim() : '', scoring, lifecycle }, issues };
}
