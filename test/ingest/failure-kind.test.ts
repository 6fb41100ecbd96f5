/** Which write failures are systemic (503, retry later) and which may be a poison event (isolated, dead-lettered). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFailure, isSystemicFailure } from '../../src/ingest/failure-kind.js';

const coded = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`failed with ${code}`), { code, ...extra });

describe('isSystemicFailure', () => {
  it('is true for the database busy, locked, full, unreachable, and for I/O errors', () => {
    for (const error of [
      coded('SQLITE_BUSY'), coded('SQLITE_BUSY_SNAPSHOT'), coded('SQLITE_LOCKED'), coded('SQLITE_FULL'), coded('SQLITE_IOERR_WRITE'), coded('SQLITE_IOERR'),
      coded('SQLITE_READONLY'), coded('SQLITE_CANTOPEN'), coded('SQLITE_NOMEM'), coded('SQLITE_CORRUPT'),
      coded('53100'), coded('53200'), coded('08006'), coded('08003'), coded('57P01'), coded('57014'), coded('40001'), coded('40P01'), coded('55P03'), coded('58030'), coded('XX000'),
      coded('ENOSPC', { syscall: 'fdatasync' }), coded('EIO', { syscall: 'write' }), coded('ECONNRESET', { syscall: 'read' }), coded('ECONNREFUSED', { syscall: 'connect' }),
      new Error('Connection terminated unexpectedly'), new Error('timeout exceeded when trying to connect'),
    ]) assert.equal(isSystemicFailure(error), true, describeFailure(error));
  });

  it('is false for what one event may cause: bugs, constraint and data errors, anything unknown', () => {
    for (const error of [
      new TypeError("Cannot read properties of undefined (reading 'x')"), new RangeError('Invalid time value'), new Error('boom'),
      coded('SQLITE_CONSTRAINT_NOTNULL'), coded('SQLITE_ERROR'), coded('SQLITE_MISMATCH'), coded('SQLITE_TOOBIG'), coded('SQLITE_RANGE'),
      coded('23505'), coded('22P02'), coded('22003'), coded('54000'),
      coded('ENOSPC'), // a code without a system call is not Node's system error
      'a thrown string', null, undefined, { code: 'SQLITE_BUSY' },
    ]) assert.equal(isSystemicFailure(error), false, describeFailure(error));
  });
});

describe('describeFailure', () => {
  it('keeps the class, the code and the message, never the stack', () => {
    assert.equal(describeFailure(new TypeError('bad')), 'TypeError: bad');
    assert.equal(describeFailure(coded('SQLITE_FULL')), 'Error SQLITE_FULL: failed with SQLITE_FULL');
    assert.equal(describeFailure('plain'), 'plain');
  });
});
