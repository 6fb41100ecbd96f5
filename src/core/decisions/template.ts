/**
 * Templates in variant titles and bodies: text with placeholders the person's data fills in.
 *
 *   {{traits.firstName | "there"}}   a trait, with a fallback for a missing value
 *   {{computed.plan}}                a computed trait's current value
 *   {{salutation}}                   the greeting for this person (salutation.ts)
 *
 * Rules:
 * - A placeholder is `{{`, a name, optionally `| "fallback"` (no `"` inside), `}}`; spaces around
 *   the parts are allowed. Anything else between `{{` and `}}` is refused at validation time, as is
 *   an unclosed `{{` — a typo must not reach a visitor as raw braces.
 * - A value that is absent, null, blank, an object or a list renders the fallback, or nothing:
 *   never "undefined", "null" or "[object Object]". Numbers and booleans render as text.
 * - In `html` bodies every value and fallback is HTML-escaped (& < > " '), so a trait holding
 *   `<script>` shows as text. In `text` bodies and titles values are inserted as they are, without
 *   control characters: the consumer inserts text as text (the tracker uses textContent).
 * - Depth: a placeholder reveals what it shows. An identity-level trait (declared `personal` in the
 *   data schema: name, company, email …) and the salutation are `individual`; other traits and
 *   computed traits are `segment`. A placeholder deeper than the decision's allowed depth renders
 *   its fallback (the salutation: the neutral greeting), so the default variant is always safe.
 */
import type { Depth } from './depth.js';
import { deeperThan, maxDepth } from './depth.js';
import type { BodyFormat } from './slot.js';

export type Placeholder =
  | { kind: 'trait'; key: string; fallback: string }
  | { kind: 'computed'; key: string; fallback: string }
  | { kind: 'salutation'; fallback: string };

export interface CompiledTemplate {
  /** Literal text and placeholders, in order. */
  parts: ReadonlyArray<string | Placeholder>;
  /** The deepest placeholder (`none` without any). */
  depth: Depth;
  placeholders: readonly Placeholder[];
}

export interface TemplateIssue {
  /** Character offset of the placeholder in the text. */
  offset: number;
  reason: string;
}

/** A failed parse still lists the placeholders it understood, so validation can report them too. */
export type ParsedTemplate = { ok: true; template: CompiledTemplate } | { ok: false; issues: TemplateIssue[]; placeholders: Placeholder[] };

/** What rendering reads. `salutation` is called at most once per render, and only when used. */
export interface TemplateValues {
  traits: Readonly<Record<string, unknown>>;
  computed(key: string): unknown;
  salutation(neutral: boolean): string;
}

const NAME = /^(?:(traits|computed)\.([A-Za-z0-9_-]{1,128})|(salutation))$/;
const FALLBACK = /^"([^"]{0,200})"$/;

/** Parses a template; `identityTraits` are the trait keys whose placeholders are `individual`. */
export function parseTemplate(text: string, identityTraits: ReadonlySet<string>): ParsedTemplate {
  const parts: Array<string | Placeholder> = [];
  const placeholders: Placeholder[] = [];
  const issues: TemplateIssue[] = [];
  let depth: Depth = 'none';
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('{{', at);
    if (open < 0) { parts.push(text.slice(at)); break; }
    if (open > at) parts.push(text.slice(at, open));
    const close = text.indexOf('}}', open + 2);
    if (close < 0) { issues.push({ offset: open, reason: 'a placeholder opened with {{ is never closed with }}' }); break; }
    const inner = text.slice(open + 2, close);
    const p = parsePlaceholder(inner);
    if (typeof p === 'string') issues.push({ offset: open, reason: `{{${inner.slice(0, 60)}}}: ${p}` });
    else {
      parts.push(p);
      placeholders.push(p);
      depth = maxDepth(depth, placeholderDepth(p, identityTraits));
    }
    at = close + 2;
  }
  return issues.length > 0 ? { ok: false, issues, placeholders } : { ok: true, template: { parts, depth, placeholders } };
}

function parsePlaceholder(inner: string): Placeholder | string {
  const bar = inner.indexOf('|');
  const name = (bar < 0 ? inner : inner.slice(0, bar)).trim();
  let fallback = '';
  if (bar >= 0) {
    const f = FALLBACK.exec(inner.slice(bar + 1).trim());
    if (!f) return 'the fallback must be text in double quotes (up to 200 characters, no " inside), e.g. | "there"';
    fallback = f[1]!;
  }
  const m = NAME.exec(name);
  if (!m) return 'unknown placeholder; use traits.<key>, computed.<key> or salutation';
  if (m[3]) return { kind: 'salutation', fallback };
  return m[1] === 'traits' ? { kind: 'trait', key: m[2]!, fallback } : { kind: 'computed', key: m[2]!, fallback };
}

export function placeholderDepth(p: Placeholder, identityTraits: ReadonlySet<string>): Depth {
  if (p.kind === 'salutation') return 'individual';
  if (p.kind === 'trait' && identityTraits.has(p.key)) return 'individual';
  return 'segment';
}

/** The template as a string for this person. `allowed`: the decision's allowed depth. */
export function renderTemplate(
  t: CompiledTemplate,
  values: TemplateValues,
  options: { format: BodyFormat; allowed: Depth; identityTraits: ReadonlySet<string> },
): string {
  if (t.placeholders.length === 0) return t.parts.length === 1 ? (t.parts[0] as string) : (t.parts as string[]).join('');
  let out = '';
  for (const part of t.parts) {
    if (typeof part === 'string') { out += part; continue; }
    const tooDeep = deeperThan(placeholderDepth(part, options.identityTraits), options.allowed);
    let value: string;
    if (part.kind === 'salutation') value = tooDeep && part.fallback !== '' ? part.fallback : values.salutation(tooDeep);
    else if (tooDeep) value = part.fallback;
    else value = textOf(part.kind === 'trait' ? ownValue(values.traits, part.key) : values.computed(part.key)) ?? part.fallback;
    out += options.format === 'html' ? escapeHtml(value) : stripControls(value);
  }
  return out;
}

/** A scalar as text; undefined for what must not be printed. */
function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

function ownValue(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return stripControls(s).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
function stripControls(s: string): string {
  return s.replace(CONTROLS, '');
}
