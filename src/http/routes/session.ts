/**
 * Signing in to the admin app (issue 19 §1; docs/admin.md):
 * - POST /v1/session {email, password}: sets the HttpOnly session cookie, answers the user and
 *   the session's CSRF token; wrong e-mail or password is one 401 (which was wrong is not said);
 *   a locked account is 429 `account_locked` saying until when; too many attempts from one address
 *   is 429 `too_many_attempts`;
 * - GET /v1/session: the signed-in user and the CSRF token (401 when not signed in);
 * - DELETE /v1/session: signs out (the session is deleted on the server);
 * - POST /v1/session/password: one's own password change (the current one is asked; other
 *   sessions of the user end);
 * - POST /v1/session/welcome: the first administrator, with the link `npm start` printed;
 * - POST /v1/session/set-password: a set-password link (an admin's reset or a new account).
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { ROLES } from '../../core/access/roles.js';
import { accessOf } from '../../core/access/route-policy.js';
import type { SessionService } from '../../access/sessions.js';
import type { UserService } from '../../access/users.js';
import type { PrivacyStore } from '../../ports/privacy-store.js';
import type { User } from '../../ports/user-store.js';
import { actorOf, clearSessionCookie, setSessionCookie, signedIn, SESSION_COOKIE } from '../session-auth.js';
import { json, routeSchema } from '../schemas/route-docs.js';
import { parseOwnPassword, parseSetPassword, parseSignIn, parseWelcome } from '../user-bodies.js';

export interface SessionRouteDeps {
  users: UserService;
  sessions: SessionService;
  audit: PrivacyStore['audit'];
  now: () => number;
  secure: boolean;
  signInsPerMinute: number;
}

const tags = ['Session'];
const sessionUser = json({ id: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', enum: [...ROLES] } }, ['id', 'email', 'name', 'role']);
const sessionAnswer = json({
  user: sessionUser,
  csrfToken: { type: 'string', description: 'Send it as `x-csrf-token` with every request that changes something.' },
  access: {
    type: 'object', description: 'Per API surface (tag of the API reference): whether the role may read and change it, to show only what the person may use (the API still decides each request).',
    additionalProperties: json({ read: { type: 'boolean' }, change: { type: 'boolean' } }, ['read', 'change']),
  },
}, ['user', 'csrfToken', 'access']);
const str = (description: string, extra: object = {}) => ({ type: 'string', description, ...extra });
const schemas = {
  signIn: routeSchema({
    summary: 'Sign in with e-mail and password: sets the session cookie (audited)', tags, auth: 'none',
    description: 'Sets `tessera_session` (HttpOnly, SameSite=Strict, Secure when the public URL is https, Path=/). After 5 wrong passwords in a row the account is locked for 15 minutes (429 `account_locked`); 10 attempts a minute per client address (429 `too_many_attempts`).',
    body: json({ email: str('The account\'s e-mail.', { maxLength: 254 }), password: str('The password.', { maxLength: 256 }) }, ['email', 'password']),
    response: { 200: sessionAnswer },
  }),
  current: routeSchema({ summary: 'The signed-in user and the session\'s CSRF token', tags, auth: 'session', response: { 200: sessionAnswer } }),
  signOut: routeSchema({ summary: 'Sign out: ends the session on the server and clears the cookie', tags, auth: 'session', response: { 200: json({ signedOut: { type: 'boolean' } }, ['signedOut']) } }),
  ownPassword: routeSchema({
    summary: 'Change one\'s own password (the current one is asked); other sessions of the user end (audited)', tags, auth: 'session',
    body: json({ currentPassword: str('The password now.'), newPassword: str('At least 12 characters, at most 256.', { minLength: 12, maxLength: 256 }) }, ['currentPassword', 'newPassword']),
    response: { 200: sessionAnswer },
  }),
  welcome: routeSchema({
    summary: 'Create the first administrator with the one-time link `npm start` printed, and sign in (audited)', tags, auth: 'link-token',
    description: 'The token of `<public URL>/admin/welcome?token=…`: single-use, valid 60 minutes, only while no user exists.',
    body: json({ token: str('The token of the welcome link.'), email: str('E-mail of the administrator.', { maxLength: 254 }), name: str('Their name.', { maxLength: 100 }), password: str('At least 12 characters, at most 256.', { minLength: 12, maxLength: 256 }) }, ['token', 'email', 'name', 'password']),
    response: { 201: sessionAnswer },
  }),
  setPassword: routeSchema({
    summary: 'Set the password with a one-time set-password link, and sign in (audited)', tags, auth: 'link-token',
    description: 'The token of `<public URL>/admin/set-password?token=…` (from POST /v1/users, POST /v1/users/{id}/password or `tessera users`): single-use, valid 24 hours.',
    body: json({ token: str('The token of the link.'), password: str('At least 12 characters, at most 256.', { minLength: 12, maxLength: 256 }) }, ['token', 'password']),
    response: { 200: sessionAnswer },
  }),
};

export const presentSessionUser = (u: User) => ({ id: u.id, email: u.email, name: u.name, role: u.role });

export async function registerSessionRoutes(app: FastifyInstance, deps: SessionRouteDeps): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    // The in-memory counter is per server; the per-account lock-out (in the store) is shared by all.
    errorResponseBuilder: (_request, context) => new TesseraError('too_many_attempts', {
      message: `Too many sign-in attempts from this address: at most ${context.max} a minute. Retry in ${Math.ceil(context.ttl / 1000)} seconds.`,
      retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)),
    }),
  });
  const limited = { rateLimit: { max: deps.signInsPerMinute, timeWindow: 60_000 } };
  const audit = (user: User, action: string, details: Record<string, string | number | boolean> = {}) =>
    deps.audit({ workspaceId: user.workspaceId, at: deps.now(), actor: actorOf(user), action, subject: null, details: { userId: user.id, ...details } });
  const start = async (reply: FastifyReply, user: User) => {
    const { sessionId, csrfToken } = await deps.sessions.start(user);
    setSessionCookie(reply, sessionId, { secure: deps.secure, maxAgeSeconds: Math.floor(deps.sessions.limits.absoluteMs / 1000) });
    return { user: presentSessionUser(user), csrfToken, access: accessOf(user.role) };
  };

  app.post('/v1/session', { schema: schemas.signIn, config: limited }, async (request, reply) => {
    const body = parseSignIn(request.body);
    const outcome = await deps.users.signIn(body.email, body.password);
    if (!outcome.ok) {
      if (outcome.reason !== 'wrong') await audit(outcome.user, 'session.sign_in_refused', { reason: outcome.reason });
      if (outcome.reason === 'locked') {
        const minutes = Math.max(1, Math.ceil((outcome.until - deps.now()) / 60_000));
        throw new TesseraError('account_locked', {
          message: `This account is locked after too many wrong passwords. Try again in ${minutes} minute${minutes === 1 ? '' : 's'} (at ${new Date(outcome.until).toISOString()}), or ask an administrator for a set-password link.`,
          retryAfterSeconds: Math.max(1, Math.ceil((outcome.until - deps.now()) / 1000)),
        });
      }
      if (outcome.reason === 'disabled') throw new TesseraError('forbidden', { message: 'This account is disabled; ask an administrator.' });
      throw new TesseraError('unauthorized', { message: 'The e-mail or the password is not right.' });
    }
    await audit(outcome.user, 'session.sign_in');
    return start(reply, outcome.user);
  });

  app.get('/v1/session', { schema: schemas.current }, async (request) => {
    const principal = signedIn(request);
    return { user: presentSessionUser(principal.user), csrfToken: principal.csrfToken, access: accessOf(principal.user.role) };
  });

  app.delete('/v1/session', { schema: schemas.signOut }, async (request, reply) => {
    const principal = signedIn(request);
    await deps.sessions.end(request.cookies[SESSION_COOKIE]!);
    clearSessionCookie(reply, deps.secure);
    await audit(principal.user, 'session.sign_out');
    return { signedOut: true };
  });

  app.post('/v1/session/password', { schema: schemas.ownPassword }, async (request: FastifyRequest) => {
    const principal = signedIn(request);
    const body = parseOwnPassword(request.body);
    const user = await deps.users.changePassword(principal.user, body.currentPassword, body.newPassword);
    await deps.sessions.endOthers(user.id, principal.sessionIdHash);
    await audit(user, 'user.password_change');
    return { user: presentSessionUser(user), csrfToken: principal.csrfToken, access: accessOf(user.role) };
  });

  app.post('/v1/session/welcome', { schema: schemas.welcome, config: limited }, async (request, reply) => {
    const body = parseWelcome(request.body);
    const user = await deps.users.redeemWelcome(body.token, body);
    await audit(user, 'user.first_admin');
    reply.code(201);
    return start(reply, user);
  });

  app.post('/v1/session/set-password', { schema: schemas.setPassword, config: limited }, async (request, reply) => {
    const body = parseSetPassword(request.body);
    const user = await deps.users.redeemSetPassword(body.token, body.password);
    await audit(user, 'user.password_set');
    if (user.disabled) throw new TesseraError('forbidden', { message: 'The password is set, but this account is disabled; ask an administrator.' });
    return start(reply, user);
  });
}
