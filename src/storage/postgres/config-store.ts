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
  };
}
