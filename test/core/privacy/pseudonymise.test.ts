/**
 * Pseudonymisation of request metadata (GDPR Art. 4(5), Art. 25): an IP address is never kept in
 * full, a user agent only as device class, browser and OS. Anything that is not an IP address or
 * a user agent string is dropped, never kept as sent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../../src/core/events/event.js';
import { pseudonymiseContext, reduceUserAgent, truncateIp, type PseudonymiseOptions } from '../../../src/core/privacy/pseudonymise.js';

describe('truncateIp: IPv4 to /24', () => {
  it('zeroes the last octet', () => {
    assert.equal(truncateIp('203.0.113.77'), '203.0.113.0');
    assert.equal(truncateIp('1.2.3.4'), '1.2.3.0');
    assert.equal(truncateIp('0.0.0.0'), '0.0.0.0');
    assert.equal(truncateIp('255.255.255.255'), '255.255.255.0');
    assert.equal(truncateIp(' 192.168.1.20 '), '192.168.1.0', 'surrounding whitespace');
  });

  it('gives the same network for the same address however its octets are padded', () => {
    assert.equal(truncateIp('010.001.002.003'), '10.1.2.0');
  });

  it('refuses an address with any octet above 255, the last one included', () => {
    for (const ip of ['256.1.1.1', '1.256.1.1', '1.1.256.1', '1.1.1.256', '1.2.3.999', '999.999.999.999']) assert.equal(truncateIp(ip), null, ip);
  });

  it('refuses what is not a dotted quad', () => {
    for (const ip of ['1.2.3', '1.2.3.4.5', '1.2.3.', '.1.2.3', '1.2.3.4/24', '1.2.3.4:8080', '-1.2.3.4', '1.2.3.a', '1234.1.1.1', '']) {
      assert.equal(truncateIp(ip), null, ip);
    }
  });
});

describe('truncateIp: IPv6 to /48', () => {
  it('keeps the first three groups of a full address', () => {
    assert.equal(truncateIp('2001:0db8:85a3:1234:0000:8a2e:0370:7334'), '2001:db8:85a3::');
    assert.equal(truncateIp('2001:DB8:85A3:1:2:3:4:5'), '2001:db8:85a3::', 'upper case');
  });

  it('expands a compressed address before cutting it', () => {
    assert.equal(truncateIp('2001:db8::1'), '2001:db8:0::');
    assert.equal(truncateIp('2001::1:2:3'), '2001:0:0::');
    assert.equal(truncateIp('2001:db8:85a3::8a2e:370:7334'), '2001:db8:85a3::');
    assert.equal(truncateIp('2001:db8:85a3:1::'), '2001:db8:85a3::');
    assert.equal(truncateIp('fe80::1'), 'fe80:0:0::');
  });

  it('gives one spelling per network, whatever the zero padding', () => {
    const spellings = ['2001:db8::5', '2001:0db8::5', '2001:0db8:0000::5', '2001:db8:0:0:0:0:0:5', '2001:DB8::ffff'];
    assert.deepEqual(new Set(spellings.map(truncateIp)), new Set(['2001:db8:0::']));
  });

  it('truncates the loopback and unspecified addresses', () => {
    assert.equal(truncateIp('::1'), '0:0:0::');
    assert.equal(truncateIp('::'), '0:0:0::');
  });

  it('treats an IPv4-mapped address as the IPv4 address it carries', () => {
    assert.equal(truncateIp('::ffff:1.2.3.4'), '1.2.3.0');
    assert.equal(truncateIp('::FFFF:203.0.113.77'), '203.0.113.0');
    assert.equal(truncateIp('::ffff:1.2.3.999'), null);
  });

  it('reads an IPv6 address that ends in a dotted IPv4 part (NAT64, RFC 6052)', () => {
    assert.equal(truncateIp('64:ff9b::203.0.113.77'), '64:ff9b:0::');
    assert.equal(truncateIp('2001:db8:1:2:3:4:1.2.3.4'), '2001:db8:1::');
    assert.equal(truncateIp('64:ff9b::1.2.3.999'), null);
    assert.equal(truncateIp('1:2:3:4:5:6:7:1.2.3.4'), null, 'nine groups');
  });

  it('refuses what is not an IPv6 address', () => {
    for (const ip of [
      'abc:def', 'aa:bb:cc:dd:ee:ff', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '20011:db8::', '1::2::3', ':::', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:',
      'fe80::1%eth0', '[2001:db8::1]', '2001:db8::g', ':',
    ]) {
      assert.equal(truncateIp(ip), null, ip);
    }
  });

  it('refuses names and other strings', () => {
    for (const ip of ['localhost', 'example.com', 'unknown', '-', 'null']) assert.equal(truncateIp(ip), null, ip);
  });
});

const UA = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  safariIpad: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  chromeAndroid: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  chromeAndroidTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  cubotPhone: 'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  samsungTv: 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  googlebotSmartphone: 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  facebookPreview: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  headlessChrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36',
  curl: 'curl/8.4.0',
  wget: 'Wget/1.21.4',
  pythonRequests: 'python-requests/2.31.0',
};

describe('reduceUserAgent', () => {
  const cases: Array<[keyof typeof UA, string, string | null, string | null]> = [
    ['chromeWindows', 'desktop', 'Chrome', 'Windows'],
    ['edgeWindows', 'desktop', 'Microsoft Edge', 'Windows'],
    ['safariMac', 'desktop', 'Safari', 'macOS'],
    ['safariIphone', 'mobile', 'Safari', 'iOS'],
    ['safariIpad', 'tablet', 'Safari', 'iOS'],
    ['chromeAndroid', 'mobile', 'Chrome', 'Android'],
    ['chromeAndroidTablet', 'tablet', 'Chrome', 'Android'],
    ['cubotPhone', 'mobile', 'Chrome', 'Android'],
    ['firefoxLinux', 'desktop', 'Firefox', 'Linux'],
    ['samsungTv', 'tv', 'Samsung Internet for Android', 'Tizen'],
  ];
  for (const [name, deviceClass, browser, os] of cases) {
    it(`${name} → ${deviceClass}, ${browser}, ${os}`, () => {
      assert.deepEqual(reduceUserAgent(UA[name]), { deviceClass, browser, os });
    });
  }

  for (const name of ['googlebot', 'googlebotSmartphone', 'bingbot', 'facebookPreview', 'headlessChrome'] as const) {
    it(`${name} → bot`, () => {
      assert.equal(reduceUserAgent(UA[name]).deviceClass, 'bot');
    });
  }

  // A server relaying a person's events (a server-side SDK, a backend posting a form) uses an HTTP
  // library: not a bot, on every path alike (core/events/user-agent-class.ts).
  for (const name of ['curl', 'wget', 'pythonRequests'] as const) {
    it(`${name} → other, not bot`, () => {
      assert.equal(reduceUserAgent(UA[name]).deviceClass, 'other');
    });
  }

  it('reduces what it cannot parse to "other" without browser or OS', () => {
    assert.deepEqual(reduceUserAgent('hello'), { deviceClass: 'other', browser: null, os: null });
  });

  it('does not throw on an empty or blank user agent', () => {
    for (const ua of ['', '   ']) assert.deepEqual(reduceUserAgent(ua), { deviceClass: 'other', browser: null, os: null }, JSON.stringify(ua));
  });

  it('keeps no version, model or build', () => {
    const reduced = JSON.stringify(reduceUserAgent(UA.chromeAndroid));
    for (const detail of ['124', '14', 'Pixel', 'Mozilla']) assert.equal(reduced.includes(detail), false, detail);
  });
});

describe('pseudonymiseContext', () => {
  const hashed: string[] = [];
  const options = (overrides: Partial<PseudonymiseOptions> = {}): PseudonymiseOptions => ({
    ip: 'truncate', userAgent: 'reduce', hashIp: (ip) => { hashed.push(ip); return `h(${ip})`; }, ...overrides,
  });

  it('truncates the IP and reduces the user agent into device, browser and os', () => {
    const context = { ip: '203.0.113.77', userAgent: UA.safariIphone, locale: 'de-DE', page: { path: '/' } };
    assert.deepEqual(pseudonymiseContext(context, options()), {
      ip: '203.0.113.0', locale: 'de-DE', page: { path: '/' },
      device: { class: 'mobile' }, browser: { name: 'Safari' }, os: { name: 'iOS' },
    });
  });

  it('keeps the other fields of context.device and context.os, and overrides their class and name', () => {
    const context = { userAgent: UA.chromeWindows, device: { type: 'desktop', class: 'tv' }, os: { name: 'Commodore', version: '10' } };
    const next = pseudonymiseContext(context, options());
    assert.deepEqual(next.device, { type: 'desktop', class: 'desktop' });
    assert.deepEqual(next.os, { name: 'Windows', version: '10' });
  });

  it('replaces the IP with the keyed hash under the hash policy, and calls the hasher with the address', () => {
    hashed.length = 0;
    const next = pseudonymiseContext({ ip: '203.0.113.77' }, options({ ip: 'hash' }));
    assert.deepEqual(next, { ip: 'h(203.0.113.77)' });
    assert.deepEqual(hashed, ['203.0.113.77']);
  });

  it('does not call the hasher under the other policies', () => {
    hashed.length = 0;
    pseudonymiseContext({ ip: '203.0.113.77' }, options({ ip: 'truncate' }));
    pseudonymiseContext({ ip: '203.0.113.77' }, options({ ip: 'drop' }));
    assert.deepEqual(hashed, []);
  });

  it('removes the IP under the drop policy', () => {
    const next = pseudonymiseContext({ ip: '203.0.113.77', locale: 'en' }, options({ ip: 'drop' }));
    assert.deepEqual(next, { locale: 'en' });
    assert.equal(Object.hasOwn(next, 'ip'), false);
  });

  it('removes an IP that is not an IP address rather than keeping it', () => {
    for (const ip of ['unknown', '1.2.3.999', 'abc:def', 'kim@example.com']) {
      const next = pseudonymiseContext({ ip, locale: 'en' }, options());
      assert.deepEqual(next, { locale: 'en' }, ip);
    }
  });

  it('removes an ip or userAgent that is not a string: it cannot be pseudonymised, so it is not kept', () => {
    for (const value of [['203.0.113.77'], { address: '203.0.113.77' }, 3405803853, null, true]) {
      for (const policy of ['truncate', 'hash', 'drop'] as const) {
        const next = pseudonymiseContext({ ip: value, locale: 'en' }, options({ ip: policy }));
        assert.deepEqual(next, { locale: 'en' }, `${policy} ${JSON.stringify(value)}`);
      }
      const next = pseudonymiseContext({ userAgent: value, locale: 'en' }, options());
      assert.equal(Object.hasOwn(next, 'userAgent'), false, JSON.stringify(value));
    }
  });

  it('removes the raw user agent under both policies; drop adds nothing', () => {
    const reduced = pseudonymiseContext({ userAgent: UA.firefoxLinux }, options());
    assert.equal(Object.hasOwn(reduced, 'userAgent'), false);
    assert.equal(JSON.stringify(reduced).includes('Gecko'), false);
    assert.deepEqual(pseudonymiseContext({ userAgent: UA.firefoxLinux, locale: 'en' }, options({ userAgent: 'drop' })), { locale: 'en' });
  });

  it('handles an empty user agent without throwing', () => {
    const next = pseudonymiseContext({ userAgent: '' }, options());
    assert.equal(Object.hasOwn(next, 'userAgent'), false);
    assert.deepEqual(next.device, { class: 'other' });
  });

  it('never keeps client hints (userAgentData), with or without a user agent', () => {
    const hints = { brands: [{ brand: 'Chromium', version: '124' }], mobile: false, platform: 'Windows', model: 'X' };
    for (const policy of ['reduce', 'drop'] as const) {
      assert.deepEqual(pseudonymiseContext({ userAgentData: hints, locale: 'en' }, options({ userAgent: policy })), { locale: 'en' });
      const both = pseudonymiseContext({ userAgentData: hints, userAgent: UA.chromeWindows }, options({ userAgent: policy }));
      assert.equal(Object.hasOwn(both, 'userAgentData'), false);
    }
  });

  it('returns the same object when there is nothing to change', () => {
    for (const context of [{}, { locale: 'en', page: { path: '/' } }, { device: { type: 'ios' }, os: { name: 'iOS' } }]) {
      assert.equal(pseudonymiseContext(context, options()), context);
    }
  });

  it('does not mutate the context it is given', () => {
    const context: JsonObject = { ip: '203.0.113.77', userAgent: UA.chromeWindows, userAgentData: { mobile: false }, device: { id: 'd1' }, os: { version: '10' } };
    const before = structuredClone(context);
    const next = pseudonymiseContext(context, options());
    assert.deepEqual(context, before);
    assert.notEqual(next, context);
  });
});

describe('pseudonymiseContext: device ids from mobile SDKs', () => {
  const options: PseudonymiseOptions = { ip: 'truncate', userAgent: 'reduce', hashIp: (ip) => `h(${ip})`, hashDeviceId: (id) => `d(${id})` };

  it('replaces the device id by its keyed hash and drops the advertising id, keeping the rest', () => {
    const context = { device: { id: 'B5372DB0-C21E-11E4', advertisingId: '7A3CBEA0-BDF5-11E4', manufacturer: 'Apple', model: 'iPhone7,2', type: 'ios' } };
    assert.deepEqual(pseudonymiseContext(context, options), { device: { id: 'd(B5372DB0-C21E-11E4)', manufacturer: 'Apple', model: 'iPhone7,2', type: 'ios' } });
    assert.deepEqual(context.device.advertisingId, '7A3CBEA0-BDF5-11E4', 'the input is not mutated');
  });

  it('drops a device id that is not a non-empty string, and drops the advertising id even without a hasher', () => {
    assert.deepEqual(pseudonymiseContext({ device: { id: 42, type: 'android' } }, options), { device: { type: 'android' } });
    const { hashDeviceId: _none, ...withoutHasher } = options;
    assert.deepEqual(pseudonymiseContext({ device: { id: 'keep', advertisingId: 'x' } }, withoutHasher), { device: { id: 'keep' } });
  });

  it('combines with the user agent reduction', () => {
    const out = pseudonymiseContext({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', device: { id: 'dev-1', advertisingId: 'ad-1' } }, options);
    assert.deepEqual(out.device, { id: 'd(dev-1)', class: 'mobile' });
  });
});
