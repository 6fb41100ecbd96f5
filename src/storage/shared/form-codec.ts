/**
 * Mapping between form definitions and the columns both stores keep: the ids and times are
 * columns, the rest of the definition is one JSON value.
 */
import type { FormDefinition } from '../../core/forms/form-definition.js';

export type FormBody = Omit<FormDefinition, 'id' | 'workspaceId' | 'createdAt' | 'updatedAt'>;

export interface FormColumns<D = FormBody> {
  workspace_id: string;
  id: string;
  definition: D;
  created_at: number | string;
  updated_at: number | string;
}

export function formToColumns(form: FormDefinition): FormColumns {
  const { id, workspaceId, createdAt, updatedAt, ...definition } = form;
  return { workspace_id: workspaceId, id, definition, created_at: createdAt, updated_at: updatedAt };
}

export function formFromColumns(row: FormColumns): FormDefinition {
  return { ...row.definition, id: row.id, workspaceId: row.workspace_id, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at) };
}
