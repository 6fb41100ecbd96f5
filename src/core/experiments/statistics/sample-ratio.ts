/**
 * Sample ratio mismatch: are the units per variation consistent with the configured weights?
 * Pearson's chi-square goodness-of-fit test, χ² = Σ (O_i − E_i)² / E_i with E_i = N · w_i / Σw and k − 1 degrees of
 * freedom (equals scipy `chisquare(observed, expected)`). Flagged below p = 0.001, the threshold GrowthBook and
 * Kohavi et al. ("Trustworthy Online Controlled Experiments", ch. 21) recommend, because an SRM means the
 * assignment or the logging is broken and the results cannot be trusted.
 */
import { chiSquareSurvival } from './distributions.js';

export const SRM_THRESHOLD = 0.001;

export interface SampleRatioCheck {
  chiSquare: number;
  degreesOfFreedom: number;
  pValue: number;
  mismatch: boolean;
}

export function checkSampleRatio(units: readonly number[], weights: readonly number[]): SampleRatioCheck {
  const total = units.reduce((s, u) => s + u, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const dof = units.length - 1;
  if (total === 0 || dof < 1 || units.length !== weights.length || !(weightSum > 0)) return { chiSquare: 0, degreesOfFreedom: Math.max(0, dof), pValue: 1, mismatch: false };
  let chiSquare = 0;
  for (let i = 0; i < units.length; i++) {
    const expected = (total * weights[i]!) / weightSum;
    if (expected > 0) chiSquare += (units[i]! - expected) ** 2 / expected;
  }
  const pValue = chiSquareSurvival(chiSquare, dof);
  return { chiSquare, degreesOfFreedom: dof, pValue, mismatch: pValue < SRM_THRESHOLD };
}
