/**
 * Persona models in PostgreSQL (see ports/persona-store.ts). A new version is max + 1 inside a
 * transaction; two concurrent saves collide on the primary key and the loser's transaction is
 * re-run (transaction.ts), so it takes the next number. A relabel locks the current row.
 */
import type { PersonaStore } from '../../ports/persona-store.js';
import { idsOf, personaModelDocument, personaModelFromRow, relabel, type StoredPersonaModel } from '../shared/persona-codec.js';
import type { Pool } from './database.js';
import { inTransaction } from './transaction.js';

interface ModelRow { workspace_id: string; version: number; fitted_at: string; model: StoredPersonaModel }

export function createPostgresPersonaStore(pool: Pool): PersonaStore {
  return {
    saveModel(model) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ version: number }>(`INSERT INTO persona_models (workspace_id, version, fitted_at, model)
          SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3 FROM persona_models WHERE workspace_id = $1 RETURNING version`,
        [model.workspaceId, model.fittedAt, JSON.stringify(personaModelDocument(model))]);
        return rows[0]!.version;
      });
    },
    async currentModel(workspaceId) {
      const { rows } = await pool.query<ModelRow>('SELECT * FROM persona_models WHERE workspace_id = $1 ORDER BY version DESC LIMIT 1', [workspaceId]);
      return rows[0] ? personaModelFromRow(rows[0], rows[0].model) : null;
    },
    async lastFittedAt(workspaceId) {
      const { rows } = await pool.query<{ fitted_at: string }>('SELECT fitted_at FROM persona_models WHERE workspace_id = $1 ORDER BY version DESC LIMIT 1', [workspaceId]);
      return rows[0] ? Number(rows[0].fitted_at) : null;
    },
    async model(workspaceId, version) {
      const { rows } = await pool.query<ModelRow>('SELECT * FROM persona_models WHERE workspace_id = $1 AND version = $2', [workspaceId, version]);
      return rows[0] ? personaModelFromRow(rows[0], rows[0].model) : null;
    },
    async usedIds(workspaceId) {
      const { rows } = await pool.query<{ model: StoredPersonaModel }>('SELECT model FROM persona_models WHERE workspace_id = $1', [workspaceId]);
      return idsOf(rows.map((r) => r.model));
    },
    label(workspaceId, personaId, label) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<ModelRow>('SELECT * FROM persona_models WHERE workspace_id = $1 ORDER BY version DESC LIMIT 1 FOR UPDATE', [workspaceId]);
        if (!rows[0]) return false;
        const next = relabel(rows[0].model, personaId, label);
        if (!next) return false;
        await client.query('UPDATE persona_models SET model = $1 WHERE workspace_id = $2 AND version = $3', [JSON.stringify(next), workspaceId, rows[0].version]);
        return true;
      });
    },
  };
}
