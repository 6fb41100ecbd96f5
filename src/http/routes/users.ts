/**
 * Users admin API (issue 19 §1; role admin, or an admin key; docs/admin.md):
 * - GET/POST /v1/users: the workspace's users; a new user gets a one-time set-password link
 *   unless a password is given;
 * - GET/PATCH /v1/users/{id}: one user; change name, role, disabled (disabling ends their
 *   sessions). The last enabled admin of a workspace can be neither demoted nor disabled;
 * - POST /v1/users/{id}/password: an admin's reset: a one-time set-password link (24 hours).
 * Every change is audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROLES } from '../../core/access/roles.js';
import { TesseraError } from '../../core/errors.js';
import { signInLinkUrl, type UserService } from '../../access/users.js';
import type { PrivacyStore } from '../../ports/privacy-store.js';
import type { User, UserStore } from '../../ports/user-store.js';
import type { PublicBase } from '../../public-base.js';
import type { KeyResolver } from '../auth.js';
import { idParams } from '../schemas/query.js';
import { json, routeSchema } from '../schemas/route-docs.js';
import { parseNewUser, parseUserPatch } from '../user-bodies.js';

export interface UserRouteDeps {
  keys: KeyResolver;
  users: UserService;
  store: UserStore;
  audit: PrivacyStore['audit'];
  publicBase: PublicBase;
  now: () => number;
}

const tags = ['Users'];
const iso = { type: ['string', 'null'], format: 'date-time' };
const userAnswer = json({
  id: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', enum: [...ROLES] }, disabled: { type: 'boolean' },
  hasPassword: { type: 'boolean' }, lockedUntil: iso, lastSignInAt: iso, createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
}, ['id', 'email', 'name', 'role', 'disabled', 'hasPassword', 'lockedUntil', 'lastSignInAt', 'createdAt', 'updatedAt']);
const linkAnswer = json({ url: { type: 'string', description: 'The one-time set-password link: single-use, valid 24 hours.' }, expiresAt: { type: 'string', format: 'date-time' } }, ['url', 'expiresAt']);
const roleDoc = { type: 'string', enum: [...ROLES] };
const schemas = {
  list: routeSchema({ summary: 'The workspace\'s users', tags, auth: 'adminKey', response: { 200: json({ users: { type: 'array', items: userAnswer } }, ['users']) } }),
  create: routeSchema({
    summary: 'Add a user; without a password the answer carries a one-time set-password link (audited)', tags, auth: 'adminKey',
    body: json({ email: { type: 'string', maxLength: 254 }, name: { type: 'string', maxLength: 100 }, role: roleDoc, password: { type: 'string', minLength: 12, maxLength: 256 } }, ['email', 'name', 'role']),
    response: { 201: json({ user: userAnswer, setPasswordLink: { ...linkAnswer, type: ['object', 'null'] } }, ['user', 'setPasswordLink']) },
  }),
  get: routeSchema({ summary: 'One user', tags, auth: 'adminKey', params: idParams, response: { 200: userAnswer } }),
  update: routeSchema({
    summary: 'Change a user\'s name, role or disabled (disabling ends their sessions; audited)', tags, auth: 'adminKey', params: idParams,
    body: json({ name: { type: 'string', maxLength: 100 }, role: roleDoc, disabled: { type: 'boolean' } }),
    response: { 200: userAnswer },
  }),
  reset: routeSchema({ summary: 'Reset a user\'s password: a one-time set-password link (audited)', tags, auth: 'adminKey', params: idParams, response: { 201: linkAnswer } }),
};

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
export const presentUser = (u: User) => ({
  id: u.id, email: u.email, name: u.name, role: u.role, disabled: u.disabled, hasPassword: u.passwordHash !== null,
  lockedUntil: isoOrNull(u.lockedUntil), lastSignInAt: isoOrNull(u.lastSignInAt), createdAt: new Date(u.createdAt).toISOString(), updatedAt: new Date(u.updatedAt).toISOString(),
});

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

export function registerUserRoutes(app: FastifyInstance, deps: UserRouteDeps): void {
  const audit = (workspaceId: string, actor: string, action: string, details: Record<string, string | number | boolean>) =>
    deps.audit({ workspaceId, at: deps.now(), actor, action, subject: null, details });
  const find = async (workspaceId: string, id: string) => {
    const user = await deps.store.get(workspaceId, id);
    if (!user) throw new TesseraError('not_found', { message: `This workspace has no user "${id}".` });
    return user;
  };
  const link = async (user: User) => {
    const { token, expiresAt } = await deps.users.issueLink('set-password', user.workspaceId, user.id);
    return { url: signInLinkUrl(deps.publicBase.url, 'set-password', token), expiresAt: new Date(expiresAt).toISOString() };
  };

  app.get('/v1/users', { schema: schemas.list }, async (request) => {
    const { workspaceId } = await deps.keys.admin(request);
    return { users: (await deps.store.list(workspaceId)).map(presentUser) };
  });

  app.post('/v1/users', { schema: schemas.create }, async (request, reply) => {
    const { workspaceId, keyId } = await deps.keys.admin(request);
    const body = parseNewUser(request.body);
    const user = await deps.users.create({ workspaceId, email: body.email, name: body.name, role: body.role, ...(body.password !== undefined ? { password: body.password } : {}) });
    const setPasswordLink = body.password === undefined ? await link(user) : null;
    await audit(workspaceId, keyId, 'user.create', { userId: user.id, role: user.role });
    reply.code(201);
    return { user: presentUser(user), setPasswordLink };
  });

  app.get('/v1/users/:id', { schema: schemas.get }, async (request: IdRequest) => {
    const { workspaceId } = await deps.keys.admin(request);
    return presentUser(await find(workspaceId, request.params.id));
  });

  app.patch('/v1/users/:id', { schema: schemas.update }, async (request: IdRequest) => {
    const { workspaceId, keyId } = await deps.keys.admin(request);
    const patch = parseUserPatch(request.body);
    const before = await find(workspaceId, request.params.id);
    const losesAdmin = before.role === 'admin' && !before.disabled && ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
    if (losesAdmin) {
      const admins = (await deps.store.list(workspaceId)).filter((u) => u.role === 'admin' && !u.disabled);
      if (admins.length <= 1) throw new TesseraError('conflict', { message: 'This is the last enabled administrator of the workspace; make another user admin first.' });
    }
    const user = (await deps.store.update(workspaceId, before.id, patch, deps.now()))!;
    if (patch.disabled === true) await deps.store.deleteSessionsOf(user.id);
    await audit(workspaceId, keyId, 'user.update', { userId: user.id, fields: Object.keys(patch).join(','), ...(patch.role ? { role: patch.role } : {}), ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}) });
    return presentUser(user);
  });

  app.post('/v1/users/:id/password', { schema: schemas.reset }, async (request: IdRequest, reply) => {
    const { workspaceId, keyId } = await deps.keys.admin(request);
    const user = await find(workspaceId, request.params.id);
    const answer = await link(user);
    await audit(workspaceId, keyId, 'user.password_link', { userId: user.id });
    reply.code(201);
    return answer;
  });
}
