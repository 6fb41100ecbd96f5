/** Validation of computed trait definitions as they arrive over the API (issues name the field). */
import type { FieldIssue } from '../errors.js';
import { DURATION_RULE, parseDuration } from '../segments/duration.js';
import { validateEventSpec } from '../segments/validate-condition.js';
import { AGGREGATES, COMPUTED_KEY, NEEDS_PROPERTY, WINDOWED, type Aggregate, type ComputedTraitDefinition } from './computed-trait.js';

const FIELDS = ['key', 'name', 'description', 'event', 'aggregate', 'property', 'within'];

export function validateComputedTrait(input: unknown): { ok: true; definition: ComputedTraitDefinition } | { ok: false; issues: FieldIssue[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, issues: [{ field: 'body', reason: 'must be a JSON object' }] };
  const body = input as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(body)) if (!FIELDS.includes(key)) issues.push({ field: key, reason: `is not a field of a computed trait; expected ${FIELDS.join(', ')}` });
  if (typeof body.key !== 'string' || !COMPUTED_KEY.test(body.key)) issues.push({ field: 'key', reason: 'must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 64)' });
  const name = body.name ?? body.key;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) issues.push({ field: 'name', reason: 'must be a non-empty string of at most 200 characters' });
  if (body.description !== undefined && (typeof body.description !== 'string' || body.description.length > 2000)) issues.push({ field: 'description', reason: 'must be a string of at most 2000 characters' });
  issues.push(...validateEventSpec(body.event, 'event'));
  const aggregate = body.aggregate as Aggregate;
  if (!AGGREGATES.includes(aggregate)) issues.push({ field: 'aggregate', reason: `must be one of ${AGGREGATES.join(', ')}` });
  else {
    if (NEEDS_PROPERTY.has(aggregate) && (typeof body.property !== 'string' || body.property.trim() === '' || body.property.length > 200)) issues.push({ field: 'property', reason: `is required for ${aggregate}: the event property to aggregate` });
    if (!NEEDS_PROPERTY.has(aggregate) && body.property !== undefined) issues.push({ field: 'property', reason: `is not used by ${aggregate}` });
    if (body.within !== undefined && !WINDOWED.has(aggregate)) issues.push({ field: 'within', reason: `${aggregate} takes no window` });
  }
  if (body.within !== undefined && parseDuration(body.within) === undefined) issues.push({ field: 'within', reason: DURATION_RULE });
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    definition: {
      key: body.key as string, name: (name as string).trim(), ...(typeof body.description === 'string' ? { description: body.description } : {}),
      event: body.event as ComputedTraitDefinition['event'], aggregate,
      ...(typeof body.property === 'string' ? { property: body.property } : {}), ...(typeof body.within === 'string' ? { within: body.within } : {}),
    },
  };
}

/** "count of Order Completed within 90 days", "most frequent category of Page viewed". */
export function describeComputedTrait(d: ComputedTraitDefinition, describeSpec: (s: ComputedTraitDefinition['event']) => string): string {
  const what = d.aggregate.replace(/_/g, ' ');
  const of = d.property ? `${what} of ${d.property} in ${describeSpec(d.event)}` : d.aggregate === 'days_since_last' ? `days since last ${describeSpec(d.event)}` : `${what} of ${describeSpec(d.event)}`;
  return d.within ? `${of} within ${d.within}` : of;
}
