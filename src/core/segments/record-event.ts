/**
 * Folds events into the derived per-profile state that segments and computed traits read: the
 * event trackers (event-match.ts) and the computed traits' aggregates (aggregate.ts). Used per
 * event at ingest, and to rebuild the state from a person's stored events (after a merge, or when a
 * new definition needs history: backfill).
 */
import { addToAggregate, emptyAggregate } from '../computed-traits/aggregate.js';
import type { ComputedTraitDefinition } from '../computed-traits/computed-trait.js';
import type { TrackedEvent } from '../events/event.js';
import { isMachineEvent } from '../events/machine-event.js';
import type { Profile } from '../profiles/profile.js';
import type { EpochMs } from '../time.js';
import { emptyTracker, matchesSpec, recordMatch, type TrackerNeeds } from './event-match.js';
import type { SegmentDefinitions } from './segment.js';

/** Whether an event can touch derived state at all (system entries, consent and machine events never do). */
export function countsForSegments(e: TrackedEvent): boolean {
  return e.type !== 'system' && e.type !== 'consent' && !isMachineEvent(e);
}

interface EventIndex {
  trackers: Map<string, Array<[string, TrackerNeeds]>>;
  computed: Map<string, ComputedTraitDefinition[]>;
}

/** Trackers and computed traits by `type:lower-case name` (and `type:*` for specs without a name), per compiled definitions. */
const indexes = new WeakMap<SegmentDefinitions, EventIndex>();
const specKey = (type: string, name: string | null | undefined) => `${type}:${name === undefined || name === null ? '*' : name.toLowerCase()}`;
function indexOf(defs: SegmentDefinitions): EventIndex {
  let index = indexes.get(defs);
  if (index) return index;
  index = { trackers: new Map(), computed: new Map() };
  for (const [key, needs] of defs.trackers) {
    const k = specKey(needs.spec.type ?? 'track', needs.spec.name);
    index.trackers.set(k, [...(index.trackers.get(k) ?? []), [key, needs]]);
  }
  for (const def of defs.computed) {
    const k = specKey(def.event.type ?? 'track', def.event.name);
    index.computed.set(k, [...(index.computed.get(k) ?? []), def]);
  }
  indexes.set(defs, index);
  return index;
}

/** Folds one event into the profile's trackers and computed traits (mutates the profile). */
export function recordEvent(profile: Profile, e: TrackedEvent, defs: SegmentDefinitions, now: EpochMs, only?: Only, touched?: { trackers: Set<string>; computed: boolean; computedKeys?: Set<string> }): void {
  if (!countsForSegments(e)) return;
  if (defs.trackers.size === 0 && defs.computed.length === 0) return;
  const index = indexOf(defs);
  const named = specKey(e.type, e.name);
  const any = specKey(e.type, null);
  for (let pass = named === any ? 1 : 0; pass < 2; pass++) {
    const k = pass === 0 ? named : any;
    for (const [key, needs] of index.trackers.get(k) ?? []) {
      if (only && !only.trackers.has(key)) continue;
      if (!matchesSpec(e, needs.spec, now)) continue;
      const state = (profile.segments ??= { member: {}, events: {} });
      recordMatch((state.events[key] ??= emptyTracker()), e.timestamp, needs);
      touched?.trackers.add(key);
    }
    for (const def of index.computed.get(k) ?? []) {
      if (!computedOne(profile, e, def, now, only) || !touched) continue;
      touched.computed = true;
      touched.computedKeys?.add(def.key);
    }
  }
}

function computedOne(profile: Profile, e: TrackedEvent, def: ComputedTraitDefinition, now: EpochMs, only?: Only): boolean {
  if (only && !only.computed.has(def.key)) return false;
  if (!matchesSpec(e, def.event, now)) return false;
  const computed = (profile.computed ??= {});
  const entry = (computed[def.key] ??= { value: null, state: emptyAggregate() });
  addToAggregate(def, entry.state, e.timestamp, e);
  return true;
}

/** Which trackers and computed traits a rebuild covers (all when omitted). */
export interface Only {
  trackers: ReadonlySet<string>;
  computed: ReadonlySet<string>;
}

/**
 * Rebuilds the trackers and computed traits (those in `only`, or all) from the person's events, in
 * timestamp order; the previous state of what is rebuilt is discarded, so replaying is idempotent.
 */
export function rebuildDerived(profile: Profile, events: readonly TrackedEvent[], defs: SegmentDefinitions, now: EpochMs, only?: Only): void {
  const state = (profile.segments ??= { member: {}, events: {} });
  for (const key of defs.trackers.keys()) if (!only || only.trackers.has(key)) delete state.events[key];
  if (profile.computed) for (const def of defs.computed) if (!only || only.computed.has(def.key)) delete profile.computed[def.key];
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  for (const e of sorted) recordEvent(profile, e, defs, now, only);
}

/** Definitions' keys that are new compared with `before`: what a backfill must rebuild from history. */
export function newKeys(before: SegmentDefinitions, after: SegmentDefinitions): Only {
  const changedComputed = (def: ComputedTraitDefinition) => {
    const old = before.computed.find((d) => d.key === def.key);
    return !old || JSON.stringify(old) !== JSON.stringify(def);
  };
  const changedTracker = (key: string) => {
    const old = before.trackers.get(key);
    const now = after.trackers.get(key)!;
    return !old || old.keepRecent < now.keepRecent || old.keepOldest < now.keepOldest;
  };
  return {
    trackers: new Set([...after.trackers.keys()].filter(changedTracker)),
    computed: new Set(after.computed.filter(changedComputed).map((d) => d.key)),
  };
}
