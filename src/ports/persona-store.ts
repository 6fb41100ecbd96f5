/**
 * Persona models (issue 17 §3): aggregates only, kept strictly apart from persons. A model version
 * holds the feature definition, the standardisation, and per persona its weight, size, mean and
 * variances and its description. It holds NO profile id and no identifier: nothing in these tables
 * is personal data (a contract test scans them). Store.personas.
 *
 * The link person → persona lives on the profile (`Profile.persona`), so it is shown, exported and
 * erased with the person, never here.
 */
import type { PersonaModel } from '../core/personas/persona-model.js';

export type { PersonaAggregate, PersonaModel, PersonaModelChanges } from '../core/personas/persona-model.js';

export interface PersonaStore {
  /**
   * Stores a new model as the workspace's next version (current max + 1, or 1) and returns that
   * version. Concurrent saves get distinct versions.
   */
  saveModel(model: Omit<PersonaModel, 'version'>): Promise<number>;
  /** When the current model was fitted (its `fittedAt`), or null when the workspace has none; reads no model. */
  lastFittedAt(workspaceId: string): Promise<number | null>;
  /** The highest version, or null when the workspace has none. */
  currentModel(workspaceId: string): Promise<PersonaModel | null>;
  /** One version, or null when it does not exist. */
  model(workspaceId: string, version: number): Promise<PersonaModel | null>;
  /** Every persona id any model of the workspace has used (fresh ids never reuse one), sorted. */
  usedIds(workspaceId: string): Promise<string[]>;
  /**
   * Renames / describes / pins a persona of the current model (and so of later refits, when
   * pinned). Returns false when the current model has no such persona.
   */
  label(workspaceId: string, personaId: string, label: { name?: string; description?: string; pinned?: boolean }): Promise<boolean>;
}
