/**
 * Request bodies of the collection API: JSON sent as application/json or text/plain (analytics.js
 * avoids CORS preflights that way) or with no type at all, optionally gzip- or deflate-compressed.
 * The 500 KB limit applies to the decompressed body, so a small compressed bomb is refused too.
 */
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { createGunzip, createInflate } from 'node:zlib';
import { TesseraError } from '../core/errors.js';

export function registerBodyParsing(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
    if (encoding === 'identity' || encoding === '') return payload;
    if (encoding !== 'gzip' && encoding !== 'deflate') {
      throw new TesseraError('unsupported_encoding', { message: `Content-Encoding "${encoding}" is not supported; use gzip, deflate or none.` });
    }
    const inflate = encoding === 'gzip' ? createGunzip() : createInflate();
    payload.on('error', (e) => inflate.destroy(e));
    return payload.pipe(inflate);
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim().length === 0) { done(null, undefined); return; }
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' }));
    } catch (error) {
      const reason = error instanceof RangeError ? 'nests too deeply' : (error as Error).message;
      done(new TesseraError('invalid_json', { issues: [{ field: 'body', reason }] }), undefined);
    }
  });
}
