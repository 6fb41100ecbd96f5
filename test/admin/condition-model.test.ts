/**
 * The builder's model of a condition (admin/src/condition-model.ts): every leaf kind becomes the
 * JSON the API takes, the JSON path of each rule is known (so the API's issues land at their
 * rule), and a stored condition reads back into the model unchanged; what the builder has no form
 * for is said (null), never silently dropped. Each built condition is also checked by the
 * server's own validator.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromCondition, newGroup, newLeaf, toCondition, withKind } from '../../admin/src/condition-model.js';
import type { Condition } from '../../src/core/segments/condition.js';
import { validateCondition } from '../../src/core/segments/validate-condition.js';

const refs = { segments: new Set(['customers']), computedTraits: new Set(['orders_90d']), purposes: new Set(['newsletter']) };

describe('the condition builder model', () => {
  it('builds every leaf kind as the API takes it, with each rule\'s path', () => {
    const event = newLeaf('event', { name: 'Whitepaper Downloaded', atLeast: '2', within: '30d', property: 'topic', propertyOp: 'equals', propertyValue: 'smart factory' });
    const contacted = newLeaf('trait', { key: 'contacted_by_sales', op: 'equals', value: 'true' });
    contacted.negate = true;
    const inner = newGroup('or', [
      newLeaf('page', { path: '/pricing', url: '', atLeast: '1', within: '7d' }),
      newLeaf('email', { action: 'clicked', atLeast: '1', within: '' }),
      newLeaf('sequence', { steps: 'Signup, Demo Booked', within: '14d' }),
    ]);
    const root = newGroup('and', [event, contacted, inner,
      newLeaf('computed', { key: 'orders_90d', op: 'between', value: '1, 5' }),
      newLeaf('segment', { id: 'customers' }),
      newLeaf('lifecycle', { in: 'lead, mql' }),
      newLeaf('score', { kind: 'fit', op: 'gte', value: '40' }),
      newLeaf('consent', { purpose: 'newsletter', granted: 'true' }),
      newLeaf('trait', { key: 'role', op: 'in', value: 'CTO, CIO' }),
    ]);
    const { condition, paths } = toCondition(root);
    assert.deepEqual(condition, { and: [
      { event: { name: 'Whitepaper Downloaded', where: [{ property: 'topic', op: 'equals', value: 'smart factory' }], atLeast: 2, within: '30d' } },
      { not: { trait: { key: 'contacted_by_sales', op: 'equals', value: true } } },
      { or: [
        { page: { path: '/pricing', atLeast: 1, within: '7d' } },
        { email: { action: 'clicked', atLeast: 1 } },
        { sequence: { steps: [{ name: 'Signup' }, { name: 'Demo Booked' }], within: '14d' } },
      ] },
      { computed: { key: 'orders_90d', op: 'between', min: 1, max: 5 } },
      { segment: { id: 'customers' } },
      { lifecycle: { in: ['lead', 'mql'] } },
      { score: { kind: 'fit', op: 'gte', value: 40 } },
      { consent: { purpose: 'newsletter', granted: true } },
      { trait: { key: 'role', op: 'in', values: ['CTO', 'CIO'] } },
    ] });
    assert.deepEqual(validateCondition(condition, refs), [], 'the server accepts what the builder makes');
    assert.equal(paths.get(event.id), 'condition.and[0].event');
    assert.equal(paths.get(contacted.id), 'condition.and[1].not.trait');
    assert.equal(paths.get(inner.rules[1]!.id), 'condition.and[2].or[1].email');
  });

  it('changes a rule\'s kind in place: same id and "not", shared inputs kept, the others at the new kind\'s defaults', () => {
    const trait = newLeaf('trait', { key: 'orders_90d', op: 'gt', value: '2' });
    trait.negate = true;
    const computed = withKind(trait, 'computed');
    assert.deepEqual(computed, { kind: 'computed', id: trait.id, negate: true, fields: { key: 'orders_90d', op: 'gt', value: '2' } });
    const segment = withKind(trait, 'segment');
    assert.deepEqual(segment, { kind: 'segment', id: trait.id, negate: true, fields: { id: '' } });
    const page = withKind(newLeaf('event', { name: 'Signup', atLeast: '3', within: '7d' }), 'page');
    assert.deepEqual(page.fields, { path: '', url: '', atLeast: '3', within: '7d' }, 'the counts carried over');
    assert.equal(withKind(trait, 'trait'), trait, 'the same kind: the same rule');
    const { condition } = toCondition(newGroup('and', [withKind(newLeaf('event'), 'segment')]));
    assert.deepEqual(condition, { segment: { id: '' } });
  });

  it('keeps what was typed when it is not a number, so the API names the field', () => {
    const leaf = newLeaf('event', { name: 'X', atLeast: 'two', within: '30d' });
    const { condition, paths } = toCondition(newGroup('and', [leaf]));
    const issues = validateCondition(condition, refs);
    assert.ok(issues.some((i) => i.field.startsWith(paths.get(leaf.id)!) && i.field.endsWith('atLeast')), JSON.stringify(issues));
  });

  it('reads a stored condition back into the same JSON, and refuses what it has no form for', () => {
    const stored: Condition = { and: [
      { event: { name: 'Whitepaper Downloaded', where: [{ property: 'topic', op: 'equals', value: 'smart factory' }], atLeast: 2, within: '30d' } },
      { not: { or: [{ lifecycle: { in: ['customer'] } }, { consent: { purpose: 'newsletter', granted: false } }] } },
    ] };
    const model = fromCondition(stored);
    assert.ok(model);
    assert.deepEqual(toCondition(model).condition, stored);
    const single: Condition = { segment: { id: 'customers' } };
    assert.deepEqual(toCondition(fromCondition(single)!).condition, single, 'one rule stays one rule');
    assert.equal(fromCondition({ page: { category: 'blog' } }), null, 'a page category has no form yet');
    assert.equal(fromCondition({ event: { name: 'A', before: '30d' } }), null, '"before" has no form yet');
  });

  it('builds the persona leaf (assigned, or at least a probability) with its path, reads it back, and the server accepts it', () => {
    const assigned = newLeaf('persona', { id: 'p2' });
    const likely = newLeaf('persona', { id: ' p3 ', minProbability: '0.7' });
    likely.negate = true;
    const { condition, paths } = toCondition(newGroup('or', [assigned, likely]));
    assert.deepEqual(condition, { or: [{ persona: { id: 'p2' } }, { not: { persona: { id: 'p3', minProbability: 0.7 } } }] });
    assert.equal(paths.get(assigned.id), 'condition.or[0].persona');
    assert.equal(paths.get(likely.id), 'condition.or[1].not.persona');
    assert.deepEqual(validateCondition(condition, refs), [], 'without a model any well-formed persona id is accepted');
    assert.deepEqual(validateCondition(condition, { ...refs, personas: new Set(['p2', 'p3']) }), [], 'with a model, its personas');
    const unknown = validateCondition(condition, { ...refs, personas: new Set(['p2']) });
    assert.deepEqual(unknown.map((i) => i.field), ['condition.or[1].not.persona.id'], 'a persona the model lacks is named at its rule');
    const stored: Condition = { and: [{ persona: { id: 'p1', minProbability: 0.5 } }, { not: { persona: { id: 'p4' } } }] };
    assert.deepEqual(toCondition(fromCondition(stored)!).condition, stored, 'round trip through fromCondition');
    const single: Condition = { persona: { id: 'p2' } };
    assert.deepEqual(toCondition(fromCondition(single)!).condition, single);
    const read = fromCondition(single)!.rules[0]!;
    assert.equal(read.kind, 'persona');
    assert.deepEqual(read.kind === 'persona' ? read.fields : null, { id: 'p2', minProbability: '' });
  });

  it('keeps a probability that is not a number as typed, so the API names minProbability; a kind change to or from persona carries nothing', () => {
    for (const typed of ['0,7', 'high', '1.5', '0']) {
      const leaf = newLeaf('persona', { id: 'p2', minProbability: typed });
      const { condition, paths } = toCondition(newGroup('and', [leaf]));
      if (!Number.isFinite(Number(typed))) assert.deepEqual(condition, { persona: { id: 'p2', minProbability: typed } }, 'what was typed is sent');
      const issues = validateCondition(condition, refs);
      assert.deepEqual(issues.map((i) => i.field), [`${paths.get(leaf.id)}.minProbability`], `${typed}: ${JSON.stringify(issues)}`);
    }
    const missing = validateCondition(toCondition(newGroup('and', [newLeaf('persona')])).condition, refs);
    assert.deepEqual(missing.map((i) => i.field), ['condition.persona.id'], 'an empty persona is named');
    const segment = newLeaf('segment', { id: 'customers' });
    segment.negate = true;
    assert.deepEqual(withKind(segment, 'persona'), { kind: 'persona', id: segment.id, negate: true, fields: { id: '', minProbability: '' } }, 'a segment id is no persona id');
    assert.deepEqual(withKind(newLeaf('persona', { id: 'p2' }), 'segment').fields, { id: '' });
  });
});
