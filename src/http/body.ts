/**
 * Request bodies of the collection API: JSON sent as application/json or text/plain (analytics.js
 * avoids CORS preflights that way) or with no type at all, optionally gzip- or deflate-compressed.
 * The 500 KB limit applies to the decompressed body, so a small compressed bomb is refused too.
 *
 * Contract of the parsed body: valid UTF-8 (RFC 8259 §8.1; invalid bytes are refused, not replaced
 * with U+FFFD; a leading byte order mark is ignored), no `__proto__` / `constructor.prototype` keys
 * (refused), at most MAX_BODY_DEPTH levels of nesting, so that nothing downstream (JSON.stringify,
 * Ajv) can overflow the stack.
 */
import type { FastifyInstance } from 'fastify';
import { isUtf8 } from 'node:buffer';
import { createGunzip, createInflate } from 'node:zlib';
import { EVENT_LIMITS } from '../core/events/limits.js';
import { TesseraError } from '../core/errors.js';

/** A batch body holds `batch` → item → the event's own objects: two levels above the event limit. */
const MAX_BODY_DEPTH = EVENT_LIMITS.maxDepth + 2;

const BYTE_ORDER_MARK = 0xfeff;

export function registerBodyParsing(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every request, and most bodies are not compressed.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const header = request.headers['content-encoding'];
    if (header === undefined) { done(null, payload); return; }
    const encoding = String(header).toLowerCase().trim();
    if (encoding === 'identity' || encoding === '') { done(null, payload); return; }
    if (encoding !== 'gzip' && encoding !== 'deflate') {
      done(new TesseraError('unsupported_encoding', { message: `Content-Encoding "${encoding}" is not supported; use gzip, deflate or none.` }));
      return;
    }
    // Fastify compares Content-Length with `receivedEncodedLength` when the stream reports it, else
    // with the decompressed length (which never matches): count the compressed bytes here.
    const inflate = Object.assign(encoding === 'gzip' ? createGunzip() : createInflate(), { receivedEncodedLength: 0 });
    payload.on('data', (chunk: Buffer) => { inflate.receivedEncodedLength += chunk.length; });
    payload.on('error', (e) => inflate.destroy(e));
    done(null, payload.pipe(inflate));
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'is not valid UTF-8' }] }), undefined);
      return;
    }
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    if (text.trim().length === 0) { done(null, undefined); return; }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof RangeError ? 'nests too deeply' : (error as Error).message;
      done(new TesseraError('invalid_json', { issues: [{ field: 'body', reason }] }), undefined);
      return;
    }
    const problem = bodyProblem(parsed);
    if (problem !== null) {
      done(new TesseraError(problem === TOO_DEEP ? 'invalid_body' : 'invalid_json', { issues: [{ field: 'body', reason: problem }] }), undefined);
      return;
    }
    done(null, parsed);
  });
}

const TOO_DEEP = `objects nest deeper than ${MAX_BODY_DEPTH} levels`;
const PROTO_KEY = 'must not contain a "__proto__" key or a "constructor" key holding "prototype"';

/**
 * One walk of the parsed body for what must not pass on: nesting deeper than MAX_BODY_DEPTH (the
 * walk stops there, so it cannot overflow the stack itself), and the keys of prototype pollution,
 * refused rather than silently dropped: no Segment client sends them, and a request that does is
 * broken or probing. `JSON.parse` keeps a `"__proto__"` key (escaped or not) as an own property,
 * so the walk sees it.
 */
function bodyProblem(root: unknown): string | null {
  let problem: string | null = null;
  const walk = (value: unknown, depth: number): void => {
    if (typeof value !== 'object' || value === null) return;
    if (depth > MAX_BODY_DEPTH) { problem = TOO_DEEP; return; }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && problem === null; i++) walk(value[i], depth + 1);
      return;
    }
    for (const key in value) {
      const child = (value as Record<string, unknown>)[key];
      if (key === '__proto__' || (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype'))) { problem = PROTO_KEY; return; }
      walk(child, depth + 1);
      if (problem !== null) return;
    }
  };
  walk(root, 1);
  return problem;
}
