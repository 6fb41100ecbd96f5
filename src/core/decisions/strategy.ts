/**
 * Strategies: how a slot chooses among its variants. The chooser (decide.ts) knows none of them by
 * name: it asks the registry for the slot's `strategy.kind` at compile time and calls `choose`.
 *
 * The contract every strategy keeps:
 * - It proposes candidates, best first, through `input.admit(candidate)`, which runs the
 *   creepiness guard and the timing policy (no strategy can bypass either) and writes the trace.
 *   `admit` answers the variant to show (a sequence may step on), or null: then try the next.
 * - It returns the first admitted choice, or null (the default variant is shown).
 * - It is pure and deterministic: the same input gives the same choice (experiments hash a
 *   stable id; nothing reads a clock or a random source). Time comes in `input.now`.
 * - It declares the `depth` of its own picks (score-sorted: `segment`, a recommendation from the
 *   person's history: `individual`); the guard adds what the variant's templates reveal.
 *
 * To plug in a strategy (recommendations, experiments): write a `StrategyFactory`, add it to the
 * registry passed to compileSlot (strategies/registry.ts builds the default one).
 */
import type { FieldIssue } from '../errors.js';
import type { Profile } from '../profiles/profile.js';
import type { EpochMs } from '../time.js';
import type { CompiledRule, CompiledSlot } from './compile-slot.js';
import type { DataKind } from './data-kinds.js';
import type { DecisionContext } from './decision-context.js';
import type { Depth } from './depth.js';
import type { LocalizedText } from './locale.js';
import type { SlotDefinition, StrategyConfig } from './slot.js';

/** Why a candidate was proposed, for the person's explanation (explain.ts). */
export type Reason =
  | { kind: 'rule'; rule: CompiledRule }
  | { kind: 'interest'; category: string; views: number }
  | { kind: 'custom'; text: LocalizedText; dataKinds: DataKind[] }
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
}

export interface Choice {
  variantId: string;
  candidate: Candidate;
}

export interface SlotStrategy {
  readonly kind: string;
  readonly depth: Depth;
  choose(input: StrategyInput): Choice | null;
}

export interface StrategyFactory {
  readonly kind: string;
  /** Problems of the slot's strategy configuration (and of the slot as this strategy sees it), with paths under `path`. */
  validate(config: StrategyConfig, slot: SlotDefinition, path: string): FieldIssue[];
  /** Called once per slot version by compileSlot; `config` is valid. */
  create(config: StrategyConfig, slot: SlotDefinition): SlotStrategy;
}

export type StrategyRegistry = ReadonlyMap<string, StrategyFactory>;

export function strategyRegistry(...factories: StrategyFactory[]): StrategyRegistry {
  const map = new Map<string, StrategyFactory>();
  for (const f of factories) {
    if (map.has(f.kind)) throw new Error(`two strategies of kind "${f.kind}"`);
    map.set(f.kind, f);
  }
  return map;
}
