/**
 * The stored form of a persona model (ports/persona-store.ts): everything but the key columns in
 * one JSON document. Aggregates only: the document has no profile id and no identifier.
 */
import type { PersonaModel } from '../../ports/persona-store.js';

export type StoredPersonaModel = Omit<PersonaModel, 'workspaceId' | 'version' | 'fittedAt'>;

export function personaModelDocument(model: Omit<PersonaModel, 'version'>): StoredPersonaModel {
  const { workspaceId: _w, fittedAt: _f, ...rest } = model;
  return rest;
}

export function personaModelFromRow(row: { workspace_id: string; version: number | string; fitted_at: number | string }, doc: StoredPersonaModel): PersonaModel {
  return { workspaceId: row.workspace_id, version: Number(row.version), fittedAt: Number(row.fitted_at), ...doc };
}

/** Every persona id of the given models, sorted, once each. */
export function idsOf(docs: readonly Pick<StoredPersonaModel, 'personas'>[]): string[] {
  return [...new Set(docs.flatMap((d) => d.personas.map((p) => p.id)))].sort();
}

/** The document with one persona relabelled, or null when it has no such persona. */
export function relabel(doc: StoredPersonaModel, personaId: string, label: { name?: string; description?: string; pinned?: boolean }): StoredPersonaModel | null {
  if (!doc.personas.some((p) => p.id === personaId)) return null;
  return {
    ...doc,
    personas: doc.personas.map((p) => (p.id !== personaId ? p : {
      ...p,
      ...(label.name !== undefined ? { name: label.name } : {}),
      ...(label.description !== undefined ? { description: label.description } : {}),
      ...(label.pinned !== undefined ? { pinned: label.pinned } : {}),
    })),
  };
}
