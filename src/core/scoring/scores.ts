/**
 * The `scores` field of a profile: two scores kept apart, as the best tools do.
 *
 * - engagement: behaviour points earned per rule. Each rule keeps ONE decayed value and the moment
 *   it was taken (`asOf`): exponential decay composes, so the value at any later time is
 *   `value · 2^-(Δt / halfLife)` without keeping every hit. The last few hits are kept for the
 *   explanation ("which rules, when, how much is left after decay").
 * - fit: points from traits (role, company size, industry), recomputed from the traits whenever the
 *   profile changes; it does not decay.
 *
 * `scoresAt` is pure and needs no configuration: the half-life in force is stored with each rule's
 * state, so segment conditions on scores evaluate from the profile alone.
 */
import type { EpochMs } from '../time.js';

const DAY_MS = 86_400_000;

/** One scoring hit kept for the explanation (newest last). */
export interface ScoreHit {
  at: EpochMs;
  /** Points actually awarded (after the rule's cap). */
  points: number;
  messageId: string;
}

export interface EngagementRuleState {
  /** The rule's label when the points were earned, so explanations survive a rule being renamed. */
  label: string;
  /** Decayed points of this rule at `asOf`. */
  value: number;
  asOf: EpochMs;
  /** Half-life in days in force for this rule; null = no decay. */
  halfLifeDays: number | null;
  /** Matching events that scored. */
  count: number;
  /** Points awarded in total, before decay. */
  earned: number;
  firstAt: EpochMs;
  lastAt: EpochMs;
  /** The most recent hits (bounded, see MAX_RECENT_HITS). */
  recent: ScoreHit[];
}

export interface FitPart {
  ruleId: string;
  label: string;
  points: number;
  /** Readable: "trait role = CTO". */
  reason: string;
}

/** A machine-made event that matched scoring rules and earned nothing (for the explanation). */
export interface IgnoredEvent {
  at: EpochMs;
  messageId: string;
  /** The event's name (`Whitepaper Downloaded`) or type (`page`). */
  event: string;
  ruleIds: string[];
  /** Why it is machine-made (core/events/machine-event.ts). */
  reason: string;
  detail: string;
}

export interface ProfileScores {
  /** Rule id → state. */
  engagement: Record<string, EngagementRuleState>;
  fit: { total: number; parts: FitPart[]; at: EpochMs };
  /**
   * Machine-made events that matched an engagement rule and were ignored: how many, and the last
   * few (bounded, MAX_RECENT_HITS). Absent until the first one.
   */
  ignored?: { count: number; recent: IgnoredEvent[] };
}

export const MAX_RECENT_HITS = 5;

export function emptyScores(at: EpochMs): ProfileScores {
  return { engagement: {}, fit: { total: 0, parts: [], at } };
}

/** A rule's decayed value at `at` (never grows back when `at` lies before `asOf`). */
export function ruleValueAt(state: Pick<EngagementRuleState, 'value' | 'asOf' | 'halfLifeDays'>, at: EpochMs): number {
  if (state.halfLifeDays === null || at <= state.asOf) return state.value;
  return state.value * Math.pow(2, -(at - state.asOf) / (state.halfLifeDays * DAY_MS));
}

/** Rounded to one decimal, as scores are shown and compared. */
export function roundScore(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * The profile's scores at time `at`: decayed engagement and fit, rounded to one decimal. A profile
 * that was never scored has 0 and 0.
 */
export function scoresAt(profile: { scores?: ProfileScores }, at: EpochMs): { engagement: number; fit: number } {
  const scores = profile.scores;
  if (!scores) return { engagement: 0, fit: 0 };
  let engagement = 0;
  for (const state of Object.values(scores.engagement)) engagement += ruleValueAt(state, at);
  return { engagement: roundScore(engagement), fit: roundScore(scores.fit.total) };
}

/**
 * The first moment after `at` when the decayed engagement score drops below `threshold` by time
 * alone, or null when it never will (already below, or nothing decays). For schedulers of
 * conditions such as "engagement ≥ 50". Found by bisection over the sum of decays (monotone).
 */
export function engagementBelowAt(profile: { scores?: ProfileScores }, threshold: number, at: EpochMs): EpochMs | null {
  if (scoresAt(profile, at).engagement < threshold) return null;
  const states = Object.values(profile.scores?.engagement ?? {});
  const floor = states.filter((s) => s.halfLifeDays === null).reduce((sum, s) => sum + s.value, 0);
  if (roundScore(floor) >= threshold) return null;
  let lo = at;
  let hi = at + DAY_MS;
  while (scoresAt(profile, hi).engagement >= threshold) hi = lo + (hi - lo) * 2;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (scoresAt(profile, mid).engagement >= threshold) lo = mid; else hi = mid;
  }
  return hi;
}
