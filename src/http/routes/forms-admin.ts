/**
 * The forms admin API (admin key): form definitions (create, list, read, replace, delete), the form
 * report, and a preview of the next-question choice for one profile with the reasons. Changes are
 * written to the audit log; a preview reads a profile, so it is audited as such.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError, type FieldIssue } from '../../core/errors.js';
import { parseFormInput, type FormDefinition, type FormInput } from '../../core/forms/form-definition.js';
import { buildFormReport, dailyFunnels } from '../../core/forms/form-report.js';
import { chooseQuestions } from '../../core/forms/next-questions.js';
import { fieldCounters, utcDay } from '../../forms/form-counters.js';
import { knowledgeOf, purposeCheck } from '../../forms/render-form.js';
import type { Store } from '../../ports/store.js';
import type { PrivacyContexts } from '../../privacy/privacy-context.js';
import { parseTime } from '../../core/time.js';
import type { KeyResolver } from '../auth.js';
import { BODIES } from '../schemas/bodies.js';
import { dayParam, idParams, safeText } from '../schemas/query.js';
import { document, empty, json, routeSchema } from '../schemas/route-docs.js';

export interface FormsAdminDeps {
  store: Store;
  keys: KeyResolver;
  privacy: PrivacyContexts;
  now: () => number;
}

const FORM_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_REPORT_DAYS = 366;

const tags = ['Forms'];
const form = document('A form definition.');
const schemas = {
  create: routeSchema({ summary: 'Create a form (audited)', tags, auth: 'adminKey', body: { ...BODIES.form, properties: { id: { type: 'string', pattern: FORM_ID.source }, ...(BODIES.form.properties as object) } }, response: { 201: form } }),
  list: routeSchema({ summary: 'Every form', tags, auth: 'adminKey', response: { 200: json({ forms: { type: 'array', items: { type: 'object' } } }, ['forms']) } }),
  get: routeSchema({ summary: 'One form', tags, auth: 'adminKey', params: idParams, response: { 200: form } }),
  replace: routeSchema({ summary: 'Replace a form\'s definition (audited)', tags, auth: 'adminKey', params: idParams, body: BODIES.form, response: { 200: form } }),
  delete: routeSchema({ summary: 'Delete a form (audited)', tags, auth: 'adminKey', params: idParams, response: { 204: empty('Deleted.') } }),
  report: routeSchema({
    summary: 'The form report: views, starts, submissions and drop-off per field, by day', tags, auth: 'adminKey', params: idParams,
    querystring: { type: 'object', properties: { from: dayParam('First day (default: 29 days before to).'), to: dayParam('Last day (default: today).') } },
    response: { 200: json({ formId: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, byDay: { type: 'array' } }, ['formId', 'from', 'to']) },
  }),
  preview: routeSchema({
    summary: 'Which questions the form would ask a profile next, and why (audited when a profile is named)', tags, auth: 'adminKey', params: idParams,
    querystring: { type: 'object', properties: { profile: safeText(512, 'Any identifier of a profile (default: an unknown visitor).') } },
    response: { 200: json({ formId: { type: 'string' }, profileId: { type: ['string', 'null'] }, fields: { type: 'array' }, skipped: { type: 'array' } }, ['formId', 'profileId', 'fields']) },
  }),
};

export function registerFormsAdminRoutes(app: FastifyInstance, deps: FormsAdminDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);
  const audit = (workspaceId: string, keyId: string, action: string, subject: string | null, details: Record<string, unknown>) =>
    deps.store.privacy.audit({ workspaceId, at: deps.now(), actor: keyId, action, subject, details });
  const find = async (workspaceId: string, id: string) => {
    const form = await deps.store.forms.get(workspaceId, id);
    if (!form) throw new TesseraError('not_found', { message: `No form "${id}".` });
    return form;
  };
  /** The definition, validated, with every purpose declared by the workspace. */
  const validDefinition = async (workspaceId: string, body: unknown): Promise<FormInput> => {
    if (!isObject(body)) throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'must be a JSON object' }] });
    // The id is the URL's (PUT) or checked by the caller (POST); the rest is the definition.
    const rest = Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'id'));
    const parsed = parseFormInput(rest);
    if (!parsed.ok) throw new TesseraError('invalid_body', { message: 'The form definition is invalid.', issues: parsed.issues });
    const { purposes } = await deps.privacy.get(workspaceId);
    const issues: FieldIssue[] = parsed.form.fields.flatMap((f, i) => (purposes.has(f.purpose) ? [] : [{ field: `fields.${i}.purpose`, reason: `"${f.purpose}" is not a purpose declared by the workspace` }]));
    if (issues.length > 0) throw new TesseraError('invalid_body', { message: 'The form definition is invalid.', issues });
    return parsed.form;
  };

  app.post('/v1/forms', { schema: schemas.create }, async (request, reply) => {
    const { workspaceId, keyId } = await admin(request);
    const body = request.body;
    const given = isObject(body) ? body.id : undefined;
    if (given !== undefined && (typeof given !== 'string' || !FORM_ID.test(given))) {
      throw new TesseraError('invalid_body', { issues: [{ field: 'id', reason: 'must be lower-case letters, digits, - and _, up to 64 characters' }] });
    }
    const input = await validDefinition(workspaceId, body);
    const at = deps.now();
    const form: FormDefinition = { ...input, id: (given as string | undefined) ?? `form_${randomBytes(6).toString('hex')}`, workspaceId, createdAt: at, updatedAt: at };
    if (!(await deps.store.forms.create(form))) throw new TesseraError('conflict', { message: `A form "${form.id}" exists already.`, issues: [{ field: 'id', reason: 'is taken' }] });
    await audit(workspaceId, keyId, 'form.create', null, { formId: form.id });
    return reply.code(201).send(form);
  });

  app.get('/v1/forms', { schema: schemas.list }, async (request) => {
    const { workspaceId } = await admin(request);
    return { forms: await deps.store.forms.list(workspaceId) };
  });

  app.get('/v1/forms/:id', { schema: schemas.get }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId } = await admin(request);
    return find(workspaceId, request.params.id);
  });

  app.put('/v1/forms/:id', { schema: schemas.replace }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const held = await find(workspaceId, request.params.id);
    const input = await validDefinition(workspaceId, request.body);
    const form: FormDefinition = { ...input, id: held.id, workspaceId, createdAt: held.createdAt, updatedAt: Math.max(deps.now(), held.updatedAt) };
    if (!(await deps.store.forms.update(form))) throw new TesseraError('not_found', { message: `No form "${held.id}".` });
    await audit(workspaceId, keyId, 'form.update', null, { formId: form.id });
    return form;
  });

  app.delete('/v1/forms/:id', { schema: schemas.delete }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const { workspaceId, keyId } = await admin(request);
    if (!(await deps.store.forms.delete(workspaceId, request.params.id))) throw new TesseraError('not_found', { message: `No form "${request.params.id}".` });
    await audit(workspaceId, keyId, 'form.delete', null, { formId: request.params.id });
    return reply.code(204).send();
  });

  app.get('/v1/forms/:id/report', { schema: schemas.report }, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { from?: string; to?: string } }>) => {
    const { workspaceId } = await admin(request);
    const form = await find(workspaceId, request.params.id);
    const to = request.query.to ?? utcDay(deps.now());
    const from = request.query.from ?? utcDay(deps.now() - 29 * 86_400_000);
    const issues = [['from', from], ['to', to]].filter(([, v]) => !DAY.test(v!) || parseTime(v) === undefined).map(([f]) => ({ field: f!, reason: 'must be a date YYYY-MM-DD' }));
    if (issues.length === 0 && from > to) issues.push({ field: 'from', reason: 'is after to' });
    if (issues.length === 0 && Date.parse(to) - Date.parse(from) > MAX_REPORT_DAYS * 86_400_000) issues.push({ field: 'from', reason: `is more than ${MAX_REPORT_DAYS} days before to` });
    if (issues.length > 0) throw new TesseraError('invalid_query', { issues });
    const [totals, daily] = await Promise.all([deps.store.forms.totals(workspaceId, form.id, from, to), deps.store.forms.daily(workspaceId, form.id, 'form', from, to)]);
    return { formId: form.id, from, to, ...buildFormReport(totals, form.fields.map((f) => f.key)), byDay: dailyFunnels(daily, from, to) };
  });

  app.get('/v1/forms/:id/preview', { schema: schemas.preview }, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { profile?: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const form = await find(workspaceId, request.params.id);
    const ref = request.query.profile;
    const profileId = ref ? await deps.store.profiles.resolve(workspaceId, ref) : null;
    if (ref && !profileId) throw new TesseraError('not_found', { message: `No profile is known by "${ref}".` });
    const profile = profileId ? await deps.store.profiles.get(workspaceId, profileId) : null;
    if (profileId) await audit(workspaceId, keyId, 'profile.read', profileId, { via: 'form.preview', formId: form.id });
    const purposeAllowed = await purposeCheck(deps, workspaceId, profile?.consent ?? {});
    const plan = chooseQuestions({ form, visitor: knowledgeOf(profile), recognised: true, counters: await fieldCounters(deps.store.forms, workspaceId, form.id, deps.now()), now: deps.now(), purposeAllowed });
    return {
      formId: form.id, profileId, stage: plan.stage, qualified: plan.qualified, complete: plan.complete,
      fields: plan.fields.map((f) => ({ key: f.field.key, kind: f.kind, known: f.known !== undefined, why: f.why, ...(f.score !== undefined ? { score: f.score } : {}), ...(f.dropOff ? { dropOff: f.dropOff } : {}) })),
      skipped: plan.skipped,
    };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
