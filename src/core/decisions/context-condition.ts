/**
 * Context conditions: a condition tree over the request context (decision-context.ts), written
 * like segment conditions and compared with the same comparison rules (segments/comparison.ts), so
 * "utm.campaign equals spring" means what "trait role equals CTO" means.
 *
 *   {"and":[{"field":"path","op":"equals","value":"/pricing"},{"not":{"field":"deviceClass","op":"equals","value":"mobile"}}]}
 *
 * A leaf is `{field, op, value | values | min | max}`; `field` is one of CONTEXT_FIELDS. A field the
 * request did not carry is unknown: `exists` is false, `not_exists` true, every other comparison
 * false (as for a missing trait).
 */
import { compare, type Comparison } from '../segments/comparison.js';
import type { EpochMs } from '../time.js';
import type { DecisionContext } from './decision-context.js';

export const CONTEXT_FIELDS = [
  'url', 'path', 'category', 'referrer',
  'utm.source', 'utm.medium', 'utm.campaign', 'utm.content', 'utm.term',
  'deviceClass', 'localHour', 'weekday', 'country', 'recognised', 'locale',
] as const;
export type ContextField = (typeof CONTEXT_FIELDS)[number];

export type ContextLeaf = Comparison & { field: ContextField };
export type ContextCondition =
  | { and: ContextCondition[] }
  | { or: ContextCondition[] }
  | { not: ContextCondition }
  | ContextLeaf;

/** The value of a field in the context (undefined when the request did not carry it). */
export function contextValue(ctx: DecisionContext, field: ContextField): unknown {
  switch (field) {
    case 'utm.source': return ctx.utm?.source;
    case 'utm.medium': return ctx.utm?.medium;
    case 'utm.campaign': return ctx.utm?.campaign;
    case 'utm.content': return ctx.utm?.content;
    case 'utm.term': return ctx.utm?.term;
    default: return ctx[field];
  }
}

export type CompiledContextCondition = (ctx: DecisionContext, now: EpochMs) => boolean;

/** Compiled once per slot definition: no dispatch on node kinds at decide time. */
export function compileContextCondition(c: ContextCondition): CompiledContextCondition {
  if ('and' in c) {
    const parts = c.and.map(compileContextCondition);
    return (ctx, now) => { for (const p of parts) if (!p(ctx, now)) return false; return true; };
  }
  if ('or' in c) {
    const parts = c.or.map(compileContextCondition);
    return (ctx, now) => { for (const p of parts) if (p(ctx, now)) return true; return false; };
  }
  if ('not' in c) {
    const inner = compileContextCondition(c.not);
    return (ctx, now) => !inner(ctx, now);
  }
  const leaf = c;
  return (ctx, now) => compare(contextValue(ctx, leaf.field), leaf, now);
}

/** The leaves of a context condition (for explanations and data kinds). */
export function contextLeaves(c: ContextCondition, out: ContextLeaf[] = []): ContextLeaf[] {
  if ('and' in c) for (const child of c.and) contextLeaves(child, out);
  else if ('or' in c) for (const child of c.or) contextLeaves(child, out);
  else if ('not' in c) contextLeaves(c.not, out);
  else out.push(c);
  return out;
}
