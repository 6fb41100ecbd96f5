/**
 * Parsing of a decide request (POST body, or the GET form's query) into what the service takes:
 * every problem named by its field, nothing silently dropped. Which key may name whom is the
 * route's business (routes/decide.ts); this only checks shapes.
 *
 * The context is the slot preview's (decision-context-input.ts) except `recognised`: how strongly
 * the visitor is known is decided by the server from the key and the tokens, never claimed.
 */
import type { DecideChannel } from '../core/decisions/decide.js';
import type { DecisionContext } from '../core/decisions/decision-context.js';
import type { FieldIssue } from '../core/errors.js';
import { normaliseIdentity, type IdentityGuard } from '../core/identity/identity-key.js';
import { EVENT_LIMITS } from '../core/events/limits.js';
import { parseDecisionContext } from './decision-context-input.js';

/** Slots per request (the contract). */
export const MAX_DECIDE_SLOTS = 20;
const MAX_SLOT_ID = 200;
const MAX_TOKEN = 8192;
const CONTROL = /[\u0000-\u001F\u007F]/;
const BODY_KEYS = ['writeKey', 'slots', 'anonymousId', 'recognition', 'userId', 'email', 'channel', 'context'];

export interface DecideInput {
  slots: string[];
  anonymousId?: string;
  recognition?: string;
  userId?: string;
  email?: string;
  channel: DecideChannel;
  context: Omit<DecisionContext, 'recognised'>;
}

export type ParsedDecide = { ok: true; input: DecideInput } | { ok: false; issues: FieldIssue[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function slotIds(v: unknown, field: string, issues: FieldIssue[], options: { min: number }): string[] {
  if (!Array.isArray(v)) { issues.push({ field, reason: `must be a list of 1 to ${MAX_DECIDE_SLOTS} slot ids` }); return []; }
  if (v.length < options.min || v.length > MAX_DECIDE_SLOTS) issues.push({ field, reason: `must hold ${options.min} to ${MAX_DECIDE_SLOTS} slot ids` });
  const out: string[] = [];
  v.forEach((id, i) => {
    if (typeof id !== 'string' || id === '' || id.length > MAX_SLOT_ID || CONTROL.test(id)) issues.push({ field: `${field}[${i}]`, reason: `must be a slot id (1 to ${MAX_SLOT_ID} characters, no control characters)` });
    else if (out.includes(id)) issues.push({ field: `${field}[${i}]`, reason: `repeats "${id}": slot ids must be distinct` });
    else out.push(id);
  });
  return out;
}

function identity(kind: 'anonymous_id' | 'user_id' | 'email', v: unknown, field: string, guard: IdentityGuard, issues: FieldIssue[]): string | undefined {
  if (v === undefined) return undefined;
  const id = normaliseIdentity(kind, v, guard);
  if (id === undefined || id.length > EVENT_LIMITS.maxIdLength || CONTROL.test(id)) {
    issues.push({ field, reason: kind === 'email' ? 'must be an email address' : `must be a usable identifier (a string of at most ${EVENT_LIMITS.maxIdLength} characters, no control characters)` });
    return undefined;
  }
  return id;
}

function token(v: unknown, field: string, issues: FieldIssue[]): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '' || v.length > MAX_TOKEN || CONTROL.test(v)) { issues.push({ field, reason: 'must be the recognition token from POST /v1/recognize' }); return undefined; }
  return v;
}

function common(source: Obj, slots: string[], context: unknown, guard: IdentityGuard, issues: FieldIssue[]): ParsedDecide {
  const anonymousId = identity('anonymous_id', source.anonymousId, 'anonymousId', guard, issues);
  const recognition = token(source.recognition, 'recognition', issues);
  const userId = identity('user_id', source.userId, 'userId', guard, issues);
  const email = identity('email', source.email, 'email', guard, issues);
  if (source.userId !== undefined && source.email !== undefined) issues.push({ field: 'email', reason: 'give userId or email, not both' });
  if (recognition !== undefined && source.anonymousId === undefined) issues.push({ field: 'anonymousId', reason: 'is required with a recognition (the token is bound to the device\'s anonymous id)' });
  let channel: DecideChannel = 'web';
  if (source.channel !== undefined) {
    if (source.channel === 'web' || source.channel === 'email') channel = source.channel;
    else issues.push({ field: 'channel', reason: 'must be "web" or "email"' });
  }
  if (isObj(context) && context.recognised !== undefined) issues.push({ field: 'context.recognised', reason: 'is decided by the server from the key and the recognition token; do not send it' });
  const { recognised: _r, ...parsed } = parseDecisionContext(context, { path: 'context', recognised: 'none' }, issues);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    input: {
      slots, channel, context: parsed,
      ...(anonymousId !== undefined ? { anonymousId } : {}), ...(recognition !== undefined ? { recognition } : {}),
      ...(userId !== undefined ? { userId } : {}), ...(email !== undefined ? { email } : {}),
    },
  };
}

/** POST /v1/decide's body. */
export function parseDecideBody(body: unknown, guard: IdentityGuard): ParsedDecide {
  if (!isObj(body)) return { ok: false, issues: [{ field: 'body', reason: 'must be a JSON object {slots, anonymousId?, recognition?, userId?, email?, channel?, context?}' }] };
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(body)) if (!BODY_KEYS.includes(key)) issues.push({ field: key, reason: 'is not a known field' });
  if (body.slots === undefined) issues.push({ field: 'slots', reason: `is required: 1 to ${MAX_DECIDE_SLOTS} slot ids` });
  const slots = body.slots === undefined ? [] : slotIds(body.slots, 'slots', issues, { min: 1 });
  return common(body, slots, body.context, guard, issues);
}

/** The GET forms' query (already shape-checked by the route schema: strings without control characters). */
export interface DecideQuery {
  slot?: string | string[];
  anonymousId?: string;
  recognition?: string;
  userId?: string;
  email?: string;
  channel?: string;
  url?: string;
  path?: string;
  referrer?: string;
  category?: string;
  locale?: string;
  timezone?: string;
  deviceClass?: string;
  country?: string;
}

const UTM = ['source', 'medium', 'campaign', 'content', 'term'] as const;

/**
 * GET /v1/decide and /v1/decide/email: `slot` repeated (none: nothing to decide), the visit as
 * flat parameters; utm_* come from the `url`'s own query.
 */
export function parseDecideQuery(query: DecideQuery, guard: IdentityGuard): ParsedDecide {
  const issues: FieldIssue[] = [];
  const raw = query.slot === undefined ? [] : Array.isArray(query.slot) ? query.slot : [query.slot];
  const slots = slotIds(raw, 'slot', issues, { min: 0 });
  const context: Obj = {};
  for (const key of ['url', 'path', 'referrer', 'category', 'locale', 'timezone', 'deviceClass', 'country'] as const) if (query[key] !== undefined && query[key] !== '') context[key] = query[key];
  if (typeof query.url === 'string' && /^https?:\/\//i.test(query.url)) {
    try {
      const params = new URL(query.url).searchParams;
      const utm: Obj = {};
      for (const k of UTM) { const v = params.get(`utm_${k}`); if (v !== null && v !== '') utm[k] = v; }
      if (Object.keys(utm).length > 0) context.utm = utm;
      if (context.path === undefined) context.path = new URL(query.url).pathname;
    } catch {
      issues.push({ field: 'url', reason: 'must be an absolute http(s) URL' });
    }
  }
  const parsed = common({ ...query }, slots, context, guard, issues);
  if (parsed.ok) return parsed;
  // Named as the caller sent them: `context.locale` is the `locale` parameter, `context.utm.source` the url's utm_source.
  return {
    ok: false,
    issues: parsed.issues.map((i) => {
      const utm = /^context\.utm\.(\w+)$/.exec(i.field);
      if (utm) return { field: 'url', reason: `its utm_${utm[1]} ${i.reason}` };
      return { ...i, field: i.field.replace(/^context\./, '') };
    }),
  };
}
