/**
 * Dead letters API (admin key): events ingest failed on by themselves (ports/dead-letter-store.ts).
 * List (paged), read one, retry one or all through the normal ingest path (dead-letters/
 * retry-dead-letters.ts), delete one. Letters hold the raw event, so reads are audited like other
 * reads of personal data.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { retryAll, retryDeadLetter, type RetryDeps } from '../../dead-letters/retry-dead-letters.js';
import type { DeadLetter } from '../../ports/dead-letter-store.js';
import type { KeyResolver } from '../auth.js';
import { deadLetterView } from '../presenters/dead-letter-view.js';
import { idParams, pageQuery } from '../schemas/query.js';
import { document, json, routeSchema } from '../schemas/route-docs.js';

export interface DeadLetterRouteDeps extends RetryDeps {
  keys: KeyResolver;
}

const tags = ['Dead letters'];
const letter = document('A dead letter: the raw event, the identifiers it named, the error, when it failed and how often it was tried.');
const retried = json({
  id: { type: 'string' }, outcome: { type: 'string', enum: ['stored', 'failed'] },
  attempts: { type: 'integer', description: 'When it failed again: the attempts so far.' }, error: { type: 'string', description: 'When it failed again: why.' },
}, ['id', 'outcome']);
const schemas = {
  list: routeSchema({
    summary: 'Events ingest failed on, newest first, page by page (audited: they hold personal data)', tags, auth: 'adminKey', querystring: pageQuery({ fallback: 50 }),
    response: { 200: json({ deadLetters: { type: 'array', items: { type: 'object' } }, nextCursor: { type: ['string', 'null'] } }, ['deadLetters', 'nextCursor']) },
  }),
  get: routeSchema({ summary: 'One dead letter (audited)', tags, auth: 'adminKey', params: idParams, response: { 200: letter } }),
  retry: routeSchema({ summary: 'Ingest one dead letter again through the normal path (audited); stored, or failed again', tags, auth: 'adminKey', params: idParams, response: { 200: retried } }),
  retryAll: routeSchema({ summary: 'Ingest every dead letter again (audited): how many were stored and how many failed again', tags, auth: 'adminKey', response: { 200: json({ stored: { type: 'integer' }, failed: { type: 'integer' } }, ['stored', 'failed']) } }),
  delete: routeSchema({ summary: 'Delete a dead letter (audited)', tags, auth: 'adminKey', params: idParams, response: { 200: json({ deleted: { type: 'boolean' } }, ['deleted']) } }),
};

const view = deadLetterView;

export function registerDeadLetterRoutes(app: FastifyInstance, deps: DeadLetterRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);
  const audit = (workspaceId: string, actor: string, action: string, details: Record<string, string | number>) =>
    deps.store.privacy.audit({ workspaceId, at: deps.now(), actor, action, subject: null, details });
  const find = async (workspaceId: string, id: string): Promise<DeadLetter> => {
    const letter = await deps.store.deadLetters.get(workspaceId, id);
    if (!letter) throw new TesseraError('not_found', { message: `No dead letter ${id}.` });
    return letter;
  };

  // `limit` and `cursor` are checked by the shared query schema (schemas/query.ts, validator.ts: `1e400` and `Infinity` refused).
  app.get('/v1/dead-letters', { schema: schemas.list },
    async (request: FastifyRequest<{ Querystring: { limit: number; cursor?: string } }>) => {
      const { workspaceId, keyId } = await admin(request);
      const { limit, cursor } = request.query;
      const page = await deps.store.deadLetters.list(workspaceId, { limit, ...(cursor ? { cursor } : {}) });
      await audit(workspaceId, keyId, 'dead_letters.read', { returned: page.deadLetters.length });
      return { deadLetters: page.deadLetters.map(view), nextCursor: page.nextCursor };
    });

  app.get('/v1/dead-letters/:id', { schema: schemas.get }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const letter = await find(workspaceId, request.params.id);
    await audit(workspaceId, keyId, 'dead_letter.read', { deadLetterId: letter.id });
    return view(letter);
  });

  app.post('/v1/dead-letters/:id/retry', { schema: schemas.retry }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const outcome = await retryDeadLetter(deps, await find(workspaceId, request.params.id));
    await audit(workspaceId, keyId, 'dead_letter.retry', { deadLetterId: outcome.id, outcome: outcome.outcome });
    return outcome;
  });

  app.post('/v1/dead-letters/retry', { schema: schemas.retryAll }, async (request) => {
    const { workspaceId, keyId } = await admin(request);
    const counts = await retryAll(deps, workspaceId);
    await audit(workspaceId, keyId, 'dead_letters.retry', counts);
    return counts;
  });

  app.delete('/v1/dead-letters/:id', { schema: schemas.delete }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    if (!(await deps.store.deadLetters.remove(workspaceId, request.params.id))) throw new TesseraError('not_found', { message: `No dead letter ${request.params.id}.` });
    await audit(workspaceId, keyId, 'dead_letter.delete', { deadLetterId: request.params.id });
    return { deleted: true };
  });
}
