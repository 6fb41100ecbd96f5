/**
 * Signed-in people on the admin API (issue 19 §1). Every route documented with the `session`
 * security scheme (every admin route, and the routes of one's own session) passes this hook
 * before its body is read:
 * - a request with `Authorization: Bearer …` on an admin route is a machine: the route checks the
 *   key itself, as before users existed, and the key acts as admin;
 * - otherwise the session cookie is looked up (access/sessions.ts): an ended session is a 401
 *   saying why, and the cookie is cleared;
 * - a state-changing request (anything but GET/HEAD/OPTIONS) must carry the session's CSRF token in
 *   `x-csrf-token` (the synchronizer-token pattern of OWASP's CSRF cheat sheet, the token derived
 *   from the session id; SameSite=Strict is the second layer): missing or wrong is a 403;
 * - the route's requirement (core/access/route-policy.ts, by its tags and method) is checked
 *   against the user's role: a refusal is a 403 `forbidden` naming the role needed, and audited.
 * The signed-in user then is `request.principal`; KeyResolver.admin() answers it to the route, so
 * the route's own audit entries name the user (`user:<e-mail>`), and every state-changing request
 * of a user is audited here before it is answered (`http.request`: method, route, status).
 *
 * @fastify/csrf-protection is not used: it needs either @fastify/session or a secret cookie (a
 * double-submit), while our sessions are already server-side and carry their own token.
 */
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allows, refusal, requirementFor } from '../core/access/route-policy.js';
import { TesseraError } from '../core/errors.js';
import type { SessionService } from '../access/sessions.js';
import { sameSecret } from '../access/secrets.js';
import type { User } from '../ports/user-store.js';
import type { PrivacyStore } from '../ports/privacy-store.js';
import { bearerToken } from './auth.js';

export const SESSION_COOKIE = 'tessera_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Who is calling, once the session hook has accepted a signed-in user. */
export interface Principal {
  workspaceId: string;
  /** The audit log's actor: `user:<e-mail>`. */
  actor: string;
  user: User;
  /** The session's id hash and CSRF token (for GET /v1/session and signing out). */
  sessionIdHash: string;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const actorOf = (user: Pick<User, 'email'>) => `user:${user.email}`;

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SessionAuthDeps {
  sessions: SessionService;
  audit: PrivacyStore['audit'];
  now: () => number;
  /** Secure cookies: when the configured public URL is https. */
  secure: boolean;
}

/** The documented path of a Fastify route pattern: `/v1/segments/:id` → `/v1/segments/{id}`. */
export const documentedPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const ENDED: Record<string, string> = {
  idle: 'Your session ended after a time without activity; sign in again.',
  absolute: 'Your session reached its maximum length; sign in again.',
  disabled: 'Your account is disabled; ask an administrator.',
};

export async function registerSessionAuth(app: FastifyInstance, deps: SessionAuthDeps): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request, reply) => {
    const security = (request.routeOptions.schema?.security ?? []) as Array<Record<string, unknown>>;
    const schemes = security.flatMap((r) => Object.keys(r));
    if (!schemes.includes('session')) return;
    if (schemes.includes('adminKey') && bearerToken(request.headers.authorization)) return;
    const sessionId = request.cookies[SESSION_COOKIE];
    if (!sessionId) return; // the route answers 401
    const resolved = await deps.sessions.resolve(sessionId);
    if (resolved.state !== 'active') {
      clearSessionCookie(reply, deps.secure);
      throw new TesseraError('unauthorized', { message: resolved.state === 'ended' ? ENDED[resolved.reason] : 'You are not signed in (the session is unknown or signed out); sign in again.' });
    }
    const { user } = resolved;
    const actor = actorOf(user);
    if (!SAFE.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, resolved.csrfToken)) {
        throw new TesseraError('forbidden', { message: `A change made with the session cookie needs the session's CSRF token in the ${CSRF_HEADER} header (from POST or GET /v1/session); it is ${typeof sent === 'string' ? 'wrong' : 'missing'}.` });
      }
    }
    if (schemes.includes('adminKey')) {
      const path = documentedPath(request.routeOptions.url ?? request.url);
      const requirement = requirementFor({ method: request.method, path, tags: (request.routeOptions.schema?.tags ?? []) as string[] });
      if (!allows(requirement, user.role)) {
        await deps.audit({ workspaceId: user.workspaceId, at: deps.now(), actor, action: 'access.refused', subject: null, details: { method: request.method, route: path, role: user.role } });
        throw new TesseraError('forbidden', { message: refusal(requirement, user.role) });
      }
    }
    request.principal = { workspaceId: user.workspaceId, actor, user, sessionIdHash: resolved.idHash, csrfToken: resolved.csrfToken };
  });

  // onSend, not onResponse: the entry is written before the person sees the answer.
  app.addHook('onSend', async (request, reply, payload) => {
    const principal = request.principal;
    if (!principal || SAFE.has(request.method)) return payload;
    try {
      await deps.audit({
        workspaceId: principal.workspaceId, at: deps.now(), actor: principal.actor, action: 'http.request', subject: null,
        details: { method: request.method, route: documentedPath(request.routeOptions.url ?? ''), status: reply.statusCode },
      });
    } catch (error) {
      request.log.error({ err: error }, 'writing the audit entry of a user\'s request failed');
    }
    return payload;
  });
}

export function setSessionCookie(reply: FastifyReply, sessionId: string, options: { secure: boolean; maxAgeSeconds: number }): void {
  reply.setCookie(SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'strict', secure: options.secure, path: '/', maxAge: options.maxAgeSeconds });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}

/** The signed-in user of a session-only route, or 401. */
export function signedIn(request: FastifyRequest): Principal {
  if (!request.principal) throw new TesseraError('unauthorized', { message: 'You are not signed in: POST /v1/session with your e-mail and password.' });
  return request.principal;
}
