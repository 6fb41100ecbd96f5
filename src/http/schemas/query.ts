/**
 * The query and path parameters every admin route shares, as JSON Schema: page size, cursor,
 * names and identifiers. One definition, reused by every paging route, so that a hostile value is
 * refused the same way everywhere before it reaches a store:
 *   - text refuses control characters (NUL included: PostgreSQL refuses it in text, and a NUL in
 *     a trait name reached a JSON path) and has a maximum length;
 *   - numbers are decimal digits within a range (`1e400`, `Infinity`, `0x10`, `-1`, `1.5` and
 *     huge values are refused; see validator.ts for why the schema alone did not refuse `1e400`).
 * The same schemas feed the OpenAPI document (src/http/openapi.ts).
 */

/** No C0 control character, no DEL: the one pattern every text parameter carries. */
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001F\\u007F]*$';

/** A text parameter of at most `maxLength` characters, without control characters. */
export function safeText(maxLength: number, description?: string, minLength = 0) {
  return { type: 'string', minLength, maxLength, pattern: NO_CONTROL_CHARACTERS, ...(description ? { description } : {}) } as const;
}

/** The page size of a paging route: an integer in 1…max, `fallback` when absent. */
export function limitParam(fallback: number, max = 1000) {
  return { type: 'integer', minimum: 1, maximum: max, default: fallback, description: `Page size, 1–${max} (default ${fallback}).` } as const;
}

/** The opaque cursor a previous page returned as `nextCursor`. */
export const cursorParam = safeText(512, 'The `nextCursor` of the previous page.');

/** Query of a paging route: `limit` and `cursor`, plus the route's own parameters. */
export function pageQuery(options: { fallback: number; extra?: Record<string, object>; additional?: boolean }) {
  return {
    type: 'object',
    properties: { limit: limitParam(options.fallback), cursor: cursorParam, ...options.extra },
    additionalProperties: options.additional ?? false,
  } as const;
}

/** Path parameters: each a non-empty text without control characters. */
export function pathParams(names: Record<string, { maxLength?: number; description?: string }>) {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(names).map(([name, p]) => [name, safeText(p.maxLength ?? 512, p.description, 1)])),
    required: Object.keys(names),
  } as const;
}

/** `{id}`: a profile is found by any of its identifiers (ids may be 512 characters). */
export const profileIdParams = pathParams({ id: { description: 'Any identifier of the profile: its id, a userId, an anonymousId or an email.' } });

/** `{id}` of a definition (segment, form, webhook, list, survey, key). */
export const idParams = pathParams({ id: { maxLength: 200 } });

/**
 * A day parameter of a report, `YYYY-MM-DD`. The route checks the form itself (it also refuses
 * impossible days such as 2026-02-30, with its own wording); the schema bounds the text.
 */
export const dayParam = (description: string) => ({ ...safeText(64, `${description} YYYY-MM-DD.`), examples: ['2026-01-31'] } as const);
