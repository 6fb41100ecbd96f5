/**
 * Users, sessions and one-time sign-in tokens in PostgreSQL (see ports/user-store.ts). Shared by
 * every server: the failed-sign-in count is incremented in one UPDATE (concurrent failures all
 * count), and a token is redeemed by an UPDATE of its unused row, which only one of concurrent
 * redemptions finds (the others wait for its commit and then see the row used).
 */
import type { Role } from '../../core/access/roles.js';
import type { Session, User, UserStore, UserToken } from '../../ports/user-store.js';
import type { Pool } from './database.js';
import { inTransaction } from './transaction.js';

interface UserRow {
  id: string; workspace_id: string; email: string; name: string; role: string; password_hash: string | null; disabled: boolean;
  failed_sign_ins: number; locked_until: string | null; last_sign_in_at: string | null; created_at: string; updated_at: string;
}
interface SessionRow { id_hash: string; user_id: string; created_at: string; last_seen_at: string }
interface TokenRow { hash: string; purpose: string; workspace_id: string; user_id: string | null; created_at: string; expires_at: string }

const num = (v: string | null) => (v === null ? null : Number(v));
const toUser = (r: UserRow): User => ({
  id: r.id, workspaceId: r.workspace_id, email: r.email, name: r.name, role: r.role as Role, passwordHash: r.password_hash, disabled: r.disabled,
  failedSignIns: r.failed_sign_ins, lockedUntil: num(r.locked_until), lastSignInAt: num(r.last_sign_in_at), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
});
const toSession = (r: SessionRow): Session => ({ idHash: r.id_hash, userId: r.user_id, createdAt: Number(r.created_at), lastSeenAt: Number(r.last_seen_at) });
const toToken = (r: TokenRow): UserToken => ({
  hash: r.hash, purpose: r.purpose as UserToken['purpose'], workspaceId: r.workspace_id, userId: r.user_id, createdAt: Number(r.created_at), expiresAt: Number(r.expires_at),
});

export function createPostgresUserStore(pool: Pool): UserStore {
  const first = async (sql: string, values: unknown[]) => {
    const { rows } = await pool.query<UserRow>(sql, values);
    return rows[0] ? toUser(rows[0]) : null;
  };
  return {
    create: (u) => first(`INSERT INTO users (id, workspace_id, email, name, role, password_hash, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT DO NOTHING RETURNING *`, [u.id, u.workspaceId, u.email, u.name, u.role, u.passwordHash, u.createdAt]),
    get: (workspaceId, id) => first('SELECT * FROM users WHERE workspace_id = $1 AND id = $2', [workspaceId, id]),
    findByEmail: (email) => first('SELECT * FROM users WHERE email = $1', [email]),
    async list(workspaceId) {
      const { rows } = await pool.query<UserRow>('SELECT * FROM users WHERE workspace_id = $1 ORDER BY email', [workspaceId]);
      return rows.map(toUser);
    },
    async count() {
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM users');
      return Number(rows[0]!.n);
    },
    update: (workspaceId, id, patch, at) => first(`UPDATE users SET name = coalesce($3, name), role = coalesce($4, role), disabled = coalesce($5, disabled),
      password_hash = CASE WHEN $6 THEN $7 ELSE password_hash END, updated_at = $8 WHERE workspace_id = $1 AND id = $2 RETURNING *`,
    [workspaceId, id, patch.name ?? null, patch.role ?? null, patch.disabled ?? null, patch.passwordHash !== undefined, patch.passwordHash ?? null, at]),
    async recordFailedSignIn(id, at, policy) {
      const { rows } = await pool.query<{ failed_sign_ins: number; locked_until: string | null }>(`UPDATE users SET failed_sign_ins = failed_sign_ins + 1,
        locked_until = CASE WHEN failed_sign_ins + 1 >= $2 THEN $3::bigint + $4::bigint ELSE locked_until END WHERE id = $1
        RETURNING failed_sign_ins, locked_until`, [id, policy.maxFailures, at, policy.lockMs]);
      return { failedSignIns: rows[0]?.failed_sign_ins ?? 0, lockedUntil: num(rows[0]?.locked_until ?? null) };
    },
    async recordSignIn(id, at) {
      await pool.query('UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = $2 WHERE id = $1', [id, at]);
    },
    createSession: (session, staleBefore) => inTransaction(pool, async (client) => {
      await client.query('DELETE FROM user_sessions WHERE last_seen_at < $1', [staleBefore]);
      await client.query('INSERT INTO user_sessions (id_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)', [session.idHash, session.userId, session.createdAt, session.lastSeenAt]);
    }),
    async findSession(idHash) {
      const { rows } = await pool.query<SessionRow & { user: UserRow }>(`SELECT s.*, to_jsonb(u.*) AS user FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`, [idHash]);
      const row = rows[0];
      if (!row) return null;
      return { session: toSession(row), user: toUser(row.user) };
    },
    async touchSession(idHash, at) {
      await pool.query('UPDATE user_sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2', [idHash, at]);
    },
    async deleteSession(idHash) {
      await pool.query('DELETE FROM user_sessions WHERE id_hash = $1', [idHash]);
    },
    async deleteSessionsOf(userId, keep = '') {
      return (await pool.query('DELETE FROM user_sessions WHERE user_id = $1 AND id_hash <> $2', [userId, keep])).rowCount ?? 0;
    },
    issueToken: (t) => inTransaction(pool, async (client) => {
      await client.query('DELETE FROM user_tokens WHERE expires_at < $1', [t.createdAt]);
      await client.query('DELETE FROM user_tokens WHERE purpose = $1 AND user_id IS NOT DISTINCT FROM $2 AND used_at IS NULL', [t.purpose, t.userId]);
      await client.query('INSERT INTO user_tokens (hash, purpose, workspace_id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [t.hash, t.purpose, t.workspaceId, t.userId, t.createdAt, t.expiresAt]);
    }),
    async redeemToken(hash, purpose, at) {
      const { rows } = await pool.query<TokenRow>('UPDATE user_tokens SET used_at = $3 WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 RETURNING *', [hash, purpose, at]);
      return rows[0] ? toToken(rows[0]) : null;
    },
    async liveToken(purpose, at) {
      const { rows } = await pool.query<TokenRow>('SELECT * FROM user_tokens WHERE purpose = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY created_at DESC LIMIT 1', [purpose, at]);
      return rows[0] ? toToken(rows[0]) : null;
    },
  };
}
