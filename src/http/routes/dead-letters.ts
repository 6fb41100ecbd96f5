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
import { bearerToken, type KeyResolver } from '../auth.js';
import { deadLetterView } from '../presenters/dead-letter-view.js';

export interface DeadLetterRouteDeps extends RetryDeps {
  keys: KeyResolver;
}

const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'], additionalProperties: false } as const;
const listQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
    cursor: { type: 'string', minLength: 1, maxLength: 512 },
  },
  additionalProperties: false,
} as const;

const view = deadLetterView;

export function registerDeadLetterRoutes(app: FastifyInstance, deps: DeadLetterRouteDeps): void {
  const admin = (request: FastifyRequest) => deps.keys.authenticate('admin', bearerToken(request.headers.authorization));
  const audit = (workspaceId: string, actor: string, action: string, details: Record<string, string | number>) =>
    deps.store.privacy.audit({ workspaceId, at: deps.now(), actor, action, subject: null, details });
  const find = async (workspaceId: string, id: string): Promise<DeadLetter> => {
    const letter = await deps.store.deadLetters.get(workspaceId, id);
    if (!letter) throw new TesseraError('not_found', { message: `No dead letter ${id}.` });
    return letter;
  };

  app.get('/v1/dead-letters', { schema: { querystring: listQuery } },
    async (request: FastifyRequest<{ Querystring: { limit: number; cursor?: string } }>) => {
      const { workspaceId, keyId } = await admin(request);
      const { limit, cursor } = request.query;
      // The schema's coercion lets `1e400` through as Infinity (ajv's integer check is `x % 1`): checked here too.
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new TesseraError('invalid_query', { issues: [{ field: 'limit', reason: 'must be an integer from 1 to 1000' }] });
      const page = await deps.store.deadLetters.list(workspaceId, { limit, ...(cursor ? { cursor } : {}) });
      await audit(workspaceId, keyId, 'dead_letters.read', { returned: page.deadLetters.length });
      return { deadLetters: page.deadLetters.map(view), nextCursor: page.nextCursor };
    });

  app.get('/v1/dead-letters/:id', { schema: { params: idParams } }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const letter = await find(workspaceId, request.params.id);
    await audit(workspaceId, keyId, 'dead_letter.read', { deadLetterId: letter.id });
    return view(letter);
  });

  app.post('/v1/dead-letters/:id/retry', { schema: { params: idParams } }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    const outcome = await retryDeadLetter(deps, await find(workspaceId, request.params.id));
    await audit(workspaceId, keyId, 'dead_letter.retry', { deadLetterId: outcome.id, outcome: outcome.outcome });
    return outcome;
  });

  app.post('/v1/dead-letters/retry', async (request) => {
    const { workspaceId, keyId } = await admin(request);
    const counts = await retryAll(deps, workspaceId);
    await audit(workspaceId, keyId, 'dead_letters.retry', counts);
    return counts;
  });

  app.delete('/v1/dead-letters/:id', { schema: { params: idParams } }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await admin(request);
    if (!(await deps.store.deadLetters.remove(workspaceId, request.params.id))) throw new TesseraError('not_found', { message: `No dead letter ${request.params.id}.` });
    await audit(workspaceId, keyId, 'dead_letter.delete', { deadLetterId: request.params.id });
    return { deleted: true };
  });
}
