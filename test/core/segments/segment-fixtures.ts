/** Helpers for the pure segment tests: definitions compiled as ingest compiles them, profiles fed events. */
import type { ComputedTraitDefinition } from '../../../src/core/computed-traits/computed-trait.js';
import type { TrackedEvent } from '../../../src/core/events/event.js';
import { newProfile, type Profile } from '../../../src/core/profiles/profile.js';
import type { Condition } from '../../../src/core/segments/condition.js';
import { evaluateProfile } from '../../../src/core/segments/membership.js';
import { recordEvent } from '../../../src/core/segments/record-event.js';
import { compileDefinitions, type Segment, type SegmentDefinitions } from '../../../src/core/segments/segment.js';
import { T0 } from '../fixtures.js';

export const DAY = 86_400_000;

export function segment(id: string, condition: Condition, name = id): Segment {
  return { id, workspaceId: 'ws-test', name, description: '', condition, createdAt: T0, updatedAt: T0 };
}

export function definitions(segments: Segment[], computed: ComputedTraitDefinition[] = []): SegmentDefinitions {
  return compileDefinitions(segments, computed);
}

export function profileWith(events: TrackedEvent[], defs: SegmentDefinitions, traits: Record<string, unknown> = {}): Profile {
  const profile = newProfile('prf-1', 'ws-test', T0);
  profile.traits = { ...traits };
  for (const e of events) recordEvent(profile, e, defs, e.receivedAt);
  return profile;
}

/** Whether the profile is in the segment after evaluating at `now`. */
export function isMember(profile: Profile, defs: SegmentDefinitions, id: string, now: number): boolean {
  evaluateProfile(profile, defs, now);
  return Object.hasOwn(profile.segments?.member ?? {}, id);
}
