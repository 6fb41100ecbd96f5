/**
 * From aggregate to person (issue 18): GET /v1/analytics/breakdown/profiles lists the profiles
 * behind one breakdown row (analytics/analytics-row-profiles.ts). Personal data drawn out of the
 * aggregates: admin only (its tag `Analytics people` has an admin-only rule in
 * core/access/route-policy.ts; analysts and marketers get 403), and each call is written to the
 * audit log (`analytics.row.profiles`: who, which row, how many profiles).
 */
import type { FastifyInstance } from 'fastify';
import { rowProfiles, MAX_ROW_PROFILES } from '../../analytics/analytics-row-profiles.js';
import type { Store } from '../../ports/store.js';
import type { KeyResolver } from '../auth.js';
import { limitParam, safeText } from '../schemas/query.js';
import { json, routeSchema } from '../schemas/route-docs.js';
import { analyticsFilterParams } from './analytics.js';

export interface AnalyticsProfilesRouteDeps {
  keys: KeyResolver;
  store: Store;
  now: () => number;
}

const { segment: _segment, format: _format, compare: _compare, ...filters } = analyticsFilterParams;

const schema = routeSchema({
  summary: 'The profiles behind a breakdown row: id, user id, email, their part of the row (admin only; audited)',
  description: 'Paged by profile id: each call examines up to 2,000 profiles active in the range; a page may hold fewer than `limit` while `nextCursor` is not null.',
  tags: ['Analytics', 'Analytics people'], auth: 'adminKey',
  querystring: {
    type: 'object', additionalProperties: false, required: ['value'],
    properties: {
      ...filters,
      dimension: { ...safeText(40, 'The breakdown\'s dimension (as GET /v1/analytics/breakdown).'), default: 'page' },
      value: safeText(300, 'The row\'s value (as the breakdown answered it).'),
      limit: limitParam(50, MAX_ROW_PROFILES),
      cursor: safeText(200, 'nextCursor of the previous page.'),
    },
  },
  response: {
    200: json({
      dimension: { type: 'string' }, value: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, timezone: { type: 'string' },
      filters: { type: 'object', additionalProperties: { type: 'string' } }, sortedBy: { type: 'string' },
      profiles: { type: 'array', items: json({ profileId: { type: 'string' }, userId: { type: ['string', 'null'] }, email: { type: ['string', 'null'] }, count: { type: 'integer' } }, ['profileId', 'userId', 'email', 'count']) },
      nextCursor: { type: ['string', 'null'] },
    }, ['dimension', 'value', 'from', 'to', 'timezone', 'filters', 'sortedBy', 'profiles', 'nextCursor']),
  },
});

export function registerAnalyticsProfilesRoutes(app: FastifyInstance, deps: AnalyticsProfilesRouteDeps): void {
  app.get('/v1/analytics/breakdown/profiles', { schema }, async (request) => {
    const { workspaceId, keyId } = await deps.keys.admin(request);
    const result = await rowProfiles({ store: deps.store, now: deps.now }, workspaceId, request.query as Record<string, unknown>);
    await deps.store.privacy.audit({
      workspaceId, at: deps.now(), actor: keyId, action: 'analytics.row.profiles', subject: null,
      details: { dimension: result.dimension, value: result.value, from: result.from, to: result.to, filters: result.filters, profiles: result.profiles.length },
    });
    return result;
  });
}
