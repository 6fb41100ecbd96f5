/**
 * Request bodies of the collection API: JSON sent as application/json or text/plain (analytics.js
 * avoids CORS preflights that way) or with no type at all, optionally gzip- or deflate-compressed.
 * The 500 KB limit applies to the decompressed body, so a small compressed bomb is refused too.
 *
 * Contract of the parsed body: valid UTF-8 (RFC 8259 §8.1; invalid bytes are refused, not replaced
 * with U+FFFD), no `__proto__` / `constructor.prototype` keys (refused), at most MAX_BODY_DEPTH levels
 * of nesting, so that nothing downstream (JSON.stringify, Ajv) can overflow the stack.
 */
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { createGunzip, createInflate } from 'node:zlib';
import { EVENT_LIMITS } from '../core/events/limits.js';
import { nestingDepth } from '../core/events/validate-event.js';
import { TesseraError } from '../core/errors.js';

/** A batch body holds `batch` → item → the event's own objects: two levels above the event limit. */
const MAX_BODY_DEPTH = EVENT_LIMITS.maxDepth + 2;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function registerBodyParsing(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
    if (encoding === 'identity' || encoding === '') return payload;
    if (encoding !== 'gzip' && encoding !== 'deflate') {
      throw new TesseraError('unsupported_encoding', { message: `Content-Encoding "${encoding}" is not supported; use gzip, deflate or none.` });
    }
    // Fastify compares Content-Length with `receivedEncodedLength` when the stream reports it, else
    // with the decompressed length (which never matches): count the compressed bytes here.
    const inflate = Object.assign(encoding === 'gzip' ? createGunzip() : createInflate(), { receivedEncodedLength: 0 });
    payload.on('data', (chunk: Buffer) => { inflate.receivedEncodedLength += chunk.length; });
    payload.on('error', (e) => inflate.destroy(e));
    return payload.pipe(inflate);
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'is not valid UTF-8' }] }), undefined);
      return;
    }
    if (text.trim().length === 0) { done(null, undefined); return; }
    let parsed: unknown;
    try {
      // Refused rather than silently dropped: no Segment client sends these keys, and a request
      // that does is either broken or probing for prototype pollution.
      parsed = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      const message = (error as Error).message;
      const reason = error instanceof RangeError ? 'nests too deeply'
        : /forbidden (prototype|constructor) property/.test(message) ? 'must not contain a "__proto__" key or a "constructor" key holding "prototype"'
        : message;
      done(new TesseraError('invalid_json', { issues: [{ field: 'body', reason }] }), undefined);
      return;
    }
    if (nestingDepth(parsed, MAX_BODY_DEPTH + 1) > MAX_BODY_DEPTH) {
      done(new TesseraError('invalid_body', { issues: [{ field: 'body', reason: `objects nest deeper than ${MAX_BODY_DEPTH} levels` }] }), undefined);
      return;
    }
    done(null, parsed);
  });
}
