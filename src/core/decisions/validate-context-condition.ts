/**
 * Validation of context conditions (context-condition.ts), in the style of segment conditions:
 * every problem with the path of its node (`rules[0].context.and[1].field`). Comparisons are
 * checked by the segment validator's own rules (validateComparison).
 */
import type { FieldIssue } from '../errors.js';
import { validateComparison } from '../segments/validate-condition.js';
import { CONTEXT_FIELDS } from './context-condition.js';

const MAX_DEPTH = 8;
const MAX_NODES = 100;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateContextCondition(input: unknown, path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  let nodes = 0;
  const walk = (node: unknown, at: string, depth: number): void => {
    if (++nodes > MAX_NODES) { if (nodes === MAX_NODES + 1) issues.push({ field: at, reason: `the context condition has more than ${MAX_NODES} nodes` }); return; }
    if (depth > MAX_DEPTH) { issues.push({ field: at, reason: `is nested deeper than ${MAX_DEPTH} levels` }); return; }
    if (!isObj(node)) { issues.push({ field: at, reason: 'must be an object: {and}, {or}, {not} or {field, op, value}' }); return; }
    if ('and' in node || 'or' in node) {
      const kind = 'and' in node ? 'and' : 'or';
      if (Object.keys(node).length !== 1) { issues.push({ field: at, reason: `must have exactly one key (${kind})` }); return; }
      const list = node[kind];
      if (!Array.isArray(list) || list.length === 0) { issues.push({ field: `${at}.${kind}`, reason: 'must be a non-empty array of context conditions' }); return; }
      list.forEach((child, i) => walk(child, `${at}.${kind}[${i}]`, depth + 1));
      return;
    }
    if ('not' in node) {
      if (Object.keys(node).length !== 1) { issues.push({ field: at, reason: 'must have exactly one key (not)' }); return; }
      walk(node.not, `${at}.not`, depth + 1);
      return;
    }
    for (const key of Object.keys(node)) if (!['field', 'op', 'value', 'values', 'min', 'max'].includes(key)) issues.push({ field: `${at}.${key}`, reason: 'is not a field here; expected field, op, value, values, min, max (or and, or, not)' });
    if (typeof node.field !== 'string' || !(CONTEXT_FIELDS as readonly string[]).includes(node.field)) issues.push({ field: `${at}.field`, reason: `must be one of ${CONTEXT_FIELDS.join(', ')}` });
    issues.push(...validateComparison(node, at));
  };
  walk(input, path, 1);
  return issues.slice(0, 50);
}
