/**
 * Validation and normalisation of one incoming event.
 *
 * Shape errors come from the JSON Schemas; the rest is checked here: size and nesting limits,
 * parseable times, and that the event carries at least one usable identifier (an event that can be
 * attributed to nobody is refused at the door rather than accepted and then dropped). Every
 * problem of an item is reported (a missing id and a missing event name are two issues), each
 * field at most once.
 *
 * Time (event-time.ts): client times must lie between 1970 and 2100; Segment's clock-skew
 * correction applies when the client sends both `timestamp` and `sentAt`,
 * `timestamp = receivedAt - (sentAt - originalTimestamp)`; without `sentAt` the client's timestamp is
 * kept; without either the receive time is used; a timestamp more than FUTURE_TOLERANCE_MS after
 * the receive time is clamped to it.
 */
import type { FieldIssue } from '../errors.js';
import type { IdentityGuard } from '../identity/identity-key.js';
import { normaliseIdentity } from '../identity/identity-key.js';
import type { EpochMs } from '../time.js';
import { EVENT_TYPES, type EventType, type JsonObject, type TrackedEvent } from './event.js';
import { commonValidator, describeSchemaError, eventValidators } from './event-schema.js';
import { eventTimestamp, readClientTime, SKEW_CONTRADICTION } from './event-time.js';
import { EVENT_LIMITS } from './limits.js';

export interface EventDefaults {
  context?: JsonObject;
  integrations?: JsonObject;
  sentAt?: unknown;
}

export interface ValidateOptions {
  workspaceId: string;
  receivedAt: EpochMs;
  guard: IdentityGuard;
  newMessageId: () => string;
  /** The type implied by the endpoint (`/v1/track`); undefined for batch items, which name their own. */
  impliedType?: EventType;
  /** Batch-level fields merged into the item (the item's own win). */
  defaults?: EventDefaults;
  /** Prefix for field names in issues, e.g. `batch[3].` */
  fieldPrefix?: string;
  /** False for imports: events keep their own timestamp, no clock-skew correction (default true). */
  correctSkew?: boolean;
}

export type ValidationResult = { ok: true; event: TrackedEvent } | { ok: false; issues: FieldIssue[] };

const TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

export function validateEvent(input: unknown, options: ValidateOptions): ValidationResult {
  const prefix = options.fieldPrefix ?? '';
  // An issue with the item as a whole names the item (`batch[3]`, not `batch[3].`), or `body`.
  const whole = () => prefix.replace(/\.$/, '') || 'body';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, issues: [{ field: whole(), reason: 'must be a JSON object' }] };
  const item = input as Record<string, unknown>;

  // Every problem of the item is reported, not only the first: the list (and the set of fields the
  // schema refused, so that a field is not reported twice) is only allocated when there is one.
  const found: { issues: FieldIssue[] | null; refused: Set<string> | null } = { issues: null, refused: null };
  const issue = (field: string, reason: string) => { (found.issues ??= []).push({ field, reason }); };
  const ok = (field: string) => found.refused === null || !found.refused.has(field);

  const type = options.impliedType ?? item.type;
  const known = typeof type === 'string' && TYPE_SET.has(type);
  if (!known) issue(prefix + 'type', `must be one of ${EVENT_TYPES.join(', ')}`);

  // One walk gives the depth and a bound on the size; only an event whose bound passes the limit is
  // serialised to measure it exactly (the walk stops at the depth limit, so that cannot overflow).
  const extent = jsonExtent(item, EVENT_LIMITS.maxDepth);
  if (extent.tooDeep) issue(whole(), `objects nest deeper than ${EVENT_LIMITS.maxDepth} levels`);
  else if (extent.maxBytes > EVENT_LIMITS.maxEventBytes) {
    const size = serialisedBytes(item);
    if (size > EVENT_LIMITS.maxEventBytes) issue(whole(), `event is ${size} bytes; the limit is ${EVENT_LIMITS.maxEventBytes}`);
  }

  // Without a known type the fields common to all types are still checked.
  const validate = known ? eventValidators[type as EventType] : commonValidator;
  if (!validate(item)) {
    const refused = (found.refused = new Set());
    for (const error of validate.errors ?? []) {
      const d = describeSchemaError(error);
      refused.add(d.field);
      issue(prefix + d.field, d.reason);
    }
  }

  // Issues name the field the client used, so that they point at what it actually sent; a batch's
  // own sentAt is a batch-level field and is named without the item prefix. A field the schema
  // refused (a number, an object) is not read again.
  const time = (field: string, raw: unknown, batchLevel: boolean): EpochMs | null => {
    if (raw === undefined || raw === null || (!batchLevel && !ok(field))) return null;
    const ms = readClientTime(raw);
    if (typeof ms === 'string') { issue(batchLevel ? field : prefix + field, ms); return null; }
    return ms;
  };
  const ownSentAt = item.sentAt != null;
  const originalTimestamp = item.timestamp != null ? time('timestamp', item.timestamp, false) : time('originalTimestamp', item.originalTimestamp, false);
  const sentAt = ownSentAt ? time('sentAt', item.sentAt, false) : time('sentAt', options.defaults?.sentAt, true);

  const anonymousId = normaliseIdentity('anonymous_id', item.anonymousId, options.guard) ?? null;
  const userId = normaliseIdentity('user_id', item.userId, options.guard) ?? null;
  const previousId = type === 'alias' ? normaliseIdentity('user_id', item.previousId, options.guard) ?? null : null;
  if (type === 'alias') {
    if (userId === null && ok('userId')) issue(prefix + 'userId', `${JSON.stringify(item.userId)} is not a usable identifier`);
    if (previousId === null && ok('previousId')) issue(prefix + 'previousId', `${JSON.stringify(item.previousId)} is not a usable identifier`);
  } else if (anonymousId === null && userId === null && ok('userId') && ok('anonymousId')) {
    const sent = item.userId ?? item.anonymousId;
    issue(
      prefix + (item.userId != null ? 'userId' : 'anonymousId'),
      sent == null ? 'either userId or anonymousId is required' : `${JSON.stringify(sent)} is not a usable identifier and no other id was given`,
    );
  }
  const groupId = type === 'group' && ok('groupId') ? String(item.groupId).trim() : null;
  if (groupId === '') issue(prefix + 'groupId', 'must not be empty');

  const receivedAt = options.receivedAt;
  const timestamp = eventTimestamp(originalTimestamp, options.correctSkew === false ? null : sentAt, receivedAt);
  if (timestamp === undefined) issue(ownSentAt ? prefix + 'sentAt' : 'sentAt', SKEW_CONTRADICTION);
  if (found.issues !== null || timestamp === undefined) return { ok: false, issues: found.issues ?? [] };

  const context = mergeDefaults(options.defaults?.context, item.context as JsonObject | undefined);
  const integrations = mergeDefaults(options.defaults?.integrations, item.integrations as JsonObject | undefined);
  return {
    ok: true,
    event: {
      workspaceId: options.workspaceId,
      messageId: typeof item.messageId === 'string' ? item.messageId : options.newMessageId(),
      type: type as EventType,
      name: type === 'track' ? (item.event as string) : (item.name as string | null | undefined) ?? null,
      category: (item.category as string | null | undefined) ?? null,
      anonymousId,
      userId,
      previousId,
      groupId,
      properties: (item.properties as JsonObject | undefined) ?? {},
      traits: (item.traits as JsonObject | undefined) ?? {},
      context,
      integrations,
      timestamp,
      originalTimestamp,
      sentAt,
      receivedAt,
    },
  };
}

function mergeDefaults(defaults: JsonObject | undefined, own: JsonObject | undefined): JsonObject {
  if (!defaults) return own ?? {};
  return own ? { ...defaults, ...own } : { ...defaults };
}

/** UTF-8 size of the value as JSON; cheap for the common case where the string is short. */
function serialisedBytes(value: unknown): number {
  const json = JSON.stringify(value);
  return json.length * 3 <= EVENT_LIMITS.maxEventBytes ? json.length : Buffer.byteLength(json, 'utf8');
}

export interface JsonExtent {
  /** Objects or arrays nest deeper than the limit (the walk stopped there). */
  tooDeep: boolean;
  /** At least the value's size as UTF-8 JSON: each string character counted as 6 bytes (an escape), each number as 25. */
  maxBytes: number;
}

/** Depth check and size bound of a parsed JSON value in one walk, far cheaper than serialising it. */
export function jsonExtent(root: unknown, maxDepth: number): JsonExtent {
  let tooDeep = false;
  const bytes = (value: unknown, depth: number): number => {
    switch (typeof value) {
      case 'string': return 2 + 6 * value.length;
      case 'number': return 25; // the longest a double prints as: -0.0000012345678901234567
      case 'boolean': return 5;
      case 'object': {
        if (value === null) return 4;
        if (depth > maxDepth) { tooDeep = true; return 0; }
        let n = 2;
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length && !tooDeep; i++) n += 1 + bytes(value[i], depth + 1);
        } else {
          for (const key in value) { n += 4 + 6 * key.length + bytes((value as Record<string, unknown>)[key], depth + 1); if (tooDeep) break; }
        }
        return n;
      }
      default: return 0;
    }
  };
  const maxBytes = bytes(root, 1);
  return { tooDeep, maxBytes };
}
