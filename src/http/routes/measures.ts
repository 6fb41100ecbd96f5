/**
 * Measurement of personalization switched on without an experiment (admin key): the before/after report with its
 * difference-in-differences against the global holdout (experiments/before-after-report.ts).
 *
 * Every parameter is text in the schema (bounded, no control characters); the core reads and checks them
 * (core/experiments/before-after.ts), so one answer names every failing parameter and nothing is coerced.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { beforeAfterReport, type BeforeAfterDeps } from '../../experiments/before-after-report.js';
import type { KeyResolver } from '../auth.js';
import { safeText } from '../schemas/query.js';
import { json, routeSchema } from '../schemas/route-docs.js';

export interface MeasureRouteDeps extends BeforeAfterDeps {
  keys: KeyResolver;
}

const tags = ['Measurement'];
const cell = json({ n: { type: 'integer' }, mean: { type: ['number', 'null'] } }, ['n', 'mean']);
const difference = { type: ['object', 'null'], properties: { estimate: { type: 'number' }, interval: { type: 'array', items: { type: 'number' } }, pValue: { type: 'number' }, relative: { type: ['number', 'null'] } } };
const group = json({ before: cell, after: cell, change: difference }, ['before', 'after', 'change']);

const schemas = {
  beforeAfter: routeSchema({
    summary: 'Before/after of a measure switched on at a time: the KPI before and after, with its interval, and the difference-in-differences against the global holdout', tags, auth: 'adminKey',
    querystring: {
      type: 'object',
      properties: {
        at: safeText(64, 'Required: when the measure was switched on (ISO time).'),
        days: safeText(3, 'Length of each period in days, 1–90 (default 14).'),
        event: safeText(200, 'The KPI\'s goal event (or give experiment and metric).'),
        kind: safeText(20, 'With event: conversion (default: the conversion rate), count or sum.'),
        valueProperty: safeText(64, 'With kind sum: the numeric property summed.'),
        experiment: safeText(64, 'Reuse a metric of this experiment (with metric).'),
        metric: safeText(64, 'The id of the experiment\'s metric (goal: its goal); conversion, count, sum or duration.'),
        alpha: safeText(8, 'Significance level of the intervals, 0.001–0.2 (default 0.05).'),
      },
      additionalProperties: false,
    },
    response: {
      200: json({
        at: { type: 'string' }, days: { type: 'integer' }, alpha: { type: 'number' }, periods: { type: 'object' }, metric: { type: 'object' }, holdoutShare: { type: 'number' },
        treated: group, holdout: group, differenceInDifferences: difference, warnings: { type: 'array', items: { type: 'object' } },
      }, ['at', 'days', 'periods', 'metric', 'holdoutShare', 'treated', 'holdout', 'differenceInDifferences', 'warnings']),
    },
  }),
};

export function registerMeasureRoutes(app: FastifyInstance, deps: MeasureRouteDeps): void {
  app.get('/v1/measures/before-after', { schema: schemas.beforeAfter }, async (request: FastifyRequest<{ Querystring: Record<string, string> }>) => {
    const { workspaceId } = await deps.keys.admin(request);
    return beforeAfterReport(deps, workspaceId, request.query);
  });
}
