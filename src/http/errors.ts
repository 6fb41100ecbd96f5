/**
 * One place that turns failures into responses: `{ error: { code, message, issues } }`.
 * Catalogue errors keep their status; Fastify's own client errors are translated; anything else
 * is logged and answered 500 (a bug, never a reaction to input).
 */
import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import type { Socket } from 'node:net';
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
  // JSON pointer to the field notation the domain validators use: `/links/1/url` → `links[1].url`.
  const path = v.instancePath.replace(/^\//, '').split('/').filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((field, part) => (/^\d+$/.test(part) ? `${field}[${part}]` : field ? `${field}.${part}` : part), '');
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

/**
 * Node refuses to write a header holding CR, LF, NUL or a character above U+00FF, and Fastify then
 * answers its own error body (`{"statusCode":500,"code":"ERR_INVALID_CHAR",…}`) from outside our
 * error handler. Checked in an `onSend` hook instead (registered after the app's own hooks that
 * set headers): an offending header is removed (so that the error answer can be written) and the
 * reply becomes an error our handlers answer, in the envelope (or the friendly page of a link). It is a bug when it happens (values that reach
 * headers are validated where they enter, e.g. link targets), so it is logged and answered 500.
 */
export class InvalidHeaderError extends Error {
  readonly code = 'TESSERA_INVALID_HEADER';
  constructor(readonly headers: string[]) {
    super(`A response header had an invalid name or value: ${headers.join(', ')}`);
  }
}

function invalidHeaders(reply: FastifyReply): string[] {
  const bad: string[] = [];
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value === undefined) continue;
    try {
      validateHeaderName(name);
      for (const v of Array.isArray(value) ? value : [value]) validateHeaderValue(name, String(v));
    } catch {
      bad.push(name);
    }
  }
  return bad;
}

/**
 * Removes the headers Node would refuse to write; their names. Error handlers call it first: an
 * error answer that failed again on the same header would fall through to Fastify's own body.
 */
export function dropInvalidHeaders(reply: FastifyReply): string[] {
  const bad = invalidHeaders(reply);
  for (const name of bad) reply.removeHeader(name);
  return bad;
}

/**
 * A request Node cannot parse as HTTP (a malformed header, headers over the size limit, a request
 * that never finishes arriving) never reaches routing; pass this as Fastify's `clientErrorHandler`
 * so that it gets the envelope too, written straight to the socket, which is then closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = new TesseraError(error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : error.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : 'bad_request');
  const body = JSON.stringify({ error: { code: known.code, message: known.message } });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/**
 * While the app closes, Fastify would answer new requests 503 with its own body
 * (`return503OnClosing`); this answers them in the envelope instead (`unavailable`, retry), with
 * `Connection: close`. Pass `return503OnClosing: false` to Fastify alongside.
 */
export function registerClosingAnswer(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => { closing = true; done(); });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close');
    done(new TesseraError('unavailable', { message: 'The server is shutting down; retry the request.' }));
  });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    const bad = dropInvalidHeaders(reply);
    if (bad.length === 0) return done(null, payload);
    done(new InvalidHeaderError(bad));
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const dropped = dropInvalidHeaders(reply);
    if (dropped.length > 0) request.log.error({ headers: dropped }, 'invalid response headers dropped');
    const known = translate(error);
    if (known) return sendError(reply, known);
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal', message: 'An internal error occurred; it has been logged.' } });
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, new TesseraError('not_found', { message: `No route ${request.method} ${request.url.split('?')[0]}` })));
}
