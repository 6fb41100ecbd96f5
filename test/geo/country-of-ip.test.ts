/** The country of an IP from the shipped database file (geo/country-of-ip.ts), and where ingest takes it (core/events/country.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCountryLookup } from '../../src/geo/country-of-ip.js';
import { countryOfEvent, withCountry } from '../../src/core/events/country.js';

const countryOf = createCountryLookup((error) => { throw error; });

test('known addresses give their country (IPv4 and IPv6); private, loopback and non-addresses none', () => {
  assert.equal(countryOf('8.8.8.8'), 'US');
  assert.equal(countryOf('193.99.144.80'), 'DE');
  assert.equal(countryOf('133.242.0.3'), 'JP');
  assert.equal(countryOf('81.2.69.142'), 'GB');
  assert.equal(countryOf('2001:4860:4860::8888'), 'US');
  assert.equal(countryOf('::ffff:193.99.144.80'), 'DE');
  for (const ip of ['1.1.1.1 '.repeat(20), '127.0.0.1', '10.1.2.3', '192.168.0.1', '172.16.5.4', '169.254.1.1', 'fe80::1', 'fc00::1', '::1', '::ffff:192.168.0.1', 'not an ip', '', '999.1.1.1', '1.2.3.0/24']) assert.equal(countryOf(ip), null, ip);
});

test('the event\'s own ip comes first, then the request\'s; a country the sender set stays; the address is never added', () => {
  const lookup = (ip: string) => ({ '1.1.1.1': 'AU', '2.2.2.2': 'FR' } as Record<string, string>)[ip] ?? null;
  assert.deepEqual(withCountry({ ip: '1.1.1.1' }, '2.2.2.2', lookup), { ip: '1.1.1.1', location: { country: 'AU' } });
  assert.deepEqual(withCountry({ locale: 'de' }, '2.2.2.2', lookup), { locale: 'de', location: { country: 'FR' } });
  assert.deepEqual(withCountry({ location: { city: 'Lyon' } }, '2.2.2.2', lookup), { location: { city: 'Lyon', country: 'FR' } });
  const own = { location: { country: 'CH' } };
  assert.equal(withCountry(own, '2.2.2.2', lookup), own);
  const odd = { location: 'somewhere' };
  assert.equal(withCountry(odd, '2.2.2.2', lookup), odd);
  const unknown = { ip: '10.0.0.1' };
  assert.equal(withCountry(unknown, undefined, lookup), unknown);
  assert.equal(countryOfEvent({ location: { country: 'de ' } }), 'DE');
  assert.equal(countryOfEvent({ location: { country: 'Germany' } }), null);
  assert.equal(countryOfEvent({}), null);
});

test('a repeated address answers the same from the cache', () => {
  for (let i = 0; i < 3; i++) {
    assert.equal(countryOf('193.99.144.80'), 'DE');
    assert.equal(countryOf('10.0.0.1'), null);
  }
});
