import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMachineEvent } from '../../../src/core/events/machine-event.js';
import { applyEngagement, replayEngagement } from '../../../src/core/scoring/engagement.js';
import { explainScores } from '../../../src/core/scoring/explain.js';
import { computeFit } from '../../../src/core/scoring/fit.js';
import { parseScoringConfig, type ScoringConfig } from '../../../src/core/scoring/scoring-config.js';
import { emptyScores, engagementBelowAt, scoresAt } from '../../../src/core/scoring/scores.js';
import { pageView, T0, track, trackedEvent } from '../fixtures.js';

const DAY = 86_400_000;

function config(input: unknown): ScoringConfig {
  const parsed = parseScoringConfig(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}

const CONFIG = config({
  engagement: {
    halfLifeDays: 30,
    rules: [
      { id: 'whitepaper', label: 'Whitepaper Downloaded', event: 'Whitepaper Downloaded', points: 10 },
      { id: 'pricing', label: 'Pricing page view', type: 'page', where: [{ property: 'category', op: 'equals', value: 'Pricing' }], points: 2, cap: 6 },
      { id: 'webinar', event: 'Webinar Attended', where: [{ property: 'minutes', op: 'gte', value: 30 }], points: 15, halfLifeDays: null },
    ],
  },
  fit: { rules: [
    { id: 'decision-maker', label: 'Decision maker', trait: 'role', op: 'in', value: ['CTO', 'CEO'], points: 20 },
    { id: 'size', trait: 'company_size', op: 'gte', value: 200, points: 10 },
    { id: 'student', trait: 'role', op: 'equals', value: 'student', points: -15 },
  ] },
});

describe('engagement', () => {
  test('points add up per matching event and halve after one half-life', () => {
    const scores = emptyScores(T0);
    applyEngagement(scores, CONFIG, track(T0, 'Whitepaper Downloaded'));
    applyEngagement(scores, CONFIG, track(T0, 'Whitepaper Downloaded'));
    applyEngagement(scores, CONFIG, track(T0, 'Something Else'));
    assert.equal(scoresAt({ scores }, T0).engagement, 20);
    assert.equal(scoresAt({ scores }, T0 + 30 * DAY).engagement, 10);
    assert.equal(scoresAt({ scores }, T0 + 60 * DAY).engagement, 5);
  });

  test('event names match as in segment conditions: case-insensitively', () => {
    const scores = emptyScores(T0);
    applyEngagement(scores, CONFIG, track(T0, 'whitepaper downloaded'));
    applyEngagement(scores, CONFIG, track(T0, 'WHITEPAPER DOWNLOADED'));
    assert.equal(scores.engagement.whitepaper?.count, 2);
  });

  test('a machine-made event that matches rules earns nothing and is noted with the reason (bounded)', () => {
    const scores = emptyScores(T0);
    const bot = (at: number) => trackedEvent({ type: 'track', name: 'Whitepaper Downloaded', timestamp: at, messageId: `bot-${at - T0}`, context: { device: { class: 'bot' }, browser: { name: 'Googlebot' } } });
    for (let i = 0; i < 8; i++) applyEngagement(scores, CONFIG, bot(T0 + i));
    applyEngagement(scores, CONFIG, trackedEvent({ type: 'track', name: 'Nothing Scores This', timestamp: T0, context: { machine: true } }));
    assert.deepEqual(scores.engagement, {});
    assert.equal(scores.ignored?.count, 8, 'only events that matched a rule');
    assert.equal(scores.ignored?.recent.length, 5);
    assert.deepEqual(scores.ignored?.recent.at(-1), { at: T0 + 7, messageId: 'bot-7', event: 'Whitepaper Downloaded', ruleIds: ['whitepaper'], reason: 'bot_user_agent', detail: 'automated user agent (Googlebot)' });
    assert.match(explainScores({ scores }, T0).text, /\nIgnored as machine-made: 8 events matching scoring rules \(latest: Whitepaper Downloaded/);
  });

  test('a rule never contributes more than its cap; property filters and types must match', () => {
    const scores = emptyScores(T0);
    for (let i = 0; i < 10; i++) applyEngagement(scores, CONFIG, pageView(T0 + i, 'https://x.test/pricing', { category: 'pricing' }));
    applyEngagement(scores, CONFIG, pageView(T0, 'https://x.test/blog', { category: 'blog' }));
    applyEngagement(scores, CONFIG, track(T0, 'Pricing', { category: 'Pricing' }));
    assert.equal(scoresAt({ scores }, T0 + 10).engagement, 6);
    assert.equal(scores.engagement.pricing!.count, 10);
    assert.equal(Math.round(scores.engagement.pricing!.earned), 6, 'only what was awarded is earned');
  });

  test('a rule without decay keeps its points; numeric filters compare numbers', () => {
    const scores = emptyScores(T0);
    applyEngagement(scores, CONFIG, track(T0, 'Webinar Attended', { minutes: '45' }));
    applyEngagement(scores, CONFIG, track(T0, 'Webinar Attended', { minutes: 10 }));
    assert.equal(scoresAt({ scores }, T0 + 365 * DAY).engagement, 15);
  });

  test('machine-generated events never score', () => {
    const scores = emptyScores(T0);
    applyEngagement(scores, CONFIG, track(T0, 'Whitepaper Downloaded', { machine: true, machineReason: 'mail scanner' }));
    applyEngagement(scores, CONFIG, trackedEvent({ timestamp: T0, name: 'Whitepaper Downloaded', context: { machine: true } }));
    applyEngagement(scores, CONFIG, trackedEvent({ timestamp: T0, name: 'Whitepaper Downloaded', context: { device: { class: 'bot' } } }));
    applyEngagement(scores, CONFIG, trackedEvent({ timestamp: T0, name: 'Whitepaper Downloaded', type: 'system' }));
    assert.deepEqual(scoresAt({ scores }, T0), { engagement: 0, fit: 0 });
    assert.equal(isMachineEvent(track(T0, 'x', { machine: 'yes' })), false, 'only the boolean true flags a machine');
    assert.equal(isMachineEvent(trackedEvent({ timestamp: T0, context: { device: { class: 'mobile' } } })), false);
  });

  test('events out of order score what they would have in order', () => {
    const a = track(T0, 'Whitepaper Downloaded');
    const b = track(T0 + 30 * DAY, 'Whitepaper Downloaded');
    const inOrder = replayEngagement([a, b], CONFIG, T0);
    const reversed = replayEngagement([b, a], CONFIG, T0);
    assert.equal(scoresAt({ scores: inOrder }, T0 + 30 * DAY).engagement, 15);
    assert.equal(scoresAt({ scores: reversed }, T0 + 30 * DAY).engagement, 15);
  });

  test('engagementBelowAt finds when decay takes the score under a threshold', () => {
    const scores = emptyScores(T0);
    applyEngagement(scores, CONFIG, track(T0, 'Whitepaper Downloaded'));
    applyEngagement(scores, CONFIG, track(T0, 'Whitepaper Downloaded'));
    const at = engagementBelowAt({ scores }, 10, T0)!;
    // Scores compare rounded to 0.1: 20 points show 10.0 until they fall under 9.95.
    assert.ok(at > T0 + 30 * DAY && at < T0 + 30 * DAY + 12 * 60 * 60_000, `just over one half-life later, got ${new Date(at).toISOString()}`);
    assert.ok(scoresAt({ scores }, at).engagement < 10);
    assert.equal(scoresAt({ scores }, at - 2000).engagement, 10);
    assert.equal(engagementBelowAt({ scores }, 50, T0), null, 'already below');
  });
});

describe('fit and the explanation', () => {
  test('fit adds the points of every matching trait rule, negative ones too', () => {
    assert.equal(computeFit({ role: 'cto', company_size: '500' }, CONFIG, T0).total, 30);
    assert.equal(computeFit({ role: 'student' }, CONFIG, T0).total, -15);
    assert.equal(computeFit({}, CONFIG, T0).total, 0);
  });

  test('the explanation says which rules, how many times, how much and what is left', () => {
    const scores = emptyScores(T0);
    applyEngagement(scores, CONFIG, track(T0, 'Whitepaper Downloaded'));
    applyEngagement(scores, CONFIG, track(T0 + DAY, 'Whitepaper Downloaded'));
    scores.fit = computeFit({ role: 'CTO' }, CONFIG, T0);
    const explained = explainScores({ scores }, T0 + 31 * DAY);
    assert.equal(explained.engagement.rules[0]!.count, 2);
    assert.equal(explained.engagement.rules[0]!.earned, 20);
    assert.equal(explained.engagement.rules[0]!.left, explained.engagement.score);
    assert.match(explained.text, /^Engagement 9\.\d points: Whitepaper Downloaded ×2 → \+20 \(9\.\d left after decay; last 2024-05-02\)\./);
    assert.match(explained.text, /Fit 20 points: Decision maker \+20 \(trait role in \("CTO", "CEO"\)\)\./);
  });
});

describe('validation', () => {
  test('issues name the bad node and the reason', () => {
    const bad = parseScoringConfig({ engagement: { rules: [
      { id: 'ok', event: 'A', points: 1 },
      { id: 'bad', event: 'B', points: 1, where: [{ property: 'x', op: 'in', value: 'not a list' }] },
      { id: 'ok', event: 'C', points: 0 },
    ] } });
    assert.equal(bad.ok, false);
    const fields = bad.ok ? [] : bad.issues.map((i) => i.field);
    assert.ok(fields.includes('engagement.rules[1].where[0].value'), fields.join());
    assert.ok(fields.includes('engagement.rules[2].points'), fields.join());
    const dup = parseScoringConfig({ fit: { rules: [{ id: 'a', trait: 'x', op: 'exists', points: 1 }, { id: 'a', trait: 'y', op: 'exists', points: 1 }] } });
    assert.deepEqual(dup.ok ? [] : dup.issues.map((i) => i.field), ['fit.rules[1].id']);
    const unknown = parseScoringConfig({ engagement: { rules: [{ id: 'a', points: 1, evnt: 'typo' }] } });
    assert.equal(unknown.ok, false);
  });
});
