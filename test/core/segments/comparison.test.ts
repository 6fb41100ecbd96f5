/**
 * One set of comparison rules for every condition on a value: segment conditions and the filters of
 * scoring and lifecycle rules must answer alike, and accept the list of in / not_in written either way.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compare, type Comparison } from '../../../src/core/segments/comparison.js';
import { validateCondition } from '../../../src/core/segments/validate-condition.js';
import { describeCondition } from '../../../src/core/segments/describe-condition.js';
import { describeFilter, matchesFilter, type ValueFilter } from '../../../src/core/scoring/filters.js';
import { parseScoringConfig } from '../../../src/core/scoring/scoring-config.js';
import { computeFit } from '../../../src/core/scoring/fit.js';
import { parseLifecycleConfig } from '../../../src/core/lifecycle/lifecycle-config.js';

const NOW = Date.UTC(2026, 11, 1);
const refs = { segments: new Set<string>(), computedTraits: new Set<string>(), purposes: new Set<string>() };

describe('comparisons', () => {
  const cases: Array<[string, unknown, Comparison, boolean]> = [
    ['case and surrounding spaces do not matter', ' cto ', { op: 'equals', value: 'CTO' }, true],
    ['a numeric string equals its number', '250', { op: 'equals', value: 250 }, true],
    ['a number equals its numeric string', 250, { op: 'equals', value: '250' }, true],
    ['a blank string does not equal 0', ' ', { op: 'equals', value: 0 }, false],
    ['a list equals when one item does', ['ai', 'Cloud'], { op: 'equals', value: 'cloud' }, true],
    ['in, with values', 'CEO', { op: 'in', values: ['cto', 'ceo'] }, true],
    ['in, with the list in value', 'CEO', { op: 'in', value: ['cto', 'ceo'] }, true],
    ['not_in', 'Engineer', { op: 'not_in', values: ['cto', 'ceo'] }, true],
    ['not_in, a member', 'cto', { op: 'not_in', values: ['CTO'] }, false],
    ['a blank string is not a known value', '  ', { op: 'exists' }, false],
    ['null is not a known value', null, { op: 'not_exists' }, true],
    ['false is a known value', false, { op: 'exists' }, true],
  ];
  for (const [name, actual, comparison, expected] of cases) {
    test(`${name}: segments and scoring filters agree`, () => {
      assert.equal(compare(actual, comparison, NOW), expected, 'segment comparison');
      if (['equals', 'in', 'not_in', 'exists', 'not_exists'].includes(comparison.op)) {
        assert.equal(matchesFilter(actual, comparison as ValueFilter), expected, 'scoring / lifecycle filter');
      }
    });
  }

  test('segment conditions accept the list of in / not_in in values or value, and name the field of a bad one', () => {
    assert.deepEqual(validateCondition({ trait: { key: 'role', op: 'not_in', values: ['CTO'] } }, refs), []);
    assert.deepEqual(validateCondition({ trait: { key: 'role', op: 'in', value: ['CTO', 'CEO'] } }, refs), []);
    assert.deepEqual(validateCondition({ trait: { key: 'role', op: 'in', value: 'CTO' } }, refs).map((i) => i.field), ['condition.trait.values']);
    assert.deepEqual(validateCondition({ trait: { key: 'role', op: 'in', value: [] } }, refs).map((i) => i.field), ['condition.trait.value']);
    assert.deepEqual(validateCondition({ trait: { key: 'role', op: 'in', values: ['a'], value: 'b' } }, refs).map((i) => i.field), ['condition.trait.value']);
    assert.equal(describeCondition({ trait: { key: 'role', op: 'not_in', value: ['CTO', 'CEO'] } }), 'trait role not in ("CTO", "CEO")');
  });

  test('scoring rules accept the list of in / not_in in values too, and refuse values elsewhere', () => {
    const ok = parseScoringConfig({
      engagement: { rules: [{ id: 'wp', event: 'Whitepaper Downloaded', where: [{ property: 'topic', op: 'not_in', values: ['jobs'] }], points: 5 }] },
      fit: { rules: [{ id: 'dm', label: 'Decision maker', trait: 'role', op: 'in', values: ['CTO', 'CEO'], points: 20 }] },
    });
    assert.ok(ok.ok, JSON.stringify(ok));
    assert.equal(computeFit({ role: ' ceo' }, ok.config, NOW).total, 20, 'the saved fit rule keeps its list');
    assert.deepEqual(ok.config.engagement.rules[0]!.where[0]!.values, ['jobs'], 'the saved filter keeps its list');
    const lifecycle = parseLifecycleConfig({ rules: [{ id: 'lead', to: 'lead', when: { trait: 'role', op: 'not_in', values: ['Student'] } }] });
    assert.ok(lifecycle.ok, JSON.stringify(lifecycle));
    assert.deepEqual((lifecycle.config.rules[0]!.when as { values?: unknown }).values, ['Student'], 'the saved lifecycle rule keeps its list');
    const bad = parseScoringConfig({ fit: { rules: [{ id: 'dm', label: 'Decision maker', trait: 'role', op: 'equals', values: ['CTO'], points: 20 }] } });
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && bad.issues.some((i) => i.field === 'fit.rules[0].values'), JSON.stringify(bad));
    assert.equal(describeFilter('role', { op: 'in', values: ['CTO', 'CEO'] }), 'role in ("CTO", "CEO")');
  });
});
