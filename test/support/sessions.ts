/** Signing in, in tests: users made through the real API (welcome link, POST /v1/users) and their session cookie + CSRF token. */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/core/access/roles.js';
import { issueWelcomeLink } from '../../src/access/welcome.js';
import { ADMIN_KEY, type TesseraUnderTest } from './tessera-under-test.js';

export const PASSWORD = 'correct horse battery staple';

export interface SignedIn {
  cookie: string;
  csrfToken: string;
  user: { id: string; email: string; name: string; role: Role };
  /** Headers of a request with this session (and its CSRF token). */
  headers(extra?: Record<string, string>): Record<string, string>;
}

/** The `name=value` of the session cookie a response set, and its attributes. */
export function sessionCookieOf(res: LightMyRequestResponse): { pair: string; attributes: string[] } {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header ? [header] : [];
  const line = all.find((c) => c.startsWith('tessera_session='));
  assert.ok(line, `no session cookie in ${JSON.stringify(all)}`);
  const [pair, ...attributes] = line.split(';').map((p) => p.trim());
  return { pair: pair!, attributes };
}

export function signedInFrom(res: LightMyRequestResponse): SignedIn {
  const body = JSON.parse(res.body) as { user: SignedIn['user']; csrfToken: string };
  const cookie = sessionCookieOf(res).pair;
  return {
    cookie, csrfToken: body.csrfToken, user: body.user,
    headers: (extra = {}) => ({ cookie, 'x-csrf-token': body.csrfToken, ...extra }),
  };
}

export const jsonRequest = (t: TesseraUnderTest, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body: unknown, headers: Record<string, string> = {}) =>
  t.inject({ method, url, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });

export async function signIn(t: TesseraUnderTest, email: string, password = PASSWORD): Promise<SignedIn> {
  const res = await jsonRequest(t, 'POST', '/v1/session', { email, password });
  assert.equal(res.statusCode, 200, res.body);
  return signedInFrom(res);
}

/** Creates a user with the admin key and signs them in. */
export async function userWithRole(t: TesseraUnderTest, role: Role, email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`): Promise<SignedIn> {
  const res = await jsonRequest(t, 'POST', '/v1/users', { email, name: `The ${role}`, role, password: PASSWORD }, { authorization: `Bearer ${ADMIN_KEY}` });
  assert.equal(res.statusCode, 201, res.body);
  return signIn(t, email);
}

/** The first administrator, through the welcome link as a new installation has it. */
export async function firstAdmin(t: TesseraUnderTest, email = 'first-admin@example.com'): Promise<SignedIn> {
  const { url } = await issueWelcomeLink(t.tessera.store.users, { workspaceId: 'default', baseUrl: 'http://localhost:8780', now: Date.now() });
  const token = new URL(url).searchParams.get('token')!;
  const res = await jsonRequest(t, 'POST', '/v1/session/welcome', { token, email, name: 'First Admin', password: PASSWORD });
  assert.equal(res.statusCode, 201, res.body);
  return signedInFrom(res);
}
