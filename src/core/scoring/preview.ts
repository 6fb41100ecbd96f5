/**
 * "What would this person score": a profile's scores under a proposed (unsaved) scoring and
 * lifecycle configuration, next to what is stored now, rule by rule.
 *
 * Engagement is rebuilt from the person's stored events under the proposed rules (as the
 * re-scoring after a save does: replayEngagement), fit from the current traits, and the lifecycle
 * rules are tried from the stage the person is in with the proposed scores (automaticMoves: the
 * moves a re-evaluation would make now, none while a manual move holds the person). Pure: the
 * caller reads the profile and its events and passes the moment.
 */
import type { TrackedEvent } from '../events/event.js';
import type { LifecycleConfig } from '../lifecycle/lifecycle-config.js';
import type { LifecycleMove } from '../lifecycle/lifecycle.js';
import { automaticMoves, heldUntil, type LifecycleSubject } from '../lifecycle/transitions.js';
import { toIso, type EpochMs } from '../time.js';
import { replayEngagement } from './engagement.js';
import { explainScores, type ScoreExplanation } from './explain.js';
import { computeFit } from './fit.js';
import type { ScoringConfig } from './scoring-config.js';
import { roundScore, ruleValueAt, scoresAt } from './scores.js';

export interface RulePreview {
  kind: 'engagement' | 'fit';
  ruleId: string;
  label: string;
  /** Points the rule gives under the proposed configuration (engagement: left after decay). */
  points: number;
  /** Points the rule gives in the stored scores (0 for a new rule). */
  current: number;
  /** Scoring events the rule counted (engagement), or whether it matched (fit: 1 or 0). */
  count: number;
}

export interface ScorePreview {
  at: string;
  /** Every rule of the proposed configuration, in its order (engagement first), with 0 where it gives nothing. */
  rules: RulePreview[];
  proposed: { engagement: number; fit: number };
  current: { engagement: number; fit: number };
  /** The proposed scores explained, as GET /v1/profiles/{id}/score explains the stored ones. */
  explanation: ScoreExplanation;
  lifecycle: {
    stage: string | null;
    /** The moves the proposed lifecycle rules would make now, in order. */
    moves: Array<Pick<LifecycleMove, 'from' | 'to' | 'reason'>>;
    /** Set while a manual move holds the person against automatic rules. */
    heldUntil: string | null;
  };
}

export interface PreviewInput {
  profile: LifecycleSubject;
  /** The person's stored events, oldest first. */
  events: Iterable<TrackedEvent>;
  scoring: ScoringConfig;
  lifecycle: LifecycleConfig;
  at: EpochMs;
}

export function previewScores(input: PreviewInput): ScorePreview {
  const { profile, scoring, lifecycle, at } = input;
  const scores = { ...replayEngagement(input.events, scoring, at), fit: computeFit(profile.traits, scoring, at) };
  const proposedSubject: LifecycleSubject = { ...profile, scores };
  const stored = profile.scores;
  const rules: RulePreview[] = [
    ...scoring.engagement.rules.map((rule): RulePreview => {
      const state = scores.engagement[rule.id];
      const before = stored?.engagement[rule.id];
      return {
        kind: 'engagement', ruleId: rule.id, label: rule.label, points: state ? roundScore(ruleValueAt(state, at)) : 0,
        current: before ? roundScore(ruleValueAt(before, at)) : 0, count: state?.count ?? 0,
      };
    }),
    ...scoring.fit.rules.map((rule): RulePreview => {
      const part = scores.fit.parts.find((p) => p.ruleId === rule.id);
      const before = stored?.fit.parts.find((p) => p.ruleId === rule.id);
      return { kind: 'fit', ruleId: rule.id, label: rule.label, points: part?.points ?? 0, current: before?.points ?? 0, count: part ? 1 : 0 };
    }),
  ];
  const held = heldUntil(profile.lifecycle, lifecycle);
  return {
    at: toIso(at),
    rules,
    proposed: scoresAt(proposedSubject, at),
    current: scoresAt(profile, at),
    explanation: explainScores(proposedSubject, at),
    lifecycle: {
      stage: profile.lifecycle?.stage ?? null,
      moves: automaticMoves(proposedSubject, lifecycle, at, 'preview').map(({ from, to, reason }) => ({ from, to, reason })),
      heldUntil: held !== null && at < held ? toIso(held) : null,
    },
  };
}
