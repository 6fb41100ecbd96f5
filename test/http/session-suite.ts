/**
 * Sessions of the admin app on a real store (session.test.ts: SQLite, session-postgres.test.ts:
 * PostgreSQL): the first administrator's link, signing in, the cookie's flags, CSRF, timeouts on
 * an injected clock, lock-out, rate limiting, set-password links, one's own password change,
 * disabling, and the audit trail under the person's name.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { issueWelcomeLink } from '../../src/access/welcome.js';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { firstAdmin, jsonRequest, PASSWORD, sessionCookieOf, signedInFrom, signIn, userWithRole } from '../support/sessions.js';
import { assertError } from './api-helpers.js';

const MINUTE = 60_000;
type Start = (overrides?: Partial<Config>, extras?: { now?: () => number }) => Promise<TesseraUnderTest>;
const adminKey = { authorization: `Bearer ${ADMIN_KEY}` };
const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

export function sessionSuite(start: Start): void {
  let t: TesseraUnderTest;
  let clock = Date.now();
  const now = () => clock;
  before(async () => { t = await start({ sessions: { idleMinutes: 30, absoluteHours: 12, signInsPerMinute: 1000 } }, { now }); });
  after(async () => { await t.close(); });

  describe('the first administrator', () => {
    it('signs in once with the welcome link, and never again with it; the link works only while no user exists', async () => {
      const { url } = await issueWelcomeLink(t.tessera.store.users, { workspaceId: 'default', baseUrl: 'https://t.example.com', now: clock });
      assert.match(url, /^https:\/\/t\.example\.com\/admin\/welcome\?token=[A-Za-z0-9_-]{43}$/);
      const body = { token: tokenOf(url), email: 'Ada@Example.com', name: 'Ada Admin', password: PASSWORD };
      const bad = await jsonRequest(t, 'POST', '/v1/session/welcome', { ...body, password: 'short', email: 'nope', name: '' });
      assertError(bad, 400, 'invalid_body');
      assert.deepEqual(JSON.parse(bad.body).error.issues.map((i: { field: string }) => i.field).sort(), ['email', 'name', 'password'], 'every failing field is named');
      const res = await jsonRequest(t, 'POST', '/v1/session/welcome', body);
      assert.equal(res.statusCode, 201, res.body);
      const admin = signedInFrom(res);
      assert.deepEqual({ ...admin.user, id: undefined }, { id: undefined, email: 'ada@example.com', name: 'Ada Admin', role: 'admin' });
      assertError(await jsonRequest(t, 'POST', '/v1/session/welcome', { ...body, email: 'eve@example.com' }), 401, 'invalid_token');
      // A link issued later (the CLI, a restart) does nothing once a user exists.
      const late = await issueWelcomeLink(t.tessera.store.users, { workspaceId: 'default', baseUrl: 'https://t.example.com', now: clock });
      assertError(await jsonRequest(t, 'POST', '/v1/session/welcome', { ...body, token: tokenOf(late.url), email: 'eve@example.com' }), 401, 'invalid_token');
      const me = await jsonRequest(t, 'GET', '/v1/session', undefined, { cookie: admin.cookie });
      assert.equal(me.statusCode, 200, me.body);
      const current = JSON.parse(me.body);
      assert.deepEqual({ user: current.user, csrfToken: current.csrfToken }, { user: admin.user, csrfToken: admin.csrfToken });
      assert.deepEqual(current.access.Users, { read: true, change: true });
    });
  });

  describe('signing in', () => {
    it('sets an HttpOnly, SameSite=Strict cookie for the whole site, not Secure on a plain-http public URL', async () => {
      await userWithRole(t, 'viewer', 'cookie@example.com');
      const res = await jsonRequest(t, 'POST', '/v1/session', { email: 'COOKIE@example.com ', password: PASSWORD });
      assert.equal(res.statusCode, 200, res.body);
      const { attributes } = sessionCookieOf(res);
      const lower = attributes.map((a) => a.toLowerCase());
      assert.ok(lower.includes('httponly'), attributes.join('; '));
      assert.ok(lower.includes('samesite=strict'), attributes.join('; '));
      assert.ok(lower.includes('path=/'), attributes.join('; '));
      assert.ok(!lower.includes('secure'), 'http://127.0.0.1 is not https');
      assert.ok(lower.includes(`max-age=${12 * 3600}`), attributes.join('; '));
    });

    it('answers a wrong password and an unknown e-mail alike, with 401', async () => {
      await userWithRole(t, 'viewer', 'alike@example.com');
      const wrong = await jsonRequest(t, 'POST', '/v1/session', { email: 'alike@example.com', password: 'not the password' });
      const unknown = await jsonRequest(t, 'POST', '/v1/session', { email: 'nobody@example.com', password: 'not the password' });
      assertError(wrong, 401, 'unauthorized');
      assert.equal(wrong.body, unknown.body);
      assert.equal(wrong.headers['set-cookie'], undefined);
    });

    it('GET /v1/session without a session is 401; a forged cookie is 401 and cleared', async () => {
      assertError(await jsonRequest(t, 'GET', '/v1/session', undefined), 401, 'unauthorized');
      const forged = await jsonRequest(t, 'GET', '/v1/session', undefined, { cookie: 'tessera_session=forged' });
      assertError(forged, 401, 'unauthorized');
      assert.match(String(forged.headers['set-cookie']), /tessera_session=;/);
    });

    it('signs out: the session is gone on the server, the cookie is cleared', async () => {
      const s = await userWithRole(t, 'viewer');
      assertError(await jsonRequest(t, 'DELETE', '/v1/session', undefined, { cookie: s.cookie }), 403, 'forbidden');
      const out = await jsonRequest(t, 'DELETE', '/v1/session', undefined, s.headers());
      assert.equal(out.statusCode, 200, out.body);
      assert.match(String(out.headers['set-cookie']), /tessera_session=;/);
      assertError(await jsonRequest(t, 'GET', '/v1/session', undefined, { cookie: s.cookie }), 401, 'unauthorized');
    });
  });

  describe('CSRF', () => {
    it('refuses a change made with the cookie without the token or with a wrong one (403), and allows it with the token', async () => {
      const s = await userWithRole(t, 'marketer');
      const body = { id: 'csrf-seg', name: 'CSRF', condition: { trait: { key: 'name', op: 'exists' } } };
      const missing = await jsonRequest(t, 'POST', '/v1/segments', body, { cookie: s.cookie });
      assertError(missing, 403, 'forbidden');
      assert.match(JSON.parse(missing.body).error.message, /x-csrf-token.*missing/);
      const wrong = await jsonRequest(t, 'POST', '/v1/segments', body, { cookie: s.cookie, 'x-csrf-token': s.csrfToken.slice(0, -1) + (s.csrfToken.endsWith('A') ? 'B' : 'A') });
      assertError(wrong, 403, 'forbidden');
      assert.match(JSON.parse(wrong.body).error.message, /wrong/);
      const other = await userWithRole(t, 'marketer');
      assertError(await jsonRequest(t, 'POST', '/v1/segments', body, { cookie: s.cookie, 'x-csrf-token': other.csrfToken }), 403, 'forbidden');
      assert.equal((await t.admin('/v1/segments/csrf-seg')).statusCode, 404, 'nothing was created');
      const ok = await jsonRequest(t, 'POST', '/v1/segments', body, s.headers());
      assert.equal(ok.statusCode, 201, ok.body);
      // Reads need no token; admin keys need none (no cookie, no ambient authority).
      assert.equal((await jsonRequest(t, 'GET', '/v1/segments', undefined, { cookie: s.cookie })).statusCode, 200);
      assert.equal((await jsonRequest(t, 'DELETE', '/v1/segments/csrf-seg', undefined, adminKey)).statusCode, 200);
    });
  });

  describe('timeouts (injected clock)', () => {
    it('ends a session after 30 minutes without a request, and not while requests keep coming', async () => {
      const s = await userWithRole(t, 'viewer');
      for (let i = 0; i < 4; i++) {
        clock += 20 * MINUTE;
        assert.equal((await jsonRequest(t, 'GET', '/v1/session', undefined, { cookie: s.cookie })).statusCode, 200, `request ${i}: 20 minutes after the last one`);
      }
      clock += 30 * MINUTE;
      const idle = await jsonRequest(t, 'GET', '/v1/segments', undefined, { cookie: s.cookie });
      assertError(idle, 401, 'unauthorized');
      assert.match(JSON.parse(idle.body).error.message, /without activity/);
      clock -= 30 * MINUTE;
      assertError(await jsonRequest(t, 'GET', '/v1/session', undefined, { cookie: s.cookie }), 401, 'unauthorized'); // 'an ended session is deleted, not only refused'
    });

    it('ends a session 12 hours after sign-in however active', async () => {
      const s = await userWithRole(t, 'viewer');
      const end = clock + 12 * 3600_000;
      while (clock + 25 * MINUTE < end) {
        clock += 25 * MINUTE;
        assert.equal((await jsonRequest(t, 'GET', '/v1/session', undefined, { cookie: s.cookie })).statusCode, 200);
      }
      clock = end;
      const res = await jsonRequest(t, 'GET', '/v1/session', undefined, { cookie: s.cookie });
      assertError(res, 401, 'unauthorized');
      assert.match(JSON.parse(res.body).error.message, /maximum length/);
    });
  });

  describe('lock-out', () => {
    it('locks the account after 5 wrong passwords for 15 minutes, also for the right password, and says so; then lets in', async () => {
      await userWithRole(t, 'viewer', 'locked@example.com');
      for (let i = 0; i < 4; i++) assertError(await jsonRequest(t, 'POST', '/v1/session', { email: 'locked@example.com', password: `wrong ${i}` }), 401, 'unauthorized');
      const fifth = await jsonRequest(t, 'POST', '/v1/session', { email: 'locked@example.com', password: 'wrong 5' });
      assertError(fifth, 429, 'account_locked');
      assert.match(JSON.parse(fifth.body).error.message, /locked after too many wrong passwords\. Try again in 15 minutes/);
      assert.equal(fifth.headers['retry-after'], String(15 * 60));
      clock += 10 * MINUTE;
      const right = await jsonRequest(t, 'POST', '/v1/session', { email: 'locked@example.com', password: PASSWORD });
      assertError(right, 429, 'account_locked');
      assert.match(JSON.parse(right.body).error.message, /Try again in 5 minutes/);
      clock += 5 * MINUTE;
      assert.equal((await jsonRequest(t, 'POST', '/v1/session', { email: 'locked@example.com', password: PASSWORD })).statusCode, 200, 'the lock ran out');
      const user = await t.tessera.store.users.findByEmail('locked@example.com');
      assert.deepEqual([user?.failedSignIns, user?.lockedUntil], [0, null], 'a success resets the count');
    });
  });

  describe('set-password links', () => {
    it('an admin\'s reset gives a one-time link that sets the password and signs in; it works once', async () => {
      const created = await jsonRequest(t, 'POST', '/v1/users', { email: 'newbie@example.com', name: 'New Bie', role: 'analyst' }, adminKey);
      assert.equal(created.statusCode, 201, created.body);
      const { user, setPasswordLink } = JSON.parse(created.body);
      assert.equal(user.hasPassword, false);
      assert.match(setPasswordLink.url, /\/admin\/set-password\?token=/);
      assertError(await jsonRequest(t, 'POST', '/v1/session', { email: 'newbie@example.com', password: PASSWORD }), 401, 'unauthorized'); // 'no password yet'
      const set = await jsonRequest(t, 'POST', '/v1/session/set-password', { token: tokenOf(setPasswordLink.url), password: PASSWORD });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(signedInFrom(set).user.role, 'analyst');
      assertError(await jsonRequest(t, 'POST', '/v1/session/set-password', { token: tokenOf(setPasswordLink.url), password: 'another long password' }), 401, 'invalid_token');
      const reset = await jsonRequest(t, 'POST', `/v1/users/${user.id}/password`, undefined, adminKey);
      assert.equal(reset.statusCode, 201, reset.body);
      const again = await jsonRequest(t, 'POST', '/v1/session/set-password', { token: tokenOf(JSON.parse(reset.body).url), password: 'a brand new pass phrase' });
      assert.equal(again.statusCode, 200, again.body);
      assertError(await jsonRequest(t, 'GET', '/v1/session', undefined, { cookie: signedInFrom(set).cookie }), 401, 'unauthorized'); // 'setting the password ends the other sessions'
      assert.equal((await jsonRequest(t, 'POST', '/v1/session', { email: 'newbie@example.com', password: 'a brand new pass phrase' })).statusCode, 200);
    });

    it('one\'s own change asks the current password and ends the other sessions', async () => {
      const a = await userWithRole(t, 'viewer', 'own@example.com');
      const b = await signIn(t, 'own@example.com');
      const wrong = await jsonRequest(t, 'POST', '/v1/session/password', { currentPassword: 'not it', newPassword: 'the next long password' }, a.headers());
      assertError(wrong, 400, 'invalid_body');
      assert.equal(JSON.parse(wrong.body).error.issues[0].field, 'currentPassword');
      const ok = await jsonRequest(t, 'POST', '/v1/session/password', { currentPassword: PASSWORD, newPassword: 'the next long password' }, a.headers());
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((await jsonRequest(t, 'GET', '/v1/session', undefined, { cookie: a.cookie })).statusCode, 200, 'this session stays');
      assertError(await jsonRequest(t, 'GET', '/v1/session', undefined, { cookie: b.cookie }), 401, 'unauthorized');
      assert.equal((await jsonRequest(t, 'POST', '/v1/session', { email: 'own@example.com', password: 'the next long password' })).statusCode, 200);
    });
  });

  describe('users', () => {
    it('disabling a user ends their sessions and refuses their sign-in; the last admin cannot be demoted', async () => {
      const s = await userWithRole(t, 'marketer', 'leaving@example.com');
      const patched = await jsonRequest(t, 'PATCH', `/v1/users/${s.user.id}`, { disabled: true }, adminKey);
      assert.equal(patched.statusCode, 200, patched.body);
      assertError(await jsonRequest(t, 'GET', '/v1/session', undefined, { cookie: s.cookie }), 401, 'unauthorized');
      const refused = await jsonRequest(t, 'POST', '/v1/session', { email: 'leaving@example.com', password: PASSWORD });
      assertError(refused, 403, 'forbidden');
      assert.match(JSON.parse(refused.body).error.message, /disabled/);
      const admin = await signIn(t, 'ada@example.com');
      const demote = await jsonRequest(t, 'PATCH', `/v1/users/${admin.user.id}`, { role: 'viewer' }, admin.headers());
      assertError(demote, 409, 'conflict');
      const bad = await jsonRequest(t, 'PATCH', `/v1/users/${s.user.id}`, { role: 'owner', disabled: 'yes', extra: 1 }, adminKey);
      assertError(bad, 400, 'invalid_body');
      assert.deepEqual(JSON.parse(bad.body).error.issues.map((i: { field: string }) => i.field).sort(), ['disabled', 'extra', 'role']);
      assertError(await jsonRequest(t, 'POST', '/v1/users', { email: 'LEAVING@example.com', name: 'Dup', role: 'viewer' }, adminKey), 409, 'conflict');
    });

    it('writes what a person does to the audit log under their name', async () => {
      const s = await userWithRole(t, 'marketer', 'audited@example.com');
      assert.equal((await jsonRequest(t, 'PUT', '/v1/personalization/settings', {}, s.headers())).statusCode < 500, true);
      await jsonRequest(t, 'POST', '/v1/segments', { id: 'audited-seg', name: 'A', condition: { trait: { key: 'name', op: 'exists' } } }, s.headers());
      const res = await jsonRequest(t, 'GET', '/v1/privacy/audit?limit=100', undefined, adminKey);
      const entries = (JSON.parse(res.body).entries as Array<{ actor: string; action: string; details: Record<string, unknown> }>).filter((e) => e.actor === 'user:audited@example.com');
      assert.ok(entries.some((e) => e.action === 'session.sign_in'), JSON.stringify(entries));
      assert.ok(entries.some((e) => e.action === 'http.request' && e.details.route === '/v1/segments' && e.details.method === 'POST' && e.details.status === 201), JSON.stringify(entries));
    });
  });
}

/** A second app with a low sign-in limit: the address is refused with 429 and Retry-After. */
export function rateLimitSuite(start: Start): void {
  it('limits sign-in attempts per address and minute', async () => {
    const t = await start({ sessions: { idleMinutes: 30, absoluteHours: 12, signInsPerMinute: 3 } });
    try {
      for (let i = 0; i < 3; i++) assertError(await jsonRequest(t, 'POST', '/v1/session', { email: `x${i}@example.com`, password: 'guess guess guess' }), 401, 'unauthorized');
      const limited = await jsonRequest(t, 'POST', '/v1/session', { email: 'x9@example.com', password: 'guess guess guess' });
      assertError(limited, 429, 'too_many_attempts');
      assert.ok(Number(limited.headers['retry-after']) > 0);
      assert.match(JSON.parse(limited.body).error.message, /at most 3 a minute/);
      assert.equal((await t.admin('/v1/segments')).statusCode, 200, 'other routes are not limited');
    } finally {
      await t.close();
    }
  });
}
