/**
 * Value conditions of scoring rules (event property filters, fit trait conditions) and lifecycle
 * rules (trait conditions). They compare exactly as segment conditions do (core/segments/
 * comparison.ts: strings case-insensitively, numbers given as strings as numbers, blank as
 * unknown); the list of in / not_in may be written as `value` or, as in segments, `values`.
 */
import { z } from 'zod';
import { compare, isKnown, listOf } from '../segments/comparison.js';

export { isKnown };

export const FILTER_OPS = ['equals', 'not_equals', 'in', 'not_in', 'contains', 'exists', 'not_exists', 'gt', 'gte', 'lt', 'lte'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface ValueFilter {
  op: FilterOp;
  /** Absent for exists / not_exists; a list for in / not_in; a number for gt … lte. */
  value?: string | number | boolean | Array<string | number | boolean>;
  /** The list of in / not_in, as segment conditions write it (instead of a list in `value`). */
  values?: Array<string | number | boolean>;
}

const scalar = z.union([z.string().max(1000), z.number(), z.boolean()]);

/** Zod shape of a filter, with the operand checked against the operator. */
export const valueFilterSchema = z.object({
  op: z.enum(FILTER_OPS),
  value: z.union([scalar, z.array(scalar).min(1).max(1000)]).optional(),
  values: z.array(scalar).min(1).max(1000).optional(),
}).strict().superRefine((f, ctx) => {
  const list = Array.isArray(f.value);
  if (f.values !== undefined) {
    if (f.op !== 'in' && f.op !== 'not_in') ctx.addIssue({ code: 'custom', path: ['values'], message: `is only for "in" and "not_in"; use value for "${f.op}"` });
    else if (f.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `must be absent when values is given` });
    return;
  }
  if (f.op === 'exists' || f.op === 'not_exists') {
    if (f.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `must be absent for "${f.op}"` });
  } else if (f.value === undefined) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `is required for "${f.op}"` });
  } else if ((f.op === 'in' || f.op === 'not_in') !== list) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: list ? `must be a single value for "${f.op}"` : `must be a list for "${f.op}"` });
  } else if (['gt', 'gte', 'lt', 'lte'].includes(f.op) && typeof f.value !== 'number') {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a number for "${f.op}"` });
  }
});

/**
 * For schemas that hold a filter among other fields (`{ trait, op, value }`): checks the operand
 * against the operator with valueFilterSchema and reports the issues on that node.
 */
export function checkFilterOperand(f: { op: string; value?: unknown; values?: unknown }, ctx: z.RefinementCtx): void {
  const checked = valueFilterSchema.safeParse({ op: f.op, ...(f.value !== undefined ? { value: f.value } : {}), ...(f.values !== undefined ? { values: f.values } : {}) });
  if (!checked.success) for (const i of checked.error.issues) ctx.addIssue({ code: 'custom', path: i.path as PropertyKey[], message: i.message });
}

export function matchesFilter(actual: unknown, filter: ValueFilter): boolean {
  // None of the filter operators depends on the time (no within_last here).
  return compare(actual, filter, 0);
}

/** Readable: `topic = "smart factory"`, `company_size ≥ 200`, `role in (CTO, CEO)`, `budget is known`. */
export function describeFilter(name: string, filter: ValueFilter): string {
  const v = filter.value;
  const show = (x: unknown) => (typeof x === 'string' ? `"${x}"` : String(x));
  switch (filter.op) {
    case 'exists': return `${name} is known`;
    case 'not_exists': return `${name} is unknown`;
    case 'equals': return `${name} = ${show(v)}`;
    case 'not_equals': return `${name} ≠ ${show(v)}`;
    case 'in': return `${name} in (${listOf(filter).map(show).join(', ')})`;
    case 'not_in': return `${name} not in (${listOf(filter).map(show).join(', ')})`;
    case 'contains': return `${name} contains ${show(v)}`;
    case 'gt': return `${name} > ${show(v)}`;
    case 'gte': return `${name} ≥ ${show(v)}`;
    case 'lt': return `${name} < ${show(v)}`;
    case 'lte': return `${name} ≤ ${show(v)}`;
  }
}

/** Zod issue path → `engagement.rules[1].where[0].op`. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || 'body';
}
