/**
 * Re-evaluates one profile against every segment of its workspace at a moment `now`: refreshes the
 * computed traits' values, decides each membership (segments in dependency order, so that "in
 * segment X" sees X's new answer), and reports entries and exits with their reasons, and the next
 * moment anything can change by time alone (`dueAt`, for the scheduler).
 *
 * Memberships of segments that no longer exist are dropped silently (deleting a segment is not the
 * person leaving it).
 */
import { aggregateChangesAt, aggregateValue, pruneAggregate } from '../computed-traits/aggregate.js';
import { newProfile, type Profile } from '../profiles/profile.js';
import type { EpochMs } from '../time.js';
import { compiledCondition, conditionHolds, describeReasons, evaluateCondition, type CompiledCondition } from './evaluate-condition.js';
import { conditionInputs, type SegmentDefinitions } from './segment.js';

export interface MembershipChange {
  kind: 'entered' | 'exited';
  segmentId: string;
  segmentName: string;
  reason: string;
}

export interface ProfileEvaluation {
  changes: MembershipChange[];
  /** The next moment a membership or computed value can change without an event; null: never. */
  dueAt: EpochMs | null;
}

const segmentNames = new WeakMap<SegmentDefinitions, Map<string, string>>();
/** Segment id → name, once per set of definitions. */
export function namesOf(defs: SegmentDefinitions): ReadonlyMap<string, string> {
  let names = segmentNames.get(defs);
  if (!names) segmentNames.set(defs, (names = new Map(defs.segments.map((s) => [s.id, s.name]))));
  return names;
}

/**
 * Each segment's answer for an empty profile (no traits, events, consent): false for most. Null
 * when the answer could change with time (then it is always evaluated). A new profile's segments
 * whose inputs its first events did not touch answer like this, so they need no evaluation.
 */
const emptyCache = new WeakMap<SegmentDefinitions, Map<string, boolean | null>>();
function emptyAnswers(defs: SegmentDefinitions): Map<string, boolean | null> {
  let answers = emptyCache.get(defs);
  if (answers) return answers;
  answers = new Map();
  const profile = newProfile('', '', 0);
  const decided = new Map<string, boolean>();
  const context = { profile, now: Date.UTC(2000, 0, 1), trackers: {}, computed: () => undefined, member: (id: string) => decided.get(id) ?? false, segmentName: () => undefined };
  for (const segment of defs.segments) {
    const acc: { changesAt: EpochMs | null } = { changesAt: null };
    const match = conditionHolds(segment.condition, context, acc);
    decided.set(segment.id, match);
    answers.set(segment.id, acc.changesAt === null ? match : null);
  }
  emptyCache.set(defs, answers);
  return answers;
}

type Condition = SegmentDefinitions['segments'][number]['condition'];

/** Why the condition holds or not, readable (only for changes). */
function explain(c: Condition, context: Parameters<typeof evaluateCondition>[1], names: ReadonlyMap<string, string>): string {
  return describeReasons(evaluateCondition(c, context), (id) => names.get(id)).join(' AND ');
}

/**
 * Why a condition holds. Without OR, a condition holds only when every part of it does, so the
 * reason is the same for every profile: it is worked out once per condition (unless it names a
 * segment, whose name can change).
 */
const sameReasons = new WeakMap<Condition, string | null>();
function explainEntry(c: Condition, context: Parameters<typeof evaluateCondition>[1], names: ReadonlyMap<string, string>): string {
  let same = sameReasons.get(c);
  if (same === undefined) {
    same = hasOrOrSegment(c) ? null : explain(c, context, names);
    sameReasons.set(c, same);
  }
  return same ?? explain(c, context, names);
}
function hasOrOrSegment(c: Condition): boolean {
  if ('and' in c) return c.and.some(hasOrOrSegment);
  if ('not' in c) return hasOrOrSegment(c.not);
  return 'or' in c || 'segment' in c;
}

/**
 * What evaluation needs of a set of definitions, built once per set: each segment's compiled
 * condition, and an index from every input (event tracker, trait key, computed trait, scores,
 * consent, another segment) to the segments that read it, so that a profile's evaluation visits
 * only the segments its batch can have changed instead of testing all of them.
 */
interface EvaluationPlan {
  holds: CompiledCondition[];
  byTracker: Map<string, number[]>;
  byTrait: Map<string, number[]>;
  byComputed: Map<string, number[]>;
  /** Segments reading any trait / any computed trait (when the batch does not say which changed). */
  anyTrait: number[];
  anyComputed: number[];
  scores: number[];
  consent: number[];
  persona: number[];
  /** Segment index → the segments (later in dependency order) whose condition names it. */
  dependents: number[][];
  /** Segments a new profile must be evaluated against although its batch did not touch them (emptyAnswers not false). */
  openWhenEmpty: number[];
}
const plans = new WeakMap<SegmentDefinitions, EvaluationPlan>();
function planOf(defs: SegmentDefinitions): EvaluationPlan {
  let plan = plans.get(defs);
  if (plan) return plan;
  const add = (map: Map<string, number[]>, key: string, i: number) => { const list = map.get(key); if (list) list.push(i); else map.set(key, [i]); };
  const index = new Map(defs.segments.map((s, i) => [s.id, i]));
  const empty = emptyAnswers(defs);
  plan = {
    holds: [], byTracker: new Map(), byTrait: new Map(), byComputed: new Map(), anyTrait: [], anyComputed: [], scores: [], consent: [], persona: [], dependents: defs.segments.map(() => []),
    openWhenEmpty: defs.segments.flatMap((s, i) => (empty.get(s.id) !== false ? [i] : [])),
  };
  defs.segments.forEach((s, i) => {
    const inputs = conditionInputs(s.condition);
    plan!.holds.push(compiledCondition(s.condition));
    for (const key of inputs.trackers) add(plan!.byTracker, key, i);
    for (const key of inputs.traitKeys) add(plan!.byTrait, key, i);
    for (const key of inputs.computedKeys) add(plan!.byComputed, key, i);
    if (inputs.traitKeys.size > 0) plan!.anyTrait.push(i);
    if (inputs.computedKeys.size > 0) plan!.anyComputed.push(i);
    if (inputs.scores) plan!.scores.push(i);
    if (inputs.consent) plan!.consent.push(i);
    if (inputs.persona) plan!.persona.push(i);
    for (const id of inputs.segments) { const j = index.get(id); if (j !== undefined) plan!.dependents[j]!.push(i); }
  });
  plans.set(defs, plan);
  return plan;
}

const markAll = (marks: Uint8Array, list: readonly number[] | undefined) => { if (list) for (let i = 0; i < list.length; i++) marks[list[i]!] = 1; };

/** The segments a batch's changes can have changed (1 = evaluate); see EvaluationPlan. */
function segmentsToEvaluate(plan: EvaluationPlan, touched: Touched, defs: SegmentDefinitions): Uint8Array {
  const marks = new Uint8Array(defs.segments.length);
  for (const key of touched.trackers) markAll(marks, plan.byTracker.get(key));
  if (touched.traits) {
    if (touched.traitKeys) for (const key of touched.traitKeys) markAll(marks, plan.byTrait.get(key));
    else markAll(marks, plan.anyTrait);
  }
  if (touched.computed) {
    if (touched.computedKeys) for (const key of touched.computedKeys) markAll(marks, plan.byComputed.get(key));
    else markAll(marks, plan.anyComputed);
  }
  if (touched.consent) markAll(marks, plan.consent);
  if (touched.scores !== false) markAll(marks, plan.scores);
  // A withdrawal of profiling consent removes the persona link in the consent step.
  if (touched.persona !== false || touched.consent) markAll(marks, plan.persona);
  // A new profile is in the segments an empty profile would be in, or whose answer time can change.
  if (touched.fresh === true) markAll(marks, plan.openWhenEmpty);
  return marks;
}

const earliest = (a: EpochMs | null, b: EpochMs | null) => (a === null ? b : b === null ? a : Math.min(a, b));

/**
 * What an ingest batch changed on a profile. Segments whose condition reads none of it keep their
 * answer unevaluated (their next change by time is still covered: the profile's previous due time
 * stays in force). Without it (re-evaluations), or when the profile is due or was never evaluated,
 * every segment is evaluated.
 */
export interface Touched {
  /** The profile was created by this batch: segments it did not touch answer as for an empty profile. */
  fresh?: boolean;
  trackers: ReadonlySet<string>;
  traits: boolean;
  /** Which traits the events may have set or removed, when known (else any of them). */
  traitKeys?: ReadonlySet<string>;
  computed: boolean;
  /**
   * Which computed traits the events fed, when known: only those are refreshed; the others stand,
   * as when no computed trait was touched (their next change by time is in the previous due time).
   */
  computedKeys?: ReadonlySet<string>;
  consent: boolean;
  /**
   * The scoring and lifecycle steps changed the profile's scores or stage. Decay by time alone is
   * covered by the due time (a score condition reports when it will fall below its threshold).
   * Unknown (undefined): segments reading scores or the stage are evaluated.
   */
  scores?: boolean;
  /**
   * The persona step changed the person's persona link (probabilities, model, or its removal).
   * Unknown (undefined): segments reading personas are evaluated.
   */
  persona?: boolean;
}

/**
 * What score and stage conditions read of a profile, as one comparable text: points earned and
 * scoring events per rule (they only grow while the rules stand), the fit total, the stage. No
 * scores yet and empty scores read the same.
 */
export function scoreSignature(profile: Pick<Profile, 'scores' | 'lifecycle'>): string {
  const scores = profile.scores;
  let earned = 0;
  let count = 0;
  let rules = 0;
  if (scores) for (const id in scores.engagement) { const r = scores.engagement[id]!; earned += r.earned; count += r.count; rules++; }
  return `${earned}|${count}|${rules}|${scores?.fit.total ?? 0}|${profile.lifecycle?.stage ?? ''}`;
}

/** Mutates `profile.computed` and `profile.segments.member`. */
export function evaluateProfile(profile: Profile, defs: SegmentDefinitions, now: EpochMs, touched?: Touched): ProfileEvaluation {
  const state = (profile.segments ??= { member: {}, events: {} });
  const names = namesOf(defs);
  // Decided in place, in dependency order: when a segment is evaluated, the segments it names
  // already hold their new answer.
  const member = state.member;
  const changes: MembershipChange[] = [];
  const previousDue = state.dueAt;
  const fresh = touched?.fresh === true;
  const all = !touched || (previousDue === undefined && !fresh) || (previousDue !== undefined && previousDue !== null && previousDue <= now);
  let skipped = false;
  let dueAt: EpochMs | null = null;
  const computed = profile.computed ?? {};
  // Computed values change by events (touched) or by time (then the profile is due): else they stand.
  if (all || touched!.computed) {
    for (const def of defs.computed) {
      const entry = computed[def.key];
      if (!entry) continue;
      if (!all && touched!.computedKeys && !touched!.computedKeys.has(def.key)) { skipped = true; continue; }
      pruneAggregate(def, entry.state, now);
      entry.value = aggregateValue(def, entry.state, now);
      dueAt = earliest(dueAt, aggregateChangesAt(def, entry.state, now));
    }
  } else skipped = true;
  const context = {
    profile, now, trackers: state.events,
    computed: (key: string) => computed[key]?.value,
    member: (id: string) => Object.hasOwn(member, id) && names.has(id),
    segmentName: (id: string) => names.get(id),
  };
  const acc: { changesAt: EpochMs | null } = { changesAt: null };
  const plan = planOf(defs);
  const marks = all ? null : segmentsToEvaluate(plan, touched!, defs);
  for (let i = 0; i < defs.segments.length; i++) {
    if (marks !== null && marks[i] === 0) { skipped = true; continue; }
    const segment = defs.segments[i]!;
    const was = Object.hasOwn(member, segment.id) ? member[segment.id] : undefined;
    acc.changesAt = null;
    const match = plan.holds[i]!(context, acc);
    dueAt = earliest(dueAt, acc.changesAt);
    if (match !== (was !== undefined) && marks !== null) markAll(marks, plan.dependents[i]);
    if (match) {
      if (!was) {
        const text = explainEntry(segment.condition, context, names);
        member[segment.id] = { since: now, reason: text };
        changes.push({ kind: 'entered', segmentId: segment.id, segmentName: segment.name, reason: text });
      }
    } else if (was) {
      delete member[segment.id];
      changes.push({ kind: 'exited', segmentId: segment.id, segmentName: segment.name, reason: `no longer: ${explain(segment.condition, context, names)}` });
    }
  }
  for (const id in member) if (!names.has(id)) delete member[id];
  if (skipped && previousDue !== undefined && previousDue !== null) dueAt = earliest(dueAt, previousDue);
  return { changes, dueAt: dueAt !== null && dueAt <= now ? now + 1 : dueAt };
}
