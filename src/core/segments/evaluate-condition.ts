/**
 * Membership as a pure function of (profile, now): whether the condition holds, why (the clauses
 * that decided it), and the next moment its answer can change by time alone (`changesAt`), which
 * the scheduler uses to re-evaluate a profile when a window passes without any new event.
 * `changesAt` may be early (the scheduler then finds nothing changed) but never late.
 *
 * Two walks share the leaf logic: `conditionHolds` (the hot path of ingest: a boolean and the
 * change time, no allocation per node) and `evaluateCondition`, which also collects the deciding
 * clauses and is run only when a membership changes, to say why.
 */
import type { Profile } from '../profiles/profile.js';
import { isGranted } from '../privacy/consent.js';
import { engagementBelowAt, scoresAt } from '../scoring/scores.js';
import type { EpochMs } from '../time.js';
import { compare, comparisonChangesAt } from './comparison.js';
import { emailAsEvent, pageAsEvent, specOf, type Condition, type EventCondition, type SequenceCondition } from './condition.js';
import { describeCondition } from './describe-condition.js';
import { conditionInputs } from './segment.js';
import { personaHolds } from './persona-condition.js';
import { parseDuration } from './duration.js';
import { countBefore, countSince, emptyTracker, firstSince, trackerKey, type TrackerState } from './event-match.js';

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
  /** The clauses that decided the answer (leaves, or a NOT node), with the count seen for counted event leaves. */
  deciding: Array<{ node: Condition; count?: number }>;
  changesAt: EpochMs | null;
}

/** Accumulates the earliest change time of the leaves walked, and the last counted leaf's count. */
interface Acc { changesAt: EpochMs | null; count: number }

const earliest = (a: EpochMs | null, b: EpochMs | null) => (a === null ? b : b === null ? a : Math.min(a, b));

/** Whether the condition holds; `acc.changesAt` gets the earliest time it may change by time alone. */
export function conditionHolds(c: Condition, ctx: EvaluationContext, acc: { changesAt: EpochMs | null }): boolean {
  return compiled(c)(ctx, acc as Acc);
}

type Holds = (ctx: EvaluationContext, acc: Acc) => boolean;
/** A condition compiled into a function (conditionHolds without the per-call lookup), for hot loops. */
export type CompiledCondition = (ctx: EvaluationContext, acc: { changesAt: EpochMs | null }) => boolean;
export function compiledCondition(c: Condition): CompiledCondition {
  return compiled(c) as CompiledCondition;
}
const compiledConditions = new WeakMap<object, Holds>();

/**
 * A condition compiled once into nested functions (definitions are immutable once stored), so that
 * the hot path does not re-dispatch on the node kinds at every evaluation. Every child of AND / OR
 * is walked (not short-circuited): each may bring the next change time.
 */
function compiled(c: Condition): Holds {
  let f = compiledConditions.get(c);
  if (f) return f;
  if ('and' in c) {
    const parts = c.and.map(compiled);
    f = (ctx, acc) => { let match = true; for (const part of parts) if (!part(ctx, acc)) match = false; return match; };
  } else if ('or' in c) {
    const parts = c.or.map(compiled);
    f = (ctx, acc) => { let match = false; for (const part of parts) if (part(ctx, acc)) match = true; return match; };
  } else if ('not' in c) {
    const inner = compiled(c.not);
    f = (ctx, acc) => !inner(ctx, acc);
  } else if ('event' in c || 'page' in c || 'email' in c) {
    // Resolved once here: the tracker key and windows, not looked up at every evaluation.
    const e = 'event' in c ? c.event : 'page' in c ? asEvent(c.page, pageAsEvent) : asEvent(c.email, emailAsEvent);
    const key = keyOf(e);
    const w = windowsOf(e);
    f = (ctx, acc) => countedWith(e, key, w, ctx, acc);
  } else {
    f = (ctx, acc) => leafHolds(c, ctx, acc);
  }
  compiledConditions.set(c, f);
  return f;
}

/** The answer with the deciding clauses; run when a membership changes, to say why. */
export function evaluateCondition(c: Condition, ctx: EvaluationContext): Evaluation {
  if ('and' in c || 'or' in c) {
    const all = 'and' in c;
    const children = (all ? (c as { and: Condition[] }).and : (c as { or: Condition[] }).or).map((child) => evaluateCondition(child, ctx));
    const match = all ? children.every((r) => r.match) : children.some((r) => r.match);
    // AND holds because of all its parts and fails because of the first failing one; OR the reverse.
    const deciding = match === all ? children : [children.find((r) => r.match === match)!];
    let changesAt: EpochMs | null = null;
    for (const r of children) changesAt = earliest(changesAt, r.changesAt);
    return { match, deciding: deciding.flatMap((r) => r.deciding), changesAt };
  }
  if ('not' in c) {
    const inner = evaluateCondition(c.not, ctx);
    return { match: !inner.match, deciding: [{ node: c }], changesAt: inner.changesAt };
  }
  const acc: Acc = { changesAt: null, count: -1 };
  const match = leafHolds(c, ctx, acc);
  return { match, deciding: [!match && acc.count >= 0 ? { node: c, count: acc.count } : { node: c }], changesAt: acc.changesAt };
}

/** The readable reasons of an evaluation, e.g. for a timeline entry. */
export function describeReasons(e: Evaluation, names: (segmentId: string) => string | undefined): string[] {
  return e.deciding.map(({ node, count }) => {
    const text = describeNode(node, names);
    return count === undefined ? text : `${text} (${count === 0 ? 'none' : count === 1 ? 'once' : `${count} times`})`;
  });
}

/**
 * A node's readable form, remembered per node (definitions are immutable once compiled) unless it
 * refers to another segment, whose name can change: reasons are written for every entry and exit.
 */
const described = new WeakMap<object, string>();
function describeNode(node: Condition, names: (segmentId: string) => string | undefined): string {
  const cached = described.get(node);
  if (cached !== undefined) return cached;
  const text = describeCondition(node, names);
  if (conditionInputs(node).segments.size === 0) described.set(node, text);
  return text;
}

/** Tracker keys and desugared event conditions per leaf, computed once per leaf object (definitions are immutable once compiled). */
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

function leafHolds(c: Condition, ctx: EvaluationContext, acc: Acc): boolean {
  if ('trait' in c) {
    const value = ctx.profile.traits[c.trait.key];
    acc.changesAt = earliest(acc.changesAt, comparisonChangesAt(value, c.trait, ctx.now));
    return compare(value, c.trait, ctx.now);
  }
  if ('computed' in c) {
    const value = ctx.computed(c.computed.key);
    acc.changesAt = earliest(acc.changesAt, comparisonChangesAt(value, c.computed, ctx.now));
    return compare(value, c.computed, ctx.now);
  }
  if ('event' in c) return countedHolds(c.event, ctx, acc);
  if ('page' in c) return countedHolds(asEvent(c.page, pageAsEvent), ctx, acc);
  if ('email' in c) return countedHolds(asEvent(c.email, emailAsEvent), ctx, acc);
  if ('sequence' in c) return sequenceHolds(c.sequence, ctx, acc);
  if ('segment' in c) return ctx.member(c.segment.id);
  if ('lifecycle' in c) {
    const stage = ctx.profile.lifecycle?.stage;
    return stage !== undefined && c.lifecycle.in.some((s) => s.toLowerCase() === stage.toLowerCase());
  }
  if ('score' in c) {
    const scores = scoresAt(ctx.profile, ctx.now);
    const value = c.score.kind === 'engagement' ? scores.engagement : scores.fit;
    // Engagement decays: a score above a threshold falls below it by time alone.
    if (c.score.kind === 'engagement' && ctx.profile.scores) {
      const threshold = c.score.op === 'between' ? c.score.max ?? c.score.min : Number(c.score.value);
      if (typeof threshold === 'number') acc.changesAt = earliest(acc.changesAt, engagementBelowAt(ctx.profile, c.score.op === 'gt' ? threshold + 0.1 : threshold, ctx.now));
      if (c.score.op === 'between' && typeof c.score.min === 'number') acc.changesAt = earliest(acc.changesAt, engagementBelowAt(ctx.profile, c.score.min, ctx.now));
    }
    return compare(value, c.score, ctx.now);
  }
  if ('consent' in c) return c.consent.granted === isGranted(ctx.profile.consent, c.consent.purpose);
  if ('persona' in c) return personaHolds(c.persona, ctx.profile);
  return false;
}

const EMPTY = emptyTracker();
const windows = new WeakMap<object, Windows>();

interface Windows { within: number | undefined; before: number | undefined }
function windowsOf(e: EventCondition): Windows {
  let w = windows.get(e);
  if (!w) windows.set(e, (w = { within: e.within ? parseDuration(e.within) : undefined, before: e.before ? parseDuration(e.before) : undefined }));
  return w;
}

function countedHolds(e: EventCondition, ctx: EvaluationContext, acc: Acc): boolean {
  return countedWith(e, keyOf(e), windowsOf(e), ctx, acc);
}

function countedWith(e: EventCondition, key: string, w: Windows, ctx: EvaluationContext, acc: Acc): boolean {
  const t = ctx.trackers[key] ?? EMPTY;
  let count = t.n;
  if (w.within !== undefined) {
    count = countSince(t, ctx.now - w.within);
    // The count drops when a counted event leaves the window.
    for (const at of t.recent) if (at + w.within >= ctx.now) { acc.changesAt = earliest(acc.changesAt, at + w.within + 1); break; }
  } else if (w.before !== undefined) {
    count = countBefore(t, ctx.now - w.before);
    // The count grows when a recent event becomes old enough.
    const next = firstSince(t, ctx.now - w.before);
    if (next !== undefined) acc.changesAt = earliest(acc.changesAt, next + w.before + 1);
  }
  acc.count = count;
  const atLeast = e.atLeast ?? (e.atMost === undefined ? 1 : 0);
  return count >= atLeast && (e.atMost === undefined || count <= e.atMost);
}

function sequenceHolds(s: SequenceCondition, ctx: EvaluationContext, acc: Acc): boolean {
  const within = s.within ? parseDuration(s.within) : undefined;
  const from = within === undefined ? -Infinity : ctx.now - within;
  let after = from - 1;
  let first: EpochMs | null = null;
  for (const step of s.steps) {
    const t = ctx.trackers[keyOf(step)] ?? EMPTY;
    // Greedy: the earliest occurrence after the previous step leaves the most room for the next.
    let next: EpochMs | undefined;
    for (const list of [t.oldest, t.recent]) for (const at of list) if (at > after && at >= from && (next === undefined || at < next)) next = at;
    if (next === undefined) return false;
    first ??= next;
    after = next;
  }
  // The match ends when its first step leaves the window; a new match can only start by an event.
  if (within !== undefined && first !== null) acc.changesAt = earliest(acc.changesAt, first + within + 1);
  return true;
}
