/**
 * Users of the admin app: creating them, signing in (with the lock-out of
 * core/access/sign-in-policy.ts), passwords, and the one-time links that set a password or create
 * the first administrator (their threat model: links/link-lifetimes.ts). No HTTP here; the routes
 * and the CLI call this.
 */
import { TesseraError } from '../core/errors.js';
import type { Role } from '../core/access/roles.js';
import { isLocked, LOCK_MINUTES, MAX_FAILED_SIGN_INS, normalizeEmail } from '../core/access/sign-in-policy.js';
import { newTimeOrderedId } from '../ids.js';
import { SIGN_IN_LINK_TTL_MS } from '../links/link-lifetimes.js';
import type { TokenPurpose, User, UserStore } from '../ports/user-store.js';
import { burnVerification, hashPassword, verifyPassword } from './passwords.js';
import { newSecret, secretHash } from './secrets.js';

export const LINK_PATHS: Record<TokenPurpose, string> = { welcome: '/admin/welcome', 'set-password': '/admin/set-password' };

/** `<base>/admin/welcome?token=…` or `<base>/admin/set-password?token=…`; `base` from configuration only. */
export const signInLinkUrl = (base: string, purpose: TokenPurpose, token: string) => `${base}${LINK_PATHS[purpose]}?token=${token}`;

export type SignInOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'wrong' }
  | { ok: false; reason: 'locked'; until: number; user: User }
  | { ok: false; reason: 'disabled'; user: User };

export interface UserServiceDeps {
  users: UserStore;
  now: () => number;
}

export interface NewUserInput {
  workspaceId: string;
  email: string;
  name: string;
  role: Role;
  /** Absent: the user sets one through a set-password link. */
  password?: string;
}

export function createUserService(deps: UserServiceDeps) {
  const { users, now } = deps;

  async function create(input: NewUserInput): Promise<User> {
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    const user = await users.create({ id: newTimeOrderedId('usr_'), workspaceId: input.workspaceId, email: normalizeEmail(input.email), name: input.name.trim(), role: input.role, passwordHash, createdAt: now() });
    if (!user) throw new TesseraError('conflict', { message: `A user with the e-mail ${normalizeEmail(input.email)} exists already.`, issues: [{ field: 'email', reason: 'is taken by another user' }] });
    return user;
  }

  /** Checks the password; counts failures and locks per the policy; a locked or disabled account is refused even with the right password. */
  async function signIn(email: string, password: string): Promise<SignInOutcome> {
    const user = await users.findByEmail(normalizeEmail(email));
    if (!user || !user.passwordHash) {
      await burnVerification(password);
      return { ok: false, reason: 'wrong' };
    }
    const at = now();
    if (isLocked(user, at)) return { ok: false, reason: 'locked', until: user.lockedUntil!, user };
    if (!(await verifyPassword(user.passwordHash, password))) {
      const state = await users.recordFailedSignIn(user.id, at, { maxFailures: MAX_FAILED_SIGN_INS, lockMs: LOCK_MINUTES * 60_000 });
      if (isLocked(state, at)) return { ok: false, reason: 'locked', until: state.lockedUntil!, user };
      return { ok: false, reason: 'wrong' };
    }
    if (user.disabled) return { ok: false, reason: 'disabled', user };
    await users.recordSignIn(user.id, at);
    return { ok: true, user };
  }

  /** A new one-time link token (the newest of its kind for the user retires the older ones). */
  async function issueLink(purpose: TokenPurpose, workspaceId: string, userId: string | null): Promise<{ token: string; expiresAt: number }> {
    const token = newSecret();
    const at = now();
    const expiresAt = at + SIGN_IN_LINK_TTL_MS[purpose];
    await users.issueToken({ hash: secretHash(token), purpose, workspaceId, userId, createdAt: at, expiresAt });
    return { token, expiresAt };
  }

  const invalidLink = (what: string) => new TesseraError('invalid_token', { message: `The ${what} link is not valid: used already, expired, replaced by a newer one, or mistyped. Ask an administrator for a new one.` });

  /** Sets the password of the link's user (and unlocks the account); the link is used up. */
  async function redeemSetPassword(token: string, password: string): Promise<User> {
    const redeemed = await users.redeemToken(secretHash(token), 'set-password', now());
    if (!redeemed || !redeemed.userId) throw invalidLink('set-password');
    const user = await users.update(redeemed.workspaceId, redeemed.userId, { passwordHash: await hashPassword(password) }, now());
    if (!user) throw invalidLink('set-password');
    await users.recordSignIn(user.id, now());
    await users.deleteSessionsOf(user.id);
    return user;
  }

  /**
   * Creates the first administrator with the welcome link. The link is redeemed first (once, of
   * concurrent attempts exactly one); it is refused while any user exists (an old link printed
   * before someone else created an account).
   */
  async function redeemWelcome(token: string, input: Omit<NewUserInput, 'role' | 'workspaceId'> & { password: string }): Promise<User> {
    if ((await users.count()) > 0) throw invalidLink('welcome');
    const redeemed = await users.redeemToken(secretHash(token), 'welcome', now());
    if (!redeemed) throw invalidLink('welcome');
    return create({ ...input, workspaceId: redeemed.workspaceId, role: 'admin' });
  }

  /** The user's own change: the current password must be right (a stolen session alone cannot take over the account). */
  async function changePassword(user: User, current: string, next: string): Promise<User> {
    if (!user.passwordHash || !(await verifyPassword(user.passwordHash, current))) {
      throw new TesseraError('invalid_body', { message: 'The current password is not right; nothing was changed.', issues: [{ field: 'currentPassword', reason: 'is not the current password' }] });
    }
    return (await users.update(user.workspaceId, user.id, { passwordHash: await hashPassword(next) }, now()))!;
  }

  return { create, signIn, issueLink, redeemSetPassword, redeemWelcome, changePassword };
}

export type UserService = ReturnType<typeof createUserService>;
