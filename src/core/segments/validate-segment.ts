/** Validation of a segment as sent to the API: `{id?, name, description?, condition}`. */
import type { FieldIssue } from '../errors.js';
import type { Condition } from './condition.js';
import { validateCondition, type ConditionRefs } from './validate-condition.js';

export const SEGMENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const FIELDS = ['id', 'name', 'description', 'condition'];

export interface SegmentInput {
  id?: string;
  name: string;
  description: string;
  condition: Condition;
}

export function validateSegmentInput(input: unknown, refs: ConditionRefs, options: { idAllowed: boolean }): { ok: true; segment: SegmentInput } | { ok: false; issues: FieldIssue[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, issues: [{ field: 'body', reason: 'must be a JSON object {name, description?, condition}' }] };
  const body = input as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(body)) if (!FIELDS.includes(key) || (key === 'id' && !options.idAllowed)) issues.push({ field: key, reason: key === 'id' ? 'cannot be changed' : `is not a field of a segment; expected ${FIELDS.join(', ')}` });
  if (body.id !== undefined && options.idAllowed && (typeof body.id !== 'string' || !SEGMENT_ID.test(body.id))) issues.push({ field: 'id', reason: 'must be 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit' });
  if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 200) issues.push({ field: 'name', reason: 'must be a non-empty string of at most 200 characters' });
  if (body.description !== undefined && (typeof body.description !== 'string' || body.description.length > 2000)) issues.push({ field: 'description', reason: 'must be a string of at most 2000 characters' });
  if (body.condition === undefined) issues.push({ field: 'condition', reason: 'is required' });
  else issues.push(...validateCondition(body.condition, refs));
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    segment: { ...(typeof body.id === 'string' ? { id: body.id } : {}), name: (body.name as string).trim(), description: typeof body.description === 'string' ? body.description : '', condition: body.condition as Condition },
  };
}
