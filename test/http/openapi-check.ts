/**
 * Checks real answers against the API reference (GET /openapi.json), generically: the operation is
 * found by method and path template, the documented answer by exact status, else its class (`4XX`),
 * else `default`; a JSON answer must validate against that answer's schema (Ajv, JSON Schema
 * 2020-12, the dialect of OpenAPI 3.1); any other answer must have a documented content type.
 * A new route is covered as soon as it is in the document.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { LightMyRequestResponse } from 'fastify';

export type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};
export interface Operation {
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: { type?: unknown } }>;
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>;
}

export const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;

/** Every operation of the document. */
export function operationsOf(doc: OpenApiDocument): Array<{ method: string; path: string; operation: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((method) => ({ method, path, operation: item[method]! })));
}

export function createAnswerChecker(doc: OpenApiDocument): (options: { method: string; path: string; res: LightMyRequestResponse }) => string | null {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(doc as object, 'openapi');
  const compiled = new Map<string, ValidateFunction>();
  const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
  return ({ method, path, res }) => {
    const operation = doc.paths[path]?.[method];
    if (!operation) return `${method.toUpperCase()} ${path} is not in the document`;
    const status = String(res.statusCode);
    const key = [status, `${status[0]}XX`, 'default'].find((k) => operation.responses[k]);
    if (!key) return `${method.toUpperCase()} ${path} answered ${status}, which the document does not list (${Object.keys(operation.responses).join(', ')})`;
    const documented = operation.responses[key]!;
    const type = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (res.body === '' && (res.statusCode === 204 || res.statusCode === 304 || (res.statusCode >= 300 && res.statusCode < 400))) return null;
    if (!documented.content) return res.body === '' ? null : `${method.toUpperCase()} ${path} ${status}: a body of ${type}, but the document lists none`;
    if (!documented.content[type]) return `${method.toUpperCase()} ${path} ${status}: content type ${type} is not documented (${Object.keys(documented.content).join(', ')})`;
    if (type !== 'application/json') return null;
    const ref = `openapi#/${pointer('paths', path, method, 'responses', key, 'content', type, 'schema')}`;
    let validate = compiled.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      compiled.set(ref, validate);
    }
    if (validate(JSON.parse(res.body))) return null;
    return `${method.toUpperCase()} ${path} ${status}: the answer does not match the document: ${ajv.errorsText(validate.errors)}; body ${res.body.slice(0, 300)}`;
  };
}

/** `/v1/profiles/{id}` with its parameters filled in (each value already percent-encoded as wanted). */
export function fillPath(path: string, value: (name: string) => string): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => (name === '*' ? value('*') : value(name)));
}
