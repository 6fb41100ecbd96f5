import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_LIFECYCLE_CONFIG, parseLifecycleConfig, type LifecycleConfig } from '../../../src/core/lifecycle/lifecycle-config.js';
import { replayEngagement } from '../../../src/core/scoring/engagement.js';
import { computeFit } from '../../../src/core/scoring/fit.js';
import { previewScores } from '../../../src/core/scoring/preview.js';
import { parseScoringConfig, type ScoringConfig } from '../../../src/core/scoring/scoring-config.js';
import { T0, track } from '../fixtures.js';

const DAY = 86_400_000;

function scoring(input: unknown): ScoringConfig {
  const parsed = parseScoringConfig(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}
function lifecycle(input: unknown): LifecycleConfig {
  const parsed = parseLifecycleConfig(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}

const STORED = scoring({
  engagement: { halfLifeDays: 30, rules: [{ id: 'whitepaper', event: 'Whitepaper Downloaded', points: 10 }] },
  fit: { rules: [{ id: 'cto', trait: 'role', op: 'equals', value: 'CTO', points: 20 }] },
});
const PROPOSED = scoring({
  engagement: { halfLifeDays: 30, rules: [
    { id: 'whitepaper', event: 'Whitepaper Downloaded', points: 25 },
    { id: 'demo', event: 'Demo Requested', points: 40, halfLifeDays: null },
    { id: 'webinar', event: 'Webinar Attended', points: 5 },
  ] },
  fit: { rules: [{ id: 'cto', trait: 'role', op: 'equals', value: 'CTO', points: 30 }, { id: 'student', trait: 'role', op: 'equals', value: 'student', points: -10 }] },
});
const EVENTS = [track(T0, 'Whitepaper Downloaded'), track(T0 + DAY, 'Demo Requested'), track(T0 + DAY, 'Whitepaper Downloaded')];
const traits = { role: 'CTO' };
const AT = T0 + 31 * DAY;

function storedProfile() {
  return { traits, scores: { ...replayEngagement(EVENTS, STORED, T0 + DAY), fit: computeFit(traits, STORED, T0) } };
}

describe('score preview', () => {
  test('every proposed rule with the points it would give and the points it gives now', () => {
    const preview = previewScores({ profile: storedProfile(), events: EVENTS, scoring: PROPOSED, lifecycle: DEFAULT_LIFECYCLE_CONFIG, at: AT });
    // Whitepaper twice: 25 at T0 (31 days ago) and 25 at T0+1d (30 days ago), half-life 30 days.
    const whitepaper = 25 * 2 ** (-31 / 30) + 25 * 2 ** (-30 / 30);
    const storedWhitepaper = 10 * 2 ** (-31 / 30) + 10 * 2 ** (-30 / 30);
    assert.deepEqual(preview.rules.map((r) => [r.kind, r.ruleId, r.count]), [
      ['engagement', 'whitepaper', 2], ['engagement', 'demo', 1], ['engagement', 'webinar', 0], ['fit', 'cto', 1], ['fit', 'student', 0],
    ]);
    const byId = new Map(preview.rules.map((r) => [r.ruleId, r]));
    assert.equal(byId.get('whitepaper')!.points, Math.round(whitepaper * 10) / 10);
    assert.equal(byId.get('whitepaper')!.current, Math.round(storedWhitepaper * 10) / 10);
    assert.equal(byId.get('demo')!.points, 40, 'no decay for this rule');
    assert.equal(byId.get('demo')!.current, 0, 'a new rule gives nothing now');
    assert.equal(byId.get('webinar')!.points, 0);
    assert.equal(byId.get('cto')!.points, 30);
    assert.equal(byId.get('cto')!.current, 20);
    assert.equal(byId.get('student')!.points, 0);
    assert.equal(preview.proposed.engagement, Math.round((whitepaper + 40) * 10) / 10);
    assert.equal(preview.proposed.fit, 30);
    assert.equal(preview.current.engagement, Math.round(storedWhitepaper * 10) / 10);
    assert.equal(preview.current.fit, 20);
    assert.match(preview.explanation.text, /Fit 30 points/);
  });

  test('the lifecycle moves the proposed scores would make now, and none while a manual move holds the person', () => {
    const config = lifecycle({ rules: [
      { id: 'to_lead', to: 'lead', when: { fit: { gte: 25 } } },
      { id: 'to_mql', to: 'marketing_qualified', when: { engagement: { gte: 50 } } },
    ] });
    const profile = { ...storedProfile(), lifecycle: { stage: 'subscriber', since: T0, history: [{ from: null, to: 'subscriber', at: T0, reason: 'first', cause: 'm' }] } };
    const preview = previewScores({ profile, events: EVENTS, scoring: PROPOSED, lifecycle: config, at: AT });
    assert.equal(preview.lifecycle.stage, 'subscriber');
    assert.deepEqual(preview.lifecycle.moves.map((m) => [m.from, m.to]), [['subscriber', 'lead'], ['lead', 'marketing_qualified']]);
    assert.match(preview.lifecycle.moves[0]!.reason, /rule to_lead: fit score 30 ≥ 25/);
    assert.equal(preview.lifecycle.heldUntil, null);
    // Under the stored rules (fit 20, engagement ≈ 10) nothing moves.
    assert.deepEqual(previewScores({ profile, events: EVENTS, scoring: STORED, lifecycle: config, at: AT }).lifecycle.moves, []);

    const manual = { ...profile, lifecycle: { stage: 'lead', since: AT - DAY, history: [{ from: 'subscriber', to: 'lead', at: AT - DAY, reason: 'manual', cause: 'manual:u', actor: 'u' }] } };
    const held = previewScores({ profile: manual, events: EVENTS, scoring: PROPOSED, lifecycle: config, at: AT });
    assert.deepEqual(held.lifecycle.moves, []);
    assert.equal(held.lifecycle.heldUntil, new Date(AT - DAY + 30 * DAY).toISOString());
  });

  test('a person never scored: everything now is 0', () => {
    const preview = previewScores({ profile: { traits: {} }, events: [], scoring: PROPOSED, lifecycle: DEFAULT_LIFECYCLE_CONFIG, at: AT });
    assert.deepEqual(preview.current, { engagement: 0, fit: 0 });
    assert.deepEqual(preview.proposed, { engagement: 0, fit: 0 });
    assert.ok(preview.rules.every((r) => r.points === 0 && r.current === 0));
  });
});
