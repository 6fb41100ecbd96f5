/**
 * The global holdout: a fixed share of people (default 5%) who see no personalization at all, so the total effect
 * of personalization can be measured against them. Membership is a pure function of the unit id — the same
 * GrowthBook-compatible hash as experiments, with its own seed so it is independent of every experiment's split.
 * The decision engine calls `isInHoldout` before choosing any personalized variant (issue 16, §1).
 */
import { hashUnit } from './hashing.js';

export const HOLDOUT_SEED = 'tessera-global-holdout';
export const DEFAULT_HOLDOUT_SHARE = 0.05;

export interface HoldoutSettings {
  /** Share of people held out, 0..1 (0 turns the holdout off). */
  holdoutShare?: number;
}

export function isInHoldout(settings: HoldoutSettings, unitId: string): boolean {
  const share = settings.holdoutShare ?? DEFAULT_HOLDOUT_SHARE;
  if (unitId === '' || !(share > 0)) return false;
  const position = hashUnit(HOLDOUT_SEED, unitId, 2);
  return position !== null && position < share;
}
