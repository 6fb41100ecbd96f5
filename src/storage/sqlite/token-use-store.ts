/**
 * Uses of single-use link tokens in SQLite (see ports/token-use-store.ts). A claim purges expired
 * uses and inserts in one immediate transaction on the store's exclusive writer, so of two claims
 * of one token exactly one inserts; the loser reads the winner's row on the same connection.
 */
import type { TokenClaim, TokenUse, TokenUseStore } from '../../ports/token-use-store.js';
import type { Database } from './database.js';

interface UseRow { workspace_id: string; token_id: string; purpose: string; holder: string; profile_id: string; outcome: string; used_at: number; keep_until: number }

const toUse = (r: UseRow): TokenUse => ({
  workspaceId: r.workspace_id, tokenId: r.token_id, purpose: r.purpose, holder: r.holder, profileId: r.profile_id,
  outcome: JSON.parse(r.outcome) as TokenUse['outcome'], usedAt: r.used_at, keepUntil: r.keep_until,
});

export function createSqliteTokenUseStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>): TokenUseStore {
  const s = {
    insert: writer.prepare(`INSERT INTO token_uses (workspace_id, token_id, purpose, holder, profile_id, outcome, used_at, keep_until)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    get: writer.prepare('SELECT * FROM token_uses WHERE workspace_id = ? AND token_id = ?'),
    purge: writer.prepare('DELETE FROM token_uses WHERE keep_until < ?'),
    usesOf: reader.prepare('SELECT * FROM token_uses WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?)) ORDER BY used_at, token_id'),
  };
  return {
    claim: (u) => exclusive(() => writer.transaction((): TokenClaim => {
      s.purge.run(u.usedAt);
      const inserted = s.insert.run(u.workspaceId, u.tokenId, u.purpose, u.holder, u.profileId, JSON.stringify(u.outcome), u.usedAt, u.keepUntil).changes === 1;
      return inserted ? { first: true } : { first: false, use: toUse(s.get.get(u.workspaceId, u.tokenId) as UseRow) };
    }).immediate()),
    usesOf: async (workspaceId, profileIds) => (s.usesOf.all(workspaceId, JSON.stringify(profileIds)) as UseRow[]).map(toUse),
    purgeExpired: (before) => exclusive(() => s.purge.run(before).changes),
  };
}
