/**
 * The creepiness guard: personalization that reveals too much drives people away, so how deep a
 * decision may go is a policy, computed here and applied to every candidate (decide.ts `admit`).
 *
 * Allowed depth = the least of:
 * - the workspace ceiling and the slot ceiling;
 * - consent: without the `personalization` purpose granted, at most `contextual`
 *   (GDPR Art. 6(1)(a); purposes.ts keeps personalization on consent by default);
 * - recognition on this device: no profile → `contextual`; a cookie only → `segment` (whoever holds
 *   the device sees it: never name, company, email or other-device history); a signed link or a
 *   login on this device → `individual`.
 *
 * A candidate's depth is the max of what its author declares and what it reveals: its conditions
 * (`conditionDepth`) and its variant's templates (template.ts). Deeper than allowed → skipped.
 *
 * Minimum segment size: a candidate targeting a segment with fewer members than the workspace
 * minimum (default 20), or of unknown size, is usable only at `individual` depth with
 * `individual` allowed (which implies consent and a strong recognition): a tiny segment
 * singles a person out.
 */
import { leavesOf } from '../segments/segment.js';
import type { Condition } from '../segments/condition.js';
import type { Recognition } from './decision-context.js';
import type { ContextCondition } from './context-condition.js';
import { deeperThan, maxDepth, minDepth, type Depth } from './depth.js';

export const PERSONALIZATION_PURPOSE = 'personalization';

/** What held the allowed depth down. */
export type DepthLimit = 'workspace' | 'slot' | 'consent' | 'recognition';

export interface DepthInputs {
  workspaceCeiling: Depth;
  slotCeiling: Depth;
  personalizationGranted: boolean;
  recognition: Recognition;
}

const RECOGNITION_CEILING: Readonly<Record<Recognition, Depth>> = { none: 'contextual', cookie: 'segment', signed: 'individual', login: 'individual' };

export function recognitionCeiling(r: Recognition): Depth {
  return RECOGNITION_CEILING[r];
}

export function allowedDepth(i: DepthInputs): { depth: Depth; limitedBy: DepthLimit[] } {
  const limits: Array<[DepthLimit, Depth]> = [
    ['workspace', i.workspaceCeiling],
    ['slot', i.slotCeiling],
    ['consent', i.personalizationGranted ? 'individual' : 'contextual'],
    ['recognition', RECOGNITION_CEILING[i.recognition]],
  ];
  let depth: Depth = 'individual';
  for (const [, d] of limits) depth = minDepth(depth, d);
  const limitedBy = depth === 'individual' ? [] : limits.filter(([, d]) => d === depth).map(([l]) => l);
  return { depth, limitedBy };
}

/**
 * What a profile condition reveals: a trait declared identity-level → `individual`; a persona leaf
 * (a modelled archetype of the person) → `persona`; any other profile leaf (traits, events, pages,
 * segments, scores …) → `segment`; none → `none`.
 */
export function conditionDepth(c: Condition | undefined, identityTraits: ReadonlySet<string>): Depth {
  if (!c) return 'none';
  let depth: Depth = 'none';
  for (const leaf of leavesOf(c)) {
    const d: Depth = 'trait' in leaf && identityTraits.has(leaf.trait.key) ? 'individual' : 'persona' in leaf ? 'persona' : 'segment';
    depth = maxDepth(depth, d);
  }
  return depth;
}

/** A context condition reveals the visit only. */
export const contextDepth = (c: ContextCondition | undefined): Depth => (c ? 'contextual' : 'none');

/** Segments a condition targets (positively or negatively: a NOT of a tiny segment singles out too). */
export function targetedSegments(c: Condition | undefined): string[] {
  if (!c) return [];
  const ids = new Set<string>();
  for (const leaf of leavesOf(c)) if ('segment' in leaf) ids.add(leaf.segment.id);
  return [...ids];
}

/**
 * Why the candidate may not use its segments, or null. `sizeOf` answers a segment's member count
 * (undefined: unknown, treated as too small).
 */
export function segmentSizeRefusal(options: {
  segments: readonly string[];
  depth: Depth;
  allowed: Depth;
  minSize: number;
  sizeOf: (segmentId: string) => number | undefined;
}): string | null {
  if (options.segments.length === 0) return null;
  if (options.depth === 'individual' && !deeperThan('individual', options.allowed)) return null;
  for (const id of options.segments) {
    const size = options.sizeOf(id);
    if (size === undefined) return `segment "${id}" has an unknown size (minimum ${options.minSize}; only individual rules with consent may use smaller segments)`;
    if (size < options.minSize) return `segment "${id}" has ${size} members (minimum ${options.minSize}; only individual rules with consent may use smaller segments)`;
  }
  return null;
}
