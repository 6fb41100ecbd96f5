/**
 * Values as PostgreSQL accepts them. JavaScript strings and JSON may hold two things PostgreSQL
 * text and jsonb refuse: the NUL character (U+0000) and unpaired UTF-16 surrogates. An event
 * carrying one would fail its whole transaction on every retry, so in text and jsonb values both
 * become U+FFFD (the replacement character) on the way in. `json` columns keep the document as
 * sent (PostgreSQL stores json as text and accepts the escapes). The checks are one scan of the
 * string, so the common case costs little.
 */
const NEEDS_CLEANING = /[\u0000\uD800-\uDFFF]/;
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const REPLACEMENT = '\uFFFD';

export function text(value: string): string;
export function text(value: string | null): string | null;
export function text(value: string | null): string | null {
  return value !== null && NEEDS_CLEANING.test(value) ? value.replace(UNSAFE, REPLACEMENT) : value;
}

/** JSON text for a jsonb value. */
export function jsonb(value: unknown): string {
  const json = JSON.stringify(value);
  // JSON.stringify writes NUL as \u0000 and an unpaired surrogate as \udxxx; nothing else escapes so.
  return json.includes('\\u0000') || json.includes('\\ud') ? JSON.stringify(cleaned(value)) : json;
}

function cleaned(value: unknown): unknown {
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) return value.map(cleaned);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), cleaned(v)]));
  }
  return value;
}

/** One JSON array from documents already serialised, for a json_array_elements parameter. */
export function jsonArray(documents: string[]): string {
  return `[${documents.join(',')}]`;
}

/** Splits rows into chunks, so that one statement's parameters stay a few megabytes at most. */
export function chunks<T>(rows: readonly T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
