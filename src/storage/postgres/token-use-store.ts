/**
 * Uses of single-use link tokens in PostgreSQL (see ports/token-use-store.ts). The primary key
 * (workspace_id, token_id) decides between concurrent claims: `INSERT … ON CONFLICT DO NOTHING`
 * inserts for exactly one of them, and the others read the winner's committed row.
 */
import type { TokenUse, TokenUseStore } from '../../ports/token-use-store.js';
import type { Pool } from './database.js';
import { inTransaction } from './transaction.js';

interface UseRow { workspace_id: string; token_id: string; purpose: string; holder: string; profile_id: string; outcome: TokenUse['outcome']; used_at: string; keep_until: string }

const toUse = (r: UseRow): TokenUse => ({
  workspaceId: r.workspace_id, tokenId: r.token_id, purpose: r.purpose, holder: r.holder, profileId: r.profile_id,
  outcome: r.outcome, usedAt: Number(r.used_at), keepUntil: Number(r.keep_until),
});

export function createPostgresTokenUseStore(pool: Pool): TokenUseStore {
  return {
    claim(u) {
      return inTransaction(pool, async (client) => {
        await client.query('DELETE FROM token_uses WHERE keep_until < $1', [u.usedAt]);
        const inserted = await client.query(`INSERT INTO token_uses (workspace_id, token_id, purpose, holder, profile_id, outcome, used_at, keep_until)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [u.workspaceId, u.tokenId, u.purpose, u.holder, u.profileId, JSON.stringify(u.outcome), u.usedAt, u.keepUntil]);
        if (inserted.rowCount === 1) return { first: true } as const;
        // ON CONFLICT waited for the winner's commit: its row is visible to this statement.
        const { rows } = await client.query<UseRow>('SELECT * FROM token_uses WHERE workspace_id = $1 AND token_id = $2', [u.workspaceId, u.tokenId]);
        return { first: false, use: toUse(rows[0]!) } as const;
      });
    },
    async usesOf(workspaceId, profileIds) {
      const { rows } = await pool.query<UseRow>('SELECT * FROM token_uses WHERE workspace_id = $1 AND profile_id = ANY($2::text[]) ORDER BY used_at, token_id', [workspaceId, profileIds]);
      return rows.map(toUse);
    },
    async purgeExpired(before) {
      return (await pool.query('DELETE FROM token_uses WHERE keep_until < $1', [before])).rowCount ?? 0;
    },
  };
}
