/**
 * Web analytics API (admin key; issue 18): GET /v1/analytics/metric, /breakdown, /timeseries and
 * /realtime. Answers are JSON a chart draws directly, or CSV with `format=csv`. Parameters are read
 * by the service (analytics/analytics-query.ts), which names every failing one.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AnalyticsService } from '../../analytics/analytics-service.js';
import type { KeyResolver } from '../auth.js';
import { limitParam, safeText } from '../schemas/query.js';
import { json, routeSchema } from '../schemas/route-docs.js';
import { csvField } from './segment-members.js';

export interface AnalyticsRouteDeps {
  keys: KeyResolver;
  analytics: AnalyticsService;
}

const tags = ['Analytics'];
/** The parameters every analytics query takes (also GET /v1/analytics/breakdown/profiles). */
export const analyticsFilterParams = {
  from: safeText(40, 'Start: a local date YYYY-MM-DD (included) or an instant with offset; default 29 days before `to`.'),
  to: safeText(40, 'End: a local date YYYY-MM-DD (included) or an instant with offset (excluded); default today (UTC date).'),
  timezone: safeText(64, 'IANA time zone the dates and periods are in (default UTC).'),
  compare: { type: 'string', enum: ['none', 'previous'], default: 'none', description: 'previous: also the period of the same length just before.' },
  audience: safeText(20, 'Filter: known (a user id or email) or anonymous.'),
  channel: safeText(100, 'Filter: channel of the visit (organic_search, email, …).'),
  device: safeText(100, 'Filter: device class (desktop, mobile, tablet, …).'),
  page: safeText(300, 'Filter: page path (not combinable with a breakdown by another dimension).'),
  title: safeText(300, 'Filter: page title.'),
  category: safeText(300, 'Filter: page category.'),
  referrer: safeText(300, 'Filter: referrer host.'),
  utm_source: safeText(300, 'Filter: utm_source.'),
  utm_medium: safeText(300, 'Filter: utm_medium.'),
  utm_campaign: safeText(300, 'Filter: utm_campaign.'),
  utm_content: safeText(300, 'Filter: utm_content.'),
  utm_term: safeText(300, 'Filter: utm_term.'),
  browser: safeText(300, 'Filter: browser.'),
  os: safeText(300, 'Filter: operating system.'),
  language: safeText(300, 'Filter: language (two letters).'),
  event: safeText(300, 'Filter: custom event name; with `property`, the event whose property is meant.'),
  property: safeText(300, 'With `event`: one of its properties, whose values dimension=event_property breaks down.'),
  property_value: safeText(300, 'Filter: with `event` and `property`, the events whose property has this value.'),
  country: safeText(300, 'Filter: country (ISO 3166-1 alpha-2, from the IP; (none) when unknown).'),
  lifecycle: safeText(300, 'Filter: lifecycle stage of the profile when the visit began.'),
  persona: safeText(300, 'Filter: persona id assigned to the profile when the visit began.'),
  segment: safeText(64, 'Filter: members of this segment (id); read from their events, combines with any other filter and breakdown.'),
  format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
};
/** `goal`: conversions of a goal (analytics/goal-conversions.ts) on metric, breakdown and time series. */
const goalParam = { goal: safeText(64, 'Conversions of this goal (its id, GET /v1/analytics/goals): conversions, conversionRate, convertingVisitors, visitorConversionRate per figure set.') };
const query = (extra: Record<string, object> = {}) => ({ type: 'object', properties: { ...analyticsFilterParams, ...extra }, additionalProperties: false });
const answer = (description: string) => ({
  200: { description, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } }, 'text/csv': { schema: { type: 'string' } } } },
});
const schemas = {
  metric: routeSchema({ summary: 'Traffic totals of a range: visitors, visits, page views, bounce rate, durations, events (optionally against the previous period)', tags, auth: 'adminKey', querystring: query(goalParam), response: answer('{ from, to, timezone, filters, metrics, previous?, change?, goal? }') }),
  breakdown: routeSchema({
    summary: 'Top values of a dimension with their figures and shares', tags, auth: 'adminKey',
    querystring: query({
      dimension: { ...safeText(40, 'page (default), entry, exit, title, category, event, event_property (with event and property), channel, referrer, utm_source, utm_medium, utm_campaign, utm_content, utm_term, device, browser, os, language, country, lifecycle, persona.'), default: 'page' },
      limit: limitParam(10, 1000),
      ...goalParam,
    }),
    response: answer('{ dimension, sortedBy, rows: [{ value, share, visitors, visits, … }], previous? }'),
  }),
  timeseries: routeSchema({
    summary: 'Figures per hour, day, week or month in the time zone', tags, auth: 'adminKey',
    querystring: query({ interval: { type: 'string', enum: ['hour', 'day', 'week', 'month'], default: 'day' }, ...goalParam }),
    response: answer('{ interval, points: [{ period, start, visitors, visits, … }], previous? }'),
  }),
  realtime: routeSchema({
    summary: 'Visitors of the last 5 minutes and the pages they are on', tags, auth: 'adminKey',
    response: { 200: json({ since: { type: 'string' }, visitors: { type: 'integer' }, pages: { type: 'array', items: { type: 'object' } } }, ['since', 'visitors', 'pages']) },
  }),
};

type Params = Record<string, unknown>;

export function registerAnalyticsRoutes(app: FastifyInstance, deps: AnalyticsRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);
  const respond = (reply: FastifyReply, params: Params, name: string, body: object, rows: () => Array<Record<string, unknown>>) => {
    if (params.format !== 'csv') return body;
    reply.header('content-disposition', `attachment; filename="analytics-${name}.csv"`);
    reply.type('text/csv; charset=utf-8');
    return toCsv(rows());
  };

  app.get('/v1/analytics/metric', { schema: schemas.metric }, async (request, reply) => {
    const { workspaceId } = await admin(request);
    const params = request.query as Params;
    const result = await deps.analytics.metric(workspaceId, params);
    return respond(reply, params, 'metric', result, () => [
      { period: 'current', ...result.metrics },
      ...(result.previous ? [{ period: 'previous', ...result.previous }] : []),
    ]);
  });

  app.get('/v1/analytics/breakdown', { schema: schemas.breakdown }, async (request, reply) => {
    const { workspaceId } = await admin(request);
    const params = request.query as Params;
    const result = await deps.analytics.breakdown(workspaceId, params);
    return respond(reply, params, `breakdown-${result.dimension}`, result, () => result.rows.map((r) => ({ ...r })));
  });

  app.get('/v1/analytics/timeseries', { schema: schemas.timeseries }, async (request, reply) => {
    const { workspaceId } = await admin(request);
    const params = request.query as Params;
    const result = await deps.analytics.timeseries(workspaceId, params);
    return respond(reply, params, `timeseries-${result.interval}`, result, () => result.points.map((p) => ({ ...p })));
  });

  app.get('/v1/analytics/realtime', { schema: schemas.realtime }, async (request) => {
    const { workspaceId } = await admin(request);
    return deps.analytics.realtime(workspaceId);
  });
}

/** CSV of rows with the first row's keys as the header (RFC 4180; cells guarded against formulas). */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]!);
  return [columns, ...rows.map((r) => columns.map((c) => r[c]))].map((line) => `${line.map(csvField).join(',')}\r\n`).join('');
}
