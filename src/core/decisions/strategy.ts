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
import type { SlotStrategy } from './compiled-slot.js';
import type { SlotDefinition, StrategyConfig } from './slot.js';

export type { Candidate, Choice, Reason, SlotStrategy, StrategyInput, StrategyNeeds } from './compiled-slot.js';

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
