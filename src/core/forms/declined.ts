/**
 * Fields a person declined to answer ("prefer not to say", skip), remembered on their profile so
 * that the next-question choice does not ask them again during the form's cool-down.
 *
 * They are recorded only from Tessera's own server-built form events (a `Form Submitted` event
 * whose trait source is `form:<id>`), never from a client's event. The latest decline per field
 * wins; answering the field later makes it known, which ends the cool-down in effect (a known
 * field is never asked). On a merge the later decline per field wins.
 */
import type { TrackedEvent } from '../events/event.js';
import type { EpochMs } from '../time.js';

export interface DeclinedField {
  at: EpochMs;
  /** Where: `form:<id>`. */
  source: string;
}

export type DeclinedFields = Record<string, DeclinedField>;

export const FORM_SUBMITTED = 'Form Submitted';

/** The declines an event carries: only a server-built form submission has any. */
export function declinedBy(event: TrackedEvent): Array<[string, DeclinedField]> {
  if (event.type !== 'track' || event.name !== FORM_SUBMITTED || !event.traitSource?.startsWith('form:')) return [];
  const keys = event.properties.declined;
  if (!Array.isArray(keys)) return [];
  return keys.filter((k): k is string => typeof k === 'string' && k !== '__proto__').map((k) => [k, { at: event.timestamp, source: event.traitSource! }]);
}

export function applyDeclined(held: DeclinedFields | undefined, declines: ReadonlyArray<[string, DeclinedField]>): DeclinedFields | undefined {
  if (declines.length === 0) return held;
  const next: DeclinedFields = { ...held };
  for (const [key, d] of declines) if (!Object.hasOwn(next, key) || next[key]!.at < d.at) setOwn(next, key, d);
  return next;
}

export function mergeDeclined(a: DeclinedFields | undefined, b: DeclinedFields | undefined): DeclinedFields | undefined {
  if (!b || Object.keys(b).length === 0) return a;
  return applyDeclined(a, Object.entries(b));
}

function setOwn(target: DeclinedFields, key: string, value: DeclinedField): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
