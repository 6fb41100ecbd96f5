import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { salutationOf } from '../../../src/core/decisions/salutation.js';

const karoline = { firstName: 'Karoline', lastName: 'Berg' };

describe('salutation', () => {
  // [traits, locale, style, expected]
  const matrix: Array<[Record<string, unknown>, 'en' | 'de', 'formal' | 'informal', string]> = [
    [{ ...karoline, salutation: 'Frau', title: 'Dr.' }, 'de', 'formal', 'Sehr geehrte Frau Dr. Berg'],
    [{ ...karoline, salutation: 'Frau' }, 'de', 'formal', 'Sehr geehrte Frau Berg'],
    [{ firstName: 'Jan', lastName: 'Kurz', salutation: 'Herr' }, 'de', 'formal', 'Sehr geehrter Herr Kurz'],
    [{ ...karoline, gender: 'female' }, 'de', 'formal', 'Sehr geehrte Frau Berg'],
    [{ ...karoline, gender: 'w' }, 'de', 'formal', 'Sehr geehrte Frau Berg'],
    [{ firstName: 'Jan', lastName: 'Kurz', gender: 'männlich' }, 'de', 'formal', 'Sehr geehrter Herr Kurz'],
    [karoline, 'de', 'formal', 'Guten Tag Karoline Berg'],
    [{ ...karoline, gender: 'diverse' }, 'de', 'formal', 'Guten Tag Karoline Berg'],
    [{ ...karoline, salutation: 'Mx' }, 'de', 'formal', 'Guten Tag Karoline Berg'],
    [{ lastName: 'Berg', academicTitle: 'Prof. Dr.' }, 'de', 'formal', 'Guten Tag Prof. Dr. Berg'],
    [{ lastName: 'Berg' }, 'de', 'formal', 'Guten Tag'],
    [{ firstName: 'Karoline' }, 'de', 'formal', 'Guten Tag'],
    [{ salutation: 'Frau' }, 'de', 'formal', 'Guten Tag'],
    [{}, 'de', 'formal', 'Guten Tag'],
    [{ ...karoline, salutation: 'Frau' }, 'de', 'informal', 'Hallo Karoline'],
    [{ lastName: 'Berg' }, 'de', 'informal', 'Hallo'],
    [{}, 'de', 'informal', 'Hallo'],
    [{ ...karoline, salutation: 'Ms' }, 'en', 'formal', 'Dear Ms Berg'],
    [{ ...karoline, salutation: 'Mrs.' }, 'en', 'formal', 'Dear Mrs Berg'],
    [{ ...karoline, salutation: 'Frau' }, 'en', 'formal', 'Dear Ms Berg'],
    [{ ...karoline, gender: 'female' }, 'en', 'formal', 'Dear Ms Berg'],
    [{ firstName: 'Jan', lastName: 'Kurz', gender: 'male' }, 'en', 'formal', 'Dear Mr Kurz'],
    [{ ...karoline, salutation: 'Mx' }, 'en', 'formal', 'Dear Mx Berg'],
    [{ ...karoline, title: 'Dr.', salutation: 'Frau' }, 'en', 'formal', 'Dear Dr Berg'],
    [{ lastName: 'Berg', title: 'Dr.' }, 'en', 'formal', 'Dear Dr Berg'],
    [karoline, 'en', 'formal', 'Dear Karoline Berg'],
    [{ lastName: 'Berg' }, 'en', 'formal', 'Hello'],
    [{}, 'en', 'formal', 'Hello'],
    [karoline, 'en', 'informal', 'Hello Karoline'],
    [{}, 'en', 'informal', 'Hello'],
  ];
  for (const [traits, locale, style, expected] of matrix) {
    test(`${locale} ${style} ${JSON.stringify(traits)} → ${expected}`, () => {
      assert.equal(salutationOf({ traits, locale, style }), expected);
    });
  }

  test('never guesses gender from a first name', () => {
    for (const firstName of ['Maria', 'Hans', 'Anna', 'Peter']) {
      assert.equal(salutationOf({ traits: { firstName, lastName: 'Berg' }, locale: 'de', style: 'formal' }), `Guten Tag ${firstName} Berg`);
      assert.equal(salutationOf({ traits: { firstName, lastName: 'Berg' }, locale: 'en', style: 'formal' }), `Dear ${firstName} Berg`);
    }
  });

  test('a job title in `title` is not an academic title', () => {
    assert.equal(salutationOf({ traits: { ...karoline, salutation: 'Frau', title: 'CTO' }, locale: 'de', style: 'formal' }), 'Sehr geehrte Frau Berg');
    assert.equal(salutationOf({ traits: { lastName: 'Berg', title: 'Head of IT' }, locale: 'en', style: 'formal' }), 'Hello');
  });

  test('the neutral greeting reveals nothing', () => {
    const traits = { ...karoline, salutation: 'Frau' };
    assert.equal(salutationOf({ traits, locale: 'de', style: 'formal', neutral: true }), 'Guten Tag');
    assert.equal(salutationOf({ traits, locale: 'de', style: 'informal', neutral: true }), 'Hallo');
    assert.equal(salutationOf({ traits, locale: 'en', style: 'formal', neutral: true }), 'Hello');
  });

  test('non-string and blank traits are ignored, whitespace is collapsed', () => {
    assert.equal(salutationOf({ traits: { firstName: 42, lastName: { x: 1 }, salutation: 'Frau' }, locale: 'de', style: 'formal' }), 'Guten Tag');
    assert.equal(salutationOf({ traits: { firstName: '  Karoline  ', lastName: ' Berg ' }, locale: 'de', style: 'formal' }), 'Guten Tag Karoline Berg');
  });
});
