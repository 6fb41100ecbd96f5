/** Workspace configuration documents in PostgreSQL (ports/config-store.ts). */
import type { ConfigStore } from '../../ports/config-store.js';
import type { Pool } from './database.js';

export function createPostgresConfigStore(pool: Pool): ConfigStore {
  return {
    async get(workspaceId, kind) {
      const { rows } = await pool.query<{ value: unknown }>({
        name: 'tessera_config_get', text: 'SELECT value FROM workspace_configs WHERE workspace_id = $1 AND kind = $2', values: [workspaceId, kind],
      });
      return rows[0]?.value ?? null;
    },
    async put(workspaceId, kind, value, at) {
      await pool.query({
        name: 'tessera_config_put',
        text: `INSERT INTO workspace_configs (workspace_id, kind, value, updated_at) VALUES ($1, $2, $3, $4)
          ON CONFLICT (workspace_id, kind) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        values: [workspaceId, kind, JSON.stringify(value), at],
      });
    },
    async replaceIf(workspaceId, kind, expected, value, at) {
      // A json column keeps the text it was given (JSON.stringify's), which JSON.stringify of the parsed value
      // gives back: comparing texts compares documents.
      const result = expected === null
        ? await pool.query('INSERT INTO workspace_configs (workspace_id, kind, value, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, kind) DO NOTHING', [workspaceId, kind, JSON.stringify(value), at])
        : await pool.query('UPDATE workspace_configs SET value = $3, updated_at = $4 WHERE workspace_id = $1 AND kind = $2 AND value::text = $5', [workspaceId, kind, JSON.stringify(value), at, JSON.stringify(expected)]);
      return result.rowCount === 1;
    },
  };
}
