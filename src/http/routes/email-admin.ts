/**
 * The email-links admin API (admin key), every change audited:
 *   GET  /v1/links/settings, PUT /v1/links/settings `{ allowedDomains, scannerNetworks }`
 *   GET  /v1/links/keys; POST /v1/links/keys (rotate: a new key signs from now on, older ones keep
 *        verifying); POST /v1/links/keys/{id}/retire (its links stop working)
 *   GET  /v1/lists, GET/PUT /v1/lists/{id}   email lists `{ name, description?, purpose, wording? }`
 *   GET  /v1/surveys, GET/PUT/DELETE /v1/surveys/{id}, GET /v1/surveys/{id}/report (answer counts);
 *        a deleted survey's answer links get the friendly "no longer available" page
 *   GET  /v1/profiles/{id}/subscriptions  a person's lists and their state (audited: it reads a profile)
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TesseraError } from '../../core/errors.js';
import { parseEmailList } from '../../core/links/email-list.js';
import { inRange } from '../../core/links/ip-range.js';
import { parseSurvey } from '../../core/links/survey.js';
import { toIso } from '../../core/time.js';
import type { LinkDeps } from '../../links/link-context.js';
import { findPerson } from '../../links/person.js';
import type { SigningKeyInfo } from '../../links/link-signer.js';
import type { PrivacyContexts } from '../../privacy/privacy-context.js';
import type { KeyResolver } from '../auth.js';
import { BODIES, jsonSchemaOf } from '../schemas/bodies.js';
import { idParams, profileIdParams } from '../schemas/query.js';
import { document, empty, json, routeSchema } from '../schemas/route-docs.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9-]+\.)*[a-z0-9-]+$/i;
const settingsBody = z.object({
  allowedDomains: z.array(z.string().regex(DOMAIN, 'must be a domain name such as acme.com (its subdomains are allowed too)')).max(200).default([]),
  scannerNetworks: z.array(z.string().refine((c) => /\/\d{1,3}$/.test(c) && inRange(c.split('/')[0]!, c), 'must be a CIDR range such as 40.94.0.0/16')).max(500).default([]),
}).strict();

const linkSettings = json({ allowedDomains: { type: 'array', items: { type: 'string' } }, scannerNetworks: { type: 'array', items: { type: 'string' } }, effectiveAllowedDomains: { type: 'array', items: { type: 'string' } } }, ['allowedDomains', 'scannerNetworks', 'effectiveAllowedDomains']);
const keyList = json({ keys: { type: 'array', items: { type: 'object' } } }, ['keys']);
const list = document('An email list.');
const survey = document('A micro-survey.');
const schemas = {
  getSettings: routeSchema({ summary: 'Where email-link clicks may redirect, and known scanner networks', tags: ['Email'], auth: 'adminKey', response: { 200: linkSettings } }),
  putSettings: routeSchema({ summary: 'Change the link settings (audited)', tags: ['Email'], auth: 'adminKey', body: jsonSchemaOf(settingsBody, 'LinkSettings'), response: { 200: linkSettings } }),
  keys: routeSchema({ summary: 'The signing keys of email links', tags: ['Email'], auth: 'adminKey', response: { 200: keyList } }),
  rotate: routeSchema({ summary: 'A new signing key signs from now on; older ones keep verifying (audited)', tags: ['Email'], auth: 'adminKey', response: { 201: json({ key: { type: 'object' } }, ['key']) } }),
  retire: routeSchema({ summary: 'Retire a signing key: its links stop working (audited)', tags: ['Email'], auth: 'adminKey', params: idParams, response: { 200: keyList } }),
  lists: routeSchema({ summary: 'Every email list', tags: ['Email'], auth: 'adminKey', response: { 200: json({ lists: { type: 'array', items: { type: 'object' } } }, ['lists']) } }),
  getList: routeSchema({ summary: 'One email list', tags: ['Email'], auth: 'adminKey', params: idParams, response: { 200: list } }),
  putList: routeSchema({ summary: 'Create or replace an email list (audited)', tags: ['Email'], auth: 'adminKey', params: idParams, body: BODIES.emailList, response: { 200: list } }),
  subscriptions: routeSchema({ summary: 'A person\'s lists and the state of each (audited)', tags: ['Email', 'Profiles'], auth: 'adminKey', params: profileIdParams, response: { 200: json({ profileId: { type: 'string' }, subscriptions: { type: 'array', items: { type: 'object' } } }, ['profileId', 'subscriptions']) } }),
  surveys: routeSchema({ summary: 'Every micro-survey', tags: ['Email'], auth: 'adminKey', response: { 200: json({ surveys: { type: 'array', items: { type: 'object' } } }, ['surveys']) } }),
  getSurvey: routeSchema({ summary: 'One micro-survey', tags: ['Email'], auth: 'adminKey', params: idParams, response: { 200: survey } }),
  putSurvey: routeSchema({ summary: 'Create or replace a micro-survey (audited)', tags: ['Email'], auth: 'adminKey', params: idParams, body: BODIES.survey, response: { 200: survey } }),
  deleteSurvey: routeSchema({ summary: 'Delete a micro-survey: its answer links show "no longer available" (audited)', tags: ['Email'], auth: 'adminKey', params: idParams, response: { 204: empty('Deleted.') } }),
  report: routeSchema({ summary: 'Answer counts of a micro-survey', tags: ['Email'], auth: 'adminKey', params: idParams, response: { 200: json({ survey: { type: 'string' }, questions: { type: 'array', items: { type: 'object' } } }, ['survey', 'questions']) } }),
};

const keyView = (k: SigningKeyInfo) => ({ id: k.id, active: k.active, createdAt: toIso(k.createdAt), retiredAt: k.retiredAt === null ? null : toIso(k.retiredAt) });
const issuesOf = (error: z.ZodError) => error.issues.map((i) => ({ field: i.path.join('.') || 'body', reason: i.message }));

export function registerEmailAdminRoutes(app: FastifyInstance, deps: LinkDeps & { keys: KeyResolver; privacy: PrivacyContexts }): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);
  const audit = (workspaceId: string, actor: string, action: string, details: Record<string, string | number | boolean | null>) =>
    deps.store.privacy.audit({ workspaceId, at: deps.now(), actor, action, subject: null, details });

  app.get('/v1/links/settings', { schema: schemas.getSettings }, async (request) => {
    const { workspaceId } = await admin(request);
    const s = await deps.settings.get(workspaceId);
    return { ...s.saved, effectiveAllowedDomains: s.allowedDomains };
  });
  app.put('/v1/links/settings', { schema: schemas.putSettings }, async (request) => {
    const { workspaceId, keyId } = await admin(request);
    const parsed = settingsBody.safeParse(request.body);
    if (!parsed.success) throw new TesseraError('invalid_body', { issues: issuesOf(parsed.error) });
    const s = await deps.settings.put(workspaceId, parsed.data);
    await audit(workspaceId, keyId, 'links.settings.update', { allowedDomains: parsed.data.allowedDomains.length, scannerNetworks: parsed.data.scannerNetworks.length });
    return { ...s.saved, effectiveAllowedDomains: s.allowedDomains };
  });

  app.get('/v1/links/keys', { schema: schemas.keys }, async (request) => {
    const { workspaceId } = await admin(request);
    return { keys: (await deps.signer.keys(workspaceId)).map(keyView) };
  });
  app.post('/v1/links/keys', { schema: schemas.rotate }, async (request, reply) => {
    const { workspaceId, keyId } = await admin(request);
    const key = await deps.signer.rotate(workspaceId);
    await audit(workspaceId, keyId, 'links.key.rotate', { key: key.id });
    return reply.code(201).send({ key: keyView(key) });
  });
  app.post('/v1/links/keys/:id/retire', { schema: schemas.retire }, async (request: IdRequest) => {
    const { workspaceId, keyId } = await admin(request);
    if (!(await deps.signer.retire(workspaceId, request.params.id))) throw new TesseraError('not_found', { message: `No signing key "${request.params.id}" that still verifies.` });
    await audit(workspaceId, keyId, 'links.key.retire', { key: request.params.id });
    return { keys: (await deps.signer.keys(workspaceId)).map(keyView) };
  });

  app.get('/v1/lists', { schema: schemas.lists }, async (request) => ({ lists: await deps.store.emails.lists((await admin(request)).workspaceId) }));
  app.get('/v1/lists/:id', { schema: schemas.getList }, async (request: IdRequest) => {
    const list = await deps.store.emails.getList((await admin(request)).workspaceId, request.params.id);
    if (!list) throw new TesseraError('not_found', { message: `No list "${request.params.id}".` });
    return list;
  });
  app.put('/v1/lists/:id', { schema: schemas.putList }, async (request: IdRequest) => {
    const { workspaceId, keyId } = await admin(request);
    const { purposes } = await deps.privacy.get(workspaceId);
    const parsed = parseEmailList(request.params.id, request.body, new Set(purposes.keys()));
    if (!parsed.ok) throw new TesseraError('invalid_body', { message: 'The list definition is invalid.', issues: parsed.issues });
    await deps.store.emails.putList(workspaceId, parsed.list, deps.now());
    await audit(workspaceId, keyId, 'list.put', { list: parsed.list.id });
    return parsed.list;
  });

  app.get('/v1/profiles/:id/subscriptions', { schema: schemas.subscriptions }, async (request: IdRequest) => {
    const { workspaceId, keyId } = await admin(request);
    const profileId = await deps.store.profiles.resolve(workspaceId, request.params.id);
    const person = profileId ? await findPerson(deps.store, workspaceId, profileId) : null;
    if (!person) throw new TesseraError('not_found', { message: `No profile is known by "${request.params.id}".` });
    await deps.store.privacy.audit({ workspaceId, at: deps.now(), actor: keyId, action: 'profile.subscriptions.read', subject: person.profile.id, details: {} });
    const iso = (at: number | null) => (at === null ? null : toIso(at));
    // One row per list: the latest of the person's (merged) profiles.
    const latest = new Map((await deps.store.emails.subscriptionsOf(workspaceId, person.ids)).map((s) => [s.listId, s]));
    return {
      profileId: person.profile.id,
      subscriptions: [...latest.values()].map((s) => ({ list: s.listId, status: s.status, requestedAt: iso(s.requestedAt), confirmedAt: iso(s.confirmedAt), unsubscribedAt: iso(s.unsubscribedAt), updatedAt: toIso(s.updatedAt) })),
    };
  });

  app.get('/v1/surveys', { schema: schemas.surveys }, async (request) => ({ surveys: await deps.store.emails.surveys((await admin(request)).workspaceId) }));
  app.get('/v1/surveys/:id', { schema: schemas.getSurvey }, async (request: IdRequest) => {
    const survey = await deps.store.emails.getSurvey((await admin(request)).workspaceId, request.params.id);
    if (!survey) throw new TesseraError('not_found', { message: `No survey "${request.params.id}".` });
    return survey;
  });
  app.put('/v1/surveys/:id', { schema: schemas.putSurvey }, async (request: IdRequest) => {
    const { workspaceId, keyId } = await admin(request);
    const parsed = parseSurvey(request.params.id, request.body);
    if (!parsed.ok) throw new TesseraError('invalid_body', { message: 'The survey definition is invalid.', issues: parsed.issues });
    await deps.store.emails.putSurvey(workspaceId, parsed.survey, deps.now());
    await audit(workspaceId, keyId, 'survey.put', { survey: parsed.survey.id });
    return parsed.survey;
  });
  app.delete('/v1/surveys/:id', { schema: schemas.deleteSurvey }, async (request: IdRequest, reply) => {
    const { workspaceId, keyId } = await admin(request);
    if (!(await deps.store.emails.deleteSurvey(workspaceId, request.params.id))) throw new TesseraError('not_found', { message: `No survey "${request.params.id}".` });
    await audit(workspaceId, keyId, 'survey.delete', { survey: request.params.id });
    return reply.code(204).send();
  });
  app.get('/v1/surveys/:id/report', { schema: schemas.report }, async (request: IdRequest) => {
    const { workspaceId } = await admin(request);
    const survey = await deps.store.emails.getSurvey(workspaceId, request.params.id);
    if (!survey) throw new TesseraError('not_found', { message: `No survey "${request.params.id}".` });
    const counts = await deps.store.emails.answerCounts(workspaceId, survey.id);
    return {
      survey: survey.id,
      questions: survey.questions.map((q) => ({
        id: q.id, prompt: q.prompt,
        answers: q.options.map((o) => ({ value: o.value, label: o.label, count: counts.find((c) => c.questionId === q.id && c.answer === o.value)?.count ?? 0 })),
      })),
    };
  });
}
