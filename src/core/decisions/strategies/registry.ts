/**
 * The strategies Tessera ships. The recommendations issue adds `recommendation`, the experiments
 * issue its variant assignment: each a StrategyFactory appended here (or a registry built by the
 * composition root), without touching decide.ts.
 */
import { strategyRegistry, type StrategyRegistry } from '../strategy.js';
import { rulesStrategy } from './rules.js';
import { scoreSortedStrategy } from './score-sorted.js';

export const DEFAULT_STRATEGIES: StrategyRegistry = strategyRegistry(rulesStrategy, scoreSortedStrategy);
