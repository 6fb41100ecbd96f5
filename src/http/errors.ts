/**
 * One place that turns failures into responses: `{ error: { code, message, issues } }`.
 * Catalogue errors keep their status; Fastify's own client errors are translated; anything else
 * is logged and answered 500 (a bug, never a reaction to input).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTesseraError, TesseraError } from '../core/errors.js';

function translate(error: FastifyError): TesseraError | null {
  if (isTesseraError(error)) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TesseraError('body_too_large');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new TesseraError('invalid_body', { issues: [{ field: 'body', reason: error.message }] });
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'is not valid compressed data for its Content-Encoding' }] });
  }
  if (error.validation) {
    return new TesseraError(error.validationContext === 'body' ? 'invalid_body' : 'invalid_query', { issues: error.validation.map((v) => ({ field: validationField(error.validationContext, v), reason: v.message ?? 'is invalid' })) });
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new TesseraError(error.statusCode === 413 ? 'body_too_large' : 'invalid_body', { issues: [{ field: 'request', reason: error.message }] });
  }
  return null;
}

/**
 * The field a schema error is about. Query and path parameters and body fields are named as the
 * client wrote them (`limit`, not `querystring.limit`), like the issues the routes raise themselves.
 */
function validationField(context: string | undefined, v: NonNullable<FastifyError['validation']>[number]): string {
  const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = v.keyword === 'required' ? String((v.params as { missingProperty?: unknown }).missingProperty ?? '') : '';
  const name = [path, missing].filter(Boolean).join('.');
  if (context === 'querystring' || context === 'params' || context === 'body') return name || context;
  return [context, name].filter(Boolean).join('.') || 'request';
}

export function sendError(reply: FastifyReply, error: TesseraError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(error.status).send({ error: { code: error.code, message: error.message, ...(error.issues.length ? { issues: error.issues } : {}) } });
}

/**
 * Fastify answers a few errors before routing (a URL with malformed percent-encoding) with its own
 * body; pass this as the `frameworkErrors` option so they get the envelope too.
 */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void sendError(reply, new TesseraError('invalid_query', { message: 'The request URL is invalid.', issues: [{ field: 'url', reason: error.message }] }));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = translate(error);
    if (known) return sendError(reply, known);
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal', message: 'An internal error occurred; it has been logged.' } });
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, new TesseraError('not_found', { message: `No route ${request.method} ${request.url.split('?')[0]}` })));
}
