import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileContextCondition, contextValue, type ContextCondition } from '../../../src/core/decisions/context-condition.js';
import { validateContextCondition } from '../../../src/core/decisions/validate-context-condition.js';
import { languageOf } from '../../../src/core/decisions/locale.js';
import { context } from './decision-fixtures.js';
import { T0 } from '../fixtures.js';

const holds = (c: ContextCondition, ctx = context()) => compileContextCondition(c)(ctx, T0);

describe('context conditions', () => {
  const visit = context({
    url: 'https://example.com/pricing?x=1', path: '/pricing', category: 'pricing', referrer: 'https://www.google.com/',
    utm: { source: 'newsletter', medium: 'email', campaign: 'Spring', content: 'hero', term: 'crm' },
    deviceClass: 'mobile', localHour: 9, weekday: 1, country: 'DE', recognised: 'signed', locale: 'de-DE',
  });

  test('compares every field with the segment comparison rules (case-insensitive equality, numbers, lists)', () => {
    assert.ok(holds({ field: 'path', op: 'equals', value: '/Pricing ' }, visit));
    assert.ok(holds({ field: 'url', op: 'contains', value: 'PRICING' }, visit));
    assert.ok(holds({ field: 'utm.campaign', op: 'equals', value: 'spring' }, visit));
    assert.ok(holds({ field: 'utm.source', op: 'in', values: ['ads', 'newsletter'] }, visit));
    assert.ok(holds({ field: 'utm.medium', op: 'equals', value: 'email' }, visit));
    assert.ok(holds({ field: 'utm.content', op: 'equals', value: 'hero' }, visit));
    assert.ok(holds({ field: 'utm.term', op: 'exists' }, visit));
    assert.ok(holds({ field: 'localHour', op: 'between', min: 8, max: 17 }, visit));
    assert.ok(holds({ field: 'weekday', op: 'in', values: [1, 2, 3, 4, 5] }, visit));
    assert.ok(holds({ field: 'country', op: 'equals', value: 'de' }, visit));
    assert.ok(holds({ field: 'recognised', op: 'in', values: ['signed', 'login'] }, visit));
    assert.ok(holds({ field: 'deviceClass', op: 'not_equals', value: 'desktop' }, visit));
    assert.ok(holds({ field: 'referrer', op: 'contains', value: 'google' }, visit));
    assert.ok(holds({ field: 'category', op: 'equals', value: 'pricing' }, visit));
    assert.ok(holds({ field: 'locale', op: 'contains', value: 'de' }, visit));
  });

  test('a field the request did not carry is unknown', () => {
    assert.equal(holds({ field: 'country', op: 'equals', value: 'DE' }), false);
    assert.equal(holds({ field: 'country', op: 'exists' }), false);
    assert.equal(holds({ field: 'country', op: 'not_exists' }), true);
    assert.equal(holds({ field: 'utm.campaign', op: 'equals', value: 'x' }), false);
    assert.equal(contextValue(context(), 'utm.source'), undefined);
  });

  test('and / or / not', () => {
    const c: ContextCondition = { and: [{ field: 'path', op: 'equals', value: '/pricing' }, { not: { field: 'deviceClass', op: 'equals', value: 'mobile' } }] };
    assert.equal(holds(c, visit), false);
    assert.equal(holds(c, { ...visit, deviceClass: 'desktop' }), true);
    assert.equal(holds({ or: [{ field: 'country', op: 'equals', value: 'AT' }, { field: 'country', op: 'equals', value: 'DE' }] }, visit), true);
  });

  test('validation names each failing node', () => {
    const issues = validateContextCondition({ or: [{ field: 'path', op: 'equals' }, { not: { field: 'ip', op: 'exists' } }, { field: 'localHour', op: 'between' }, 'x', { and: [] }] }, 'rules[0].context');
    assert.deepEqual(issues.map((i) => i.field), ['rules[0].context.or[0].value', 'rules[0].context.or[1].not.field', 'rules[0].context.or[2].min', 'rules[0].context.or[3]', 'rules[0].context.or[4].and']);
    assert.deepEqual(validateContextCondition({ field: 'path', op: 'equals', value: '/x', extra: 1 }, 'c').map((i) => i.field), ['c.extra']);
    assert.deepEqual(validateContextCondition({ and: [{ field: 'path', op: 'exists' }], or: [] }, 'c').map((i) => i.field), ['c']);
  });

  test('deep or huge trees are refused, not walked forever', () => {
    let deep: unknown = { field: 'path', op: 'exists' };
    for (let i = 0; i < 20; i++) deep = { not: deep };
    assert.match(validateContextCondition(deep, 'c')[0]!.reason, /nested deeper/);
    const wide = { or: Array.from({ length: 500 }, () => ({ field: 'path', op: 'exists' })) };
    assert.match(validateContextCondition(wide, 'c')[0]!.reason, /more than 100 nodes/);
  });
});

describe('languageOf', () => {
  test('language of a BCP 47 tag, else the fallback', () => {
    assert.equal(languageOf('de-DE'), 'de');
    assert.equal(languageOf('DE'), 'de');
    assert.equal(languageOf('de_AT'), 'de');
    assert.equal(languageOf('en-GB'), 'en');
    assert.equal(languageOf('fr-FR'), 'en');
    assert.equal(languageOf('fr', 'de'), 'de');
    assert.equal(languageOf('deutsch'), 'en', 'not a tag');
    assert.equal(languageOf(undefined, 'de'), 'de');
  });
});
