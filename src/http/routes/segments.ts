/**
 * The segment API (admin key): create / update / delete (validation issues name the bad node of
 * the condition), preview of a condition before saving it, members (a JSON page, or the whole
 * segment streamed as CSV or NDJSON), backfill progress and restart. Exports of members are
 * written to the audit log.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { describeCondition } from '../../core/segments/describe-condition.js';
import { toIso } from '../../core/time.js';
import type { Store } from '../../ports/store.js';
import type { BackfillRunner } from '../../segments/backfill.js';
import { previewCondition } from '../../segments/preview.js';
import type { SegmentDefinitionsSource } from '../../segments/segment-definitions.js';
import type { SegmentService } from '../../segments/segment-service.js';
import type { KeyResolver } from '../auth.js';
import { segmentView } from '../presenters/segment-view.js';
import { memberIdentity, memberLines } from './segment-members.js';
import { idParams, pageQuery, safeText } from '../schemas/query.js';
import { document, json, routeSchema } from '../schemas/route-docs.js';

export interface SegmentRouteDeps {
  store: Store;
  keys: KeyResolver;
  service: SegmentService;
  definitions: SegmentDefinitionsSource;
  backfills: BackfillRunner;
  now: () => number;
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;
const FORMATS = ['json', 'ndjson', 'csv'];

const tags = ['Segments'];
const segment = document('A segment: its definition, member count and backfill progress.');
const segmentBody = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' }, condition: { type: 'object', description: 'A condition tree: all/any/not of trait, event and segment conditions (docs/segments.md).' } }, required: ['name', 'condition'] };
const schemas = {
  list: routeSchema({
    summary: 'Every segment with its member count', tags, auth: 'adminKey',
    querystring: { type: 'object', properties: { counts: { type: 'string', enum: ['all', 'cached'], default: 'all',
      description: 'Kept for compatibility: both give every member count, as the store keeps it while members enter and leave (exact, never null now). cached once meant only the counts known from the last 10 s.' } } },
    response: { 200: json({ segments: { type: 'array', items: { type: 'object' } } }, ['segments']) },
  }),
  create: routeSchema({ summary: 'Create a segment (its members are computed in the background)', tags, auth: 'adminKey', body: segmentBody, response: { 201: segment } }),
  preview: routeSchema({
    summary: 'Preview a condition before saving it: count and examples (audited)', tags, auth: 'adminKey',
    body: { type: 'object', properties: { condition: segmentBody.properties.condition, id: { type: 'string', description: 'The segment being edited (it may not refer to itself).' } }, required: ['condition'] },
    response: { 200: json({ count: { type: 'integer' }, exact: { type: 'boolean' }, scanned: { type: 'integer' }, total: { type: 'integer' }, readable: { type: 'string' }, examples: { type: 'array' } }, ['count', 'examples']) },
  }),
  get: routeSchema({ summary: 'One segment', tags, auth: 'adminKey', params: idParams, response: { 200: segment } }),
  update: routeSchema({ summary: 'Change a segment (its members are recomputed)', tags, auth: 'adminKey', params: idParams, body: segmentBody, response: { 200: segment } }),
  delete: routeSchema({ summary: 'Delete a segment', tags, auth: 'adminKey', params: idParams, response: { 200: json({ deleted: { type: 'boolean' }, id: { type: 'string' } }, ['deleted', 'id']) } }),
  backfill: routeSchema({ summary: 'Recompute the members now', tags, auth: 'adminKey', params: idParams, response: { 202: json({ started: { type: 'boolean' }, id: { type: 'string' } }, ['started', 'id']) } }),
  members: routeSchema({
    summary: 'Members: a JSON page, or the whole segment streamed as CSV or NDJSON (audited)', tags, auth: 'adminKey', params: idParams,
    querystring: pageQuery({ fallback: 100, extra: { format: { type: 'string', enum: FORMATS, default: 'json' }, traits: safeText(2000, 'Comma-separated trait names to add as columns (CSV, NDJSON; at most 50).') } }),
    response: {
      200: {
        description: 'format=json: a page of members (profileId, userId, email, name, since, reason); csv and ndjson: every member, streamed as an attachment.',
        content: {
          'application/json': { schema: json({ segmentId: { type: 'string' }, total: { type: 'integer' }, members: { type: 'array', items: { type: 'object' } }, nextCursor: { type: ['string', 'null'] } }, ['segmentId', 'members', 'nextCursor']) },
          'text/csv': { schema: { type: 'string' } },
          'application/x-ndjson': { schema: { type: 'string' } },
        },
      },
    },
  }),
};

export function registerSegmentRoutes(app: FastifyInstance, deps: SegmentRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);
  const names = async (workspaceId: string) => {
    const defs = await deps.definitions.get(workspaceId);
    return (id: string) => defs.segments.find((s) => s.id === id)?.name;
  };

  app.get('/v1/segments', { schema: schemas.list }, async (request: FastifyRequest<{ Querystring: { counts: 'all' | 'cached' } }>) => {
    const { workspaceId } = await admin(request);
    const [all, name] = await Promise.all([deps.service.listSegments(workspaceId, { counts: request.query.counts }), names(workspaceId)]);
    return { segments: all.map((r) => segmentView(r.segment, { members: r.members, backfill: r.backfill, now: deps.now(), names: name })) };
  });

  app.post('/v1/segments', { schema: schemas.create }, async (request, reply) => {
    const { workspaceId } = await admin(request);
    const r = await deps.service.createSegment(workspaceId, request.body);
    return reply.code(201).send(segmentView(r.segment, { members: 0, backfill: r.backfill, now: deps.now(), names: await names(workspaceId) }));
  });

  app.post('/v1/segments/preview', { schema: schemas.preview }, async (request: FastifyRequest<{ Body: unknown }>) => {
    const { workspaceId, keyId } = await admin(request);
    const body = request.body as { condition?: unknown; id?: unknown } | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'must be a JSON object {condition}' }] });
    if (body.condition === undefined) throw new TesseraError('invalid_body', { issues: [{ field: 'condition', reason: 'is required' }] });
    const result = await previewCondition({ store: deps.store, definitions: deps.definitions, service: deps.service }, {
      workspaceId, condition: body.condition, now: deps.now(), ...(typeof body.id === 'string' ? { selfId: body.id } : {}),
    });
    await deps.store.privacy.audit({ workspaceId, at: deps.now(), actor: keyId, action: 'segment.preview', subject: null, details: { count: result.count, examples: result.examples.length } });
    return {
      count: result.count, exact: result.exact, scanned: result.scanned, total: result.total,
      readable: describeCondition(body.condition as Parameters<typeof describeCondition>[0], await names(workspaceId)),
      examples: result.examples.map((e) => ({ profileId: e.profile.id, traits: e.profile.traits, reason: e.reason, updatedAt: toIso(e.profile.updatedAt) })),
    };
  });

  app.get('/v1/segments/:id', { schema: schemas.get }, async (request: IdRequest) => {
    const { workspaceId } = await admin(request);
    const r = await deps.service.getSegment(workspaceId, request.params.id);
    return segmentView(r.segment, { members: r.members, backfill: r.backfill, now: deps.now(), names: await names(workspaceId) });
  });

  app.put('/v1/segments/:id', { schema: schemas.update }, async (request: IdRequest) => {
    const { workspaceId } = await admin(request);
    const r = await deps.service.updateSegment(workspaceId, request.params.id, request.body);
    return segmentView(r.segment, { members: await deps.store.segments.memberCount(workspaceId, r.segment.id), backfill: r.backfill, now: deps.now(), names: await names(workspaceId) });
  });

  app.delete('/v1/segments/:id', { schema: schemas.delete }, async (request: IdRequest) => {
    const { workspaceId } = await admin(request);
    await deps.service.deleteSegment(workspaceId, request.params.id);
    return { deleted: true, id: request.params.id };
  });

  app.post('/v1/segments/:id/backfill', { schema: schemas.backfill }, async (request: IdRequest, reply) => {
    const { workspaceId } = await admin(request);
    await deps.service.getSegment(workspaceId, request.params.id);
    deps.backfills.start({ workspaceId, kind: 'segment', id: request.params.id });
    return reply.code(202).send({ started: true, id: request.params.id });
  });

  app.get('/v1/segments/:id/members', { schema: schemas.members }, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { format: string; limit: number; cursor?: string; traits?: string } }>, reply) => {
    const { workspaceId, keyId } = await admin(request);
    const segment = await deps.service.getSegment(workspaceId, request.params.id);
    const traits = (request.query.traits ?? '').split(',').map((t) => t.trim()).filter(Boolean).slice(0, 50);
    const format = request.query.format;
    await deps.store.privacy.audit({ workspaceId, at: deps.now(), actor: keyId, action: format === 'json' ? 'segment.members.read' : 'segment.members.export', subject: null, details: { segmentId: segment.segment.id, format } });
    if (format === 'json') {
      const after = request.query.cursor ? Buffer.from(request.query.cursor, 'base64url').toString() : undefined;
      const rows = await deps.store.segments.members(workspaceId, segment.segment.id, { limit: request.query.limit + 1, ...(after ? { after } : {}) });
      const page = rows.slice(0, request.query.limit);
      const last = page[page.length - 1];
      // Who each member is (user id, e-mail, name), so that a person reading the page recognises them.
      const profiles = await Promise.all(page.map((m) => deps.store.profiles.get(workspaceId, m.profileId)));
      return {
        segmentId: segment.segment.id, total: segment.members,
        members: page.map((m, i) => ({ profileId: m.profileId, ...memberIdentity(profiles[i] ?? null), since: toIso(m.since), reason: m.reason })),
        nextCursor: rows.length > request.query.limit && last ? Buffer.from(last.profileId).toString('base64url') : null,
      };
    }
    const filename = `segment-${segment.segment.id}-members.${format}`;
    reply.header('content-disposition', `attachment; filename="${filename}"`);
    reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    const lines = memberLines({ store: deps.store, workspaceId, segmentId: segment.segment.id, format: format as 'csv' | 'ndjson', traits, onError: (error) => request.log.error({ err: error }, 'segment export failed mid-stream') });
    return reply.send(Readable.from(lines));
  });
}
