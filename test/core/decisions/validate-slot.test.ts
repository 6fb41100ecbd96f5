import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateSlot, type SlotRefs } from '../../../src/core/decisions/validate-slot.js';
import { validateDecisionSettings } from '../../../src/core/decisions/validate-settings.js';
import { urlProblem } from '../../../src/core/decisions/validate-variant.js';
import { DEFAULT_STRATEGIES } from '../../../src/core/decisions/strategies/registry.js';
import { DEFAULT_SCHEMA, sensitiveTraitKeys, type DataSchema } from '../../../src/core/privacy/data-schema.js';
import { parsePrivacySettings } from '../../../src/core/privacy/privacy-settings.js';
import { IDENTITY } from './decision-fixtures.js';

const schema: DataSchema = { ...DEFAULT_SCHEMA, traits: { ...DEFAULT_SCHEMA.traits, religion: { purposes: ['necessary'], type: 'string', personal: true, sensitive: 'religion' }, diagnosis: { purposes: ['necessary'], type: 'string', personal: true, sensitive: 'health' } } };
const refs: SlotRefs = {
  segments: new Set(['hot-leads']), computedTraits: new Set(['plan']), purposes: new Set(['personalization']),
  sensitiveTraits: sensitiveTraitKeys(schema), identityTraits: IDENTITY, strategies: DEFAULT_STRATEGIES,
};

const valid = () => ({
  id: 'hero', name: 'Hero', channel: 'web',
  variants: [{ id: 'default', body: 'Welcome', format: 'text' }, { id: 'sf', title: 'Smart factories', body: '<p>Hi {{traits.firstName | "there"}}</p>', format: 'html', imageUrl: 'https://cdn.example.com/a.png', linkUrl: 'https://example.com/sf', payload: { theme: 'dark' } }],
  defaultVariantId: 'default',
  rules: [{ id: 'readers', variantId: 'sf', depth: 'segment', condition: { page: { category: 'smart-factory', atLeast: 3 } }, context: { field: 'deviceClass', op: 'not_equals', value: 'mobile' } }],
});
const issuesOf = (input: unknown) => {
  const r = validateSlot(input, refs);
  return r.ok ? [] : r.issues;
};
const fields = (input: unknown) => issuesOf(input).map((i) => i.field);

describe('slot validation', () => {
  test('a valid slot passes, with defaults applied', () => {
    const r = validateSlot(valid(), refs);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
    assert.deepEqual(r.slot.strategy, { kind: 'rules' });
    assert.equal(r.slot.depthCeiling, 'individual');
    assert.equal(r.slot.explain, false);
  });

  test('names every failing node by its path', () => {
    const s = valid() as Record<string, unknown>;
    s.channel = 'fax';
    s.rules = [
      { id: 'a', variantId: 'sf', depth: 'segment', condition: { and: [{ page: { category: 'x' } }, { trait: { key: '', op: 'equals', value: 1 } }] } },
      { id: 'b', variantId: 'nope', depth: 'deep' },
      { id: 'c', variantId: 'sf', depth: 'none', context: { and: [{ field: 'path', op: 'equals', value: '/x' }, { field: 'cookie', op: 'equals', value: 1 }, { field: 'localHour', op: 'gt', value: 'noon' }] } },
    ];
    assert.deepEqual(fields(s).sort(), [
      'channel', 'rules[0].condition.and[1].trait.key', 'rules[1].depth', 'rules[1].variantId',
      'rules[2].context.and[1].field', 'rules[2].context.and[2].value',
    ].sort());
  });

  test('refuses rules and templates naming sensitive (Art. 9) traits, anywhere in a condition, in any case', () => {
    const s = valid();
    s.rules = [{ id: 'r', variantId: 'sf', depth: 'segment', condition: { or: [{ page: { category: 'x' } }, { not: { trait: { key: 'Religion', op: 'exists' } } }] } } as never];
    s.variants[1]!.body = 'About {{traits.diagnosis}}';
    const issues = issuesOf(s);
    assert.deepEqual(issues.map((i) => i.field).sort(), ['rules[0].condition.or[1].not.trait.key', 'variants[1].body']);
    assert.ok(issues.every((i) => /Art\. 9/.test(i.reason)));
  });

  test('the data schema marks sensitive traits, and privacy settings accept the marker', () => {
    assert.deepEqual([...sensitiveTraitKeys(schema)].sort(), ['diagnosis', 'religion']);
    const parsed = parsePrivacySettings({ schema: { ...DEFAULT_SCHEMA, traits: { religion: { purposes: ['necessary'], type: 'string', personal: true, sensitive: 'religion' } } } });
    assert.ok(parsed.ok);
    const bad = parsePrivacySettings({ schema: { ...DEFAULT_SCHEMA, traits: { x: { purposes: ['necessary'], type: 'string', personal: true, sensitive: 'hobbies' } } } });
    assert.equal(bad.ok, false);
  });

  test('URLs: http(s) only, no control characters, absolute', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'https://ex\u0000ample.com', 'https://example.com/\n', 'https://exa mple.com', '//example.com/a', '/relative', 'ftp://example.com', 'https:/example.com', '', 'https://example.com/\u0085']) {
      assert.notEqual(urlProblem(bad), null, JSON.stringify(bad));
    }
    assert.equal(urlProblem('https://example.com/a?b=c#d'), null);
    assert.equal(urlProblem('http://localhost:8080/x'), null);
    const s = valid();
    s.variants[1]!.imageUrl = 'javascript:alert(1)';
    s.variants[1]!.linkUrl = 'https://x.example/\t';
    assert.deepEqual(fields(s).sort(), ['variants[1].imageUrl', 'variants[1].linkUrl']);
  });

  test('templates: unknown placeholders and unknown computed traits are refused', () => {
    const s = valid();
    s.variants[1]!.body = 'Hi {{name}} on {{computed.nope}} and {{computed.plan}}';
    s.variants[1]!.title = 'Hi {{traits.firstName';
    const issues = issuesOf(s);
    assert.deepEqual(issues.map((i) => i.field).sort(), ['variants[1].body', 'variants[1].body', 'variants[1].title']);
  });

  test('bounded sizes', () => {
    const s = valid();
    s.variants = [...s.variants, ...Array.from({ length: 50 }, (_, i) => ({ id: `v${i}`, body: 'x', format: 'text' }))] as never;
    assert.deepEqual(fields(s), ['variants']);
    const big = valid();
    big.variants[1]!.body = 'x'.repeat(64 * 1024 + 1);
    assert.deepEqual(fields(big), ['variants[1].body']);
    const unicode = valid();
    unicode.variants[1]!.body = 'ü'.repeat(40 * 1024);
    assert.deepEqual(fields(unicode), ['variants[1].body'], 'bytes, not characters');
    const rules = valid();
    rules.rules = Array.from({ length: 101 }, (_, i) => ({ ...valid().rules[0]!, id: `r${i}` }));
    assert.deepEqual(fields(rules), ['rules']);
    const payload = valid();
    (payload.variants[1] as Record<string, unknown>).payload = { blob: 'x'.repeat(17 * 1024) };
    assert.deepEqual(fields(payload), ['variants[1].payload']);
  });

  test('hostile values: wrong types, control characters, Infinity, duplicates, unknown keys', () => {
    const s = valid() as Record<string, unknown>;
    s.name = 'He\u0000ro';
    s.extra = 1;
    s.explain = 'yes';
    s.variants = [{ id: 'default', body: 'a', format: 'text' }, { id: 'default', body: 5, format: 'pdf', payload: { n: Infinity } }];
    s.rules = [{ id: 'default', variantId: 'default', depth: 'none', caps: [{ max: 1e400, window: '1d' }, { max: 2, window: '1y' }] }];
    assert.deepEqual(fields(s).sort(), [
      'explain', 'extra', 'name', 'rules[0].caps[0].max', 'rules[0].caps[1].window', 'rules[0].id',
      'variants[1].body', 'variants[1].format', 'variants[1].id', 'variants[1].payload',
    ].sort());
    assert.deepEqual(fields(null), ['body']);
    assert.deepEqual(fields([]), ['body']);
  });

  test('rules need exactly one of variantId and sequence; sequences name variants', () => {
    const s = valid();
    s.rules = [
      { id: 'a', depth: 'none' },
      { id: 'b', depth: 'none', variantId: 'sf', sequence: { steps: ['sf', 'default'], conversion: 'Demo Requested', within: '3d' } },
      { id: 'c', depth: 'none', sequence: { steps: ['sf', 'sf', 'zzz'], conversion: '', within: 'soon' } },
    ] as never;
    assert.deepEqual(fields(s).sort(), ['rules[0].variantId', 'rules[1].variantId', 'rules[2].sequence.conversion', 'rules[2].sequence.steps[1]', 'rules[2].sequence.steps[2]', 'rules[2].sequence.within'].sort());
  });

  test('explanations per locale need English and are bounded', () => {
    const s = valid();
    (s.rules[0] as Record<string, unknown>).explanation = { de: 'Weil …', fr: 'Parce que' };
    assert.deepEqual(fields(s).sort(), ['rules[0].explanation.en', 'rules[0].explanation.fr']);
  });

  test('strategies validate their own options; score-sorted takes no rules and needs categories', () => {
    const s = { ...valid(), strategy: { kind: 'score-sorted', halfLife: 'forever', extra: 1 } };
    assert.deepEqual(fields(s).sort(), ['rules', 'strategy.extra', 'strategy.halfLife', 'variants'].sort());
    assert.deepEqual(fields({ ...valid(), strategy: { kind: 'magic' } }), ['strategy.kind']);
    assert.deepEqual(fields({ ...valid(), strategy: { kind: 'rules', halfLife: '1d' } }), ['strategy.halfLife']);
  });

  test('timing: caps, not-within, cool-down, quiet hours', () => {
    const s = { ...valid(), timing: { caps: [{ max: 0, window: '1d' }], notWithin: [{ event: 'Form Submitted', window: '10x' }], dismissCooldown: '100d', quietHours: { from: '25:00', to: '08:00' }, other: 1 } };
    assert.deepEqual(fields(s).sort(), ['timing.caps[0].max', 'timing.dismissCooldown', 'timing.notWithin[0].window', 'timing.other', 'timing.quietHours.from'].sort());
  });
});

describe('decision settings validation', () => {
  test('defaults are valid; every bad field is named', () => {
    assert.ok(validateDecisionSettings({}).ok);
    const r = validateDecisionSettings({ depthCeiling: 'deep', salutation: 'casual', minSegmentSize: 0, timezone: 'Mars/Base', defaultLocale: 'fr', globalCaps: [{ max: 1, window: '1d' }], tagCaps: { Spring: [], ok: 'x' }, quietHours: { from: '08:00', to: '08:00' }, x: 1 });
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.issues.map((i) => i.field).sort(), ['defaultLocale', 'depthCeiling', 'minSegmentSize', 'quietHours.to', 'salutation', 'tagCaps.Spring', 'tagCaps.ok', 'timezone', 'x'].sort());
  });

  test('privacyUrl: null or an absolute http(s) URL without control characters', () => {
    const ok = validateDecisionSettings({ privacyUrl: 'https://www.example.com/privacy#data' });
    assert.equal(ok.ok && ok.settings.privacyUrl, 'https://www.example.com/privacy#data');
    assert.equal(validateDecisionSettings({}).ok && (validateDecisionSettings({}) as { settings: { privacyUrl: unknown } }).settings.privacyUrl, null);
    for (const bad of ['/privacy', 'javascript:alert(1)', 'https://a.example/x\r\ny', 'https://a.example/%0d', 42, 'https://' + 'a'.repeat(2000)]) {
      const r = validateDecisionSettings({ privacyUrl: bad });
      assert.deepEqual(!r.ok && r.issues.map((i) => i.field), ['privacyUrl'], String(bad));
    }
  });
});

describe('slot validation: the experiment reference', () => {
  test('an experiment key passes (its existence is the slot service\'s check); anything else is named', () => {
    assert.deepEqual(fields({ ...valid(), experiment: 'hero-copy.v2' }), []);
    for (const bad of [42, '', 'Has Spaces', 'x'.repeat(65), null]) assert.deepEqual(fields({ ...valid(), experiment: bad }), ['experiment'], JSON.stringify(bad));
  });
});
