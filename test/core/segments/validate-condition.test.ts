import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeCondition } from '../../../src/core/segments/describe-condition.js';
import { validateCondition } from '../../../src/core/segments/validate-condition.js';
import type { Condition } from '../../../src/core/segments/condition.js';

const refs = { segments: new Set(['customers']), computedTraits: new Set(['orders_90d']), purposes: new Set(['marketing']) };

describe('condition validation names the bad node', () => {
  test('a valid condition has no issues', () => {
    const c: Condition = {
      or: [
        { and: [{ event: { name: 'Whitepaper Downloaded', atLeast: 2, within: '30d' } }, { not: { segment: { id: 'customers' } } }] },
        { computed: { key: 'orders_90d', op: 'gte', value: 3 } },
        { consent: { purpose: 'marketing', granted: true } },
        { score: { kind: 'engagement', op: 'gte', value: 50 } },
      ],
    };
    assert.deepEqual(validateCondition(c, refs), []);
  });

  const cases: Array<[string, unknown, string, RegExp]> = [
    ['bad window', { and: [{ trait: { key: 'a', op: 'exists' } }, { event: { name: 'X', within: '30 days' } }] }, 'condition.and[1].event.within', /duration/],
    ['unknown operator', { trait: { key: 'a', op: 'like', value: 'x' } }, 'condition.trait.op', /must be one of/],
    ['two keys', { trait: { key: 'a', op: 'exists' }, event: { name: 'x' } }, 'condition', /exactly one key/],
    ['unknown leaf', { not: { purchase: {} } }, 'condition.not', /"purchase" is not a condition/],
    ['missing segment', { segment: { id: 'nope' } }, 'condition.segment.id', /no segment "nope"/],
    ['missing computed trait', { computed: { key: 'ltv', op: 'gt', value: 1 } }, 'condition.computed.key', /no computed trait/],
    ['unknown purpose', { consent: { purpose: 'ads', granted: true } }, 'condition.consent.purpose', /no purpose/],
    ['track without name', { event: { atLeast: 1 } }, 'condition.event.name', /required/],
    ['min over max', { trait: { key: 'n', op: 'between', min: 5, max: 1 } }, 'condition.trait.max', /less than min/],
    ['atLeast over atMost', { event: { name: 'x', atLeast: 3, atMost: 2 } }, 'condition.event.atMost', /less than atLeast/],
    ['empty and', { and: [] }, 'condition.and', /non-empty/],
    ['bad filter', { event: { name: 'x', where: [{ property: 'p', op: 'gt', value: 'ten' }] } }, 'condition.event.where[0].value', /number/],
    ['unknown field', { page: { url: 'x', within: '7d', host: 'a' } }, 'condition.page.host', /not a field/],
    ['short sequence', { sequence: { steps: [{ name: 'A' }] } }, 'condition.sequence.steps', /2 to 5/],
  ];
  for (const [name, input, field, reason] of cases) {
    test(name, () => {
      const issues = validateCondition(input, refs);
      const issue = issues.find((i) => i.field === field);
      assert.ok(issue, `expected an issue at ${field}, got ${JSON.stringify(issues)}`);
      assert.match(issue.reason, reason);
    });
  }

  test('deep nesting and huge trees are refused, not walked forever', () => {
    let c: unknown = { trait: { key: 'a', op: 'exists' } };
    for (let i = 0; i < 20; i++) c = { not: c };
    assert.match(validateCondition(c, refs)[0]!.reason, /nested deeper/);
    const wide = { or: Array.from({ length: 300 }, () => ({ trait: { key: 'a', op: 'exists' } })) };
    assert.match(validateCondition(wide, refs)[0]!.reason, /more than 200 nodes/);
  });
});

describe('readable form', () => {
  test('reads like the issue says', () => {
    const c: Condition = {
      and: [
        { event: { name: 'Whitepaper Downloaded', where: [{ property: 'topic', op: 'equals', value: 'smart factory' }], atLeast: 2, within: '30d' } },
        { not: { trait: { key: 'contacted_by_sales', op: 'equals', value: true } } },
      ],
    };
    assert.equal(describeCondition(c), 'Whitepaper Downloaded (topic = "smart factory") at least 2 times within 30 days AND NOT trait contacted_by_sales = true');
  });

  test('nesting is bracketed, segments are named', () => {
    const c: Condition = { or: [{ and: [{ page: { category: 'pricing' } }, { email: { action: 'clicked' } }] }, { segment: { id: 'customers' } }] };
    assert.equal(describeCondition(c, (id) => (id === 'customers' ? 'Customers' : undefined)),
      '(Page viewed (category = "pricing") AND Email Link Clicked) OR in segment "Customers"');
  });
});
