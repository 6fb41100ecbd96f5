/**
 * Validation of a slot's variants: ids, sizes, http(s) URLs without control characters, JSON
 * payloads, templates (unknown placeholders refused; sensitive traits refused).
 */
import type { FieldIssue } from '../errors.js';
import { SLOT_LIMITS, ID_PATTERN, BODY_FORMATS } from './slot.js';
import { parseTemplate, type Placeholder } from './template.js';
import { checkText, isObj, onlyKeys } from './validate-timing.js';

const VARIANT_KEYS = ['id', 'title', 'body', 'format', 'imageUrl', 'linkUrl', 'payload', 'categories'];

export function checkId(v: unknown, path: string, issues: FieldIssue[]): v is string {
  if (typeof v !== 'string' || !ID_PATTERN.test(v)) { issues.push({ field: path, reason: 'must be 1–64 letters, digits, _ or -, starting with a letter or digit' }); return false; }
  return true;
}

/**
 * An absolute http(s) URL without control characters or spaces. Refused: `javascript:`, `data:`,
 * protocol-relative `//host`, and anything the WHATWG parser would silently repair (a tab or
 * newline inside a URL is removed by the parser, which hides what the author wrote).
 */
export function urlProblem(v: unknown): string | null {
  if (typeof v !== 'string' || v.length === 0) return 'must be a non-empty string';
  if (v.length > SLOT_LIMITS.urlChars) return `must be at most ${SLOT_LIMITS.urlChars} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007F-\u009F]/.test(v)) return 'must not contain control characters or spaces';
  let url: URL;
  try { url = new URL(v); } catch { return 'must be an absolute URL'; }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (!/^https?:\/\/[^/]/i.test(v)) return 'must be an absolute URL (https://host/…)';
  return null;
}

/** UTF-8 length without allocating. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/** Whether v is plain JSON (no undefined, functions, non-finite numbers), at most 20 levels deep. */
function isJson(v: unknown, depth = 0): boolean {
  if (depth > 20) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
  if (isObj(v)) return Object.values(v).every((x) => isJson(x, depth + 1));
  return false;
}

export interface VariantRefs {
  identityTraits: ReadonlySet<string>;
  sensitiveTraits: ReadonlySet<string>;
  computedTraits: ReadonlySet<string>;
}

export function checkVariant(v: unknown, path: string, refs: VariantRefs, issues: FieldIssue[]): void {
  if (!isObj(v)) { issues.push({ field: path, reason: 'must be an object {id, body, format, …}' }); return; }
  onlyKeys(v, path, VARIANT_KEYS, issues);
  checkId(v.id, `${path}.id`, issues);
  if (!(BODY_FORMATS as readonly unknown[]).includes(v.format)) issues.push({ field: `${path}.format`, reason: 'must be "text" or "html"' });
  if (typeof v.body !== 'string') issues.push({ field: `${path}.body`, reason: 'must be a string (may be empty)' });
  else if (utf8Length(v.body) > SLOT_LIMITS.bodyBytes) issues.push({ field: `${path}.body`, reason: `must be at most ${SLOT_LIMITS.bodyBytes / 1024} KB` });
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(v.body)) issues.push({ field: `${path}.body`, reason: 'must not contain control characters (tabs and newlines are fine)' });
  else checkTemplate(v.body, `${path}.body`, refs, issues);
  if (v.title !== undefined && checkText(v.title, `${path}.title`, SLOT_LIMITS.titleChars, issues)) checkTemplate(v.title, `${path}.title`, refs, issues);
  for (const f of ['imageUrl', 'linkUrl'] as const) {
    if (v[f] === undefined) continue;
    const problem = urlProblem(v[f]);
    if (problem) issues.push({ field: `${path}.${f}`, reason: problem });
  }
  if (v.payload !== undefined) {
    if (!isJson(v.payload)) issues.push({ field: `${path}.payload`, reason: 'must be JSON (at most 20 levels deep)' });
    else if (utf8Length(JSON.stringify(v.payload)) > SLOT_LIMITS.payloadBytes) issues.push({ field: `${path}.payload`, reason: `must be at most ${SLOT_LIMITS.payloadBytes / 1024} KB as JSON` });
  }
  if (v.categories !== undefined) {
    if (!Array.isArray(v.categories) || v.categories.length > SLOT_LIMITS.categoriesPerVariant) issues.push({ field: `${path}.categories`, reason: `must be an array of at most ${SLOT_LIMITS.categoriesPerVariant} category names` });
    else v.categories.forEach((c, i) => checkText(c, `${path}.categories[${i}]`, 200, issues));
  }
}

function checkTemplate(text: string, path: string, refs: VariantRefs, issues: FieldIssue[]): void {
  const parsed = parseTemplate(text, refs.identityTraits);
  if (!parsed.ok) for (const issue of parsed.issues.slice(0, 10)) issues.push({ field: path, reason: `at character ${issue.offset}: ${issue.reason}` });
  for (const p of parsed.ok ? parsed.template.placeholders : parsed.placeholders) {
    const problem = placeholderProblem(p, refs);
    if (problem) issues.push({ field: path, reason: problem });
  }
}

function placeholderProblem(p: Placeholder, refs: VariantRefs): string | null {
  if (p.kind === 'trait' && isSensitive(p.key, refs.sensitiveTraits)) return `{{traits.${p.key}}} is a sensitive trait (GDPR Art. 9 special category): personalization never uses it`;
  if (p.kind === 'computed' && !refs.computedTraits.has(p.key)) return `{{computed.${p.key}}}: no computed trait "${p.key}" exists in this workspace`;
  return null;
}

/** Sensitive keys compare case-insensitively: `Religion` must not slip past `religion`. */
export function isSensitive(key: string, sensitive: ReadonlySet<string>): boolean {
  if (sensitive.has(key)) return true;
  const lower = key.toLowerCase();
  for (const s of sensitive) if (s.toLowerCase() === lower) return true;
  return false;
}
