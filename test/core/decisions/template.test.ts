import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTemplate, renderTemplate, type CompiledTemplate, type TemplateValues } from '../../../src/core/decisions/template.js';
import type { Depth } from '../../../src/core/decisions/depth.js';
import { IDENTITY } from './decision-fixtures.js';

const compiled = (text: string): CompiledTemplate => {
  const p = parseTemplate(text, IDENTITY);
  assert.ok(p.ok, JSON.stringify(!p.ok && p.issues));
  return p.template;
};
const values = (traits: Record<string, unknown>, computed: Record<string, unknown> = {}): TemplateValues => ({
  traits, computed: (k) => computed[k], salutation: (neutral) => (neutral ? 'Hello' : `Dear ${String(traits.lastName)}`),
});
const render = (text: string, traits: Record<string, unknown>, opts: { format?: 'text' | 'html'; allowed?: Depth; computed?: Record<string, unknown> } = {}) =>
  renderTemplate(compiled(text), values(traits, opts.computed), { format: opts.format ?? 'html', allowed: opts.allowed ?? 'individual', identityTraits: IDENTITY });

describe('templates', () => {
  test('fills traits, computed traits and the salutation', () => {
    assert.equal(render('Hi {{traits.firstName | "there"}}, your plan: {{computed.plan}}. {{salutation}}', { firstName: 'Karoline', lastName: 'Berg' }, { computed: { plan: 'Team' } }),
      'Hi Karoline, your plan: Team. Dear Berg');
  });

  test('a missing, null, blank, object or list value takes the fallback, else nothing — never "undefined"', () => {
    for (const v of [undefined, null, '', '   ', { a: 1 }, ['x'], Number.NaN, Infinity]) {
      const traits = v === undefined ? {} : { firstName: v };
      assert.equal(render('Hi {{traits.firstName | "there"}}!', traits), 'Hi there!', `value ${String(v)}`);
      assert.equal(render('Hi {{traits.firstName}}!', traits), 'Hi !', `value ${String(v)} without fallback`);
    }
    assert.equal(render('{{computed.missing}}', {}), '');
    assert.equal(render('{{traits.age}} {{traits.vip}}', { age: 42, vip: false }), '42 false');
  });

  test('HTML bodies escape values: a <script> in a trait shows as text', () => {
    const out = render('<p>Hi {{traits.firstName}}</p>', { firstName: '<script>alert("x")</script>&\'' });
    assert.equal(out, '<p>Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>');
    assert.equal(render('{{traits.x | "<b>"}}', {}), '&lt;b&gt;', 'fallbacks are escaped too');
  });

  test('text bodies insert values as text, without control characters', () => {
    assert.equal(render('Hi {{traits.firstName}}', { firstName: '<b>Kim</b>\u0000\u0007' }, { format: 'text' }), 'Hi <b>Kim</b>');
  });

  test('a trait named like a prototype property is not read from the prototype', () => {
    assert.equal(render('{{traits.constructor | "none"}}', {}), 'none');
  });

  test('depth: identity-level traits and the salutation are individual, others segment, none without placeholders', () => {
    assert.equal(compiled('plain').depth, 'none');
    assert.equal(compiled('{{traits.plan}}').depth, 'segment');
    assert.equal(compiled('{{computed.x}}').depth, 'segment');
    assert.equal(compiled('{{traits.company}}').depth, 'individual');
    assert.equal(compiled('{{traits.firstName}}').depth, 'individual');
    assert.equal(compiled('{{salutation}}').depth, 'individual');
  });

  test('a placeholder deeper than allowed renders its fallback; the salutation its neutral form', () => {
    const traits = { firstName: 'Karoline', lastName: 'Berg', plan: 'Team' };
    assert.equal(render('Hi {{traits.firstName | "there"}}', traits, { allowed: 'segment' }), 'Hi there');
    assert.equal(render('{{salutation}}', traits, { allowed: 'segment' }), 'Hello');
    assert.equal(render('{{salutation | "Hi"}}', traits, { allowed: 'segment' }), 'Hi');
    assert.equal(render('{{traits.plan | "-"}}', traits, { allowed: 'contextual' }), '-');
    assert.equal(render('{{traits.plan | "-"}}', traits, { allowed: 'segment' }), 'Team');
  });

  test('unknown placeholders, bad fallbacks and unclosed braces are refused with their offsets', () => {
    const bad = (text: string) => {
      const p = parseTemplate(text, IDENTITY);
      assert.equal(p.ok, false, text);
      return !p.ok ? p.issues : [];
    };
    assert.match(bad('Hi {{name}}')[0]!.reason, /unknown placeholder/);
    assert.equal(bad('Hi {{name}}')[0]!.offset, 3);
    assert.match(bad('{{traits.}}')[0]!.reason, /unknown placeholder/);
    assert.match(bad('{{context.url}}')[0]!.reason, /unknown placeholder/);
    assert.match(bad('{{traits.a | there}}')[0]!.reason, /double quotes/);
    assert.match(bad('Hi {{traits.a')[0]!.reason, /never closed/);
    assert.equal(bad('{{x}} and {{y}}').length, 2, 'every placeholder is reported');
  });

  test('spaces around parts are allowed', () => {
    assert.equal(render('{{  traits.firstName  |  "there"  }}', {}), 'there');
  });
});
