/**
 * The privacy API (admin key) for a data protection officer: the workspace's purposes and data
 * schema, the report of what ingest withheld or flagged, the audit log, and running retention now.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { parsePrivacySettings } from '../../core/privacy/privacy-settings.js';
import type { Store } from '../../ports/store.js';
import type { PrivacyContexts } from '../../privacy/privacy-context.js';
import { runRetention } from '../../privacy/retention.js';
import { toIso } from '../../core/time.js';
import type { KeyResolver } from '../auth.js';
import { BODIES } from '../schemas/bodies.js';
import { dayParam, pageQuery } from '../schemas/query.js';
import { document, json, routeSchema } from '../schemas/route-docs.js';

export interface PrivacyRouteDeps {
  store: Store;
  keys: KeyResolver;
  privacy: PrivacyContexts;
  now: () => number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const tags = ['Privacy'];
const settings = document('The purposes (each with its legal basis) and the data schema of the workspace.');
const schemas = {
  getSettings: routeSchema({ summary: 'The privacy settings: purposes and data schema', tags, auth: 'adminKey', response: { 200: settings } }),
  putSettings: routeSchema({ summary: 'Change the privacy settings (audited); fields not sent keep their value', tags, auth: 'adminKey', body: BODIES.privacySettings, response: { 200: settings } }),
  report: routeSchema({
    summary: 'What ingest withheld or flagged, per day and in total', tags, auth: 'adminKey',
    querystring: { type: 'object', properties: { from: dayParam('First day (default: 30 days ago).'), to: dayParam('Last day (default: today).') } },
    response: { 200: json({ from: { type: 'string' }, to: { type: 'string' }, explanation: { type: 'object' }, totals: { type: 'object' }, days: { type: 'array' } }, ['from', 'to', 'totals', 'days']) },
  }),
  audit: routeSchema({
    summary: 'The audit log: who read or changed what, newest first', tags, auth: 'adminKey', querystring: pageQuery({ fallback: 100 }),
    response: { 200: json({ entries: { type: 'array', items: { type: 'object' } }, nextCursor: { type: ['string', 'null'] } }, ['entries', 'nextCursor']) },
  }),
  retention: routeSchema({ summary: 'Run retention now: delete what is older than each purpose allows', tags, auth: 'adminKey', response: { 200: document('What was deleted.') } }),
};

export function registerPrivacyRoutes(app: FastifyInstance, deps: PrivacyRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);

  app.get('/v1/privacy/settings', { schema: schemas.getSettings }, async (request) => {
    const { workspaceId } = await admin(request);
    return (await deps.privacy.get(workspaceId)).settings;
  });

  app.put('/v1/privacy/settings', { schema: schemas.putSettings }, async (request) => {
    const { workspaceId, keyId } = await admin(request);
    const current = (await deps.privacy.get(workspaceId)).settings;
    const parsed = parsePrivacySettings(request.body, current);
    if (!parsed.ok) throw new TesseraError('invalid_body', { message: 'The privacy settings are invalid; nothing was changed.', issues: parsed.issues });
    const at = deps.now();
    await deps.store.privacy.putSettings(workspaceId, parsed.settings, at);
    deps.privacy.invalidate(workspaceId);
    await deps.store.privacy.audit({ workspaceId, at, actor: keyId, action: 'privacy.settings.update', subject: null, details: { changed: Object.keys(request.body as object ?? {}) } });
    return parsed.settings;
  });

  app.get('/v1/privacy/report', { schema: schemas.report }, async (request: FastifyRequest<{ Querystring: { from?: string; to?: string } }>) => {
    const { workspaceId } = await admin(request);
    const today = new Date(deps.now()).toISOString().slice(0, 10);
    const from = request.query.from ?? new Date(deps.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const to = request.query.to ?? today;
    for (const [field, value] of [['from', from], ['to', to]] as const) {
      if (!DAY.test(value)) throw new TesseraError('invalid_query', { issues: [{ field, reason: 'must be a day, YYYY-MM-DD' }] });
    }
    const counters = await deps.store.privacy.counters(workspaceId, from, to);
    // Null prototypes: names come from clients' events and traits.
    const totals: Record<string, Record<string, number>> = Object.create(null) as Record<string, Record<string, number>>;
    for (const c of counters) {
      const byName = (totals[c.kind] ??= Object.create(null) as Record<string, number>);
      byName[c.name] = (byName[c.name] ?? 0) + c.count;
    }
    return {
      from, to,
      explanation: {
        withheld_event: 'events not stored: none of their purposes had a legal basis for the person (e.g. no consent)',
        withheld_trait: 'traits removed from events before storage: none of their purposes had a legal basis',
        undeclared_event: 'events not declared in the data schema (lenient mode: stored, flagged for review)',
        undeclared_trait: 'traits not declared in the data schema (lenient mode: stored, flagged for review)',
        refused_erased: 'events refused because they carried an identifier of an erased person',
      },
      totals,
      days: counters,
    };
  });

  app.get('/v1/privacy/audit', { schema: schemas.audit },
    async (request: FastifyRequest<{ Querystring: { limit: number; cursor?: string } }>) => {
      const { workspaceId } = await admin(request);
      const page = await deps.store.privacy.auditLog(workspaceId, { limit: request.query.limit, ...(request.query.cursor ? { cursor: request.query.cursor } : {}) });
      return { entries: page.entries.map((e) => ({ ...e, at: toIso(e.at) })), nextCursor: page.nextCursor };
    });

  app.post('/v1/privacy/retention/run', { schema: schemas.retention }, async (request) => {
    const { workspaceId, keyId } = await admin(request);
    return runRetention({ store: deps.store, privacy: deps.privacy }, { workspaceId, now: deps.now(), actor: keyId });
  });
}
