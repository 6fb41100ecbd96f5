/**
 * Workspaces and their API keys in SQLite. `create` and `addKey` are `ON CONFLICT DO NOTHING`
 * (uniqueness only: unlike INSERT OR IGNORE, a NOT NULL or CHECK violation still fails).
 */
import { isApiKeyScope, type ApiKeyKind, type ApiKeyRecord, type ApiKeyScope, type Workspace } from '../../core/workspaces/workspace.js';
import type { WorkspaceStore } from '../../ports/store.js';
import type { Database } from './database.js';

interface KeyRow { id: string; workspace_id: string; kind: ApiKeyKind; hash: string; prefix: string; created_at: number; revoked_at: number | null; scopes: string }

const toKey = (r: KeyRow): ApiKeyRecord => ({ id: r.id, workspaceId: r.workspace_id, kind: r.kind, hash: r.hash, prefix: r.prefix, createdAt: r.created_at, revokedAt: r.revoked_at, scopes: scopesOf(JSON.parse(r.scopes)) });
/** Known scopes only: a scope this version does not know grants nothing. */
const scopesOf = (v: unknown): ApiKeyScope[] => (Array.isArray(v) ? v.filter(isApiKeyScope) : []);
const toWorkspace = (r: { id: string; name: string; created_at: number }): Workspace => ({ id: r.id, name: r.name, createdAt: r.created_at });

export function createSqliteWorkspaceStore(db: Database.Database): WorkspaceStore {
  const s = {
    create: db.prepare('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    get: db.prepare('SELECT * FROM workspaces WHERE id = ?'),
    list: db.prepare('SELECT * FROM workspaces ORDER BY created_at, id'),
    addKey: db.prepare('INSERT INTO api_keys (id, workspace_id, kind, hash, prefix, created_at, revoked_at, scopes) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    findKey: db.prepare('SELECT * FROM api_keys WHERE kind = ? AND hash = ? AND revoked_at IS NULL'),
    listKeys: db.prepare('SELECT * FROM api_keys WHERE workspace_id = ? ORDER BY created_at, id'),
    revoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL'),
  };
  return {
    async create(w) { return s.create.run(w.id, w.name, w.createdAt).changes > 0; },
    async get(id) { const r = s.get.get(id) as Parameters<typeof toWorkspace>[0] | undefined; return r ? toWorkspace(r) : null; },
    async list() { return (s.list.all() as Array<Parameters<typeof toWorkspace>[0]>).map(toWorkspace); },
    async addKey(k) { return s.addKey.run(k.id, k.workspaceId, k.kind, k.hash, k.prefix, k.createdAt, k.revokedAt, JSON.stringify(k.scopes ?? [])).changes > 0; },
    async findKey(kind, hash) { const r = s.findKey.get(kind, hash) as KeyRow | undefined; return r ? toKey(r) : null; },
    async listKeys(workspaceId) { return (s.listKeys.all(workspaceId) as KeyRow[]).map(toKey); },
    async revokeKey(workspaceId, keyId, at) { return s.revoke.run(at, workspaceId, keyId).changes > 0; },
  };
}
