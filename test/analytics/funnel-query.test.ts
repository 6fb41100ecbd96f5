/** Reading funnel steps and time limits (analytics/funnel-query.ts): every failing parameter named. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FieldIssue } from '../../src/core/errors.js';
import { parseStep, parseSteps, parseWithin } from '../../src/analytics/funnel-query.js';

test('steps: pages, prefixes, events with properties', () => {
  const issues: FieldIssue[] = [];
  assert.deepEqual(parseStep('page:/pricing/', 's', issues)?.match, { kind: 'page', path: '/pricing', prefix: false });
  assert.deepEqual(parseStep('page:/blog/*', 's', issues)?.match, { kind: 'page', path: '/blog/', prefix: true });
  const step = parseStep('event:Signed Up;plan=pro;seats=3;trial=true', 's', issues);
  assert.deepEqual(step?.match, { kind: 'event', name: 'Signed Up' });
  assert.deepEqual(step?.properties, [{ key: 'plan', json: ['"pro"'] }, { key: 'seats', json: ['"3"', '3'] }, { key: 'trial', json: ['"true"', 'true'] }]);
  assert.deepEqual(issues, []);
});

test('bad steps and limits name their parameter', () => {
  const issues: FieldIssue[] = [];
  for (const bad of ['', 'page:', 'page:*', 'event:', 'shoe:1', 'event:X;noequals', 'event:X;a"b=1']) assert.equal(parseStep(bad, 'step2', issues), null, bad);
  assert.ok(issues.every((i) => i.field === 'step2'));
  const few: FieldIssue[] = [];
  parseSteps({ step1: 'page:/' }, few);
  assert.equal(few[0]?.field, 'steps');
  const many: FieldIssue[] = [];
  parseSteps(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`step${i + 1}`, 'page:/'])), many);
  assert.equal(many[0]?.field, 'steps');
  const within: FieldIssue[] = [];
  assert.equal(parseWithin({ within: '7d' }, within), 7 * 86_400_000);
  assert.equal(parseWithin({}, within), null);
  for (const bad of ['0m', '7 d', '1w', '367d', 'x']) parseWithin({ within: bad }, within);
  assert.equal(within.length, 5);
  assert.ok(within.every((i) => i.field === 'within'));
});
