/**
 * Users, sessions and one-time sign-in tokens in SQLite (see ports/user-store.ts). Writes run on
 * the store's exclusive writer, so a redemption (an UPDATE of an unused row) happens once; reads of
 * sessions use the writer too, so a session is found right after its sign-in.
 */
import type { Role } from '../../core/access/roles.js';
import type { Session, User, UserStore, UserToken } from '../../ports/user-store.js';
import type { Database } from './database.js';

interface UserRow {
  id: string; workspace_id: string; email: string; name: string; role: string; password_hash: string | null; disabled: number;
  failed_sign_ins: number; locked_until: number | null; last_sign_in_at: number | null; created_at: number; updated_at: number;
}
interface SessionRow { id_hash: string; user_id: string; created_at: number; last_seen_at: number }
interface TokenRow { hash: string; purpose: string; workspace_id: string; user_id: string | null; created_at: number; expires_at: number }

const toUser = (r: UserRow): User => ({
  id: r.id, workspaceId: r.workspace_id, email: r.email, name: r.name, role: r.role as Role, passwordHash: r.password_hash, disabled: r.disabled === 1,
  failedSignIns: r.failed_sign_ins, lockedUntil: r.locked_until, lastSignInAt: r.last_sign_in_at, createdAt: r.created_at, updatedAt: r.updated_at,
});
const toSession = (r: SessionRow): Session => ({ idHash: r.id_hash, userId: r.user_id, createdAt: r.created_at, lastSeenAt: r.last_seen_at });
const toToken = (r: TokenRow): UserToken => ({
  hash: r.hash, purpose: r.purpose as UserToken['purpose'], workspaceId: r.workspace_id, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at,
});

export function createSqliteUserStore(writer: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>, durably: <T>(fn: () => T) => Promise<T>): UserStore {
  const s = {
    insert: writer.prepare(`INSERT INTO users (id, workspace_id, email, name, role, password_hash, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    get: writer.prepare('SELECT * FROM users WHERE workspace_id = ? AND id = ?'),
    byId: writer.prepare('SELECT * FROM users WHERE id = ?'),
    byEmail: writer.prepare('SELECT * FROM users WHERE email = ?'),
    list: writer.prepare('SELECT * FROM users WHERE workspace_id = ? ORDER BY email'),
    count: writer.prepare('SELECT count(*) AS n FROM users'),
    update: writer.prepare(`UPDATE users SET name = coalesce(@name, name), role = coalesce(@role, role), disabled = coalesce(@disabled, disabled),
      password_hash = CASE WHEN @setPassword = 1 THEN @passwordHash ELSE password_hash END, updated_at = @at WHERE workspace_id = @workspaceId AND id = @id`),
    fail: writer.prepare(`UPDATE users SET failed_sign_ins = failed_sign_ins + 1,
      locked_until = CASE WHEN failed_sign_ins + 1 >= @max THEN @at + @lockMs ELSE locked_until END WHERE id = @id
      RETURNING failed_sign_ins, locked_until`),
    signIn: writer.prepare('UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = ? WHERE id = ?'),
    insertSession: writer.prepare('INSERT INTO user_sessions (id_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)'),
    purgeSessions: writer.prepare('DELETE FROM user_sessions WHERE last_seen_at < ?'),
    findSession: writer.prepare('SELECT * FROM user_sessions WHERE id_hash = ?'),
    touch: writer.prepare('UPDATE user_sessions SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?'),
    deleteSession: writer.prepare('DELETE FROM user_sessions WHERE id_hash = ?'),
    deleteSessionsOf: writer.prepare('DELETE FROM user_sessions WHERE user_id = ? AND id_hash <> ?'),
    dropTokens: writer.prepare('DELETE FROM user_tokens WHERE purpose = ? AND user_id IS ? AND used_at IS NULL'),
    purgeTokens: writer.prepare('DELETE FROM user_tokens WHERE expires_at < ?'),
    insertToken: writer.prepare('INSERT INTO user_tokens (hash, purpose, workspace_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)'),
    redeem: writer.prepare('UPDATE user_tokens SET used_at = ? WHERE hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ? RETURNING *'),
    live: writer.prepare('SELECT * FROM user_tokens WHERE purpose = ? AND used_at IS NULL AND expires_at > ? ORDER BY created_at DESC LIMIT 1'),
  };
  const one = (row: unknown) => (row ? toUser(row as UserRow) : null);
  return {
    create: (u) => durably(() => {
      const inserted = s.insert.run(u.id, u.workspaceId, u.email, u.name, u.role, u.passwordHash, u.createdAt, u.createdAt).changes === 1;
      return inserted ? one(s.byId.get(u.id)) : null;
    }),
    get: async (workspaceId, id) => one(s.get.get(workspaceId, id)),
    findByEmail: async (email) => one(s.byEmail.get(email)),
    list: async (workspaceId) => (s.list.all(workspaceId) as UserRow[]).map(toUser),
    count: async () => (s.count.get() as { n: number }).n,
    update: (workspaceId, id, patch, at) => durably(() => {
      const changed = s.update.run({
        workspaceId, id, at, name: patch.name ?? null, role: patch.role ?? null,
        disabled: patch.disabled === undefined ? null : patch.disabled ? 1 : 0,
        setPassword: patch.passwordHash === undefined ? 0 : 1, passwordHash: patch.passwordHash ?? null,
      }).changes;
      return changed ? one(s.get.get(workspaceId, id)) : null;
    }),
    recordFailedSignIn: (id, at, policy) => durably(() => {
      const row = s.fail.get({ id, at, max: policy.maxFailures, lockMs: policy.lockMs }) as { failed_sign_ins: number; locked_until: number | null } | undefined;
      return { failedSignIns: row?.failed_sign_ins ?? 0, lockedUntil: row?.locked_until ?? null };
    }),
    recordSignIn: (id, at) => durably(() => { s.signIn.run(at, id); }),
    createSession: (session, staleBefore) => durably(() => writer.transaction(() => {
      s.purgeSessions.run(staleBefore);
      s.insertSession.run(session.idHash, session.userId, session.createdAt, session.lastSeenAt);
    }).immediate()),
    findSession: async (idHash) => {
      const row = s.findSession.get(idHash) as SessionRow | undefined;
      if (!row) return null;
      const user = one(s.byId.get(row.user_id));
      return user ? { session: toSession(row), user } : null;
    },
    // Not durable: a lost touch after a power cut only makes a session look idle a little earlier.
    touchSession: (idHash, at) => exclusive(() => { s.touch.run(at, idHash, at); }),
    deleteSession: (idHash) => durably(() => { s.deleteSession.run(idHash); }),
    deleteSessionsOf: (userId, keep = '') => durably(() => s.deleteSessionsOf.run(userId, keep).changes),
    issueToken: (t) => durably(() => writer.transaction(() => {
      s.purgeTokens.run(t.createdAt);
      s.dropTokens.run(t.purpose, t.userId);
      s.insertToken.run(t.hash, t.purpose, t.workspaceId, t.userId, t.createdAt, t.expiresAt);
    }).immediate()),
    redeemToken: (hash, purpose, at) => durably(() => {
      const row = s.redeem.get(at, hash, purpose, at) as TokenRow | undefined;
      return row ? toToken(row) : null;
    }),
    liveToken: async (purpose, at) => {
      const row = s.live.get(purpose, at) as TokenRow | undefined;
      return row ? toToken(row) : null;
    },
  };
}
