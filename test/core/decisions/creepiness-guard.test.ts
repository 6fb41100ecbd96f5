import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allowedDepth, conditionDepth, segmentSizeRefusal, targetedSegments } from '../../../src/core/decisions/creepiness-guard.js';
import { DEPTHS, deeperThan, type Depth } from '../../../src/core/decisions/depth.js';
import { RECOGNITION_LEVELS, type Recognition } from '../../../src/core/decisions/decision-context.js';
import { compile, context, DAY, profileFor, run, settings, slotDef, variant } from './decision-fixtures.js';
import { T0 } from '../fixtures.js';

describe('allowed depth', () => {
  // The creepiness matrix: consent × recognition → allowed depth (workspace and slot at individual).
  const expected: Record<Recognition, [Depth, Depth]> = {
    // [without personalization consent, with it]
    none: ['contextual', 'contextual'],
    cookie: ['contextual', 'segment'],
    signed: ['contextual', 'individual'],
    login: ['contextual', 'individual'],
  };
  for (const recognition of RECOGNITION_LEVELS) {
    for (const consent of [false, true]) {
      test(`${recognition}, consent ${consent} → ${expected[recognition][consent ? 1 : 0]}`, () => {
        const a = allowedDepth({ workspaceCeiling: 'individual', slotCeiling: 'individual', personalizationGranted: consent, recognition });
        assert.equal(a.depth, expected[recognition][consent ? 1 : 0]);
      });
    }
  }

  test('the workspace and slot ceilings cap it and are named', () => {
    const a = allowedDepth({ workspaceCeiling: 'segment', slotCeiling: 'individual', personalizationGranted: true, recognition: 'login' });
    assert.deepEqual(a, { depth: 'segment', limitedBy: ['workspace'] });
    const b = allowedDepth({ workspaceCeiling: 'individual', slotCeiling: 'contextual', personalizationGranted: false, recognition: 'cookie' });
    assert.deepEqual(b, { depth: 'contextual', limitedBy: ['slot', 'consent'] });
    const c = allowedDepth({ workspaceCeiling: 'individual', slotCeiling: 'none', personalizationGranted: true, recognition: 'login' });
    assert.deepEqual(c, { depth: 'none', limitedBy: ['slot'] });
    assert.deepEqual(allowedDepth({ workspaceCeiling: 'individual', slotCeiling: 'individual', personalizationGranted: true, recognition: 'signed' }).limitedBy, []);
  });
});

describe('the guard in decide: consent × recognition × rule depth', () => {
  // One rule per declared depth, each without conditions except a context match; the chosen rule
  // must be the deepest the matrix allows.
  const rules = [...DEPTHS].reverse().map((depth) => ({ id: `r-${depth}`, variantId: `v-${depth}`, depth }));
  const slot = compile(slotDef(rules));
  for (const recognition of RECOGNITION_LEVELS) {
    for (const consent of [false, true]) {
      test(`${recognition}, consent ${consent}`, () => {
        const profile = recognition === 'none' ? null : profileFor([slot], [], { consent });
        const d = run(slot, { profile, context: context({ recognised: recognition }) });
        const allowed = d.allowedDepth;
        assert.equal(d.ruleId, `r-${allowed}`);
        assert.ok(!deeperThan(d.depth, allowed));
        // Every deeper rule is in the trace as too deep, before the chosen one.
        const skipped = d.trace.filter((t) => t.outcome === 'too-deep').map((t) => t.source);
        assert.deepEqual(skipped, DEPTHS.filter((x) => deeperThan(x, allowed)).reverse().map((x) => `r-${x}`));
      });
    }
  }

  test('a template revealing identity makes a rule individual, whatever it declares', () => {
    const s = slotDef([{ id: 'hi', variantId: 'named', depth: 'contextual' }], {
      variants: [variant('default', 'Hello'), variant('named', 'Hello {{traits.firstName}}')],
    });
    const c = compile(s);
    assert.equal(c.rules[0]!.depth, 'individual');
    const profile = profileFor([c], [], { traits: { firstName: 'Karoline' } });
    const cookie = run(c, { profile, context: context({ recognised: 'cookie' }) });
    assert.equal(cookie.variant.body, 'Hello');
    assert.equal(cookie.trace[0]!.outcome, 'too-deep');
    const signed = run(c, { profile, context: context({ recognised: 'signed' }) });
    assert.equal(signed.variant.body, 'Hello Karoline');
    assert.equal(signed.depth, 'individual');
  });

  test('the default variant never shows identity data to a cookie-only visitor', () => {
    const c = compile(slotDef([], { variants: [variant('default', '{{salutation}}, {{traits.firstName | "friend"}} from {{traits.company | "your team"}}')] }));
    const profile = profileFor([c], [], { traits: { firstName: 'Karoline', lastName: 'Berg', company: 'ACME' } });
    assert.equal(run(c, { profile, context: context({ recognised: 'cookie' }) }).variant.body, 'Hello, friend from your team');
    assert.equal(run(c, { profile, context: context({ recognised: 'login' }) }).variant.body, 'Dear Karoline Berg, Karoline from ACME');
  });

  test('an identity-level trait condition is individual', () => {
    assert.equal(conditionDepth({ trait: { key: 'company', op: 'exists' } }, new Set(['company'])), 'individual');
    assert.equal(conditionDepth({ and: [{ trait: { key: 'role', op: 'exists' } }, { page: { category: 'x' } }] }, new Set(['company'])), 'segment');
    assert.equal(conditionDepth(undefined, new Set()), 'none');
  });
});

describe('minimum segment size', () => {
  const sizes: Record<string, number> = { big: 500, tiny: 3 };
  const sizeOf = (id: string) => sizes[id];
  const refusal = (segments: string[], depth: Depth, allowed: Depth) => segmentSizeRefusal({ segments, depth, allowed, minSize: 20, sizeOf });

  test('segments of at least the minimum are usable at any depth', () => {
    assert.equal(refusal(['big'], 'segment', 'segment'), null);
  });
  test('a smaller or unknown segment is refused below individual', () => {
    assert.match(refusal(['tiny'], 'segment', 'individual')!, /segment "tiny" has 3 members \(minimum 20/);
    assert.match(refusal(['gone'], 'segment', 'individual')!, /unknown size/);
    assert.match(refusal(['big', 'tiny'], 'persona', 'individual')!, /tiny/);
  });
  test('an individual rule may use it only when individual is allowed (consent and recognition)', () => {
    assert.equal(refusal(['tiny'], 'individual', 'individual'), null);
    assert.notEqual(refusal(['tiny'], 'individual', 'segment'), null);
  });
  test('segments under NOT are targeted too', () => {
    assert.deepEqual(targetedSegments({ and: [{ segment: { id: 'a' } }, { not: { segment: { id: 'b' } } }] }), ['a', 'b']);
  });

  test('in decide: a rule on a tiny segment is skipped with the reason, the next rule applies', () => {
    const rules = [
      { id: 'tiny-rule', variantId: 'v1', depth: 'segment' as const, condition: { segment: { id: 'tiny' } } },
      { id: 'big-rule', variantId: 'v2', depth: 'segment' as const, condition: { segment: { id: 'big' } } },
    ];
    const c = compile(slotDef(rules));
    const segments = ['tiny', 'big'].map((id) => ({ id, workspaceId: 'ws-test', name: id, description: '', condition: { trait: { key: 'plan', op: 'exists' as const } }, createdAt: T0, updatedAt: T0 }));
    const profile = profileFor([c], [], { traits: { plan: 'team' }, segments, now: T0 + DAY });
    const d = run(c, { profile, segmentSize: sizeOf });
    assert.equal(d.ruleId, 'big-rule');
    assert.equal(d.trace[0]!.outcome, 'segment-too-small');
    assert.equal(run(c, { profile, segmentSize: sizeOf, settings: settings({ minSegmentSize: 2 }) }).ruleId, 'tiny-rule', 'the minimum is the workspace\'s');
  });
});
