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
import type { Profile } from '../profiles/profile.js';
import type { EpochMs } from '../time.js';
import { describeReasons, evaluateCondition } from './evaluate-condition.js';
import type { Membership, SegmentDefinitions } from './segment.js';

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
function namesOf(defs: SegmentDefinitions): Map<string, string> {
  let names = segmentNames.get(defs);
  if (!names) segmentNames.set(defs, (names = new Map(defs.segments.map((s) => [s.id, s.name]))));
  return names;
}

const earliest = (a: EpochMs | null, b: EpochMs | null) => (a === null ? b : b === null ? a : Math.min(a, b));

/** Mutates `profile.computed` and `profile.segments.member`. */
export function evaluateProfile(profile: Profile, defs: SegmentDefinitions, now: EpochMs): ProfileEvaluation {
  let dueAt: EpochMs | null = null;
  const computed = profile.computed ?? {};
  for (const def of defs.computed) {
    const entry = computed[def.key];
    if (!entry) continue;
    pruneAggregate(def, entry.state, now);
    entry.value = aggregateValue(def, entry.state, now);
    dueAt = earliest(dueAt, aggregateChangesAt(def, entry.state, now));
  }
  const state = (profile.segments ??= { member: {}, events: {} });
  const names = namesOf(defs);
  const decided = new Map<string, boolean>();
  const before = state.member;
  const after: Record<string, Membership> = {};
  const changes: MembershipChange[] = [];
  for (const segment of defs.segments) {
    const result = evaluateCondition(segment.condition, {
      profile, now, trackers: state.events,
      computed: (key) => computed[key]?.value,
      member: (id) => decided.get(id) ?? false,
      segmentName: (id) => names.get(id),
    });
    decided.set(segment.id, result.match);
    dueAt = earliest(dueAt, result.changesAt);
    const was = Object.hasOwn(before, segment.id) ? before[segment.id] : undefined;
    const reason = () => describeReasons(result, (id) => names.get(id)).join(' AND ');
    if (result.match) {
      if (was) after[segment.id] = was;
      else {
        const text = reason();
        after[segment.id] = { since: now, reason: text };
        changes.push({ kind: 'entered', segmentId: segment.id, segmentName: segment.name, reason: text });
      }
    } else if (was) {
      changes.push({ kind: 'exited', segmentId: segment.id, segmentName: segment.name, reason: `no longer: ${reason()}` });
    }
  }
  state.member = after;
  return { changes, dueAt: dueAt !== null && dueAt <= now ? now + 1 : dueAt };
}
