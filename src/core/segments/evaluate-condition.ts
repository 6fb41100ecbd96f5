/**
 * Membership as a pure function of (profile, now): whether the condition holds, why (the readable
 * clauses that decided it), and the next moment its answer can change by time alone
 * (`changesAt`), which the scheduler uses to re-evaluate a profile when a window passes without any
 * new event. `changesAt` may be early (the scheduler then finds nothing changed) but never late.
 */
import type { Profile } from '../profiles/profile.js';
import { isGranted } from '../privacy/consent.js';
import { engagementBelowAt, scoresAt } from '../scoring/scores.js';
import type { EpochMs } from '../time.js';
import { compare, comparisonChangesAt } from './comparison.js';
import { emailAsEvent, pageAsEvent, specOf, type Condition, type EventCondition, type SequenceCondition } from './condition.js';
import { describeCondition } from './describe-condition.js';
import { parseDuration } from './duration.js';
import { countBefore, countSince, emptyTracker, trackerKey, type TrackerState } from './event-match.js';

export interface EvaluationContext {
  profile: Profile;
  now: EpochMs;
  trackers: Readonly<Record<string, TrackerState>>;
  /** A computed trait's value at `now` (undefined when there is none). */
  computed(key: string): unknown;
  /** Whether the profile is a member of another segment (as decided earlier in this evaluation). */
  member(segmentId: string): boolean;
  segmentName(segmentId: string): string | undefined;
}

export interface Evaluation {
  match: boolean;
  /**
   * The clauses that decided the answer (leaves, or a NOT node), with the count seen for counted
   * event leaves. Described only when needed (`describeReasons`): most evaluations change nothing.
   */
  deciding: Array<{ node: Condition; count?: number }>;
  changesAt: EpochMs | null;
}

/** The readable reasons of an evaluation, e.g. for a timeline entry. */
export function describeReasons(e: Evaluation, names: (segmentId: string) => string | undefined): string[] {
  return e.deciding.map(({ node, count }) => {
    const text = describeCondition(node, names);
    return count === undefined ? text : `${text} (${count === 0 ? 'none' : count === 1 ? 'once' : `${count} times`})`;
  });
}

/** Tracker keys per event leaf, computed once per leaf object (definitions are immutable once compiled). */
const keys = new WeakMap<object, string>();
function keyOf(spec: EventCondition): string {
  let key = keys.get(spec);
  if (key === undefined) keys.set(spec, (key = trackerKey(specOf(spec))));
  return key;
}
const desugared = new WeakMap<object, EventCondition>();
function asEvent<T extends object>(leaf: T, convert: (l: T) => EventCondition): EventCondition {
  let e = desugared.get(leaf);
  if (e === undefined) desugared.set(leaf, (e = convert(leaf)));
  return e;
}

const earliest = (a: EpochMs | null, b: EpochMs | null) => (a === null ? b : b === null ? a : Math.min(a, b));

export function evaluateCondition(c: Condition, ctx: EvaluationContext): Evaluation {
  if ('and' in c || 'or' in c) {
    const all = 'and' in c;
    const children = (all ? (c as { and: Condition[] }).and : (c as { or: Condition[] }).or).map((child) => evaluateCondition(child, ctx));
    const match = all ? children.every((r) => r.match) : children.some((r) => r.match);
    // AND holds because of all its parts and fails because of the first failing one; OR the reverse.
    const deciding = match === all ? children : [children.find((r) => r.match === match)!];
    let changesAt: EpochMs | null = null;
    for (const r of children) changesAt = earliest(changesAt, r.changesAt);
    return { match, deciding: deciding.length === 1 ? deciding[0]!.deciding : deciding.flatMap((r) => r.deciding), changesAt };
  }
  if ('not' in c) {
    const inner = evaluateCondition(c.not, ctx);
    return { match: !inner.match, deciding: [{ node: c }], changesAt: inner.changesAt };
  }
  const leaf = (match: boolean, changesAt: EpochMs | null = null): Evaluation => ({ match, deciding: [{ node: c }], changesAt });
  if ('trait' in c) return leaf(compare(ctx.profile.traits[c.trait.key], c.trait, ctx.now), comparisonChangesAt(ctx.profile.traits[c.trait.key], c.trait, ctx.now));
  if ('computed' in c) {
    const value = ctx.computed(c.computed.key);
    return leaf(compare(value, c.computed, ctx.now), comparisonChangesAt(value, c.computed, ctx.now));
  }
  if ('event' in c) return countedLeaf(c, c.event, ctx);
  if ('page' in c) return countedLeaf(c, asEvent(c.page, pageAsEvent), ctx);
  if ('email' in c) return countedLeaf(c, asEvent(c.email, emailAsEvent), ctx);
  if ('sequence' in c) return sequenceLeaf(c, c.sequence, ctx);
  if ('segment' in c) return leaf(ctx.member(c.segment.id));
  if ('lifecycle' in c) {
    const stage = ctx.profile.lifecycle?.stage;
    return leaf(stage !== undefined && c.lifecycle.in.some((s) => s.toLowerCase() === stage.toLowerCase()));
  }
  if ('score' in c) {
    const scores = scoresAt(ctx.profile, ctx.now);
    const value = c.score.kind === 'engagement' ? scores.engagement : scores.fit;
    const match = compare(value, c.score, ctx.now);
    // Engagement decays: a score above a threshold falls below it by time alone.
    let changesAt: EpochMs | null = null;
    if (c.score.kind === 'engagement') {
      const threshold = c.score.op === 'between' ? c.score.max ?? c.score.min : Number(c.score.value);
      if (typeof threshold === 'number') changesAt = engagementBelowAt(ctx.profile, c.score.op === 'gt' ? threshold + 0.1 : threshold, ctx.now);
      if (c.score.op === 'between' && typeof c.score.min === 'number') changesAt = earliest(changesAt, engagementBelowAt(ctx.profile, c.score.min, ctx.now));
    }
    return leaf(match, changesAt);
  }
  return leaf(c.consent.granted === isGranted(ctx.profile.consent, c.consent.purpose));
}

const EMPTY = emptyTracker();

function trackerOf(spec: EventCondition, ctx: EvaluationContext): TrackerState {
  return ctx.trackers[keyOf(spec)] ?? EMPTY;
}

function countedLeaf(node: Condition, e: EventCondition, ctx: EvaluationContext): Evaluation {
  const t = trackerOf(e, ctx);
  const within = e.within ? parseDuration(e.within) : undefined;
  const before = e.before ? parseDuration(e.before) : undefined;
  let count = t.n;
  let changesAt: EpochMs | null = null;
  if (within !== undefined) {
    count = countSince(t, ctx.now - within);
    // The count drops when a counted event leaves the window.
    for (const at of t.recent) if (at + within >= ctx.now) { changesAt = at + within + 1; break; }
  } else if (before !== undefined) {
    count = countBefore(t, ctx.now - before);
    // The count grows when a recent event becomes old enough.
    for (const at of t.oldest) if (at + before >= ctx.now) { changesAt = at + before + 1; break; }
  }
  const atLeast = e.atLeast ?? (e.atMost === undefined ? 1 : 0);
  const match = count >= atLeast && (e.atMost === undefined || count <= e.atMost);
  return { match, deciding: [match ? { node } : { node, count }], changesAt };
}

function sequenceLeaf(node: Condition, s: SequenceCondition, ctx: EvaluationContext): Evaluation {
  const within = s.within ? parseDuration(s.within) : undefined;
  const from = within === undefined ? -Infinity : ctx.now - within;
  let after = from - 1;
  let first: EpochMs | null = null;
  let match = true;
  for (const step of s.steps) {
    const t = trackerOf(step, ctx);
    // Greedy: the earliest occurrence after the previous step leaves the most room for the next.
    const times = [...new Set([...t.oldest, ...t.recent])].sort((a, b) => a - b);
    const next = times.find((at) => at > after && at >= from);
    if (next === undefined) { match = false; break; }
    first ??= next;
    after = next;
  }
  let changesAt: EpochMs | null = null;
  if (within !== undefined) {
    // The match ends when its first step leaves the window; a new match can only start by an event.
    if (match && first !== null) changesAt = first + within + 1;
  }
  return { match, deciding: [{ node }], changesAt };
}
