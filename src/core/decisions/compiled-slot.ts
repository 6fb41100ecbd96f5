/**
 * The compiled form of a slot (compile-slot.ts makes it) and the contract of the strategies that
 * choose on it (their behaviour is documented in strategy.ts, which re-exports these types). Kept
 * in one file because they refer to each other: a compiled slot holds its strategy, and a strategy
 * works on the compiled slot.
 */
import type { CompiledCondition } from '../segments/evaluate-condition.js';
import type { Condition } from '../segments/condition.js';
import type { Profile } from '../profiles/profile.js';
import type { EpochMs } from '../time.js';
import type { CompiledContextCondition } from './context-condition.js';
import type { DataKind } from './data-kinds.js';
import type { DecisionContext } from './decision-context.js';
import type { Depth } from './depth.js';
import type { LocalizedText } from './locale.js';
import type { Slot, SlotDefinition, SlotRule, Variant } from './slot.js';
import type { CompiledTemplate } from './template.js';
import type { CompiledCap, CompiledSequence, CompiledSlotTiming } from './timing.js';

export interface CompiledVariant {
  variant: Variant;
  title: CompiledTemplate | null;
  body: CompiledTemplate;
  /** The deepest placeholder of title and body. */
  depth: Depth;
}

export interface CompiledRule {
  rule: SlotRule;
  id: string;
  profileCondition: CompiledCondition | null;
  contextCondition: CompiledContextCondition | null;
  /** Declared, condition and variant(s) depth together. */
  depth: Depth;
  segments: readonly string[];
  dataKinds: readonly DataKind[];
  /** The slot's and the rule's tags. */
  tags: readonly string[];
  caps: readonly CompiledCap[];
  sequence: CompiledSequence | null;
}

export interface CompiledSlot {
  slot: SlotDefinition | Slot;
  variants: ReadonlyMap<string, CompiledVariant>;
  defaultVariant: CompiledVariant;
  rules: readonly CompiledRule[];
  strategy: SlotStrategy;
  timing: CompiledSlotTiming;
  tags: readonly string[];
  /** Lower-cased names of the events the counters must remember for this slot (notWithin, conversions). */
  watchedEvents: ReadonlySet<string>;
  /** Every profile condition of the slot, for the tracker needs (see the top of the file). */
  conditions: readonly Condition[];
  identityTraits: ReadonlySet<string>;
}

/** Why a candidate was proposed, for the person's explanation (explain.ts). */
export type Reason =
  | { kind: 'rule'; rule: CompiledRule }
  | { kind: 'interest'; category: string; views: number }
  | { kind: 'custom'; text: LocalizedText; dataKinds: DataKind[] }
  /** The visitor's arm of the slot's experiment (variation id = variant id). */
  | { kind: 'experiment'; experiment: string; variation: string }
  | { kind: 'default' };

export interface Candidate {
  variantId: string;
  /** A rule id, or the strategy kind for a strategy's own pick; shown in the trace and the decision. */
  source: string;
  /** The depth the proposer declares (the guard takes the max with the variant's template depth). */
  depth: Depth;
  /** Campaign tags besides the slot's (their caps apply). */
  tags: readonly string[];
  /** Segments the candidate targets (the minimum segment size rule applies to them). */
  segments: readonly string[];
  reason: Reason;
  /** A rule's own caps and sequence (the rules strategy sets it). */
  rule?: CompiledRule;
}

export interface StrategyInput {
  readonly slot: CompiledSlot;
  readonly profile: Profile | null;
  readonly context: DecisionContext;
  readonly now: EpochMs;
  /** The deepest the guard allows for this decision (creepiness-guard.ts). */
  readonly allowedDepth: Depth;
  /** Whether a rule's conditions hold for this visit (profile AND context); traces a miss. */
  matches(rule: CompiledRule): boolean;
  /** The variant to show for the candidate, or null when the guard or timing refuse it; traces either way. */
  admit(candidate: Candidate): string | null;
  /**
   * What the strategy asked for in its `needs`, loaded by the service before deciding (the
   * strategy stays pure and synchronous); undefined when nothing was asked or loaded.
   */
  readonly prefetched?: unknown;
}

/**
 * Data a strategy needs from outside the profile, loaded by the service before `choose`:
 * `recommendations`: recommended item ids of this kind for the visitor (issue 15), best first.
 */
export interface StrategyNeeds {
  recommendations?: { kind: string; limit: number };
}

export interface Choice {
  variantId: string;
  candidate: Candidate;
}

export interface SlotStrategy {
  readonly kind: string;
  readonly depth: Depth;
  /** The kinds of data its own picks use, for the transparency notice (rules: derived per rule). */
  readonly dataKinds: readonly DataKind[];
  /** What the service must load before deciding (StrategyNeeds); absent: nothing. */
  readonly needs?: StrategyNeeds;
  choose(input: StrategyInput): Choice | null;
}

