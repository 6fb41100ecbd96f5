/**
 * Value conditions shared by scoring rules (event property filters, fit trait conditions) and
 * lifecycle rules (trait conditions). Comparisons are lenient the way a marketer expects: strings
 * compare case-insensitively, numbers given as strings compare as numbers.
 */
import { z } from 'zod';

export const FILTER_OPS = ['equals', 'not_equals', 'in', 'not_in', 'contains', 'exists', 'not_exists', 'gt', 'gte', 'lt', 'lte'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface ValueFilter {
  op: FilterOp;
  /** Absent for exists / not_exists; a list for in / not_in; a number for gt … lte. */
  value?: string | number | boolean | Array<string | number | boolean>;
}

const scalar = z.union([z.string().max(1000), z.number(), z.boolean()]);

/** Zod shape of a filter, with the operand checked against the operator. */
export const valueFilterSchema = z.object({
  op: z.enum(FILTER_OPS),
  value: z.union([scalar, z.array(scalar).min(1).max(1000)]).optional(),
}).strict().superRefine((f, ctx) => {
  const list = Array.isArray(f.value);
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

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.trim().toLowerCase() === b.trim().toLowerCase();
  if (typeof a === 'number' && typeof b === 'string') return b.trim() !== '' && Number(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return a.trim() !== '' && Number(a) === b;
  return a === b;
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Whether a known value is present: null, undefined and the empty string count as unknown. */
export function isKnown(v: unknown): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
}

export function matchesFilter(actual: unknown, filter: ValueFilter): boolean {
  const v = filter.value;
  switch (filter.op) {
    case 'exists': return isKnown(actual);
    case 'not_exists': return !isKnown(actual);
    case 'equals': return Array.isArray(actual) ? actual.some((a) => same(a, v)) : same(actual, v);
    case 'not_equals': return !(Array.isArray(actual) ? actual.some((a) => same(a, v)) : same(actual, v));
    case 'in': return (v as unknown[]).some((x) => (Array.isArray(actual) ? actual.some((a) => same(a, x)) : same(actual, x)));
    case 'not_in': return !(v as unknown[]).some((x) => (Array.isArray(actual) ? actual.some((a) => same(a, x)) : same(actual, x)));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((a) => same(a, v));
      return typeof actual === 'string' && actual.toLowerCase().includes(String(v).toLowerCase());
    default: {
      const n = numeric(actual);
      if (n === undefined) return false;
      const limit = v as number;
      return filter.op === 'gt' ? n > limit : filter.op === 'gte' ? n >= limit : filter.op === 'lt' ? n < limit : n <= limit;
    }
  }
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
    case 'in': return `${name} in (${(v as unknown[]).map(show).join(', ')})`;
    case 'not_in': return `${name} not in (${(v as unknown[]).map(show).join(', ')})`;
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
