/**
 * The signing keyring in PostgreSQL (see ports/keyring-store.ts). `ensureActive` takes a
 * transaction-scoped advisory lock on the workspace's keyring, so two servers signing their first
 * token at once store one key and both use it.
 */
import type { KeyringStore, SigningKeyRecord } from '../../ports/keyring-store.js';
import type { Pool } from './database.js';
import { inTransaction } from './transaction.js';
import type { SecretBox } from '../shared/secret-box.js';

interface KeyRow { workspace_id: string; id: string; secret: string; created_at: string; retired_at: string | null }


/** classid of the keyring lock in the two-int advisory lock space (write-tx.ts uses 0x7e55_0002). */
const KEYRING_LOCK_CLASS = 0x7e55_0006;
const ACTIVE = 'SELECT * FROM signing_keys WHERE workspace_id = $1 AND retired_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1';
const INSERT = 'INSERT INTO signing_keys (workspace_id, id, secret, created_at, retired_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING';

export function createPostgresKeyringStore(pool: Pool, box: SecretBox): KeyringStore {
  const toKey = (r: KeyRow): SigningKeyRecord => ({
    workspaceId: r.workspace_id, id: r.id, secret: Buffer.from(box.open(r.secret), 'base64url'), createdAt: Number(r.created_at),
    retiredAt: r.retired_at === null ? null : Number(r.retired_at),
  });
  const values = (k: SigningKeyRecord) => [k.workspaceId, k.id, box.seal(k.secret.toString('base64url')), k.createdAt, k.retiredAt];
  return {
    async list(workspaceId) {
      const { rows } = await pool.query<KeyRow>({ name: 'tessera_signing_keys', text: 'SELECT * FROM signing_keys WHERE workspace_id = $1 ORDER BY created_at, id', values: [workspaceId] });
      return rows.map(toKey);
    },
    async add(key) {
      return (await pool.query(INSERT, values(key))).rowCount === 1;
    },
    ensureActive(candidate) {
      return inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [KEYRING_LOCK_CLASS, candidate.workspaceId]);
        const found = await client.query<KeyRow>(ACTIVE, [candidate.workspaceId]);
        if (found.rows[0]) return toKey(found.rows[0]);
        await client.query(INSERT, values(candidate));
        return toKey((await client.query<KeyRow>(ACTIVE, [candidate.workspaceId])).rows[0]!);
      });
    },
    async retire(workspaceId, keyId, at) {
      const result = await pool.query('UPDATE signing_keys SET retired_at = $1 WHERE workspace_id = $2 AND id = $3 AND retired_at IS NULL', [at, workspaceId, keyId]);
      return (result.rowCount ?? 0) > 0;
    },
  };
}
