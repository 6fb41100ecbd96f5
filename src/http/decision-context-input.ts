/**
 * Parsing of a decision's request context (core/decisions/decision-context.ts) and of the admin
 * preview body, as they arrive over HTTP: every problem named by its field, nothing silently
 * dropped or changed. Strings are at most 2,000 characters without control characters; numbers
 * are finite and in range; unknown fields are refused. The decide API (next) reuses
 * `parseDecisionContext`.
 */
import { DEVICE_CLASSES, RECOGNITION_LEVELS, type DecisionContext, type Recognition } from '../core/decisions/decision-context.js';
import type { DecideChannel } from '../core/decisions/decide.js';
import { checkTimeZone } from '../core/decisions/validate-timing.js';
import type { FieldIssue } from '../core/errors.js';
import { itemIdProblem } from '../core/recommendations/item.js';
import { PERSONA_ID } from '../core/segments/validate-condition.js';

const MAX_TEXT = 2000;
const CONTROL = /[\u0000-\u001F\u007F]/;
const CONTEXT_KEYS = ['url', 'path', 'category', 'referrer', 'itemId', 'utm', 'deviceClass', 'localHour', 'weekday', 'country', 'timezone', 'recognised', 'locale'];
const UTM_KEYS = ['source', 'medium', 'campaign', 'content', 'term'];
const LOCALE_TAG = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,4}$/;
/** Preview instants: 2000-01-01 … 2100-01-01. */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownKeys(node: Obj, path: string, allowed: readonly string[], issues: FieldIssue[]): void {
  for (const key of Object.keys(node)) if (!allowed.includes(key)) issues.push({ field: path ? `${path}.${key}` : key, reason: 'is not a known field' });
}

function textField(v: unknown, path: string, issues: FieldIssue[]): string | undefined {
  if (typeof v !== 'string') { issues.push({ field: path, reason: 'must be a string' }); return undefined; }
  if (v.length > MAX_TEXT) { issues.push({ field: path, reason: `must be at most ${MAX_TEXT} characters` }); return undefined; }
  if (CONTROL.test(v)) { issues.push({ field: path, reason: 'must not contain control characters' }); return undefined; }
  return v;
}

function intField(v: unknown, path: string, min: number, max: number, issues: FieldIssue[]): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) { issues.push({ field: path, reason: `must be a whole number from ${min} to ${max}` }); return undefined; }
  return v;
}

/** A context object at `where.path`; `recognised` and `locale` default to `where.recognised` and `en`. Problems go to `issues`. */
export function parseDecisionContext(input: unknown, where: { path: string; recognised: Recognition }, issues: FieldIssue[]): DecisionContext {
  const { path } = where;
  const out: DecisionContext = { recognised: where.recognised, locale: 'en' };
  if (input === undefined) return out;
  if (!isObj(input)) { issues.push({ field: path, reason: 'must be an object (url, path, category, referrer, itemId, utm, deviceClass, localHour, weekday, country, timezone, recognised, locale)' }); return out; }
  unknownKeys(input, path, CONTEXT_KEYS, issues);
  const at = (key: string) => `${path}.${key}`;
  for (const key of ['url', 'path', 'category', 'referrer'] as const) {
    if (input[key] === undefined) continue;
    const v = textField(input[key], at(key), issues);
    if (v !== undefined) out[key] = v;
  }
  if (input.itemId !== undefined) {
    const problem = itemIdProblem(input.itemId);
    if (problem === null) out.itemId = input.itemId as string;
    else issues.push({ field: at('itemId'), reason: problem });
  }
  if (input.utm !== undefined) {
    if (!isObj(input.utm)) issues.push({ field: at('utm'), reason: 'must be an object {source, medium, campaign, content, term}' });
    else {
      unknownKeys(input.utm, at('utm'), UTM_KEYS, issues);
      const utm: Obj = {};
      for (const key of UTM_KEYS) {
        if (input.utm[key] === undefined) continue;
        const v = textField(input.utm[key], `${at('utm')}.${key}`, issues);
        if (v !== undefined) utm[key] = v;
      }
      out.utm = utm as DecisionContext['utm'] & object;
    }
  }
  if (input.deviceClass !== undefined) {
    if ((DEVICE_CLASSES as readonly unknown[]).includes(input.deviceClass)) out.deviceClass = input.deviceClass as DecisionContext['deviceClass'] & string;
    else issues.push({ field: at('deviceClass'), reason: `must be one of ${DEVICE_CLASSES.join(', ')}` });
  }
  if (input.localHour !== undefined) { const v = intField(input.localHour, at('localHour'), 0, 23, issues); if (v !== undefined) out.localHour = v; }
  if (input.weekday !== undefined) { const v = intField(input.weekday, at('weekday'), 0, 6, issues); if (v !== undefined) out.weekday = v; }
  if (input.country !== undefined) {
    if (typeof input.country === 'string' && /^[A-Z]{2}$/.test(input.country)) out.country = input.country;
    else issues.push({ field: at('country'), reason: 'must be an ISO 3166-1 alpha-2 code in capitals, e.g. "DE"' });
  }
  if (input.timezone !== undefined) {
    const before = issues.length;
    checkTimeZone(input.timezone, at('timezone'), issues);
    if (issues.length === before) out.timezone = input.timezone as string;
  }
  if (input.recognised !== undefined) {
    if ((RECOGNITION_LEVELS as readonly unknown[]).includes(input.recognised)) out.recognised = input.recognised as Recognition;
    else issues.push({ field: at('recognised'), reason: `must be one of ${RECOGNITION_LEVELS.join(', ')}` });
  }
  if (input.locale !== undefined) {
    if (typeof input.locale === 'string' && LOCALE_TAG.test(input.locale)) out.locale = input.locale;
    else issues.push({ field: at('locale'), reason: 'must be a language tag such as "en" or "de-DE"' });
  }
  return out;
}

export interface PreviewInput {
  profile?: string;
  /** A persona id: decide for a made-up typical member of it (core/personas/typical-member.ts); never with `profile`. */
  persona?: string;
  context: DecisionContext;
  channel: DecideChannel;
  at?: number;
}

export type ParsedPreview = { ok: true; input: PreviewInput } | { ok: false; issues: FieldIssue[] };

/**
 * `{ profile?, persona?, context?, channel?, at? }`. Without `context.recognised` a preview for a
 * profile or a persona decides as for a logged-in visitor (the deepest the guard allows; set
 * `cookie` or `signed` to see what those see), one without either as for an unknown visitor.
 * `persona` is checked for its form here; whether the workspace's model has it, by the preview.
 */
export function parsePreviewInput(body: unknown): ParsedPreview {
  const b = body === undefined || body === null ? {} : body;
  if (!isObj(b)) return { ok: false, issues: [{ field: 'body', reason: 'must be a JSON object {profile?, persona?, context?, channel?, at?}' }] };
  const issues: FieldIssue[] = [];
  unknownKeys(b, '', ['profile', 'persona', 'context', 'channel', 'at'], issues);
  let profile: string | undefined;
  if (b.profile !== undefined) {
    profile = textField(b.profile, 'profile', issues);
    if (profile === '') { issues.push({ field: 'profile', reason: 'must not be empty' }); profile = undefined; }
  }
  let persona: string | undefined;
  if (b.persona !== undefined) {
    if (b.profile !== undefined) issues.push({ field: 'persona', reason: 'give either profile (a person) or persona (a made-up typical member of it), not both' });
    else if (typeof b.persona !== 'string' || !PERSONA_ID.test(b.persona)) issues.push({ field: 'persona', reason: 'must be a persona id such as "p2" (GET /v1/personas lists them)' });
    else persona = b.persona;
  }
  const someone = b.profile !== undefined || b.persona !== undefined;
  const context = parseDecisionContext(b.context, { path: 'context', recognised: someone ? 'login' : 'none' }, issues);
  if (!someone && context.recognised !== 'none' && isObj(b.context) && b.context.recognised !== undefined) {
    issues.push({ field: 'context.recognised', reason: 'must be "none" without a profile or persona' });
  }
  let channel: DecideChannel = 'web';
  if (b.channel !== undefined) {
    if (b.channel === 'web' || b.channel === 'email') channel = b.channel;
    else issues.push({ field: 'channel', reason: 'must be "web" or "email"' });
  }
  let at: number | undefined;
  if (b.at !== undefined) {
    const parsed = typeof b.at === 'string' && b.at.length <= 40 && /^\d{4}-\d{2}-\d{2}T/.test(b.at) ? Date.parse(b.at) : Number.NaN;
    if (!Number.isFinite(parsed) || parsed < EARLIEST || parsed >= LATEST) issues.push({ field: 'at', reason: 'must be an ISO 8601 date-time between 2000 and 2100, e.g. "2026-03-01T09:00:00Z"' });
    else at = parsed;
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, input: { ...(profile !== undefined ? { profile } : {}), ...(persona !== undefined ? { persona } : {}), context, channel, ...(at !== undefined ? { at } : {}) } };
}
