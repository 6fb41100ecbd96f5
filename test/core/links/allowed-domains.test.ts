/** The click-redirect allow list: no open redirect through look-alike hosts, schemes or credentials. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAllowedHost, isAllowedTarget, parseLinkTarget } from '../../../src/core/links/allowed-domains.js';
import { inRange, parseIp } from '../../../src/core/links/ip-range.js';

describe('allow list', () => {
  const allowed = ['acme.com', 'Docs.Partner.IO.'];
  it('allows the domain and its subdomains, case-insensitively', () => {
    for (const url of ['https://acme.com/', 'https://www.acme.com/x?y=1#z', 'http://a.b.acme.com:8080/', 'https://ACME.COM/', 'https://docs.partner.io/guide', 'https://acme.com./']) {
      assert.equal(isAllowedTarget(url, allowed), true, url);
    }
  });
  it('refuses look-alikes, other schemes, credentials and garbage', () => {
    for (const url of ['https://evilacme.com/', 'https://acme.com.evil.example/', 'https://partner.io/', 'https://evil.example/?u=https://acme.com', 'javascript:alert(1)',
      'data:text/html,hi', 'ftp://acme.com/', '//acme.com/', '/relative', 'https://user:pw@acme.com/', 'https://acme.com@evil.example/', '', 'x'.repeat(3000), 'https://acme.com/' + 'a'.repeat(2100)]) {
      assert.equal(isAllowedTarget(url, allowed), false, url.slice(0, 60));
    }
    for (const value of [undefined, null, 1, {}, ['https://acme.com/']]) assert.equal(isAllowedTarget(value, allowed), false);
    assert.equal(isAllowedTarget('https://acme.com/', []), false, 'an empty list allows nothing');
    assert.equal(isAllowedHost('acme.com', ['']), false);
  });
  it('parses absolute http(s) URLs only', () => {
    assert.equal(parseLinkTarget('https://acme.com/a')?.hostname, 'acme.com');
    assert.equal(parseLinkTarget('mailto:a@acme.com'), null);
  });
});

describe('IP ranges', () => {
  it('parses IPv4, IPv6 (compressed, mapped, bracketed) and refuses garbage', () => {
    assert.deepEqual(parseIp('10.0.0.1'), { family: 4, value: 0x0a000001n });
    assert.equal(parseIp('::1')?.value, 1n);
    assert.equal(parseIp('[2001:db8::1]')?.family, 6);
    assert.equal(parseIp('::ffff:10.0.0.1')?.family, 4);
    for (const bad of ['', '256.1.1.1', '1.2.3', '1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9', 'localhost']) assert.equal(parseIp(bad), null, bad);
  });
  it('matches CIDR ranges of the same family only', () => {
    assert.equal(inRange('17.1.2.3', '17.0.0.0/8'), true);
    assert.equal(inRange('18.1.2.3', '17.0.0.0/8'), false);
    assert.equal(inRange('10.0.0.1', '0.0.0.0/0'), true);
    assert.equal(inRange('10.0.0.1', '10.0.0.1'), true, 'a single address');
    assert.equal(inRange('2001:db8::1', '2001:db8::/32'), true);
    assert.equal(inRange('2001:db9::1', '2001:db8::/32'), false);
    assert.equal(inRange('10.0.0.1', '::/0'), false, 'families differ');
    assert.equal(inRange('10.0.0.1', '10.0.0.0/33'), false);
    assert.equal(inRange('10.0.0.1', 'x/8'), false);
  });
});
