/** Workspace configuration documents in SQLite (ports/config-store.ts). Writes take the store's writer turn. */
import type { ConfigStore } from '../../ports/config-store.js';
import type { Database } from './database.js';

export function createSqliteConfigStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>): ConfigStore {
  const get = reader.prepare('SELECT value FROM workspace_configs WHERE workspace_id = ? AND kind = ?').pluck();
  const put = writer.prepare(`INSERT INTO workspace_configs (workspace_id, kind, value, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  // The document was written as JSON.stringify's text, which JSON.parse and JSON.stringify give back unchanged:
  // comparing texts compares documents.
  const insertIfAbsent = writer.prepare('INSERT INTO workspace_configs (workspace_id, kind, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const updateIf = writer.prepare('UPDATE workspace_configs SET value = ?, updated_at = ? WHERE workspace_id = ? AND kind = ? AND value = ?');
  return {
    async get(workspaceId, kind) {
      const value = get.get(workspaceId, kind) as string | undefined;
      return value === undefined ? null : JSON.parse(value);
    },
    put: (workspaceId, kind, value, at) => exclusive(() => { put.run(workspaceId, kind, JSON.stringify(value), at); }),
    replaceIf: (workspaceId, kind, expected, value, at) => exclusive(() => (expected === null
      ? insertIfAbsent.run(workspaceId, kind, JSON.stringify(value), at)
      : updateIf.run(JSON.stringify(value), at, workspaceId, kind, JSON.stringify(expected))).changes === 1),
  };
}
