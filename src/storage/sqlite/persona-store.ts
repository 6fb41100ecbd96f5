/**
 * Persona models in SQLite (see ports/persona-store.ts). Writes run on the store's exclusive
 * writer in immediate transactions, so a new version number is never handed out twice.
 */
import type { PersonaStore } from '../../ports/persona-store.js';
import { idsOf, personaModelDocument, personaModelFromRow, relabel, type StoredPersonaModel } from '../shared/persona-codec.js';
import type { Database } from './database.js';

interface ModelRow { workspace_id: string; version: number; fitted_at: number; model: string }

const toModel = (r: ModelRow) => personaModelFromRow(r, JSON.parse(r.model) as StoredPersonaModel);

export function createSqlitePersonaStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>): PersonaStore {
  const s = {
    next: writer.prepare('SELECT COALESCE(MAX(version), 0) + 1 AS version FROM persona_models WHERE workspace_id = ?'),
    insert: writer.prepare('INSERT INTO persona_models (workspace_id, version, fitted_at, model) VALUES (?, ?, ?, ?)'),
    currentForUpdate: writer.prepare('SELECT * FROM persona_models WHERE workspace_id = ? ORDER BY version DESC LIMIT 1'),
    update: writer.prepare('UPDATE persona_models SET model = ? WHERE workspace_id = ? AND version = ?'),
    current: reader.prepare('SELECT * FROM persona_models WHERE workspace_id = ? ORDER BY version DESC LIMIT 1'),
    lastFittedAt: reader.prepare('SELECT fitted_at FROM persona_models WHERE workspace_id = ? ORDER BY version DESC LIMIT 1').pluck(),
    one: reader.prepare('SELECT * FROM persona_models WHERE workspace_id = ? AND version = ?'),
    all: reader.prepare('SELECT model FROM persona_models WHERE workspace_id = ?'),
  };
  return {
    saveModel: (model) => exclusive(() => writer.transaction(() => {
      const { version } = s.next.get(model.workspaceId) as { version: number };
      s.insert.run(model.workspaceId, version, model.fittedAt, JSON.stringify(personaModelDocument(model)));
      return version;
    }).immediate()),
    currentModel: async (workspaceId) => {
      const row = s.current.get(workspaceId) as ModelRow | undefined;
      return row ? toModel(row) : null;
    },
    lastFittedAt: async (workspaceId) => {
      const at = s.lastFittedAt.get(workspaceId) as number | undefined;
      return at === undefined ? null : Number(at);
    },
    model: async (workspaceId, version) => {
      const row = s.one.get(workspaceId, version) as ModelRow | undefined;
      return row ? toModel(row) : null;
    },
    usedIds: async (workspaceId) => idsOf((s.all.all(workspaceId) as { model: string }[]).map((r) => JSON.parse(r.model) as StoredPersonaModel)),
    label: (workspaceId, personaId, label) => exclusive(() => writer.transaction(() => {
      const row = s.currentForUpdate.get(workspaceId) as ModelRow | undefined;
      if (!row) return false;
      const next = relabel(JSON.parse(row.model) as StoredPersonaModel, personaId, label);
      if (!next) return false;
      s.update.run(JSON.stringify(next), workspaceId, row.version);
      return true;
    }).immediate()),
  };
}
