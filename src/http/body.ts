/**
 * Request bodies of the collection API: JSON sent as application/json or text/plain (analytics.js
 * avoids CORS preflights that way) or with no type at all, optionally gzip- or deflate-compressed.
 * The 500 KB limit applies to the decompressed body, so a small compressed bomb is refused too.
 *
 * Contract of the parsed body: valid UTF-8 (RFC 8259 §8.1; invalid bytes are refused, not replaced
 * with U+FFFD; a leading byte order mark is ignored), no `__proto__` / `constructor.prototype` keys
 * (refused), at most MAX_BODY_DEPTH levels of nesting, so that nothing downstream (JSON.stringify,
 * Ajv) can overflow the stack, and no number beyond the range of a double (`1e400` would become
 * Infinity, then be stored as null; refused naming its field). One walk checks all three
 * (core/json-problems.ts, shared with `tessera import`).
 */
import type { FastifyInstance } from 'fastify';
import { isUtf8 } from 'node:buffer';
import { createGunzip, createInflate } from 'node:zlib';
import { EVENT_LIMITS } from '../core/events/limits.js';
import { TesseraError } from '../core/errors.js';
import { jsonProblems, PROTO_KEY_REASON } from '../core/json-problems.js';

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
    const issues = jsonProblems(parsed, { maxDepth: MAX_BODY_DEPTH, wholeField: 'body' });
    if (issues !== null) {
      done(new TesseraError(issues[0]!.reason === PROTO_KEY_REASON ? 'invalid_json' : 'invalid_body', { issues }), undefined);
      return;
    }
    done(null, parsed);
  });
}
