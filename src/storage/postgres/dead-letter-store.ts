/** Dead letters in PostgreSQL (ports/dead-letter-store.ts). */
import type { TrackedEvent } from '../../core/events/event.js';
import type { IdentityKey } from '../../core/identity/identity-key.js';
import type { DeadLetter, DeadLetterStore } from '../../ports/dead-letter-store.js';
import { afterDeadLetter, deadLetterCursor } from '../shared/dead-letter-codec.js';
import type { Pool } from './database.js';
import { inTransaction } from './transaction.js';

interface Row { workspace_id: string; id: string; event: TrackedEvent; error: string; failed_at: string; attempts: number; keys: IdentityKey[] }

const SELECT = `SELECT d.*, coalesce((SELECT json_agg(json_build_object('kind', k.kind, 'value', k.value)) FROM dead_letter_keys k
  WHERE k.workspace_id = d.workspace_id AND k.dead_letter_id = d.id), '[]') AS keys FROM dead_letters d`;
/** Letters naming one of the identifiers ($1 workspace, $2 kinds, $3 values, pairwise). */
const NAMING = `SELECT DISTINCT k.dead_letter_id FROM dead_letter_keys k JOIN unnest($2::text[], $3::text[]) AS i(kind, value)
  ON k.kind = i.kind AND k.value = i.value WHERE k.workspace_id = $1`;

const toLetter = (row: Row): DeadLetter => ({
  id: row.id, workspaceId: row.workspace_id, event: row.event, error: row.error, failedAt: Number(row.failed_at), attempts: row.attempts,
  keys: row.keys.sort((a, b) => a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value)),
});
const pairs = (keys: readonly IdentityKey[]) => [keys.map((k) => k.kind), keys.map((k) => k.value)];

export function createPostgresDeadLetterStore(pool: Pool): DeadLetterStore {
  return {
    async add(letter) {
      await inTransaction(pool, async (db) => {
        await db.query('INSERT INTO dead_letters (workspace_id, id, event, error, failed_at, attempts) VALUES ($1, $2, $3, $4, $5, $6)',
          [letter.workspaceId, letter.id, JSON.stringify(letter.event), letter.error, letter.failedAt, letter.attempts]);
        await db.query(`INSERT INTO dead_letter_keys (workspace_id, kind, value, dead_letter_id) SELECT $1, kind, value, $4
          FROM unnest($2::text[], $3::text[]) AS i(kind, value) ON CONFLICT DO NOTHING`, [letter.workspaceId, ...pairs(letter.keys), letter.id]);
      });
    },
    async list(workspaceId, { limit, cursor }) {
      const { rows } = await pool.query<Row>(`${SELECT} WHERE d.workspace_id = $1 AND d.id > $2 ORDER BY d.id LIMIT $3`, [workspaceId, afterDeadLetter(cursor), limit + 1]);
      const deadLetters = rows.slice(0, limit).map(toLetter);
      return { deadLetters, nextCursor: rows.length > limit ? deadLetterCursor(deadLetters[deadLetters.length - 1]!.id) : null };
    },
    async get(workspaceId, id) {
      const { rows } = await pool.query<Row>(`${SELECT} WHERE d.workspace_id = $1 AND d.id = $2`, [workspaceId, id]);
      return rows[0] ? toLetter(rows[0]) : null;
    },
    async recordFailure(workspaceId, id, { error, at }) {
      const result = await pool.query('UPDATE dead_letters SET attempts = attempts + 1, error = $3, failed_at = $4 WHERE workspace_id = $1 AND id = $2', [workspaceId, id, error, at]);
      return (result.rowCount ?? 0) > 0;
    },
    remove: (workspaceId, id) => inTransaction(pool, async (db) => {
      await db.query('DELETE FROM dead_letter_keys WHERE workspace_id = $1 AND dead_letter_id = $2', [workspaceId, id]);
      return ((await db.query('DELETE FROM dead_letters WHERE workspace_id = $1 AND id = $2', [workspaceId, id])).rowCount ?? 0) > 0;
    }),
    async naming(workspaceId, keys) {
      if (keys.length === 0) return [];
      const { rows } = await pool.query<Row>(`${SELECT} WHERE d.workspace_id = $1 AND d.id IN (${NAMING}) ORDER BY d.id`, [workspaceId, ...pairs(keys)]);
      return rows.map(toLetter);
    },
    eraseNaming: (workspaceId, keys) => inTransaction(pool, async (db) => {
      if (keys.length === 0) return 0;
      const ids = (await db.query<{ dead_letter_id: string }>(NAMING, [workspaceId, ...pairs(keys)])).rows.map((r) => r.dead_letter_id);
      if (ids.length === 0) return 0;
      await db.query('DELETE FROM dead_letter_keys WHERE workspace_id = $1 AND dead_letter_id = ANY($2::text[])', [workspaceId, ids]);
      return (await db.query('DELETE FROM dead_letters WHERE workspace_id = $1 AND id = ANY($2::text[])', [workspaceId, ids])).rowCount ?? 0;
    }),
    async count() {
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM dead_letters');
      return Number(rows[0]?.n ?? 0);
    },
  };
}
