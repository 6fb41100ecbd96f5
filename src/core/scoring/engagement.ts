/**
 * Engagement scoring: each event that matches a rule earns the rule's points, decayed from the
 * event's time by the rule's half-life, and kept within the rule's cap. Machine-generated events
 * (isMachineEvent) and Tessera's own timeline entries never score.
 *
 * Strategy: a rule's state holds its decayed value at one reference time (`asOf`); an event is
 * added by decaying both the state and the new points to the later of the two times. Events out
 * of order therefore score what they would have scored in order (up to the cap, which is applied
 * when the event arrives). Replaying a profile's events through `applyEngagement` rebuilds it.
 */
import type { TrackedEvent } from '../events/event.js';
import { sameEventName } from '../events/event-name.js';
import { isMachineEvent, machineEventReason } from '../events/machine-event.js';
import type { EpochMs } from '../time.js';
import { matchesFilter } from './filters.js';
import type { EngagementRule, ScoringConfig } from './scoring-config.js';
import { MAX_RECENT_HITS, ruleValueAt, type EngagementRuleState, type IgnoredEvent, type ProfileScores } from './scores.js';

const DAY_MS = 86_400_000;

/** A property of an event by key, or by dotted path (`product.category`); `category` falls back to the page's category. */
export function eventProperty(event: Pick<TrackedEvent, 'properties' | 'category'>, key: string): unknown {
  if (Object.hasOwn(event.properties, key)) return event.properties[key];
  if (key === 'category' && event.category !== null) return event.category;
  let current: unknown = event.properties;
  for (const part of key.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function ruleMatches(rule: EngagementRule, event: TrackedEvent): boolean {
  if (event.type !== rule.type) return false;
  // Names as segment conditions match them (case-insensitively).
  if (rule.event !== undefined && !sameEventName(event.name, rule.event)) return false;
  return rule.where.every((f) => matchesFilter(eventProperty(event, f.property), f));
}

/** Whether an event can score at all: a person's own event, not a machine's or Tessera's. */
export function canScore(event: TrackedEvent): boolean {
  return event.type !== 'system' && event.type !== 'consent' && !isMachineEvent(event);
}

/**
 * Adds the event's points to every matching rule of `scores` (in place); returns how many rules it
 * matched. A machine-made event that matches rules earns nothing and is noted in `scores.ignored`
 * with the reason, so that the explanation can say which events did not count and why.
 */
export function applyEngagement(scores: ProfileScores, config: ScoringConfig, event: TrackedEvent): number {
  if (event.type === 'system' || event.type === 'consent') return 0;
  const machine = machineEventReason(event);
  if (machine) {
    const ruleIds = config.engagement.rules.filter((rule) => ruleMatches(rule, event)).map((rule) => rule.id);
    if (ruleIds.length > 0) noteIgnored(scores, { at: event.timestamp, messageId: event.messageId, event: event.name ?? event.type, ruleIds, ...machine });
    return 0;
  }
  let matched = 0;
  for (const rule of config.engagement.rules) {
    if (!ruleMatches(rule, event)) continue;
    matched++;
    const halfLifeDays = rule.halfLifeDays !== undefined ? rule.halfLifeDays : config.engagement.halfLifeDays;
    const state = scores.engagement[rule.id] ??= {
      label: rule.label, value: 0, asOf: event.timestamp, halfLifeDays, count: 0, earned: 0, firstAt: event.timestamp, lastAt: event.timestamp, recent: [],
    };
    addHit(state, rule, halfLifeDays, event);
  }
  return matched;
}

function noteIgnored(scores: ProfileScores, ignored: IgnoredEvent): void {
  const state = scores.ignored ??= { count: 0, recent: [] };
  state.count++;
  state.recent.push(ignored);
  state.recent.sort((a, b) => a.at - b.at);
  if (state.recent.length > MAX_RECENT_HITS) state.recent.splice(0, state.recent.length - MAX_RECENT_HITS);
}

function addHit(state: EngagementRuleState, rule: EngagementRule, halfLifeDays: number | null, event: TrackedEvent): void {
  const ref = Math.max(state.asOf, event.timestamp);
  // Bring the state to the reference time under the half-life it was earned with, then go on
  // with the one now configured.
  const current = ruleValueAt(state, ref);
  const factor = halfLifeDays === null ? 1 : Math.pow(2, -(ref - event.timestamp) / (halfLifeDays * DAY_MS));
  let next = current + rule.points * factor;
  if (rule.cap !== undefined) next = Math.max(-rule.cap, Math.min(rule.cap, next));
  // What the event earned, in points at its own time (0 once the cap is reached).
  const awarded = factor > 0 ? (next - current) / factor : 0;
  state.label = rule.label;
  state.value = next;
  state.asOf = ref;
  state.halfLifeDays = halfLifeDays;
  state.count++;
  state.earned += awarded;
  state.firstAt = Math.min(state.firstAt, event.timestamp);
  state.lastAt = Math.max(state.lastAt, event.timestamp);
  state.recent.push({ at: event.timestamp, points: Math.round(awarded * 100) / 100, messageId: event.messageId });
  state.recent.sort((a, b) => a.at - b.at);
  if (state.recent.length > MAX_RECENT_HITS) state.recent.splice(0, state.recent.length - MAX_RECENT_HITS);
}

/** Drops the states of rules no longer configured (their points stop counting). */
export function pruneEngagement(scores: ProfileScores, config: ScoringConfig): void {
  const live = new Set(config.engagement.rules.map((r) => r.id));
  for (const id of Object.keys(scores.engagement)) if (!live.has(id)) delete scores.engagement[id];
}

/** Engagement rebuilt from a profile's events (oldest first), e.g. after a merge. */
export function replayEngagement(events: Iterable<TrackedEvent>, config: ScoringConfig, at: EpochMs): ProfileScores {
  const scores: ProfileScores = { engagement: {}, fit: { total: 0, parts: [], at } };
  for (const e of events) applyEngagement(scores, config, e);
  return scores;
}
