/**
 * Lifecycle transitions.
 *
 * Strategy: automatic rules are checked in order against the profile's scores (at the moment of
 * evaluation, decay included) and traits; the first rule that applies moves the profile, and the
 * check repeats from the new stage, so a profile that qualifies for several stages at once walks
 * through them and each step is in the history with its reason. A rule without `from` moves
 * forward only; moving back (recycling) needs a rule that names the stages it takes profiles back
 * from, or a manual move. A manual move holds the profile against automatic rules for
 * `manualHoldDays`, so that a lead recycled by sales is not re-qualified by the next page view.
 */
import type { JsonObject } from '../events/event.js';
import { describeFilter, isKnown, matchesFilter } from '../scoring/filters.js';
import { engagementBelowAt, scoresAt, type ProfileScores } from '../scoring/scores.js';
import type { EpochMs } from '../time.js';
import type { LifecycleCondition, LifecycleConfig, LifecycleRule, ScoreRange } from './lifecycle-config.js';
import type { LifecycleMove, ProfileLifecycle } from './lifecycle.js';

const DAY_MS = 86_400_000;

export interface LifecycleSubject {
  traits: JsonObject;
  scores?: ProfileScores;
  lifecycle?: ProfileLifecycle;
}

interface Verdict { holds: boolean; reason: string }

export function evaluateCondition(cond: LifecycleCondition, subject: LifecycleSubject, config: LifecycleConfig, at: EpochMs): Verdict {
  if ('all' in cond) {
    const parts = cond.all.map((c) => evaluateCondition(c, subject, config, at));
    const failed = parts.find((p) => !p.holds);
    return failed ?? { holds: true, reason: parts.map((p) => p.reason).join(' and ') };
  }
  if ('any' in cond) {
    const parts = cond.any.map((c) => evaluateCondition(c, subject, config, at));
    return parts.find((p) => p.holds) ?? { holds: false, reason: parts.map((p) => p.reason).join(' or ') };
  }
  if ('not' in cond) {
    const inner = evaluateCondition(cond.not, subject, config, at);
    return { holds: !inner.holds, reason: `not (${inner.reason})` };
  }
  if ('engagement' in cond) return scoreVerdict('engagement', scoresAt(subject, at).engagement, cond.engagement);
  if ('fit' in cond) return scoreVerdict('fit', scoresAt(subject, at).fit, cond.fit);
  if ('bant' in cond) {
    const parts = (['budget', 'authority', 'need', 'timeline'] as const).filter((p) => isKnown(traitOf(subject.traits, config.bant[p])));
    const needed = cond.bant === 'complete' ? 4 : cond.bant.atLeast;
    const known = parts.length > 0 ? ` (${parts.join(', ')} known)` : '';
    return { holds: parts.length >= needed, reason: cond.bant === 'complete' ? `BANT complete${known}` : `BANT ${parts.length} of 4 known${known}` };
  }
  const value = traitOf(subject.traits, cond.trait);
  return { holds: matchesFilter(value, cond), reason: `trait ${describeFilter(cond.trait, cond)}` };
}

function scoreVerdict(name: string, score: number, range: ScoreRange): Verdict {
  const parts: string[] = [];
  let holds = true;
  if (range.gte !== undefined) { holds &&= score >= range.gte; parts.push(`${name} score ${score} ${score >= range.gte ? '≥' : '<'} ${range.gte}`); }
  if (range.lt !== undefined) { holds &&= score < range.lt; parts.push(`${name} score ${score} ${score < range.lt ? '<' : '≥'} ${range.lt}`); }
  return { holds, reason: parts.join(' and ') };
}

function traitOf(traits: JsonObject, key: string): unknown {
  return Object.hasOwn(traits, key) ? traits[key] : undefined;
}

export function stageIndex(config: LifecycleConfig, stage: string | null): number {
  return stage === null ? -1 : config.stages.findIndex((s) => s.key === stage);
}

function applies(rule: LifecycleRule, current: string | null, config: LifecycleConfig): boolean {
  if (rule.to === current) return false;
  if (rule.from) return current !== null && rule.from.includes(current);
  return stageIndex(config, rule.to) > stageIndex(config, current);
}

/** Whether a manual move still holds the profile against automatic rules at `at`. */
export function heldUntil(lifecycle: ProfileLifecycle | undefined, config: LifecycleConfig): EpochMs | null {
  const last = lastMove(lifecycle);
  if (!last || last.actor === undefined || config.manualHoldDays === 0) return null;
  return last.at + config.manualHoldDays * DAY_MS;
}

/**
 * The automatic moves due for the subject at `at`, in order (empty when none or while a manual
 * move holds it). `cause`: the event's messageId, `time`, `config` …
 */
export function automaticMoves(subject: LifecycleSubject, config: LifecycleConfig, at: EpochMs, cause: string): LifecycleMove[] {
  const held = heldUntil(subject.lifecycle, config);
  if (held !== null && at < held) return [];
  const moves: LifecycleMove[] = [];
  const visited = new Set<string>();
  let current = subject.lifecycle?.stage ?? null;
  if (current !== null) visited.add(current);
  for (let step = 0; step < config.stages.length; step++) {
    let moved = false;
    for (const rule of config.rules) {
      if (visited.has(rule.to) || !applies(rule, current, config)) continue;
      const verdict = evaluateCondition(rule.when, subject, config, at);
      if (!verdict.holds) continue;
      moves.push({ from: current, to: rule.to, at, reason: `rule ${rule.id}: ${verdict.reason}`, cause });
      visited.add(rule.to);
      current = rule.to;
      moved = true;
      break;
    }
    if (!moved) break;
  }
  return moves;
}

/**
 * The next moment after `at` when automatic rules may apply to the subject by time alone, or null:
 * the end of a manual hold, or the engagement score decaying below a threshold named by a rule
 * that could move the profile from its current stage. (Only engagement changes by time; fit and
 * traits change with events, which evaluate the rules anyway.)
 */
export function nextCheckAt(subject: LifecycleSubject, config: LifecycleConfig, at: EpochMs): EpochMs | null {
  if (!subject.lifecycle || config.rules.length === 0) return null;
  const held = heldUntil(subject.lifecycle, config);
  if (held !== null && held > at) return held;
  const current = subject.lifecycle.stage;
  const thresholds = new Set<number>();
  const collect = (c: LifecycleCondition): void => {
    if ('all' in c) c.all.forEach(collect);
    else if ('any' in c) c.any.forEach(collect);
    else if ('not' in c) collect(c.not);
    else if ('engagement' in c) {
      if (c.engagement.gte !== undefined) thresholds.add(c.engagement.gte);
      if (c.engagement.lt !== undefined) thresholds.add(c.engagement.lt);
    }
  };
  for (const rule of config.rules) if (applies(rule, current, config)) collect(rule.when);
  let next: EpochMs | null = null;
  for (const threshold of thresholds) {
    const below = engagementBelowAt(subject, threshold, at);
    if (below !== null && (next === null || below < next)) next = below;
  }
  return next;
}

/** A manual move by an API key; null when the profile is in that stage already. */
export function manualMove(lifecycle: ProfileLifecycle | undefined, options: { to: string; actor: string; note?: string; at: EpochMs }): LifecycleMove | null {
  const from = lifecycle?.stage ?? null;
  if (from === options.to) return null;
  const note = options.note ? ` (note: ${options.note})` : '';
  return {
    from, to: options.to, at: options.at, reason: `manual move by key ${options.actor}${note}`, cause: `manual:${options.actor}`,
    actor: options.actor, ...(options.note ? { note: options.note } : {}),
  };
}

export function applyMove(lifecycle: ProfileLifecycle | undefined, move: LifecycleMove): ProfileLifecycle {
  return { stage: move.to, since: move.at, history: [...(lifecycle?.history ?? []), move], ...(lifecycle?.checkAt !== undefined ? { checkAt: lifecycle.checkAt } : {}) };
}

/** The latest move of the history, passing over the entries merges record (they move nobody). */
export function lastMove(lifecycle: ProfileLifecycle | undefined): LifecycleMove | undefined {
  const history = lifecycle?.history ?? [];
  for (let i = history.length - 1; i >= 0; i--) if (history[i]!.merged === undefined) return history[i];
  return undefined;
}

export interface MergeLifecycleOptions {
  config: LifecycleConfig;
  /** The profile merged into the survivor. */
  mergedId: string;
  /** When the merge happened, and its cause (the event's messageId). */
  at: EpochMs;
  cause: string;
}

/**
 * Lifecycle of two profiles merged into one. Forward-only holds through merges: the stage kept is
 * the furthest of both (in the configured order; a stage the configuration no longer lists counts
 * as before all others), with the `since` of the side it came from, so the survivor never drops
 * back and the automatic rules never walk it again through moves one of the sides has made and
 * announced already. Both histories stay, oldest first, and the merge itself is recorded as the
 * last entry (`merged`), whether or not the survivor's stage changed.
 */
export function mergeLifecycle(survivor: ProfileLifecycle | undefined, merged: ProfileLifecycle | undefined, options: MergeLifecycleOptions): ProfileLifecycle | undefined {
  if (!merged) return survivor;
  const kept = !survivor || stageIndex(options.config, merged.stage) > stageIndex(options.config, survivor.stage) ? merged : survivor;
  // Oldest first; at equal times the kept side's moves come last, so its latest move (a manual
  // move's hold, say) stays the latest.
  const other = kept === merged ? survivor : merged;
  const history = [...(other?.history ?? []), ...kept.history].sort((a, b) => a.at - b.at);
  const at = Math.max(options.at, history.at(-1)?.at ?? options.at);
  const entry: LifecycleMove = {
    from: survivor?.stage ?? null, to: kept.stage, at, cause: options.cause,
    reason: `merged with profile ${options.mergedId} (${merged.stage}); the furthest stage is kept`,
    merged: { profileId: options.mergedId, stage: merged.stage },
  };
  const checkAt = survivor?.checkAt ?? merged.checkAt;
  return { stage: kept.stage, since: kept.since, history: [...history, entry], ...(checkAt !== undefined ? { checkAt } : {}) };
}

/**
 * A lifecycle split by an undone merge (core/identity/unmerge-plan.ts): the restored profile gets
 * the moves `restored(move)` claims (those caused by its events), the survivor keeps the rest;
 * the entry that recorded the undone merge goes. Each side's stage is that of its last remaining
 * entry; a side left without entries has no lifecycle. The survivor's own stage change, if any,
 * is a move the caller records (and announces): unlike a merge, an unmerge can move a profile back.
 */
export function splitLifecycle(lifecycle: ProfileLifecycle | undefined, options: { mergedId: string; restored: (move: LifecycleMove) => boolean }): { survivor?: ProfileLifecycle; restored?: ProfileLifecycle } {
  if (!lifecycle) return {};
  const history = lifecycle.history.filter((m) => m.merged?.profileId !== options.mergedId);
  const restored = history.filter((m) => m.merged === undefined && options.restored(m));
  const kept = history.filter((m) => !restored.includes(m));
  const of = (moves: LifecycleMove[]): ProfileLifecycle | undefined => {
    const last = moves.at(-1);
    return last ? { stage: last.to, since: last.at, history: moves } : undefined;
  };
  const survivor = of(kept);
  const back = of(restored);
  return { ...(survivor ? { survivor } : {}), ...(back ? { restored: back } : {}) };
}
