import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { explain } from '../../../src/core/decisions/explain.js';
import type { SlotRule } from '../../../src/core/decisions/slot.js';
import type { Recognition } from '../../../src/core/decisions/decision-context.js';
import { compile, slotDef } from './decision-fixtures.js';

const ruleReason = (rule: Omit<SlotRule, 'id' | 'variantId' | 'depth'>) => {
  const slot = compile(slotDef([{ id: 'r', variantId: 'v', depth: 'segment', ...rule }]));
  return { kind: 'rule' as const, rule: slot.rules[0]! };
};
const text = (rule: Omit<SlotRule, 'id' | 'variantId' | 'depth'>, locale: 'en' | 'de' = 'en', recognition: Recognition = 'login') => explain({ reason: ruleReason(rule), locale, recognition }).text;

describe('explanations for the person', () => {
  test('generated from the most telling condition', () => {
    assert.equal(text({ condition: { page: { category: 'smart factories', atLeast: 3 } } }), 'Because you read 3 articles about smart factories.');
    assert.equal(text({ condition: { page: { category: 'pricing' } } }), 'Because you read an article about pricing.');
    assert.equal(text({ condition: { event: { name: 'Whitepaper Downloaded', where: [{ property: 'topic', op: 'equals', value: 'pricing for teams' }] } } }), 'Because you showed interest in pricing for teams.');
    assert.equal(text({ condition: { event: { name: 'Signed Up' } } }), 'Because of what you did on this site.');
    assert.equal(text({ condition: { email: { action: 'clicked' } } }), 'Because of emails from us you read.');
    assert.equal(text({ condition: { lifecycle: { in: ['customer'] } } }), 'Chosen for customers at your stage.');
    assert.equal(text({ condition: { segment: { id: 'hot' } } }), 'Shown to visitors with similar interests.');
    assert.equal(text({ condition: { score: { kind: 'engagement', op: 'gt', value: 10 } } }), 'Because you have been active on our site.');
    assert.equal(text({ condition: { trait: { key: 'role', op: 'equals', value: 'CTO' } } }), 'Based on information you gave us.');
    assert.equal(text({ context: { field: 'country', op: 'in', values: ['DE', 'AT'] } }), 'Popular with visitors from your region.');
    assert.equal(text({ context: { field: 'path', op: 'equals', value: '/pricing' } }), 'Because of the page you are on.');
    assert.equal(text({ context: { field: 'deviceClass', op: 'equals', value: 'mobile' } }), 'Chosen for your type of device.');
    assert.equal(text({ context: { field: 'localHour', op: 'lt', value: 12 } }), 'Chosen for this time of day.');
    assert.equal(text({}), 'Shown to everyone.');
    assert.equal(explain({ reason: { kind: 'default' }, locale: 'de', recognition: 'none' }).text, 'Wird allen angezeigt.');
  });

  test('a NOT clause explains nothing; the profile reason comes before the visit', () => {
    assert.equal(text({ condition: { not: { segment: { id: 'customers' } } } }), 'Chosen for visitors like you.');
    assert.equal(text({ condition: { page: { category: 'x', atLeast: 2 } }, context: { field: 'country', op: 'equals', value: 'DE' } }), 'Because you read 2 articles about x.');
  });

  test('German', () => {
    assert.equal(text({ condition: { page: { category: 'Smart Factory', atLeast: 3 } } }, 'de'), 'Weil Sie 3 Artikel über „Smart Factory“ gelesen haben.');
    assert.equal(text({ condition: { page: { category: 'Smart Factory' } } }, 'de'), 'Weil Sie einen Artikel über „Smart Factory“ gelesen haben.');
    assert.equal(text({ context: { field: 'country', op: 'equals', value: 'DE' } }, 'de'), 'Beliebt bei Besuchern aus Ihrer Region.');
  });

  test('never echoes trait values; a cookie-only visitor gets no counts and no identity data kind', () => {
    const rule = { condition: { and: [{ trait: { key: 'company', op: 'equals' as const, value: 'ACME' } }, { page: { category: 'pricing', atLeast: 4 } }] } };
    const cookie = explain({ reason: ruleReason(rule), locale: 'en', recognition: 'cookie' });
    assert.equal(cookie.text, 'Because you read articles about pricing.');
    assert.deepEqual(cookie.dataKinds, ['reading-history']);
    const login = explain({ reason: ruleReason(rule), locale: 'en', recognition: 'login' });
    assert.equal(login.text, 'Because you read 4 articles about pricing.');
    assert.deepEqual(login.dataKinds, ['reading-history', 'identity']);
    assert.ok(!/ACME/.test(login.text));
  });

  test('data kinds of sequences and caps include past exposures; labels in the locale', () => {
    const slot = compile(slotDef([{ id: 'n', sequence: { steps: ['a', 'b'], conversion: 'Demo Requested', within: '3d' }, depth: 'none' }]));
    const e = explain({ reason: { kind: 'rule', rule: slot.rules[0]! }, locale: 'de', recognition: 'cookie' });
    assert.deepEqual(e.dataKinds, ['past-exposures']);
    assert.deepEqual(e.dataKindLabels, ['was Ihnen zuvor gezeigt wurde']);
  });
});

describe('transparency notice', () => {
  test('the main parameters of every slot in plain words, capped by the slot ceiling', async () => {
    const { transparencyNotice } = await import('../../../src/core/decisions/transparency-notice.js');
    const slots = [
      compile(slotDef([{ id: 'r', variantId: 'v', depth: 'segment', condition: { page: { category: 'x' } }, context: { field: 'country', op: 'equals', value: 'DE' } }], { id: 'hero', name: 'Hero' })),
      compile(slotDef([{ id: 'k', variantId: 'v', depth: 'individual' }], { id: 'cta', name: 'CTA', depthCeiling: 'contextual' })),
      compile(slotDef([], { id: 'plain', name: 'Plain' })),
    ];
    const en = transparencyNotice(slots, 'en');
    assert.deepEqual(en.map((e) => [e.slotId, e.depth]), [['hero', 'segment'], ['cta', 'contextual'], ['plain', 'none']]);
    assert.equal(en[0]!.text, '"Hero": adapted to groups of visitors and interests read on this site. Uses: your country, pages you read on this site. Personalised content only with your consent; without it you see general content.');
    assert.equal(en[2]!.text, '"Plain": the same for everyone.');
    assert.match(transparencyNotice(slots, 'de')[0]!.text, /^„Hero“: an Besuchergruppen .* Berücksichtigt: Ihr Land, Seiten, die Sie hier gelesen haben\. Persönlich/);
  });
});
