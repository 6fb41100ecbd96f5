/**
 * Workspaces and their API keys in PostgreSQL. `create` and `addKey` are `ON CONFLICT DO NOTHING`:
 * a concurrent insert of the same row waits for the other transaction and then writes nothing, so
 * two servers seeding one database both succeed.
 */
import { isApiKeyScope, type ApiKeyKind, type ApiKeyRecord, type ApiKeyScope, type Workspace } from '../../core/workspaces/workspace.js';
import type { WorkspaceStore } from '../../ports/store.js';
import type { Queryable } from './database.js';

interface KeyRow { id: string; workspace_id: string; kind: ApiKeyKind; hash: string; prefix: string; created_at: string; revoked_at: string | null; scopes: unknown }
interface WorkspaceRow { id: string; name: string; created_at: string }

const toKey = (r: KeyRow): ApiKeyRecord => ({
  id: r.id, workspaceId: r.workspace_id, kind: r.kind, hash: r.hash, prefix: r.prefix,
  createdAt: Number(r.created_at), revokedAt: r.revoked_at === null ? null : Number(r.revoked_at), scopes: scopesOf(r.scopes),
});
/** Known scopes only: a scope this version does not know grants nothing. */
const scopesOf = (v: unknown): ApiKeyScope[] => (Array.isArray(v) ? v.filter(isApiKeyScope) : []);
const toWorkspace = (r: WorkspaceRow): Workspace => ({ id: r.id, name: r.name, createdAt: Number(r.created_at) });

export function createPostgresWorkspaceStore(db: Queryable): WorkspaceStore {
  return {
    async create(w) {
      const result = await db.query('INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [w.id, w.name, w.createdAt]);
      return result.rowCount === 1;
    },
    async get(id) {
      const { rows } = await db.query<WorkspaceRow>('SELECT * FROM workspaces WHERE id = $1', [id]);
      return rows[0] ? toWorkspace(rows[0]) : null;
    },
    async list() {
      return (await db.query<WorkspaceRow>('SELECT * FROM workspaces ORDER BY created_at, id')).rows.map(toWorkspace);
    },
    async addKey(k) {
      const result = await db.query('INSERT INTO api_keys (id, workspace_id, kind, hash, prefix, created_at, revoked_at, scopes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING',
        [k.id, k.workspaceId, k.kind, k.hash, k.prefix, k.createdAt, k.revokedAt, JSON.stringify(k.scopes ?? [])]);
      return result.rowCount === 1;
    },
    async findKey(kind, hash) {
      const { rows } = await db.query<KeyRow>({ name: 'tessera_find_key', text: 'SELECT * FROM api_keys WHERE kind = $1 AND hash = $2 AND revoked_at IS NULL', values: [kind, hash] });
      return rows[0] ? toKey(rows[0]) : null;
    },
    async listKeys(workspaceId) {
      return (await db.query<KeyRow>('SELECT * FROM api_keys WHERE workspace_id = $1 ORDER BY created_at, id', [workspaceId])).rows.map(toKey);
    },
    async revokeKey(workspaceId, keyId, at) {
      const result = await db.query('UPDATE api_keys SET revoked_at = $1 WHERE workspace_id = $2 AND id = $3 AND revoked_at IS NULL', [at, workspaceId, keyId]);
      return (result.rowCount ?? 0) > 0;
    },
  };
}
