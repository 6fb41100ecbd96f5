/**
 * The automatic optimisation rule and the monitor's conditions (core/experiments/optimisation.ts), on hand-made
 * analysed results: every branch of the rule (off, minimum sample, SRM, sequential and chance-to-win, the control
 * winning, metrics where lower is better, several treatments, the guardrail veto, hand-over to a bandit), the
 * validation naming every field, and the rollout arm.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArmResult, MetricResult } from '../../../src/core/experiments/analyse-experiment.js';
import { decideOptimisation, monitorAlerts } from '../../../src/core/experiments/optimisation.js';
import { rolledOutVariation, validateOptimisation, type OptimisationSettings } from '../../../src/core/experiments/optimisation-settings.js';
import type { FieldIssue } from '../../../src/core/errors.js';

const settings = (over: Partial<OptimisationSettings> = {}): OptimisationSettings => ({ mode: 'rollout', decideBy: 'sequential', chanceToWin: 0.95, minUnitsPerArm: 100, metric: 'goal', ...over });

/** A treatment arm with a sequential interval and a chance to win. */
function arm(index: number, o: { units?: number; seq?: [number, number]; chance?: number; lift?: number; breached?: boolean; p?: number } = {}): ArmResult {
  const units = o.units ?? 1000;
  if (index === 0) return { index, id: `v${index}`, units, total: 0, mean: 0.1 };
  const lift = o.lift ?? (o.seq ? (o.seq[0] + o.seq[1]) / 2 : 0);
  return {
    index, id: `v${index}`, units, total: 0, mean: 0.1,
    comparison: {
      cuped: false,
      frequentist: { lift, interval: [lift - 0.1, lift + 0.1], pValue: o.p ?? 0.5, pValueCorrected: null, statistic: 0, degreesOfFreedom: 100 },
      sequential: o.seq ? { lift, interval: o.seq, pValue: 0.01 } : null,
      bayesian: { lift, interval: [lift - 0.1, lift + 0.1], chanceToWin: o.chance ?? 0.5, riskOfChoosingTreatment: 0, riskOfChoosingControl: 0 },
      ...(o.breached !== undefined ? { guardrailBreached: o.breached } : {}),
    },
  };
}
const metric = (variations: ArmResult[], over: Partial<MetricResult> = {}): MetricResult => ({ id: 'goal', name: 'Goal', kind: 'conversion', guardrail: false, higherIsBetter: true, variations, ...over });
const analysed = (metrics: MetricResult[], mismatch = false) => ({ metrics, sampleRatio: { chiSquare: mismatch ? 30 : 0.1, degreesOfFreedom: 1, pValue: mismatch ? 1e-6 : 0.7, mismatch } });

describe('decideOptimisation', () => {
  it('does nothing when off or absent', () => {
    assert.deepEqual(decideOptimisation(null, analysed([metric([arm(0), arm(1, { seq: [0.1, 0.3] })])])), { decided: false, reason: 'off' });
    assert.deepEqual(decideOptimisation(settings({ mode: 'off' }), analysed([metric([arm(0), arm(1, { seq: [0.1, 0.3] })])])), { decided: false, reason: 'off' });
  });

  it('waits for the minimum sample in every arm, and for a metric it knows', () => {
    assert.deepEqual(decideOptimisation(settings(), analysed([metric([arm(0, { units: 99 }), arm(1, { seq: [0.1, 0.3] })])])), { decided: false, reason: 'too_few_units' });
    assert.deepEqual(decideOptimisation(settings({ metric: 'other' }), analysed([metric([arm(0), arm(1, { seq: [0.1, 0.3] })])])), { decided: false, reason: 'no_metric' });
  });

  it('acts on nothing while the sample ratio mismatches', () => {
    assert.deepEqual(decideOptimisation(settings(), analysed([metric([arm(0), arm(1, { seq: [0.1, 0.3] })])], true)), { decided: false, reason: 'sample_ratio_mismatch' });
  });

  it('sequential: rolls out a treatment whose confidence sequence is above 0, the control when it is below, waits when it spans 0', () => {
    const up = decideOptimisation(settings(), analysed([metric([arm(0), arm(1, { seq: [0.05, 0.35], lift: 0.2 })])]));
    assert.deepEqual(up, { decided: true, action: 'rollout', winner: 1, lift: 0.2, decidedBy: 'sequential', evidence: { interval: [0.05, 0.35], pValue: 0.01 } });
    const down = decideOptimisation(settings(), analysed([metric([arm(0), arm(1, { seq: [-0.3, -0.02] })])]));
    assert.equal(down.decided && down.action === 'rollout' && down.winner, 0);
    assert.deepEqual(decideOptimisation(settings(), analysed([metric([arm(0), arm(1, { seq: [-0.01, 0.4] })])])), { decided: false, reason: 'undecided' });
    // No sequence yet (no variance): undecided, not a crash.
    assert.deepEqual(decideOptimisation(settings(), analysed([metric([arm(0), arm(1)])])), { decided: false, reason: 'undecided' });
  });

  it('lower is better: a lift below 0 wins', () => {
    const d = decideOptimisation(settings(), analysed([metric([arm(0), arm(1, { seq: [-0.3, -0.1] })], { higherIsBetter: false })]));
    assert.equal(d.decided && d.action === 'rollout' && d.winner, 1);
    const up = decideOptimisation(settings(), analysed([metric([arm(0), arm(1, { seq: [0.1, 0.3] })], { higherIsBetter: false })]));
    assert.equal(up.decided && up.action === 'rollout' && up.winner, 0);
  });

  it('several treatments: the best of the better ones; the control only when every treatment is worse', () => {
    const d = decideOptimisation(settings(), analysed([metric([arm(0), arm(1, { seq: [0.01, 0.2] }), arm(2, { seq: [0.1, 0.5] }), arm(3, { seq: [-0.1, 0.1] })])]));
    assert.equal(d.decided && d.action === 'rollout' && d.winner, 2);
    assert.deepEqual(decideOptimisation(settings(), analysed([metric([arm(0), arm(1, { seq: [-0.3, -0.1] }), arm(2, { seq: [-0.1, 0.1] })])])), { decided: false, reason: 'undecided' });
    const control = decideOptimisation(settings(), analysed([metric([arm(0), arm(1, { seq: [-0.3, -0.1] }), arm(2, { seq: [-0.2, -0.01] })])]));
    assert.equal(control.decided && control.action === 'rollout' && control.winner, 0);
  });

  it('chance to win: decides at the threshold, not below it; the control wins at 1 − threshold', () => {
    const s = settings({ decideBy: 'chanceToWin', chanceToWin: 0.95 });
    const d = decideOptimisation(s, analysed([metric([arm(0), arm(1, { chance: 0.95, lift: 0.12 })])]));
    assert.deepEqual(d, { decided: true, action: 'rollout', winner: 1, lift: 0.12, decidedBy: 'chanceToWin', evidence: { interval: [0.12 - 0.1, 0.12 + 0.1], chanceToWin: 0.95 } });
    assert.deepEqual(decideOptimisation(s, analysed([metric([arm(0), arm(1, { chance: 0.949 })])])), { decided: false, reason: 'undecided' });
    const control = decideOptimisation(s, analysed([metric([arm(0), arm(1, { chance: 0.05 })])]));
    assert.equal(control.decided && control.action === 'rollout' && control.winner, 0);
  });

  it('never rolls out a treatment that breaches a guardrail', () => {
    const guard = metric([arm(0), arm(1, { breached: true, lift: 0.3, p: 0.001 })], { id: 'unsubscribes', guardrail: true, higherIsBetter: false });
    assert.deepEqual(decideOptimisation(settings(), analysed([metric([arm(0), arm(1, { seq: [0.1, 0.3] })]), guard])), { decided: false, reason: 'guardrail_breached' });
  });

  it('bandit mode hands over once every arm has the minimum sample', () => {
    const s = settings({ mode: 'bandit', minUnitsPerArm: 500 });
    assert.deepEqual(decideOptimisation(s, analysed([metric([arm(0, { units: 499 }), arm(1, { units: 600 })])])), { decided: false, reason: 'too_few_units' });
    assert.deepEqual(decideOptimisation(s, analysed([metric([arm(0, { units: 500 }), arm(1, { units: 600 })])])), { decided: true, action: 'handToBandit' });
  });
});

describe('monitorAlerts', () => {
  it('raises a sample ratio mismatch and each breached guardrail, with stable codes', () => {
    const guard = metric([arm(0), arm(1, { breached: true, lift: 0.3, p: 0.001 }), arm(2, { breached: false })], { id: 'unsubscribes', guardrail: true, higherIsBetter: false });
    const alerts = monitorAlerts(analysed([metric([arm(0), arm(1)]), guard], true), 1000);
    assert.deepEqual(alerts.map((a) => a.code), ['sample_ratio_mismatch', 'guardrail_breached:unsubscribes:v1']);
    assert.equal(alerts[1]!.variation, 'v1');
    assert.equal(alerts[1]!.lift, 0.3);
    assert.deepEqual(monitorAlerts(analysed([metric([arm(0), arm(1)])]), 1000), []);
  });
});

describe('validateOptimisation', () => {
  it('applies defaults, names every failing field', () => {
    const ok: FieldIssue[] = [];
    assert.deepEqual(validateOptimisation({ mode: 'rollout' }, ['goal', 'ctr'], ok), { mode: 'rollout', decideBy: 'sequential', chanceToWin: 0.95, minUnitsPerArm: 100, metric: 'goal' });
    assert.deepEqual(ok, []);
    assert.equal(validateOptimisation(null, ['goal'], ok), null);
    const issues: FieldIssue[] = [];
    validateOptimisation({ mode: 'auto', decideBy: 'p', chanceToWin: 1, minUnitsPerArm: 0.5, metric: 'nope', extra: 1 }, ['goal'], issues);
    assert.deepEqual(issues.map((i) => i.field).sort(), ['optimisation.chanceToWin', 'optimisation.decideBy', 'optimisation.extra', 'optimisation.metric', 'optimisation.minUnitsPerArm', 'optimisation.mode']);
    const bandit: FieldIssue[] = [];
    validateOptimisation({ mode: 'bandit', metric: 'ctr' }, ['goal', 'ctr'], bandit);
    assert.deepEqual(bandit.map((i) => i.field), ['optimisation.metric']);
    const none: FieldIssue[] = [];
    validateOptimisation({ mode: 'rollout' }, [], none);
    assert.deepEqual(none.map((i) => i.field), ['optimisation']);
    const notObject: FieldIssue[] = [];
    validateOptimisation('on', ['goal'], notObject);
    assert.deepEqual(notObject.map((i) => i.field), ['optimisation']);
  });
});

describe('rolledOutVariation', () => {
  const conclusion = { winner: { index: 1, id: 'b' }, decidedBy: 'sequential' as const, metric: 'goal', lift: 0.2, evidence: {}, at: 0, applied: { kind: 'rollout' as const, slots: [] } };
  it('is the winner of a concluded experiment with a rollout, else null', () => {
    assert.equal(rolledOutVariation({ status: 'concluded', conclusion, variations: [{ id: 'a' }, { id: 'b' }] }), 1);
    assert.equal(rolledOutVariation({ status: 'running', conclusion, variations: [{ id: 'a' }, { id: 'b' }] }), null);
    assert.equal(rolledOutVariation({ status: 'concluded', conclusion: null, variations: [{ id: 'a' }, { id: 'b' }] }), null);
    assert.equal(rolledOutVariation({ status: 'concluded', conclusion, variations: [{ id: 'a' }, { id: 'c' }] }), null);
  });
});
