/**
 * csvField, the CSV writer of segment exports: RFC 4180 quoting, and the guard against CSV
 * injection (OWASP): a value a spreadsheet would run as a formula gets a leading ', however it
 * hides its = + - @ (leading white space of any kind, full-width and small forms).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField } from '../../src/http/routes/segment-members.js';

describe('csvField', () => {
  it('quotes per RFC 4180 and writes null as an empty field', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField(null), '');
    assert.equal(csvField({ a: 1 }), '"{""a"":1}"');
  });

  const formulas: Array<[string, string]> = [
    ['=', '=HYPERLINK("http://x")'],
    ['+', '+1+1'],
    ['-', '-2+3'],
    ['@', '@SUM(A1)'],
    ['a tab', '\t=1'],
    ['a carriage return', '\r=1'],
    ['a space', ' =1+1'],
    ['spaces and a tab', '  \t=1+1'],
    ['a line feed', '\n=1+1'],
    ['a no-break space (U+00A0)', '\u00A0=1+1'],
    ['an ideographic space (U+3000)', '\u3000+1'],
    ['an em space (U+2003)', '\u2003-1'],
    ['a byte order mark (U+FEFF)', '\uFEFF@SUM(A1)'],
    ['a zero-width space (U+200B)', '\u200B=1'],
    ['full-width ＝ (U+FF1D)', '＝1+1'],
    ['full-width ＋ (U+FF0B)', '＋1'],
    ['full-width － (U+FF0D)', '－1'],
    ['full-width ＠ (U+FF20)', '＠SUM(A1)'],
    ['a space before full-width ＝', ' ＝1+1'],
    ['small ﹦ (U+FE66)', '﹦1+1'],
  ];
  for (const [what, value] of formulas) {
    it(`guards a value starting with ${what}`, () => {
      const field = csvField(value);
      const unquoted = field.startsWith('"') ? field.slice(1, -1).replace(/""/g, '"') : field;
      assert.equal(unquoted, `'${value}`, JSON.stringify(field));
    });
  }

  it('leaves values alone that only contain the signs, or start with white space and text', () => {
    for (const value of ['a=b', 'x+1', 'name@example.com', ' hello', '\u00A0text', '１２３', '2024-01-01']) assert.equal(csvField(value), value);
  });
});
