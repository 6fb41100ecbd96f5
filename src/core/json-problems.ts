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
 * Depth and prototype keys concern the input as a whole (`field` is `wholeField`, the walk stops).
 * Paths are only built when there is a number to report, so a clean input costs one plain walk.
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
  let whole: string | null = null;
  let nonFinite = false;
  // The walk every input gets: it only notes that a number is out of range; where is found by a
  // second walk (nonFinitePaths), so that a clean input costs no path bookkeeping.
  const walk = (value: unknown, depth: number): void => {
    if (typeof value !== 'object' || value === null) {
      if (typeof value === 'number' && value - value !== 0) nonFinite = true; // ±Infinity (NaN cannot come out of JSON.parse)
      return;
    }
    if (depth > options.maxDepth) { whole = tooDeepReason(options.maxDepth); return; }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && whole === null; i++) walk(value[i], depth + 1);
      return;
    }
    for (const key in value) {
      const child = (value as Record<string, unknown>)[key];
      if (key === '__proto__' || (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype'))) { whole = PROTO_KEY_REASON; return; }
      walk(child, depth + 1);
      if (whole !== null) return;
    }
  };
  walk(root, 1);
  if (whole !== null) return [{ field: options.wholeField, reason: whole }];
  return nonFinite ? nonFinitePaths(root, options.wholeField, options.maxIssues ?? 100) : null;
}

/** Every non-finite number of a value already walked (so within the depth limit), by its path. */
function nonFinitePaths(root: unknown, wholeField: string, maxIssues: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const path: Array<string | number> = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'number') {
      if (value - value !== 0) issues.push({ field: fieldName(path, wholeField), reason: NON_FINITE_REASON });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [key, child] of entries) {
      if (issues.length >= maxIssues) return;
      path.push(key);
      walk(child);
      path.pop();
    }
  };
  walk(root);
  return issues;
}

/** `batch[3].properties.price`: keys joined with dots, indexes in brackets. */
function fieldName(path: ReadonlyArray<string | number>, root: string): string {
  if (path.length === 0) return root;
  let name = '';
  for (const part of path) name += typeof part === 'number' ? `[${part}]` : name === '' ? part : `.${part}`;
  return name;
}
