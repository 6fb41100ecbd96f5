/**
 * One treatment against the control on one metric, by both engines, from the aggregate sums: the arm estimates
 * (arm-estimates.ts; CUPED when the covariate has variance and it is asked for), the fixed-horizon Welch test and
 * the confidence sequence on the relative lift, and the Bayesian posterior.
 */
import type { AggregateSums } from '../aggregates.js';
import { cupedEstimate, cupedTheta, meanEstimate, ratioEstimate, type ArmEstimate } from './arm-estimates.js';
import { bayesianLift, type BayesianLift, type NormalPrior } from './bayesian-normal.js';
import { relativeLiftTTest, type LiftTest } from './relative-lift.js';
import { sequentialLiftTest, type SequentialResult } from './sequential.js';

export interface ComparisonOptions {
  ratio: boolean;
  cuped: boolean;
  higherIsBetter: boolean;
  alpha: number;
  prior: NormalPrior;
  tuningSample: number;
}

export interface MetricComparison {
  control: ArmEstimate;
  treatment: ArmEstimate;
  cupedApplied: boolean;
  frequentist: LiftTest | null;
  sequential: SequentialResult | null;
  bayesian: BayesianLift | null;
}

export function compareArms(control: AggregateSums, treatment: AggregateSums, o: ComparisonOptions): MetricComparison {
  const adjust = o.cuped && !o.ratio ? cupedTheta([control, treatment]) : null;
  const estimate = (s: AggregateSums) => (o.ratio ? ratioEstimate(s) : adjust ? cupedEstimate(s, adjust) : meanEstimate(s));
  const a = estimate(control);
  const b = estimate(treatment);
  return {
    control: a, treatment: b, cupedApplied: adjust !== null,
    frequentist: relativeLiftTTest(a, b, o.alpha),
    sequential: sequentialLiftTest(a, b, { alpha: o.alpha, tuningSample: o.tuningSample }),
    bayesian: bayesianLift(a, b, { prior: o.prior, alpha: o.alpha, higherIsBetter: o.higherIsBetter }),
  };
}
