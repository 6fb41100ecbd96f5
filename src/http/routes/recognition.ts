/**
 * Recognition for safe pre-fill (see forms/recognition.ts):
 *   POST /v1/recognize         (write key) `{ token, anonymousId }`: an `identify` email-link token,
 *                              single-use: another device gets 409 `token_used` (audited)
 *   POST /v1/recognitions      (ADMIN key, the site's server) `{ anonymousId, userId?, email? }`
 *   POST /v1/recognize/forget  (write key) `{ anonymousId, recognition? }`: "Not you?"
 * The first two answer `{ recognition, expiresAt }`: a `prefill` token bound to the anonymous id.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { normaliseIdentity, type IdentityGuard } from '../../core/identity/identity-key.js';
import type { RecognitionService } from '../../forms/recognition.js';
import { basicUser, type KeyResolver } from '../auth.js';
import { objectBody } from './forms.js';
import { json, routeSchema } from '../schemas/route-docs.js';

export interface RecognitionRouteDeps {
  keys: KeyResolver;
  recognition: RecognitionService;
  guard: IdentityGuard;
}

const tags = ['Recognition'];
const recognitionAnswer = json({ recognition: { type: 'string', description: 'A `prefill` token bound to the anonymous id.' }, expiresAt: { type: 'string' } }, ['recognition', 'expiresAt']);
const schemas = {
  recognize: routeSchema({
    summary: 'Exchange an email link\'s `tsr` token for a recognition bound to this device', tags, auth: 'writeKey',
    body: { type: 'object', properties: { token: { type: 'string' }, anonymousId: { type: ['string', 'number'] }, writeKey: { type: 'string' } }, required: ['token', 'anonymousId'] },
    response: { 200: recognitionAnswer },
  }),
  fromServer: routeSchema({
    summary: 'The site\'s server vouches for a signed-in visitor: a recognition for pre-fill', tags, auth: 'adminKey',
    body: { type: 'object', properties: { anonymousId: { type: ['string', 'number'] }, userId: { type: ['string', 'number'] }, email: { type: 'string' } }, required: ['anonymousId'] },
    response: { 200: recognitionAnswer },
  }),
  forget: routeSchema({
    summary: '"Not you?": the tracker drops the recognition (nothing is stored about it)', tags, auth: 'writeKey',
    body: { type: 'object', properties: { anonymousId: { type: ['string', 'number'] }, recognition: { type: 'string' }, writeKey: { type: 'string' } }, required: ['anonymousId'] },
    response: { 200: json({ ok: { type: 'boolean' } }, ['ok']) },
  }),
};

export function registerRecognitionRoutes(app: FastifyInstance, deps: RecognitionRouteDeps): void {
  const writeKeyOf = (request: FastifyRequest, body: Record<string, unknown>) =>
    basicUser(request.headers.authorization) ?? (typeof body.writeKey === 'string' ? body.writeKey : undefined) ?? (request.query as Record<string, string | undefined>).writeKey;
  const writeWorkspace = (request: FastifyRequest, body: Record<string, unknown>) => deps.keys.workspaceFor('write', writeKeyOf(request, body));

  app.post('/v1/recognize', { schema: schemas.recognize }, async (request) => {
    const body = objectBody(request.body);
    const { workspaceId, keyId } = await deps.keys.authenticate('write', writeKeyOf(request, body));
    if (typeof body.token !== 'string' || body.token === '') throw new TesseraError('invalid_body', { issues: [{ field: 'token', reason: 'is required: the `tsr` token of the link' }] });
    return deps.recognition.recognize({ workspaceId, token: body.token, anonymousId: body.anonymousId, actor: keyId });
  });

  app.post('/v1/recognitions', { schema: schemas.fromServer }, async (request) => {
    const { workspaceId } = await deps.keys.admin(request);
    const body = objectBody(request.body);
    return deps.recognition.recognizeFromServer(workspaceId, { anonymousId: body.anonymousId, userId: body.userId, email: body.email });
  });

  app.post('/v1/recognize/forget', { schema: schemas.forget }, async (request) => {
    const body = objectBody(request.body);
    await writeWorkspace(request, body);
    if (!normaliseIdentity('anonymous_id', body.anonymousId, deps.guard)) throw new TesseraError('invalid_body', { issues: [{ field: 'anonymousId', reason: 'is required: the device\'s anonymous id' }] });
    // Nothing is stored about a recognition (only the use of the link's identify token): the
    // tracker drops the token and starts a new anonymous id, with which the old token never
    // verifies (it is bound to the old id).
    return { ok: true };
  });
}
