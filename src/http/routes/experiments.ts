/**
 * The experiments API (admin key): definitions (CRUD), assignment for server code, live results, and the
 * workspace's experiment settings (global holdout share).
 *
 * Bodies are validated by the core (core/experiments/validate-experiment.ts, parseUnitIds, the service's
 * settings check), which names every failing field and refuses "0.5" for 0.5 rather than converting it. The body
 * schemas below document that shape for the API reference; they are not a second validator (schemas/validator.ts:
 * a body schema only refuses the NUL character), so nothing is coerced or refused differently from the core.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EVENT_LIMITS } from '../../core/events/limits.js';
import { EXPERIMENT_STATUSES, HASH_ATTRIBUTES } from '../../core/experiments/experiment.js';
import { HASH_VERSIONS } from '../../core/experiments/hashing.js';
import { METRIC_KINDS, QUANTILE_OF } from '../../core/experiments/metric.js';
import { CORRECTIONS, MAX_METRICS } from '../../core/experiments/validate-metrics.js';
import { DECIDE_BY, OPTIMISATION_MODES } from '../../core/experiments/optimisation-settings.js';
import { assignExperiment, parseUnitIds, type AssignDeps } from '../../experiments/assign-experiment.js';
import { experimentResults, resultsCsv } from '../../experiments/experiment-results.js';
import { conclusionData, concludeByHand, type OptimiserDeps } from '../../experiments/experiment-optimiser.js';
import type { ExperimentService } from '../../experiments/experiment-service.js';
import type { Store } from '../../ports/store.js';
import type { KeyResolver } from '../auth.js';
import { experimentView } from '../presenters/experiment-view.js';
import { pathParams, safeText } from '../schemas/query.js';
import { document, json, routeSchema } from '../schemas/route-docs.js';

export interface ExperimentRouteDeps {
  store: Store;
  keys: KeyResolver;
  service: ExperimentService;
  assign: Omit<AssignDeps, 'store'>;
  /** Concluding by hand: as the optimiser does (webhook deliveries, cached definitions told). */
  conclude: Omit<OptimiserDeps, 'store'>;
}

const keyParams = pathParams({ key: { maxLength: 64, description: 'The experiment key.' } });

const fraction = (description: string) => ({ type: 'number', minimum: 0, maximum: 1, description }) as const;
const orNull = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });
const KEY = { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$' } as const;
/** Documents what validateExperimentInput accepts (core/experiments/validate-experiment.ts owns the rules). */
const experimentBody = (description: string, required: string[]) => ({
  type: 'object',
  description,
  properties: {
    key: { ...KEY, description: 'The experiment key: 1 to 64 of a-z, 0-9, _, . and -.' },
    name: safeText(200, 'A name people read.', 1),
    description: safeText(2000),
    status: { type: 'string', enum: [...EXPERIMENT_STATUSES], default: 'draft' },
    variations: {
      type: 'array', minItems: 2, maxItems: 20, description: 'The arms; the first is the control. Weights sum to 1.',
      items: { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }, name: safeText(200, undefined, 1), weight: fraction('The share of people in this arm.') }, required: ['id', 'weight'], additionalProperties: false },
    },
    coverage: { ...fraction('The share of targeted people in the experiment.'), default: 1 },
    targeting: orNull({ type: 'object', description: 'Who may take part: a condition tree of trait and segment conditions (docs/segments.md); no event clauses.' }),
    hashAttribute: { type: 'string', enum: [...HASH_ATTRIBUTES], default: 'anonymousId' },
    hashVersion: { type: 'integer', enum: [...HASH_VERSIONS], default: 2, description: 'GrowthBook\'s hash version.' },
    seed: safeText(200, 'The hash seed (default: the key).', 1),
    namespace: orNull({ type: 'object', properties: { id: KEY, start: fraction('Start of the range.'), end: fraction('End of the range (after start).') }, required: ['id', 'start', 'end'], additionalProperties: false }),
    startAt: orNull({ type: 'string', format: 'date-time' }),
    stopAt: orNull({ type: 'string', format: 'date-time', description: 'After startAt.' }),
    goal: orNull({
      type: 'object', description: 'The conversion: a track event, optionally with properties it must have, within a window after assignment.',
      properties: { event: safeText(200, undefined, 1), properties: { type: 'object', maxProperties: 10, additionalProperties: safeText(500) }, windowHours: { type: 'integer', minimum: 1, maximum: 24 * 366, default: 72 } },
      required: ['event'], additionalProperties: false,
    }),
    metrics: {
      type: 'array', maxItems: MAX_METRICS, description: 'Metrics besides the goal (docs/experiments.md): conversion, count, sum, duration, ratio or quantile (median dwell time); guardrails are flagged when they worsen.',
      items: { type: 'object', properties: {
        id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }, name: safeText(200, undefined, 1), kind: { type: 'string', enum: [...METRIC_KINDS] },
        event: safeText(200, 'The track event (duration: default `Page Left`).', 1), properties: { type: 'object', maxProperties: 10, additionalProperties: safeText(500) },
        valueProperty: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', description: 'sum: the numeric property summed; duration: default `visibleMs` (reported in seconds).' },
        numerator: { type: 'object', description: 'ratio: {event, properties?, valueProperty?} or {counter: sessions | bounces}.' },
        denominator: { type: 'object', description: 'ratio: as numerator.' },
        windowHours: { type: 'integer', minimum: 1, maximum: 24 * 366, default: 72 }, guardrail: { type: 'boolean', default: false }, higherIsBetter: { type: 'boolean', default: true },
        quantile: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'quantile (required there): which quantile of the people\'s values, 0.5 the median.' },
        of: { type: 'string', enum: [...QUANTILE_OF], default: 'duration', description: 'quantile: how a person\'s value is summed from their events.' },
      }, required: ['id', 'kind'], additionalProperties: false },
    },
    analysis: {
      type: 'object', description: 'How results are analysed.', additionalProperties: false,
      properties: {
        alpha: { type: 'number', minimum: 0.001, maximum: 0.2, default: 0.05 }, correction: { type: 'string', enum: [...CORRECTIONS], default: 'holm' },
        prior: orNull({ type: 'object', properties: { mean: { type: 'number' }, sd: { type: 'number', exclusiveMinimum: 0 } }, required: ['mean', 'sd'], additionalProperties: false, description: 'Normal prior on the relative lift; null: flat.' }),
        expectedUnits: { type: 'integer', minimum: 100, default: 5000, description: 'Units the confidence sequence is tuned for.' },
        cupedDays: { type: 'integer', minimum: 0, maximum: 90, default: 14, description: 'Pre-exposure days for CUPED; 0: off.' },
      },
    },
    optimisation: orNull({
      type: 'object', description: 'Automatic optimisation (docs/experiments.md): rollout stops the experiment and rolls out the winner once the rule decides; bandit hands the traffic to the bandit once every arm has minUnitsPerArm.', additionalProperties: false,
      properties: {
        mode: { type: 'string', enum: [...OPTIMISATION_MODES], default: 'rollout' }, decideBy: { type: 'string', enum: [...DECIDE_BY], default: 'sequential' },
        chanceToWin: { type: 'number', exclusiveMinimum: 0.5, exclusiveMaximum: 1, default: 0.95 }, minUnitsPerArm: { type: 'integer', minimum: 1, default: 100 },
        metric: { type: 'string', description: 'The metric decided on (default: the first, the goal when set).' },
      },
    }),
    bandit: orNull({
      type: 'object', description: 'Top-two Thompson sampling on the first metric: the weights move on a cadence once every arm has minUnits.', additionalProperties: false,
      properties: { cadenceHours: { type: 'integer', minimum: 1, maximum: 744, default: 24 }, floor: { type: 'number', minimum: 0, maximum: 0.5, default: 0.01 }, minUnits: { type: 'integer', minimum: 1, default: 100 }, beta: { type: 'number', minimum: 0.5, maximum: 1, default: 0.5 } },
    }),
  },
  required,
  additionalProperties: false,
});
const settingsBody = { type: 'object', properties: { holdoutShare: { type: 'number', minimum: 0, maximum: 0.5, description: 'The share of people in the global holdout, 0 (none) to 0.5.' } }, required: ['holdoutShare'], additionalProperties: false };
const unitId = safeText(EVENT_LIMITS.maxIdLength, undefined, 1);
const assignBody = { type: 'object', description: 'Who is assigned: at least one of the ids.', properties: { userId: unitId, anonymousId: unitId }, additionalProperties: false };

const tags = ['Experiments'];
const experiment = document('An experiment: its definition with ISO times, createdAt and updatedAt.');
const settings = json({ holdoutShare: { type: 'number' } }, ['holdoutShare']);
const schemas = {
  list: routeSchema({ summary: 'Every experiment', tags, auth: 'adminKey', response: { 200: json({ experiments: { type: 'array', items: { type: 'object' } } }, ['experiments']) } }),
  create: routeSchema({ summary: 'Create an experiment', tags, auth: 'adminKey', body: experimentBody('An experiment.', ['key', 'name', 'variations']), response: { 201: experiment } }),
  settings: routeSchema({ summary: 'The experiment settings of the workspace (the global holdout)', tags, auth: 'adminKey', response: { 200: settings } }),
  putSettings: routeSchema({ summary: 'Change the experiment settings', tags, auth: 'adminKey', body: settingsBody, response: { 200: settings } }),
  get: routeSchema({ summary: 'One experiment', tags, auth: 'adminKey', params: keyParams, response: { 200: experiment } }),
  update: routeSchema({ summary: 'Replace an experiment (the key may be omitted; it cannot change)', tags, auth: 'adminKey', params: keyParams, body: experimentBody('The whole experiment.', ['name', 'variations']), response: { 200: experiment } }),
  delete: routeSchema({ summary: 'Delete an experiment and its assignments', tags, auth: 'adminKey', params: keyParams, response: { 200: json({ deleted: { type: 'boolean' }, key: { type: 'string' } }, ['deleted', 'key']) } }),
  conclude: routeSchema({
    summary: 'Conclude the experiment by hand and roll out a winner: every slot naming it shows the winner to everyone it reaches (audited, announced as experiment.concluded)',
    tags, auth: 'adminKey', params: keyParams,
    body: { type: 'object', properties: { winner: { type: 'string', description: 'The id of the variation that won (the control: keep what was there).' } }, required: ['winner'] },
    response: { 200: json({ conclusion: { type: 'object', description: '{winner: {index, id}, decidedBy: "manual", metric, lift, evidence, at, applied: {kind: rollout, slots}}' } }, ['conclusion']) },
  }),
  assign: routeSchema({
    summary: 'Assign a person to a variation (sticky; records the exposure)', tags, auth: 'adminKey', params: keyParams, body: assignBody,
    response: {
      200: json({
        experiment: { type: 'string' }, inExperiment: { type: 'boolean' },
        variation: json({ index: { type: 'integer' }, id: { type: 'string' }, name: { type: 'string' } }, ['index', 'id', 'name']),
        sticky: { type: 'boolean' }, contaminated: { type: 'boolean' },
        reason: { type: 'string', enum: ['not_running', 'no_unit', 'not_targeted', 'outside_namespace', 'outside_coverage', 'not_recorded', 'variation_removed', 'concluded'], description: 'Why the person is not in the experiment; `concluded`: its winner was rolled out, show `variation`.' },
      }, ['experiment', 'inExperiment']),
    },
  }),
  results: routeSchema({
    summary: 'Live results: per metric and variation units, means, lifts from both engines, corrected p-values, SRM, daily series (JSON or CSV)', tags, auth: 'adminKey', params: keyParams,
    querystring: { type: 'object', properties: { format: { type: 'string', enum: ['json', 'csv'], default: 'json' } }, additionalProperties: false },
    response: {
      200: {
        description: 'format=json: the results; csv: one line per metric and variation.',
        content: {
          'application/json': { schema: json({
            experiment: { type: 'string' }, status: { type: 'string' }, goal: { type: ['object', 'null'] }, analysis: { type: 'object' }, aggregates: { type: 'object' },
            variations: { type: 'array', items: { type: 'object' } }, metrics: { type: 'array', items: { type: 'object' } }, sampleRatio: { type: ['object', 'null'] },
            warnings: { type: 'array', items: { type: 'object' } }, series: { type: 'array', items: { type: 'object' } }, bandit: { type: 'object', description: 'Bandits: settings and weight history.' },
            optimisation: { type: ['object', 'null'], description: 'The automatic optimisation rule; null: off.' },
            conclusion: { type: ['object', 'null'], description: 'Set when the optimiser concluded the experiment: {winner: {index, id}, decidedBy, metric, lift, evidence, at, applied: {kind: rollout, slots}}.' },
            alerts: { type: 'array', items: { type: 'object' }, description: 'Raised by the monitor, once each: {code, kind: sample_ratio_mismatch | guardrail_breached, at, message, metric?, variation?, pValue?, lift?}.' },
          }, ['experiment', 'status', 'goal', 'variations', 'metrics', 'sampleRatio', 'warnings', 'series']) },
          'text/csv': { schema: { type: 'string' } },
        },
      },
    },
  }),
};

type KeyRequest = FastifyRequest<{ Params: { key: string } }>;

export function registerExperimentRoutes(app: FastifyInstance, deps: ExperimentRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);

  app.get('/v1/experiments', { schema: schemas.list }, async (request) => {
    const { workspaceId } = await admin(request);
    return { experiments: (await deps.service.list(workspaceId)).map(experimentView) };
  });

  app.post('/v1/experiments', { schema: schemas.create }, async (request, reply) => {
    const { workspaceId } = await admin(request);
    return reply.code(201).send(experimentView(await deps.service.create(workspaceId, request.body)));
  });

  app.get('/v1/experiment-settings', { schema: schemas.settings }, async (request) => {
    const { workspaceId } = await admin(request);
    return deps.service.settings(workspaceId);
  });

  app.put('/v1/experiment-settings', { schema: schemas.putSettings }, async (request) => {
    const { workspaceId } = await admin(request);
    return deps.service.putSettings(workspaceId, request.body);
  });

  app.get('/v1/experiments/:key', { schema: schemas.get }, async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    return experimentView(await deps.service.get(workspaceId, request.params.key));
  });

  app.put('/v1/experiments/:key', { schema: schemas.update }, async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    return experimentView(await deps.service.update(workspaceId, request.params.key, request.body));
  });

  app.delete('/v1/experiments/:key', { schema: schemas.delete }, async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    await deps.service.delete(workspaceId, request.params.key);
    return { deleted: true, key: request.params.key };
  });

  app.post('/v1/experiments/:key/conclude', { schema: schemas.conclude }, async (request: KeyRequest) => {
    const { workspaceId, keyId } = await admin(request);
    return { conclusion: conclusionData(await concludeByHand({ ...deps.conclude, store: deps.store }, workspaceId, request.params.key, request.body, keyId)) };
  });

  app.post('/v1/experiments/:key/assign', { schema: schemas.assign }, async (request: KeyRequest) => {
    const { workspaceId } = await admin(request);
    const unit = parseUnitIds(request.body);
    return assignExperiment({ ...deps.assign, store: deps.store }, { workspaceId, experimentKey: request.params.key, unit });
  });

  app.get('/v1/experiments/:key/results', { schema: schemas.results }, async (request: FastifyRequest<{ Params: { key: string }; Querystring: { format?: 'json' | 'csv' } }>, reply) => {
    const { workspaceId } = await admin(request);
    const results = await experimentResults(deps.store, workspaceId, request.params.key);
    if (request.query.format !== 'csv') return results;
    reply.header('content-disposition', `attachment; filename="experiment-${request.params.key}-results.csv"`);
    return reply.type('text/csv; charset=utf-8').send(resultsCsv(results));
  });
}
