import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateExperimentInput } from '../../../src/core/experiments/validate-experiment.js';
import { isInHoldout } from '../../../src/core/experiments/holdout.js';
import { isLive } from '../../../src/core/experiments/experiment.js';

const refs = { segments: new Set(['vip']), computedTraits: new Set<string>(), purposes: new Set<string>() };
const valid = { key: 'checkout-button', name: 'Checkout button', variations: [{ id: 'control', weight: 0.5 }, { id: 'green', name: 'Green', weight: 0.5 }] };

describe('experiment validation', () => {
  test('defaults: draft, full coverage, anonymousId, hash v2, seed = key, no goal, no metrics, default analysis, no bandit, no optimisation', () => {
    const r = validateExperimentInput(valid, refs);
    assert.ok(r.ok);
    assert.deepEqual({ ...r.experiment, variations: undefined }, {
      key: 'checkout-button', name: 'Checkout button', description: '', status: 'draft', variations: undefined, coverage: 1, targeting: null,
      hashAttribute: 'anonymousId', hashVersion: 2, seed: 'checkout-button', namespace: null, startAt: null, stopAt: null, goal: null,
      metrics: [], analysis: { alpha: 0.05, correction: 'holm', prior: null, expectedUnits: 5000, cupedDays: 14 }, bandit: null, optimisation: null, conclusion: null, alerts: [],
    });
    assert.deepEqual(r.experiment.variations[0], { id: 'control', name: 'control', weight: 0.5 });
  });
  test('names every failing field at once', () => {
    const r = validateExperimentInput({
      key: 'Bad Key', name: '\u0000', status: 'live', coverage: 1e400, hashVersion: 3, hashAttribute: 'email', extra: 1,
      variations: [{ id: 'a', weight: 0.7 }, { id: 'a', weight: Infinity }], namespace: { id: 'ns', start: 0.6, end: 0.4 },
      startAt: 'tomorrow', goal: { event: '', properties: { 'bad name': 'x', plan: 5 }, windowHours: 0 }, targeting: { segment: { id: 'missing' } },
    }, refs);
    assert.ok(!r.ok);
    const fields = r.issues.map((i) => i.field).sort();
    for (const f of ['extra', 'key', 'name', 'status', 'coverage', 'hashVersion', 'hashAttribute', 'variations[1].id', 'variations[1].weight', 'namespace.end', 'startAt', 'goal.event', 'goal.properties.bad name', 'goal.properties.plan', 'goal.windowHours']) {
      assert.ok(fields.includes(f), `${f} named in ${JSON.stringify(fields)}`);
    }
    assert.ok(fields.some((f) => f.startsWith('targeting')), 'the unknown segment is named');
  });
  test('weights that do not sum to 1 are refused, not silently replaced by equal weights', () => {
    const r = validateExperimentInput({ ...valid, variations: [{ id: 'a', weight: 0.4 }, { id: 'b', weight: 0.4 }] }, refs);
    assert.ok(!r.ok);
    assert.deepEqual(r.issues.map((i) => i.field), ['variations']);
  });
  test('event clauses in targeting are refused with a way out; segment clauses are accepted', () => {
    const events = validateExperimentInput({ ...valid, targeting: { event: { name: 'Order Completed', atLeast: 1 } } }, refs);
    assert.ok(!events.ok);
    assert.deepEqual(events.issues.map((i) => [i.field, i.reason.slice(0, 40)]), [['targeting', 'event clauses are not supported in targe']]);
    assert.ok(validateExperimentInput({ ...valid, targeting: { segment: { id: 'vip' } } }, refs).ok);
  });
  test('on update the key comes from the path and cannot be changed', () => {
    const r = validateExperimentInput({ ...valid, key: 'other' }, refs, { key: 'checkout-button' });
    assert.ok(!r.ok);
    assert.deepEqual(r.issues.map((i) => i.field), ['key']);
  });
  test('live only while running and inside the schedule', () => {
    const r = validateExperimentInput({ ...valid, status: 'running', startAt: '2026-12-01T00:00:00Z', stopAt: '2026-12-31T00:00:00Z' }, refs);
    assert.ok(r.ok);
    assert.equal(isLive(r.experiment, Date.UTC(2026, 10, 30)), false);
    assert.equal(isLive(r.experiment, Date.UTC(2026, 11, 7)), true);
    assert.equal(isLive(r.experiment, Date.UTC(2026, 11, 31)), false);
    assert.equal(isLive({ ...r.experiment, status: 'stopped' }, Date.UTC(2026, 11, 7)), false);
  });
});

describe('global holdout', () => {
  test('holds out the configured share of 20,000 ids (5% by default), deterministically', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `anon-${i}`);
    const share = (s: number | undefined) => ids.filter((id) => isInHoldout(s === undefined ? {} : { holdoutShare: s }, id)).length / ids.length;
    assert.ok(Math.abs(share(undefined) - 0.05) < 0.006, `default share ${share(undefined)}`);
    assert.ok(Math.abs(share(0.2) - 0.2) < 0.012, `20% share ${share(0.2)}`);
    assert.equal(share(0), 0);
    assert.equal(isInHoldout({}, 'anon-1'), isInHoldout({}, 'anon-1'));
    // Growing the share keeps everyone already held out (positions below 5% are below 20%).
    assert.ok(ids.every((id) => !isInHoldout({}, id) || isInHoldout({ holdoutShare: 0.2 }, id)));
  });
});

describe('metrics validation', () => {
  const refs = { segments: new Set<string>(), computedTraits: new Set<string>(), purposes: new Set<string>() };
  const base = { key: 'm', name: 'M', variations: [{ id: 'a', weight: 0.5 }, { id: 'b', weight: 0.5 }] };
  test('defaults per kind: duration reads Page Left visibleMs in seconds; ratio sides; guardrail and direction', () => {
    const r = validateExperimentInput({ ...base, metrics: [
      { id: 'dwell', kind: 'duration' },
      { id: 'bounce', kind: 'ratio', numerator: { counter: 'bounces' }, denominator: { counter: 'sessions' }, guardrail: true, higherIsBetter: false },
      { id: 'rev', kind: 'sum', event: 'Order Completed', valueProperty: 'revenue', properties: { plan: 'pro' }, windowHours: 24 },
    ] }, refs);
    assert.ok(r.ok);
    assert.deepEqual(r.experiment.metrics[0]!.numerator, { event: 'Page Left', properties: {}, valueProperty: 'visibleMs', scale: 0.001 });
    assert.deepEqual([r.experiment.metrics[1]!.numerator, r.experiment.metrics[1]!.denominator, r.experiment.metrics[1]!.guardrail, r.experiment.metrics[1]!.higherIsBetter], [{ counter: 'bounces' }, { counter: 'sessions' }, true, false]);
    assert.deepEqual(r.experiment.metrics[2]!.numerator, { event: 'Order Completed', properties: { plan: 'pro' }, valueProperty: 'revenue', scale: 1 });
    assert.equal(r.experiment.metrics[2]!.windowHours, 24);
  });
  test('the goal is the metric `goal`; a metric may not take its id; fields of another kind are named', () => {
    const r = validateExperimentInput({ ...base, goal: { event: 'Order Completed' }, metrics: [{ id: 'goal', kind: 'count', event: 'x' }, { id: 'c', kind: 'conversion', event: 'x', valueProperty: 'v' }, { id: 'c', kind: 'count', event: 'y' }] }, refs);
    assert.ok(!r.ok);
    assert.deepEqual(r.issues.map((i) => i.field), ['metrics[0].id', 'metrics[1].valueProperty', 'metrics[2].id']);
  });
  test('a bandit needs a metric', () => {
    const r = validateExperimentInput({ ...base, bandit: {} }, refs);
    assert.ok(!r.ok);
    assert.deepEqual(r.issues.map((i) => i.field), ['bandit']);
  });
});
