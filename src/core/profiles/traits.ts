/**
 * Trait updates and trait merging.
 *
 * Each trait remembers its source and event time. A newer value replaces an older one ("latest
 * timestamp wins", so late-arriving old events cannot overwrite fresh data). Traits sent under
 * `$set_once` keep their first value. `$unset` (an array of names) removes traits.
 *
 * Trait names come from clients, so every lookup is an own-property lookup: a trait called
 * `constructor` or `toString` is an ordinary trait, and `__proto__` is never written.
 *
 * Known limit: `$unset` leaves no tombstone, so an event older than the unset that arrives after it
 * sets the trait again.
 */
import type { JsonObject, TrackedEvent } from '../events/event.js';
import type { EpochMs } from '../time.js';
import type { TraitMeta } from './profile.js';

export interface TraitWrite {
  source: string;
  messageId: string;
  at: EpochMs;
}

const RESERVED = new Set(['$set_once', '$unset', '$set']);

export interface TraitTarget {
  traits: JsonObject;
  traitMeta: Record<string, TraitMeta>;
}

/**
 * The traits objects an event sets on its profile: an identify's traits, and the context.traits of
 * any event (system entries and consent records set none). A context.traits that is not an object
 * is ignored.
 */
export function traitsOfEvent(e: TrackedEvent): { own: JsonObject | null; context: JsonObject | null } {
  if (e.type === 'system' || e.type === 'consent') return { own: null, context: null };
  return { own: e.type === 'identify' ? e.traits : null, context: isObject(e.context.traits) ? e.context.traits : null };
}

/** The trait names a traits object can set or remove (what `applyTraits` may change). */
export function traitNamesIn(incoming: JsonObject, out: Set<string>): void {
  for (const key of Object.keys(incoming)) if (!RESERVED.has(key)) out.add(key);
  for (const part of [incoming.$set, incoming.$set_once]) if (isObject(part)) for (const key of Object.keys(part)) out.add(key);
  const unset = incoming.$unset;
  if (Array.isArray(unset)) for (const key of unset) if (typeof key === 'string') out.add(key);
}

/** Applies a traits object to a profile; returns whether anything changed. */
export function applyTraits(target: TraitTarget, incoming: JsonObject, write: TraitWrite): boolean {
  let changed = false;
  for (const key of Object.keys(incoming)) {
    if (RESERVED.has(key)) continue;
    changed = setTrait(target, key, incoming[key], write, false) || changed;
  }
  const set = incoming.$set;
  if (isObject(set)) for (const key of Object.keys(set)) changed = setTrait(target, key, set[key], write, false) || changed;
  const once = incoming.$set_once;
  if (isObject(once)) for (const key of Object.keys(once)) changed = setTrait(target, key, once[key], write, true) || changed;
  const unset = incoming.$unset;
  if (Array.isArray(unset)) {
    for (const key of unset) {
      if (typeof key !== 'string' || !Object.hasOwn(target.traits, key)) continue;
      const meta = ownMeta(target, key);
      if (meta && meta.at > write.at) continue;
      delete target.traits[key];
      delete target.traitMeta[key];
      changed = true;
    }
  }
  return changed;
}

function setTrait(target: TraitTarget, key: string, value: unknown, write: TraitWrite, once: boolean): boolean {
  if (value === undefined || key === '__proto__') return false;
  const meta = ownMeta(target, key);
  if (meta) {
    // Set-once: only fills a gap, or (when merging two set-once values) keeps the earlier one.
    if (once && !(meta.once && write.at < meta.at)) return false;
    if (!once && meta.at > write.at) return false;
  }
  target.traits[key] = value;
  target.traitMeta[key] = once ? { ...write, once: true } : { ...write };
  return true;
}

/**
 * Merges the traits of `other` into `target`, per trait by the same rules as applyTraits. A trait of
 * `other` without provenance (written by something that kept none) only fills a gap: with no time
 * it cannot claim to be newer, but dropping it would lose data the merged profile had.
 */
export function mergeTraits(target: TraitTarget, other: TraitTarget): void {
  for (const key of Object.keys(other.traits)) {
    const meta = ownMeta(other, key);
    if (!meta) {
      if (!Object.hasOwn(target.traits, key) && key !== '__proto__' && other.traits[key] !== undefined) target.traits[key] = other.traits[key];
      continue;
    }
    setTrait(target, key, other.traits[key], { source: meta.source, messageId: meta.messageId, at: meta.at }, meta.once === true);
  }
}

function ownMeta(target: TraitTarget, key: string): TraitMeta | undefined {
  return Object.hasOwn(target.traitMeta, key) ? target.traitMeta[key] : undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
