/**
 * The `rules` strategy (the default): the slot's rules in order, the first whose conditions hold
 * and which the guard and timing admit wins. A capped or too-deep rule falls through to the next.
 */
import type { FieldIssue } from '../../errors.js';
import type { Candidate, SlotStrategy, StrategyFactory } from '../strategy.js';

const strategy: SlotStrategy = {
  kind: 'rules',
  depth: 'none',
  dataKinds: [],
  choose(input) {
    for (const rule of input.slot.rules) {
      if (!input.matches(rule)) continue;
      const candidate: Candidate = {
        variantId: rule.sequence ? rule.sequence.steps[0]! : rule.rule.variantId!,
        source: rule.id, depth: rule.depth, tags: rule.tags, segments: rule.segments, reason: { kind: 'rule', rule }, rule,
      };
      // A sequence may step on: the choice names the variant admitted, not the first step.
      const variantId = input.admit(candidate);
      if (variantId !== null) return { variantId, candidate };
    }
    return null;
  },
};

export const rulesStrategy: StrategyFactory = {
  kind: 'rules',
  validate(config, _slot, path): FieldIssue[] {
    return Object.keys(config).filter((k) => k !== 'kind').map((k) => ({ field: `${path}.${k}`, reason: 'the rules strategy takes no options' }));
  },
  create: () => strategy,
};
