/**
 * A segment: a named condition whose members are kept up to date as events arrive and as time
 * passes. `SegmentDefinitions` is what ingest works with for one workspace: the segments in an
 * order where every segment comes after the segments it refers to, the computed traits, and the
 * event trackers every condition and computed trait needs (event-match.ts).
 */
import type { ComputedTraitDefinition } from '../computed-traits/computed-trait.js';
import type { EpochMs } from '../time.js';
import { emailAsEvent, pageAsEvent, specOf, type Condition, type EventCondition } from './condition.js';
import { SEQUENCE_KEEP, trackerKey, type TrackerNeeds, type TrackerState } from './event-match.js';

export interface Segment {
  id: string;
  workspaceId: string;
  name: string;
  description: string;
  condition: Condition;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

/** A membership held by a profile: since when, and why it entered. */
export interface Membership {
  since: EpochMs;
  reason: string;
}

/** The segment part of a profile's state. */
export interface ProfileSegments {
  /** Segment id → current membership. */
  member: Record<string, Membership>;
  /** Tracker key → state (event-match.ts). */
  events: Record<string, TrackerState>;
  /** The due time last written to the scheduler's table (written again only when it changes). */
  dueAt?: EpochMs | null;
}

export interface SegmentDefinitions {
  segments: Segment[];
  computed: ComputedTraitDefinition[];
  /** Tracker key → what to keep. */
  trackers: ReadonlyMap<string, TrackerNeeds>;
}

/** The leaves of a condition: every node under its AND / OR / NOT nesting. */
export function leavesOf(c: Condition, out: Condition[] = []): Condition[] {
  if ('and' in c) for (const child of c.and) leavesOf(child, out);
  else if ('or' in c) for (const child of c.or) leavesOf(child, out);
  else if ('not' in c) leavesOf(c.not, out);
  else out.push(c);
  return out;
}

/** Leaves that look at events, each as an event condition. */
export function eventLeaves(c: Condition): Array<{ spec: EventCondition; sequence: boolean }> {
  const out: Array<{ spec: EventCondition; sequence: boolean }> = [];
  for (const l of leavesOf(c)) {
    if ('event' in l) out.push({ spec: l.event, sequence: false });
    else if ('page' in l) out.push({ spec: pageAsEvent(l.page), sequence: false });
    else if ('email' in l) out.push({ spec: emailAsEvent(l.email), sequence: false });
    else if ('sequence' in l) for (const step of l.sequence.steps) out.push({ spec: step, sequence: true });
  }
  return out;
}

/** Segment ids a condition refers to. */
export function segmentRefs(c: Condition): Set<string> {
  return conditionInputs(c).segments;
}

/** Computed trait keys a condition reads. */
export function computedRefs(c: Condition): Set<string> {
  return conditionInputs(c).computedKeys;
}

/** What a condition reads, to skip segments an event batch cannot have changed. */
export interface ConditionInputs {
  trackers: Set<string>;
  /** The (top-level) trait keys it compares. */
  traitKeys: Set<string>;
  /** The computed trait keys it compares. */
  computedKeys: Set<string>;
  consent: boolean;
  /** Scores and lifecycle stage: changed by the scoring and lifecycle steps (`Touched.scores`). */
  scores: boolean;
  segments: Set<string>;
  /** The persona link (set by the persona step of ingest, removed on a withdrawal of profiling consent). */
  persona: boolean;
}

const inputsCache = new WeakMap<object, ConditionInputs>();

export function conditionInputs(c: Condition): ConditionInputs {
  const cached = inputsCache.get(c);
  if (cached) return cached;
  const inputs: ConditionInputs = { trackers: trackerKeysOf(c), traitKeys: new Set(), computedKeys: new Set(), consent: false, scores: false, segments: new Set(), persona: false };
  for (const l of leavesOf(c)) {
    if ('trait' in l) inputs.traitKeys.add(l.trait.key);
    else if ('computed' in l) inputs.computedKeys.add(l.computed.key);
    else if ('segment' in l) inputs.segments.add(l.segment.id);
    else if ('consent' in l) inputs.consent = true;
    else if ('score' in l || 'lifecycle' in l) inputs.scores = true;
    else if ('persona' in l) inputs.persona = true;
  }
  inputsCache.set(c, inputs);
  return inputs;
}

/** Tracker keys a condition reads. */
export function trackerKeysOf(c: Condition): Set<string> {
  return new Set(eventLeaves(c).map((l) => trackerKey(specOf(l.spec))));
}

/**
 * Orders segments so that each follows those it refers to; segments in a reference cycle (which
 * validation refuses) and their dependants are left out rather than looping.
 */
export function orderSegments(segments: readonly Segment[]): Segment[] {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: Segment[] = [];
  const visit = (s: Segment): boolean => {
    if (done.has(s.id)) return true;
    if (visiting.has(s.id)) return false;
    visiting.add(s.id);
    for (const ref of segmentRefs(s.condition)) {
      const target = byId.get(ref);
      if (target && !visit(target)) return false;
    }
    visiting.delete(s.id);
    done.add(s.id);
    ordered.push(s);
    return true;
  };
  for (const s of [...segments].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))) visit(s);
  return ordered;
}

/** Whether adding `candidate` (new or changed) would close a cycle of segment references. */
export function closesCycle(candidate: Pick<Segment, 'id' | 'condition'>, others: readonly Segment[]): boolean {
  const refs = new Map(others.filter((s) => s.id !== candidate.id).map((s) => [s.id, segmentRefs(s.condition)]));
  refs.set(candidate.id, segmentRefs(candidate.condition));
  const seen = new Set<string>();
  const pending = [...(refs.get(candidate.id) ?? [])];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (id === candidate.id) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    pending.push(...(refs.get(id) ?? []));
  }
  return false;
}

/**
 * `trackedConditions`: conditions evaluated elsewhere (personalization slot rules,
 * core/decisions/compile-slot.ts `conditions`) whose event leaves need trackers too; they are not
 * segments (no membership).
 */
export function compileDefinitions(segments: readonly Segment[], computed: readonly ComputedTraitDefinition[], trackedConditions: readonly Condition[] = []): SegmentDefinitions {
  const trackers = new Map<string, TrackerNeeds>();
  const need = (spec: EventCondition, sequence: boolean) => {
    const key = trackerKey(specOf(spec));
    const current = trackers.get(key) ?? { spec: specOf(spec), keepRecent: 1, keepOldest: 1 };
    const count = Math.max(spec.atLeast ?? 1, (spec.atMost ?? -1) + 1, 1);
    if (sequence) { current.keepRecent = Math.max(current.keepRecent, SEQUENCE_KEEP); current.keepOldest = Math.max(current.keepOldest, SEQUENCE_KEEP); }
    else if (spec.before) current.keepOldest = Math.max(current.keepOldest, count);
    else current.keepRecent = Math.max(current.keepRecent, count);
    trackers.set(key, current);
  };
  for (const s of segments) for (const leaf of eventLeaves(s.condition)) need(leaf.spec, leaf.sequence);
  for (const c of trackedConditions) for (const leaf of eventLeaves(c)) need(leaf.spec, leaf.sequence);
  return { segments: orderSegments(segments), computed: [...computed], trackers };
}
