/** Rules of signing in (core/access/sign-in-policy.ts), pure. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { emailIssues, isLocked, nameIssues, normalizeEmail, passwordIssues, sessionEnd } from '../../../src/core/access/sign-in-policy.js';

it('normalises e-mails and refuses what is no address', () => {
  assert.equal(normalizeEmail('  Ada@Example.COM '), 'ada@example.com');
  assert.deepEqual(emailIssues('email', 'ada@example.com'), []);
  for (const bad of ['ada', 'ada@example', 'a b@example.com', 'ada@exa\u0000mple.com', `${'a'.repeat(250)}@example.com`, 42, null]) {
    assert.equal(emailIssues('email', bad).length, 1, JSON.stringify(bad));
  }
});

it('asks passwords of 12 to 256 characters, any characters, not the e-mail', () => {
  assert.deepEqual(passwordIssues('password', 'correct horse battery'), []);
  assert.deepEqual(passwordIssues('password', 'äöü ßéè 日本語 ok!'), [], 'any characters, spaces included');
  assert.match(passwordIssues('password', 'eleven char')[0]!.reason, /at least 12/);
  assert.match(passwordIssues('password', 'x'.repeat(257))[0]!.reason, /at most 256/);
  assert.match(passwordIssues('password', 'Ada@Example.com', 'ada@example.com')[0]!.reason, /not be the e-mail/);
  assert.equal(passwordIssues('password', 12345678901234).length, 1);
  assert.equal(passwordIssues('password', 'twelve chars\u0000!').length, 1);
});

it('names: non-empty, at most 100 characters, no control characters', () => {
  assert.deepEqual(nameIssues('name', 'Ada Lovelace'), []);
  for (const bad of ['', '   ', 'x'.repeat(101), 'a\nb', 1]) assert.equal(nameIssues('name', bad).length, 1, JSON.stringify(bad));
});

it('locks while lockedUntil is in the future', () => {
  assert.equal(isLocked({ failedSignIns: 5, lockedUntil: 1000 }, 999), true);
  assert.equal(isLocked({ failedSignIns: 5, lockedUntil: 1000 }, 1000), false);
  assert.equal(isLocked({ failedSignIns: 3, lockedUntil: null }, 0), false);
});

it('ends a session when idle or too old, the absolute limit first', () => {
  const limits = { idleMs: 30, absoluteMs: 100 };
  assert.equal(sessionEnd({ createdAt: 0, lastSeenAt: 0 }, limits, 29), null);
  assert.equal(sessionEnd({ createdAt: 0, lastSeenAt: 0 }, limits, 30), 'idle');
  assert.equal(sessionEnd({ createdAt: 0, lastSeenAt: 90 }, limits, 99), null);
  assert.equal(sessionEnd({ createdAt: 0, lastSeenAt: 90 }, limits, 100), 'absolute');
  assert.equal(sessionEnd({ createdAt: 0, lastSeenAt: 0 }, limits, 500), 'absolute');
});
