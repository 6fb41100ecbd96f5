/**
 * "Why 57 points": the scores of a profile at a moment, per rule, as structured data and as
 * sentences a marketer reads, e.g.
 *   Engagement 34.1 points: Whitepaper Downloaded ×2 → +20 (14.1 left after decay; last 2024-03-02) …
 *   Fit 20 points: Decision maker +20 (trait role in ("CTO", "CEO")).
 */
import { toIso, type EpochMs } from '../time.js';
import { roundScore, ruleValueAt, scoresAt, type ProfileScores } from './scores.js';

export interface EngagementLine {
  ruleId: string;
  label: string;
  /** Scoring events. */
  count: number;
  /** Points awarded, before decay. */
  earned: number;
  /** What is left of them at the moment explained. */
  left: number;
  halfLifeDays: number | null;
  firstAt: string;
  lastAt: string;
  recent: Array<{ at: string; points: number; messageId: string }>;
}

export interface IgnoredLine {
  at: string;
  messageId: string;
  event: string;
  ruleIds: string[];
  reason: string;
  detail: string;
}

export interface ScoreExplanation {
  at: string;
  engagement: { score: number; rules: EngagementLine[]; ignored: { count: number; recent: IgnoredLine[] } };
  fit: { score: number; rules: ProfileScores['fit']['parts'] };
  /** The same in sentences. */
  text: string;
}

const fmt = (n: number) => String(roundScore(n));
const signed = (n: number) => (n >= 0 ? `+${fmt(n)}` : `−${fmt(-n)}`);
const day = (ms: EpochMs) => toIso(ms).slice(0, 10);

export function explainScores(profile: { scores?: ProfileScores }, at: EpochMs): ScoreExplanation {
  const scores = profile.scores;
  const totals = scoresAt(profile, at);
  const rules: EngagementLine[] = Object.entries(scores?.engagement ?? {})
    .map(([ruleId, s]) => ({
      ruleId, label: s.label, count: s.count, earned: roundScore(s.earned), left: roundScore(ruleValueAt(s, at)), halfLifeDays: s.halfLifeDays,
      firstAt: toIso(s.firstAt), lastAt: toIso(s.lastAt), recent: s.recent.map((h) => ({ at: toIso(h.at), points: h.points, messageId: h.messageId })),
    }))
    .sort((a, b) => Math.abs(b.left) - Math.abs(a.left));
  const ignored = { count: scores?.ignored?.count ?? 0, recent: (scores?.ignored?.recent ?? []).map((e) => ({ ...e, at: toIso(e.at) })) };
  const fit = scores?.fit.parts ?? [];
  const engagementText = rules.length === 0
    ? `Engagement ${fmt(totals.engagement)} points: no scoring activity yet.`
    : `Engagement ${fmt(totals.engagement)} points: ${rules.map((r) => {
      const decay = r.halfLifeDays === null ? 'no decay' : r.left === r.earned ? 'nothing lost to decay yet' : `${fmt(r.left)} left after decay`;
      return `${r.label} ×${r.count} → ${signed(r.earned)} (${decay}; last ${day(Date.parse(r.lastAt))})`;
    }).join('; ')}.`;
  const fitText = fit.length === 0
    ? `Fit ${fmt(totals.fit)} points: no fit rule matches the profile's traits.`
    : `Fit ${fmt(totals.fit)} points: ${fit.map((p) => `${p.label} ${signed(p.points)} (${p.reason})`).join('; ')}.`;
  // "Ignored as machine-made: 2 events matching scoring rules (Whitepaper Downloaded 2024-03-02: Mimecast user agent; …)."
  const ignoredText = ignored.count === 0 ? '' : `\nIgnored as machine-made: ${ignored.count} event${ignored.count === 1 ? '' : 's'} matching scoring rules`
    + ` (${ignored.count > ignored.recent.length ? 'latest: ' : ''}${ignored.recent.map((e) => `${e.event} ${e.at.slice(0, 10)}: ${e.detail}`).join('; ')}).`;
  return { at: toIso(at), engagement: { score: totals.engagement, rules, ignored }, fit: { score: totals.fit, rules: fit }, text: `${engagementText}\n${fitText}${ignoredText}` };
}
 