/**
 * The strategies Tessera ships, `recommendation` (core/recommendations/slot-strategy.ts) among them.
 * The experiments issue adds its variant assignment: each a StrategyFactory appended here (or a registry built by the
 * composition root), without touching decide.ts.
 */
import { strategyRegistry, type StrategyRegistry } from '../strategy.js';
import { rulesStrategy } from './rules.js';
import { scoreSortedStrategy } from './score-sorted.js';
import { recommendationStrategy } from '../../recommendations/slot-strategy.js';

export const DEFAULT_STRATEGIES: StrategyRegistry = strategyRegistry(rulesStrategy, scoreSortedStrategy, recommendationStrategy);
