/**
 * Data minimisation at the door: what of an event may be stored, given the workspace's purposes
 * and data schema and the person's consent. Pure; the ingest step calls it for every event before
 * the event touches identities or the profile, so withheld data leaves no trace (not even a new
 * profile for a visitor who has not consented).
 *
 * - An event is kept when at least one of its purposes has a legal basis for the person; else it is
 *   withheld whole.
 * - Each trait (identify traits, context.traits, their `$set`/`$set_once`) is kept when one of its
 *   purposes has a legal basis; else it is removed from the event — so an email without a basis
 *   never becomes an identity either.
 * - With a Global Privacy Control signal (`context.gpc: true`, set from the `Sec-GPC: 1` header),
 *   the configured purposes (default: advertising) count as not consented.
 * - Undeclared events and traits (lenient mode) are judged by the schema's `undeclaredPurposes` and
 *   reported for review. Strict mode refuses them earlier, at validation (`undeclaredFields`).
 * - Consent events and Tessera's own timeline entries are always kept: they are the basis.
 */
import type { FieldIssue } from '../errors.js';
import type { JsonObject, TrackedEvent } from '../events/event.js';
import { isGranted, type ConsentState } from './consent.js';
import { eventDeclaration, traitDeclaration, type DataSchema } from './data-schema.js';
import type { Purpose } from './purposes.js';

export interface AdmitContext {
  purposes: ReadonlyMap<string, Purpose>;
  schema: DataSchema;
  consent: ConsentState;
  /** Purposes a GPC signal opts out of; empty when GPC is not honoured. */
  gpcPurposes: readonly string[];
}

export interface Withheld {
  kind: 'event' | 'trait';
  name: string;
  purposes: string[];
}

export interface Admission {
  /** The event to store (traits without a basis removed), or null when it is withheld whole. */
  event: TrackedEvent | null;
  withheld: Withheld[];
  /** Undeclared fields seen (lenient mode), as `event:NAME` / `trait:NAME`. */
  undeclared: string[];
}

const NESTED = ['$set', '$set_once'];
const ALWAYS_KEPT = new Set(['consent', 'system']);

export function eventLabel(event: Pick<TrackedEvent, 'type' | 'name'>): string {
  return event.type === 'track' ? event.name ?? 'track' : event.type;
}

export function hasLegalBasis(purposeKey: string, ctx: AdmitContext, gpc: boolean): boolean {
  const purpose = ctx.purposes.get(purposeKey);
  if (!purpose) return false;
  if (gpc && ctx.gpcPurposes.includes(purposeKey)) return false;
  return purpose.legalBasis !== 'consent' || isGranted(ctx.consent, purposeKey);
}

export function admitEvent(event: TrackedEvent, ctx: AdmitContext): Admission {
  if (ALWAYS_KEPT.has(event.type)) return { event, withheld: [], undeclared: [] };
  const gpc = event.context.gpc === true;
  const withheld: Withheld[] = [];
  const undeclared: string[] = [];
  const label = eventLabel(event);
  const declaration = eventDeclaration(ctx.schema, event.type, event.name);
  if (!declaration) undeclared.push(`event:${label}`);
  const purposes = declaration?.purposes ?? ctx.schema.undeclaredPurposes;
  if (!purposes.some((p) => hasLegalBasis(p, ctx, gpc))) {
    return { event: null, withheld: [{ kind: 'event', name: label, purposes }], undeclared };
  }

  const filter = (traits: JsonObject): JsonObject => {
    const kept: JsonObject = {};
    for (const [key, value] of Object.entries(traits)) {
      if (NESTED.includes(key) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
        setOwn(kept, key, filter(value as JsonObject));
        continue;
      }
      if (key === '$unset') { setOwn(kept, key, value); continue; }
      const trait = traitDeclaration(ctx.schema, key);
      if (!trait && !undeclared.includes(`trait:${key}`)) undeclared.push(`trait:${key}`);
      const traitPurposes = trait?.purposes ?? ctx.schema.undeclaredPurposes;
      if (traitPurposes.some((p) => hasLegalBasis(p, ctx, gpc))) setOwn(kept, key, value);
      else if (!withheld.some((w) => w.kind === 'trait' && w.name === key)) withheld.push({ kind: 'trait', name: key, purposes: traitPurposes });
    }
    return kept;
  };

  const traits = filter(event.traits);
  const contextTraits = isObject(event.context.traits) ? filter(event.context.traits) : undefined;
  if (withheld.length === 0) return { event, withheld, undeclared };
  return {
    event: { ...event, traits, context: contextTraits ? { ...event.context, traits: contextTraits } : event.context },
    withheld,
    undeclared,
  };
}

/** Strict mode: the undeclared event or traits of an event, as validation issues. */
export function undeclaredFields(event: TrackedEvent, schema: DataSchema, fieldPrefix = ''): FieldIssue[] {
  if (schema.mode !== 'strict' || ALWAYS_KEPT.has(event.type)) return [];
  const issues: FieldIssue[] = [];
  if (!eventDeclaration(schema, event.type, event.name)) {
    issues.push({ field: prefixed(fieldPrefix, event.type === 'track' ? 'event' : 'type'), reason: `"${eventLabel(event)}" is not declared in the workspace's data schema (strict mode)` });
  }
  const check = (traits: JsonObject, path: string) => {
    for (const [key, value] of Object.entries(traits)) {
      if (NESTED.includes(key) && isObject(value)) { check(value, `${path}.${key}`); continue; }
      if (key === '$unset') continue;
      if (!traitDeclaration(schema, key)) issues.push({ field: prefixed(fieldPrefix, `${path}.${key}`), reason: `trait "${key}" is not declared in the workspace's data schema (strict mode)` });
    }
  };
  check(event.traits, 'traits');
  if (isObject(event.context.traits)) check(event.context.traits, 'context.traits');
  return issues;
}

/** `prefix` is the item prefix of batch validation, e.g. `batch[3].` */
function prefixed(prefix: string, field: string): string {
  return prefix + field;
}

/**
 * Defines `key` as an own property. A plain assignment of a `__proto__` key (an own property after
 * JSON.parse) would set the prototype of the kept traits instead, and `traits.email` would then
 * read a withheld email back through it.
 */
function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
