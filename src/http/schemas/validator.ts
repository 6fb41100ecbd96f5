/**
 * The validator of every route's query and path parameters (Fastify's `setValidatorCompiler`).
 *
 * Why our own, not Fastify's default Ajv: Ajv's type coercion turns the query text `1e400` or
 * `Infinity` into the number Infinity without checking it is finite, and Ajv then skips
 * `minimum`/`maximum` for non-finite numbers, so `limit=1e400` passed `{type: integer, maximum:
 * 1000}` and reached the store (a 500). This compiler keeps Ajv's coercion of query text to the
 * declared types, and adds two rules to every query and path schema:
 *   - a parameter declared as a number must be written in decimal digits (`-12`, `3.5`); exponents,
 *     `Infinity`, hex and padding are refused rather than silently converted;
 *   - no value may come out of coercion as a non-finite number (digits can overflow: 400 nines).
 * Control characters are refused by the shared schemas' pattern (query.ts) and named plainly here.
 *
 * Request bodies are NOT validated by their schema: each body is parsed once, by its domain parser
 * (the collection API's hand-tuned validator, the zod schemas of src/core), which names every
 * failing field; its route schema documents that same shape for the OpenAPI document. Validating
 * it twice would cost time on the collection API and could coerce a value the parser would refuse.
 * One rule holds for every body with a schema, though: no NUL character (refuseNul).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { NO_CONTROL_CHARACTERS } from './query.js';

const DECIMAL = { integer: /^-?\d+$/, number: /^-?\d+(\.\d+)?$/ } as const;

type PropertySchema = { type?: unknown };

function numericProperties(schema: unknown): Map<string, 'integer' | 'number'> {
  const found = new Map<string, 'integer' | 'number'>();
  const properties = (schema as { properties?: Record<string, PropertySchema> } | null)?.properties ?? {};
  for (const [name, property] of Object.entries(properties)) {
    if (property.type === 'integer' || property.type === 'number') found.set(name, property.type);
  }
  return found;
}

const issue = (name: string, message: string, keyword: string): ErrorObject => ({ instancePath: `/${name}`, schemaPath: '#', keyword, params: {}, message });

/**
 * Ajv's errors as our issues: the control-character pattern said in words, an unknown parameter
 * and a bad parameter NAME (`propertyNames`) reported under that name rather than as a vaguer error.
 */
function readable(errors: ErrorObject[] | null | undefined): ErrorObject[] {
  return (errors ?? []).filter((e) => e.keyword !== 'propertyNames').map((e) => {
    if (e.keyword === 'additionalProperties') {
      return { ...e, instancePath: `${e.instancePath}/${String((e.params as { additionalProperty?: unknown }).additionalProperty)}`, message: 'is not a parameter of this route' };
    }
    const named = e.propertyName === undefined ? e : { ...e, instancePath: `/${e.propertyName}` };
    return e.keyword === 'pattern' && (e.params as { pattern?: string }).pattern === NO_CONTROL_CHARACTERS
      ? { ...named, message: e.propertyName === undefined ? 'must not contain control characters' : 'has control characters in its name' } : named;
  });
}

/**
 * A body schema that says `x-nul-allowed: true` keeps NUL characters: the collection API, whose
 * events are checked by the ingest pipeline's own validator, and a body whose parser refuses control
 * characters itself while naming every other failing field too (unmerge).
 */
export const NUL_ALLOWED = 'x-nul-allowed';

/**
 * The one check every other JSON body gets from its schema: no NUL (U+0000) in any text or key.
 * PostgreSQL cannot store it in text (a 500 there, stored as is in SQLite), and no client has a
 * reason to send it; every such field is named.
 */
function refuseNul(body: unknown): boolean {
  const errors: ErrorObject[] = [];
  const walk = (value: unknown, path: string): void => {
    if (errors.length >= 20) return;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) errors.push(issue(path.slice(1), 'must not contain control characters (here NUL, U+0000)', 'pattern'));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) errors.push(issue(`${path.slice(1)}${path ? '/' : ''}${key}`, 'has a control character (NUL, U+0000) in its name', 'pattern'));
      walk(child, `${path}/${key}`);
    }
  };
  walk(body, '');
  (refuseNul as { errors?: ErrorObject[] }).errors = errors;
  return errors.length === 0;
}

/**
 * The options Fastify used: query text is coerced to the declared types, defaults are filled in,
 * unknown parameters are kept (a route that refuses them says `additionalProperties: false`).
 * One instance for the process: Ajv caches what it compiled by schema, and the routes of every app
 * share their schema objects.
 */
const ajv = new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: true, strict: false });

export function createParameterValidatorCompiler(): FastifySchemaCompiler<unknown> {
  return ({ schema, httpPart }) => {
    if (httpPart === 'body') return (schema as Record<string, unknown>)[NUL_ALLOWED] === true ? null as unknown as ReturnType<FastifySchemaCompiler<unknown>> : refuseNul;
    const validate: ValidateFunction = ajv.compile(schema as object);
    const numeric = numericProperties(schema);
    const check = (data: unknown): boolean => {
      const errors: ErrorObject[] = [];
      const values = (data ?? {}) as Record<string, unknown>;
      for (const [name, type] of numeric) {
        const raw = values[name];
        if (typeof raw === 'string' && !DECIMAL[type].test(raw)) errors.push(issue(name, type === 'integer' ? 'must be an integer written in digits' : 'must be a number written in digits', 'type'));
      }
      if (errors.length === 0 && !validate(data)) errors.push(...readable(validate.errors));
      if (errors.length === 0) {
        for (const [name, value] of Object.entries(values)) {
          if (typeof value === 'number' && !Number.isFinite(value)) errors.push(issue(name, 'must be a finite number', 'type'));
        }
      }
      (check as { errors?: ErrorObject[] }).errors = errors;
      return errors.length === 0;
    };
    return check;
  };
}
