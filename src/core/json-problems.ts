/**
 * What a parsed JSON input (a request body, a line of an import) must not carry on, found in one
 * walk:
 * - nesting deeper than `maxDepth` (the walk stops there, so it cannot overflow the stack itself);
 * - the keys of prototype pollution (`__proto__`, `constructor` holding `prototype`): refused rather
 *   than silently dropped, since no Segment client sends them and a request that does is broken or
 *   probing. `JSON.parse` keeps a `"__proto__"` key (escaped or not) as an own property, so the walk
 *   sees it;
 * - numbers beyond the range of a double (`1e400`): `JSON.parse` turns them into ±Infinity, which
 *   `JSON.stringify` would store as `null`, a silently changed value. Each one is reported by its
 *   path (`batch[3].properties.price`), up to `maxIssues`.
 *
 * Depth and prototype keys concern the input as a whole (`field` is `wholeField`, the walk stops);
 * the path is only built for a number that is reported, so a clean input costs no allocation.
 */
import type { FieldIssue } from './errors.js';

export interface JsonProblemsOptions {
  maxDepth: number;
  /** The field name of problems with the input as a whole and of a non-finite root (`body`, or `''`). */
  wholeField: string;
  /** Issues reported at most (default 100, what an error response lists). */
  maxIssues?: number;
}

export const NON_FINITE_REASON = 'is a number beyond the range of a double (about ±1.8e308); send it as a string';
export const PROTO_KEY_REASON = 'must not contain a "__proto__" key or a "constructor" key holding "prototype"';

export function tooDeepReason(maxDepth: number): string {
  return `objects nest deeper than ${maxDepth} levels`;
}

/** The problems of a parsed JSON value, or null when it has none. */
export function jsonProblems(root: unknown, options: JsonProblemsOptions): FieldIssue[] | null {
  const maxIssues = options.maxIssues ?? 100;
  let issues: FieldIssue[] | null = null;
  let stop = false;
  // Keys (object) and indexes (array) from the root to the value being walked.
  const path: Array<string | number> = [];
  const whole = (reason: string) => { issues = [{ field: options.wholeField, reason }]; stop = true; };

  const walk = (value: unknown, depth: number): void => {
    if (typeof value === 'number') {
      if (value - value !== 0) { // ±Infinity (NaN cannot come out of JSON.parse)
        (issues ??= []).push({ field: fieldName(path, options.wholeField), reason: NON_FINITE_REASON });
        if (issues.length >= maxIssues) stop = true;
      }
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (depth > options.maxDepth) { whole(tooDeepReason(options.maxDepth)); return; }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && !stop; i++) { path.push(i); walk(value[i], depth + 1); path.pop(); }
      return;
    }
    for (const key in value) {
      const child = (value as Record<string, unknown>)[key];
      if (key === '__proto__' || (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype'))) { whole(PROTO_KEY_REASON); return; }
      path.push(key);
      walk(child, depth + 1);
      path.pop();
      if (stop) return;
    }
  };
  walk(root, 1);
  return issues;
}

/** `batch[3].properties.price`: keys joined with dots, indexes in brackets. */
function fieldName(path: ReadonlyArray<string | number>, root: string): string {
  if (path.length === 0) return root;
  let name = '';
  for (const part of path) name += typeof part === 'number' ? `[${part}]` : name === '' ? part : `.${part}`;
  return name;
}
