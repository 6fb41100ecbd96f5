import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseLifecycleConfig, type LifecycleConfig } from '../../../src/core/lifecycle/lifecycle-config.js';
import { applyMove, automaticMoves, manualMove, mergeLifecycle, nextCheckAt, type LifecycleSubject } from '../../../src/core/lifecycle/transitions.js';
import { stageFunnel } from '../../../src/core/lifecycle/stage-funnel.js';
import { emptyScores, type ProfileScores } from '../../../src/core/scoring/scores.js';
import { T0 } from '../fixtures.js';

const DAY = 86_400_000;

function config(input: unknown): LifecycleConfig {
  const parsed = parseLifecycleConfig(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}

const CONFIG = config({
  rules: [
    { id: 'subscriber', to: 'subscriber', when: { trait: 'email', op: 'exists' } },
    { id: 'lead', to: 'lead', when: { engagement: { gte: 10 } } },
    { id: 'mql', to: 'marketing_qualified', when: { all: [{ engagement: { gte: 50 } }, { fit: { gte: 20 } }] } },
    { id: 'sql', to: 'sales_qualified', when: { bant: 'complete' } },
    { id: 'recycle', to: 'lead', from: ['marketing_qualified'], when: { engagement: { lt: 20 } } },
  ],
});

function scored(engagement: number, fit: number): ProfileScores {
  const scores = emptyScores(T0);
  scores.engagement.r = { label: 'r', value: engagement, asOf: T0, halfLifeDays: null, count: 1, earned: engagement, firstAt: T0, lastAt: T0, recent: [] };
  scores.fit.total = fit;
  return scores;
}

describe('automatic moves', () => {
  test('a profile that qualifies for several stages walks through each, every step with its reason', () => {
    const subject: LifecycleSubject = { traits: { email: 'k@acme.test' }, scores: scored(60, 25) };
    const moves = automaticMoves(subject, CONFIG, T0, 'msg-1');
    assert.deepEqual(moves.map((m) => [m.from, m.to]), [[null, 'subscriber'], ['subscriber', 'lead'], ['lead', 'marketing_qualified']]);
    assert.equal(moves[2]!.reason, 'rule mql: engagement score 60 ≥ 50 and fit score 25 ≥ 20');
    assert.ok(moves.every((m) => m.cause === 'msg-1' && m.at === T0));
  });

  test('BANT complete needs all four configured traits known', () => {
    const lifecycle = { stage: 'marketing_qualified', since: T0, history: [] };
    const three = { traits: { budget: '50k', authority: 'yes', need: 'MES' }, lifecycle, scores: scored(60, 25) };
    assert.deepEqual(automaticMoves(three, CONFIG, T0, 'm'), []);
    const four = { ...three, traits: { ...three.traits, timeline: 'Q3' } };
    const [move] = automaticMoves(four, CONFIG, T0, 'm');
    assert.equal(move!.to, 'sales_qualified');
    assert.equal(move!.reason, 'rule sql: BANT complete (budget, authority, need, timeline known)');
    const renamed = config({ bant: { budget: 'bant_budget', authority: 'bant_authority', need: 'bant_need', timeline: 'bant_timeline' }, rules: [{ id: 'sql', to: 'sales_qualified', when: { bant: 'complete' } }] });
    assert.deepEqual(automaticMoves(four, renamed, T0, 'm'), [], 'the configured trait keys are the ones asked');
  });

  test('rules move forward only, unless they name the stages they take profiles back from', () => {
    const customer = { traits: {}, lifecycle: { stage: 'customer', since: T0, history: [] }, scores: scored(5, 0) };
    assert.deepEqual(automaticMoves(customer, CONFIG, T0, 'm'), [], 'a customer with a low score is not recycled');
    const mql = { traits: {}, lifecycle: { stage: 'marketing_qualified', since: T0, history: [] }, scores: scored(15, 0) };
    const [back] = automaticMoves(mql, CONFIG, T0, 'time');
    assert.deepEqual([back!.from, back!.to], ['marketing_qualified', 'lead']);
  });

  test('a manual move holds the profile against automatic rules for the configured days', () => {
    const move = manualMove(undefined, { to: 'lead', actor: 'key_1', note: 'met at fair', at: T0 })!;
    assert.equal(move.reason, 'manual move by key key_1 (note: met at fair)');
    const subject = { traits: { email: 'x@y.test' }, scores: scored(100, 100), lifecycle: applyMove(undefined, move) };
    assert.deepEqual(automaticMoves(subject, CONFIG, T0 + 29 * DAY, 'm'), []);
    assert.equal(automaticMoves(subject, CONFIG, T0 + 31 * DAY, 'm')[0]!.to, 'marketing_qualified');
    assert.equal(manualMove(subject.lifecycle, { to: 'lead', actor: 'key_1', at: T0 }), null, 'already there: no move');
  });

  test('merged profiles keep both histories and the furthest stage, whichever moved last; the merge is recorded', () => {
    const mql = applyMove(undefined, { from: null, to: 'marketing_qualified', at: T0, reason: 'r', cause: 'c' });
    const subscriber = applyMove(undefined, { from: null, to: 'subscriber', at: T0 + DAY, reason: 'r', cause: 'c' });
    const options = { config: CONFIG, mergedId: 'p_b', at: T0 + 2 * DAY, cause: 'm1' };
    for (const [survivor, merged] of [[mql, subscriber], [subscriber, mql]] as const) {
      const both = mergeLifecycle(survivor, merged, options)!;
      assert.equal(both.stage, 'marketing_qualified', 'never back to the later-moved but earlier stage');
      assert.equal(both.since, T0, 'since the side that reached it');
      assert.deepEqual(both.history.map((m) => m.to), ['marketing_qualified', 'subscriber', 'marketing_qualified']);
      assert.deepEqual(both.history[2], {
        from: survivor.stage, to: 'marketing_qualified', at: T0 + 2 * DAY, cause: 'm1', merged: { profileId: 'p_b', stage: merged.stage },
        reason: `merged with profile p_b (${merged.stage}); the furthest stage is kept`,
      });
    }
    assert.equal(mergeLifecycle(mql, undefined, options), mql, 'nothing to join');
    assert.equal(mergeLifecycle(undefined, subscriber, options)!.stage, 'subscriber');
    const held = applyMove(subscriber, manualMove(subscriber, { to: 'lead', actor: 'k', at: T0 + DAY })!);
    for (const lifecycle of [mergeLifecycle(held, subscriber, options)!, mergeLifecycle(subscriber, held, options)!]) {
      assert.equal(lifecycle.stage, 'lead');
      assert.deepEqual(automaticMoves({ traits: {}, scores: scored(100, 100), lifecycle }, CONFIG, T0 + 3 * DAY, 'm'), [], 'a manual hold looks past the merge entry');
    }
  });
});

describe('when to look again without events', () => {
  test('the end of a manual hold, or engagement decaying below a threshold of a rule that can apply', () => {
    const decaying = scored(40, 0);
    decaying.engagement.r!.halfLifeDays = 10;
    const mql = { traits: {}, scores: decaying, lifecycle: { stage: 'marketing_qualified', since: T0, history: [] } };
    const at = nextCheckAt(mql, CONFIG, T0)!;
    assert.ok(at > T0 + 10 * DAY && at < T0 + 11 * DAY, 'recycle (lt 20): 40 points fall below 20 just after one half-life');
    const customer = { ...mql, lifecycle: { stage: 'customer', since: T0, history: [] } };
    assert.equal(nextCheckAt(customer, CONFIG, T0), null, 'no rule applies from customer');
    const held = { ...mql, lifecycle: applyMove(mql.lifecycle, manualMove(mql.lifecycle, { to: 'lead', actor: 'k', at: T0 })!) };
    assert.equal(nextCheckAt(held, CONFIG, T0), T0 + 30 * DAY);
    assert.equal(nextCheckAt({ traits: {}, scores: decaying }, CONFIG, T0), null, 'no stage yet');
  });
});

describe('validation', () => {
  test('issues name the bad node of a nested condition', () => {
    const bad = parseLifecycleConfig({ rules: [
      { id: 'a', to: 'lead', when: { all: [{ engagement: { gte: 1 } }, { engagement: { gte: 'lots' } }] } },
      { id: 'b', to: 'nowhere', when: { bant: 'complete' } },
      { id: 'c', to: 'lead', from: ['limbo'], when: { trait: 'role', op: 'in', value: 'CTO' } },
    ] });
    assert.equal(bad.ok, false);
    const issues = bad.ok ? [] : bad.issues;
    const fields = issues.map((i) => i.field);
    assert.ok(fields.includes('rules[0].when.all[1].engagement.gte'), fields.join());
    assert.ok(issues.some((i) => i.field === 'rules[2].when.value' && /list/.test(i.reason)), JSON.stringify(issues));
    const stages = parseLifecycleConfig({ rules: [{ id: 'b', to: 'nowhere', when: { bant: 'complete' } }, { id: 'c', to: 'lead', from: ['limbo'], when: { bant: 'complete' } }] });
    assert.deepEqual(stages.ok ? [] : stages.issues.map((i) => i.field), ['rules[0].to', 'rules[1].from[0]']);
  });
});

describe('stage funnel', () => {
  test('moves entered and left per configured stage in order; an unknown stage comes last under its key', () => {
    const funnel = stageFunnel([{ key: 'subscriber', label: 'Subscriber' }, { key: 'lead', label: 'Lead' }, { key: 'customer', label: 'Customer' }], [
      { from: null, to: 'subscriber', moves: 5, people: 5 },
      { from: 'subscriber', to: 'lead', moves: 3, people: 2 },
      { from: 'lead', to: 'subscriber', moves: 1, people: 1 },
      { from: 'lead', to: 'gone', moves: 2, people: 2 },
    ]);
    assert.deepEqual(funnel.stages, [
      { key: 'subscriber', label: 'Subscriber', entered: 6, left: 3 },
      { key: 'lead', label: 'Lead', entered: 3, left: 3 },
      { key: 'customer', label: 'Customer', entered: 0, left: 0 },
      { key: 'gone', label: 'gone', entered: 2, left: 0 },
    ]);
  });
});
