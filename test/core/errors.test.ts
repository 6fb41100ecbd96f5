/**
 * The error catalogue: every coded error carries its HTTP status, a default message and the field
 * issues a client needs; anything else thrown is not a TesseraError (and becomes a 500).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TesseraError, isTesseraError } from '../../src/core/errors.js';

describe('TesseraError', () => {
  it('carries code, status, default message and issues', () => {
    const error = new TesseraError('invalid_batch', { issues: [{ field: 'batch[3].event', reason: 'is required' }] });
    assert.deepEqual([error.code, error.status, error.message, error.name], ['invalid_batch', 400, 'The batch is invalid; nothing was stored.', 'TesseraError']);
    assert.deepEqual(error.issues, [{ field: 'batch[3].event', reason: 'is required' }]);
    assert.equal(error.retryAfterSeconds, undefined);
  });

  it('maps each code to its status', () => {
    const statuses = { body_too_large: 413, unsupported_encoding: 415, unauthorized: 401, not_found: 404, conflict: 409, overloaded: 429, unavailable: 503 } as const;
    for (const [code, status] of Object.entries(statuses)) assert.equal(new TesseraError(code as keyof typeof statuses).status, status, code);
  });

  it('takes a message and a retry delay', () => {
    const error = new TesseraError('overloaded', { message: 'Queue full.', retryAfterSeconds: 5 });
    assert.deepEqual([error.message, error.retryAfterSeconds, error.issues], ['Queue full.', 5, []]);
  });

  it('is recognised, and plain errors are not', () => {
    assert.equal(isTesseraError(new TesseraError('not_found')), true);
    assert.equal(isTesseraError(new Error('boom')), false);
    assert.equal(isTesseraError({ code: 'not_found', status: 404 }), false);
  });
});
