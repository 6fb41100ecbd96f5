/**
 * The profile API (admin key): one profile by any identifier, its timeline, search, and the
 * person's rights — export (GDPR Art. 15/20), erasure (Art. 17), consent state and ledger. Every
 * read of personal data is written to the audit log (who: the admin key's id; which profile).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import type { Store } from '../../ports/store.js';
import type { KeyResolver } from '../auth.js';
import { eventView, profileView } from '../presenters/profile-view.js';
import { consentRecordView, consentView, exportView } from '../presenters/privacy-view.js';
import type { PrivacyContexts } from '../../privacy/privacy-context.js';
import { eraseProfile } from '../../privacy/erasure.js';
import { exportProfile, mergeHistory } from '../../privacy/export.js';
import type { RollupSettle } from '../../analytics/settled.js';
import type { SegmentDefinitionsSource } from '../../segments/segment-definitions.js';
import { profileSegmentsView } from '../presenters/segment-view.js';
import { NO_CONTROL_CHARACTERS, pageQuery, profileIdParams, safeText } from '../schemas/query.js';
import { document, json, routeSchema } from '../schemas/route-docs.js';

const tags = ['Profiles'];
const profile = document('A profile: ids, identities, traits, consent, lifecycle, scores, merges, segments.');
const schemas = {
  get: routeSchema({ summary: 'One profile, by any of its identifiers (audited)', tags, auth: 'adminKey', params: profileIdParams, response: { 200: profile } }),
  export: routeSchema({ summary: 'Export of everything known about the person (GDPR Art. 15/20; audited)', tags: ['Profiles', 'Privacy'], auth: 'adminKey', params: profileIdParams, response: { 200: document('The export: profile, events, consent ledger, merges (a JSON attachment).') } }),
  erase: routeSchema({ summary: 'Erase the person (GDPR Art. 17): profile, events, identities; their ids are refused from now on', tags: ['Profiles', 'Privacy'], auth: 'adminKey', params: profileIdParams, response: { 200: json({ erased: { type: 'boolean' } }, ['erased']) } }),
  consent: routeSchema({ summary: 'The person\'s consent per purpose and the consent ledger (audited)', tags: ['Profiles', 'Privacy'], auth: 'adminKey', params: profileIdParams, response: { 200: json({ profileId: { type: 'string' }, consent: { type: 'object' }, ledger: { type: 'array' } }, ['profileId', 'consent', 'ledger']) } }),
  events: routeSchema({ summary: 'The profile\'s timeline, newest first, page by page (audited)', tags, auth: 'adminKey', params: profileIdParams, querystring: pageQuery({ fallback: 50 }),
    response: { 200: json({ profileId: { type: 'string' }, events: { type: 'array', items: { type: 'object' } }, nextCursor: { type: ['string', 'null'] } }, ['profileId', 'events', 'nextCursor']) } }),
  search: routeSchema({
    summary: 'Search profiles by text and trait values (audited)', tags, auth: 'adminKey',
    description: '`q` matches ids, email and name; each `trait.NAME=VALUE` must match exactly (given once per name).',
    querystring: {
      ...pageQuery({ fallback: 50, extra: { q: safeText(200, 'Text to find in ids, email or name.') }, additional: true }),
      // No type: a trait given twice (an array) gets the route's own "must be given once".
      patternProperties: { '^trait\\.': { pattern: NO_CONTROL_CHARACTERS, maxLength: 512, description: 'trait.NAME=VALUE: the trait NAME equals VALUE.' } },
      propertyNames: { pattern: NO_CONTROL_CHARACTERS, maxLength: 520 },
    },
    response: { 200: json({ profiles: { type: 'array', items: { type: 'object' } }, nextCursor: { type: ['string', 'null'] } }, ['profiles', 'nextCursor']) },
  }),
};

export interface ProfileRouteDeps {
  store: Store;
  keys: KeyResolver;
  privacy: PrivacyContexts;
  now: () => number;
  /** Segment names, to show the profile's current segments. */
  definitions?: SegmentDefinitionsSource;
  /** The rollup worker, settled before an erasure (privacy/erasure.ts). */
  rollups?: RollupSettle;
}

export function registerProfileRoutes(app: FastifyInstance, deps: ProfileRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);
  const audit = (workspaceId: string, keyId: string, action: string, subject: string | null, details: Record<string, unknown> = {}) =>
    deps.store.privacy.audit({ workspaceId, at: deps.now(), actor: keyId, action, subject, details });

  const resolve = async (workspaceId: string, id: string) => {
    const profileId = await deps.store.profiles.resolve(workspaceId, id);
    if (!profileId) throw new TesseraError('not_found', { message: `No profile is known by "${id}".` });
    return profileId;
  };

  app.get('/v1/profiles/:id', { schema: schemas.get }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const profileId = await resolve(workspaceId, request.params.id);
    const [profile, merges] = await Promise.all([deps.store.profiles.get(workspaceId, profileId), mergeHistory(deps.store, workspaceId, profileId)]);
    if (!profile) throw new TesseraError('not_found');
    await audit(workspaceId, keyId, 'profile.read', profileId);
    const defs = deps.definitions ? await deps.definitions.get(workspaceId) : { segments: [], computed: [] };
    return { ...profileView(profile, merges), ...profileSegmentsView(profile, new Map(defs.segments.map((s) => [s.id, s.name])), new Set(defs.computed.map((d) => d.key))) };
  });

  app.get('/v1/profiles/:id/export', { schema: schemas.export }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const { workspaceId, keyId } = await admin(request);
    const exported = await exportProfile(deps.store, { workspaceId, identifier: request.params.id, actor: keyId, now: deps.now() });
    reply.header('content-disposition', `attachment; filename="tessera-profile-${exported.profile.id}.json"`);
    return exportView(exported);
  });

  app.delete('/v1/profiles/:id', { schema: schemas.erase }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const report = await eraseProfile(deps, { workspaceId, identifier: request.params.id, actor: keyId, now: deps.now() });
    return { erased: true, ...report };
  });

  app.get('/v1/profiles/:id/consent', { schema: schemas.consent }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const profileId = await resolve(workspaceId, request.params.id);
    const [profile, ledger] = await Promise.all([deps.store.profiles.get(workspaceId, profileId), deps.store.privacy.consents(workspaceId, profileId)]);
    if (!profile) throw new TesseraError('not_found');
    await audit(workspaceId, keyId, 'profile.consent.read', profileId);
    return { profileId, consent: consentView(profile.consent), ledger: ledger.map(consentRecordView) };
  });

  app.get('/v1/profiles/:id/events', { schema: schemas.events }, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { limit: number; cursor?: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const profileId = await resolve(workspaceId, request.params.id);
    await audit(workspaceId, keyId, 'profile.events.read', profileId);
    const page = await deps.store.profiles.events(workspaceId, profileId, { limit: request.query.limit, ...(request.query.cursor ? { cursor: request.query.cursor } : {}) });
    return { profileId, events: page.events.map(eventView), nextCursor: page.nextCursor };
  });

  app.get('/v1/profiles', { schema: schemas.search },
    async (request: FastifyRequest<{ Querystring: Record<string, string> & { limit: number; q?: string; cursor?: string } }>) => {
      const { workspaceId, keyId } = await admin(request);
      // No prototype: `trait.__proto__=x` must be a (never matching) filter, not a prototype assignment.
      const traits: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [key, value] of Object.entries(request.query)) {
        if (!key.startsWith('trait.')) continue;
        if (typeof value !== 'string' || key.length <= 6) throw new TesseraError('invalid_query', { issues: [{ field: key, reason: 'must be given once, as trait.NAME=VALUE' }] });
        traits[key.slice(6)] = value;
      }
      const result = await deps.store.profiles.search(workspaceId, {
        traits, limit: request.query.limit,
        ...(request.query.q ? { q: request.query.q } : {}),
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
      });
      await audit(workspaceId, keyId, 'profile.search', null, { returned: result.profiles.length });
      return { profiles: result.profiles.map((p) => profileView(p)), nextCursor: result.nextCursor };
    });
}
