/** The control-character guard of URLs Tessera stores to send people to (core/safe-url.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpUrlSchema, urlTextProblem } from '../../src/core/safe-url.js';

const hex = (n: number) => n.toString(16).padStart(2, '0');

describe('urlTextProblem', () => {
  it('refuses every C0 control, DEL and every C1 control, raw, naming the code point and position', () => {
    const controls = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i)];
    for (const code of controls) {
      const url = `https://acme.example/a${String.fromCharCode(code)}b`;
      assert.equal(urlTextProblem(url), `must not contain control characters (found U+${code.toString(16).toUpperCase().padStart(4, '0')} at position 22)`, `U+${code.toString(16)}`);
    }
  });

  it('refuses them percent-encoded, in either case (C1 as its UTF-8 bytes)', () => {
    const encoded = [...Array.from({ length: 0x20 }, (_, i) => `%${hex(i)}`), '%7f', ...Array.from({ length: 0x20 }, (_, i) => `%c2%${hex(0x80 + i)}`)];
    for (const e of encoded) {
      for (const form of [e, e.toUpperCase()]) assert.match(urlTextProblem(`https://acme.example/a?q=${form}`) ?? '', /percent-encoded control characters/, form);
    }
  });

  it('refuses surrounding whitespace (the URL parser would drop it silently)', () => {
    for (const url of [' https://acme.example/', 'https://acme.example/ ', 'https://acme.example/\u00a0']) assert.match(urlTextProblem(url) ?? '', /whitespace/, JSON.stringify(url));
  });

  it('accepts ordinary URLs: encoded spaces, slashes and UTF-8, non-ASCII text, % that encodes no control', () => {
    for (const url of [
      'https://acme.example/', 'https://www.acme.example/pricing?plan=pro&x=a%20b#top', 'https://acme.example/a%2Fb%3F', 'https://acme.example/preise/€?q=grüße',
      'https://acme.example/%E2%82%AC', 'https://acme.example/%C3%BC', 'https://acme.example/%20%7e%7E%80', 'https://acme.example/100%', 'https://acme.example/a b',
    ]) assert.equal(urlTextProblem(url), null, url);
  });
});

describe('httpUrlSchema', () => {
  const schema = httpUrlSchema(100);
  it('keeps an accepted URL exactly as written', () => {
    for (const url of ['https://acme.example/a?b=1', 'http://acme.example:8080/x/', 'https://acme.example/ü']) assert.deepEqual(schema.safeParse(url), { success: true, data: url });
  });
  it('refuses what z.url() would have cleaned silently, and what is no absolute http(s) URL', () => {
    for (const bad of ['https://acme.example/a\r\nb', 'https://acme.example/a\tb', ' https://acme.example/', 'javascript:alert(1)', 'ftp://acme.example/', 'http:acme.example', '/relative', 'https://', `https://acme.example/${'a'.repeat(100)}`, 42, null]) {
      assert.equal(schema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });
});
