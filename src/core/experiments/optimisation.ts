/**
 * Automatic optimisation and continuous monitoring of a running experiment (issue 16 §4), as pure rules over its
 * analysed results (analyse-experiment.ts); the settings, their validation and the kept state: optimisation-settings.ts.
 *
 * - `decideOptimisation`: the marketer's rule (`experiment.optimisation`). `rollout` stops the experiment and
 *   rolls out the winner as soon as the evidence decides; `bandit` hands the traffic to the existing bandit once
 *   every arm has its minimum sample. The evidence (`decideBy`):
 *   - `sequential` (the default): the always-valid confidence sequence of a treatment's relative lift excludes 0
 *     (Waudby-Smith et al., Theorem 2.2, statistics/sequential.ts). Looking at it on every tick keeps the error
 *     rate at α, which a fixed-horizon p-value checked repeatedly would not (docs/experiments.md: 2.3% vs 22.8%).
 *   - `chanceToWin`: a treatment's posterior chance to beat the control reaches `chanceToWin` (GrowthBook's
 *     "chance to win" threshold, 95% by default); the control wins when every treatment's chance is at most
 *     1 − threshold. Not peeking-proof: `minUnitsPerArm` is what keeps it from deciding on early noise.
 *   In both, nothing is decided before every arm has `minUnitsPerArm` clean units. The winner is the better arm;
 *   among several better treatments the one with the highest lift (in the metric's good direction). A treatment
 *   that breaches a guardrail is never rolled out: the rule waits (`guardrail_breached`), and monitoring raises the
 *   breach; so is nothing decided while the sample ratio mismatches (the data cannot be trusted).
 * - `monitorAlerts`: the conditions the monitor raises once per experiment: a sample ratio mismatch
 *   (statistics/sample-ratio.ts) and each guardrail breach (a guardrail metric significantly worse in a treatment).
 */
import type { AnalysedExperiment, ArmResult, MetricResult } from './analyse-experiment.js';
import type { Conclusion, DecideBy, ExperimentAlert, OptimisationSettings } from './optimisation-settings.js';

export type OptimisationDecision =
  | { decided: false; reason: 'off' | 'no_metric' | 'too_few_units' | 'undecided' | 'guardrail_breached' | 'sample_ratio_mismatch' }
  | { decided: true; action: 'handToBandit' }
  | { decided: true; action: 'rollout'; winner: number; lift: number; decidedBy: DecideBy; evidence: Conclusion['evidence'] };

interface Candidate { index: number; goodLift: number; lift: number; evidence: Conclusion['evidence'] }

/** Applies the rule to the analysed results (see the file comment). Pure: one input gives one answer. */
export function decideOptimisation(settings: OptimisationSettings | null, analysed: Pick<AnalysedExperiment, 'metrics' | 'sampleRatio'>): OptimisationDecision {
  if (!settings || settings.mode === 'off') return { decided: false, reason: 'off' };
  // A sample ratio mismatch means the assignment or the tracking is broken: nothing it shows is acted on.
  if (analysed.sampleRatio?.mismatch) return { decided: false, reason: 'sample_ratio_mismatch' };
  const metric = analysed.metrics.find((m) => m.id === settings.metric);
  if (!metric) return { decided: false, reason: 'no_metric' };
  if (metric.variations.some((arm) => arm.units < settings.minUnitsPerArm)) return { decided: false, reason: 'too_few_units' };
  if (settings.mode === 'bandit') return { decided: true, action: 'handToBandit' };
  const sign = metric.higherIsBetter ? 1 : -1;
  const treatments = metric.variations.filter((arm) => arm.index > 0);
  const better: Candidate[] = [];
  let controlBeatsAll = treatments.length > 0;
  for (const arm of treatments) {
    const verdict = settings.decideBy === 'sequential' ? bySequential(arm, sign) : byChance(arm, settings.chanceToWin);
    if (verdict === 'better') better.push(candidate(arm, sign, settings.decideBy));
    if (verdict !== 'worse') controlBeatsAll = false;
  }
  if (better.length > 0) {
    const best = better.sort((a, b) => b.goodLift - a.goodLift || a.index - b.index)[0]!;
    if (breachesGuardrail(analysed.metrics, best.index)) return { decided: false, reason: 'guardrail_breached' };
    return { decided: true, action: 'rollout', winner: best.index, lift: best.lift, decidedBy: settings.decideBy, evidence: best.evidence };
  }
  if (controlBeatsAll) return { decided: true, action: 'rollout', winner: 0, lift: 0, decidedBy: settings.decideBy, evidence: {} };
  return { decided: false, reason: 'undecided' };
}

function bySequential(arm: ArmResult, sign: number): 'better' | 'worse' | 'none' {
  const s = arm.comparison?.sequential;
  if (!s) return 'none';
  const [lo, hi] = s.interval;
  if (sign * lo > 0 && sign * hi > 0) return 'better';
  if (sign * lo < 0 && sign * hi < 0) return 'worse';
  return 'none';
}

/** chanceToWin is already oriented by the metric's direction (statistics/metric-comparison.ts). */
function byChance(arm: ArmResult, threshold: number): 'better' | 'worse' | 'none' {
  const b = arm.comparison?.bayesian;
  if (!b) return 'none';
  if (b.chanceToWin >= threshold) return 'better';
  if (b.chanceToWin <= 1 - threshold) return 'worse';
  return 'none';
}

function candidate(arm: ArmResult, sign: number, decideBy: DecideBy): Candidate {
  const c = arm.comparison!;
  if (decideBy === 'sequential') return { index: arm.index, lift: c.sequential!.lift, goodLift: sign * c.sequential!.lift, evidence: { interval: c.sequential!.interval, pValue: c.sequential!.pValue } };
  return { index: arm.index, lift: c.bayesian!.lift, goodLift: sign * c.bayesian!.lift, evidence: { interval: c.bayesian!.interval, chanceToWin: c.bayesian!.chanceToWin } };
}

function breachesGuardrail(metrics: readonly MetricResult[], index: number): boolean {
  return metrics.some((m) => m.guardrail && m.variations[index]?.comparison?.guardrailBreached === true);
}

/** The conditions to raise now (each once per experiment: the caller keeps the codes raised). */
export function monitorAlerts(analysed: Pick<AnalysedExperiment, 'metrics' | 'sampleRatio'>, at: number): ExperimentAlert[] {
  const alerts: ExperimentAlert[] = [];
  const srm = analysed.sampleRatio;
  if (srm?.mismatch) {
    alerts.push({ code: 'sample_ratio_mismatch', kind: 'sample_ratio_mismatch', at, pValue: srm.pValue,
      message: `the units per variation do not match the weights (χ² p ${srm.pValue.toPrecision(2)} < 0.001): the assignment or the exposure tracking is broken` });
  }
  for (const metric of analysed.metrics) {
    if (!metric.guardrail) continue;
    for (const arm of metric.variations) {
      const c = arm.comparison;
      if (!c?.guardrailBreached || !c.frequentist) continue;
      alerts.push({ code: `guardrail_breached:${metric.id}:${arm.id}`, kind: 'guardrail_breached', at, metric: metric.id, variation: arm.id, pValue: c.frequentist.pValue, lift: c.frequentist.lift,
        message: `variation ${arm.id} makes the guardrail metric "${metric.id}" significantly worse (lift ${(c.frequentist.lift * 100).toFixed(1)}%, p ${c.frequentist.pValue.toPrecision(2)})` });
    }
  }
  return alerts;
}

/**
 * A conclusion decided by hand (`POST /v1/experiments/{key}/conclude`): the marketer's winner, rolled out as the
 * optimiser's would be, with what the results say of it on `metric` kept for the record — its lift against the
 * control and the sequential interval and p-value (valid whenever looked at), and the chance to win. The control
 * as the winner: lift 0, no evidence.
 */
export function manualConclusion(analysed: Pick<AnalysedExperiment, 'metrics'>, winner: { index: number; id: string }, metric: string, at: number, slots: string[]): Conclusion {
  const comparison = winner.index === 0 ? undefined : analysed.metrics.find((m) => m.id === metric)?.variations[winner.index]?.comparison;
  const sequential = comparison?.sequential ?? null;
  const evidence: Conclusion['evidence'] = {
    ...(sequential ? { interval: sequential.interval, pValue: sequential.pValue } : {}),
    ...(comparison?.bayesian ? { chanceToWin: comparison.bayesian.chanceToWin } : {}),
  };
  return { winner, decidedBy: 'manual', metric, lift: sequential?.lift ?? comparison?.frequentist?.lift ?? 0, evidence, at, applied: { kind: 'rollout', slots } };
}
