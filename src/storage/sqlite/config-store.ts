/** Workspace configuration documents in SQLite (ports/config-store.ts). Writes take the store's writer turn. */
import type { ConfigStore } from '../../ports/config-store.js';
import type { Database } from './database.js';

export function createSqliteConfigStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>): ConfigStore {
  const get = reader.prepare('SELECT value FROM workspace_configs WHERE workspace_id = ? AND kind = ?').pluck();
  const put = writer.prepare(`INSERT INTO workspace_configs (workspace_id, kind, value, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  return {
    async get(workspaceId, kind) {
      const value = get.get(workspaceId, kind) as string | undefined;
      return value === undefined ? null : JSON.parse(value);
    },
    put: (workspaceId, kind, value, at) => exclusive(() => { put.run(workspaceId, kind, JSON.stringify(value), at); }),
  };
}
