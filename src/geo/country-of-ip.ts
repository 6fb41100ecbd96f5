/**
 * The country of an IP address, from an offline GeoIP database that an npm package ships: no
 * network at run time, nothing downloaded at install.
 *
 * Database: `@ip-location-db/geo-whois-asn-country-mmdb` (the package declares CC0-1.0; its data
 * merges GeoFeed, the five RIRs' WHOIS and ASN country data, the latter two published by the NRO
 * under CC BY 4.0 — attribution: "Data from the NRO, nro.net", given in docs/analytics.md). Read
 * with `mmdb-lib` (MIT), the MaxMind DB format reader. Country only: ISO 3166-1 alpha-2, upper-case.
 *
 * The file (≈ 8 MB) is read once per process, at the first lookup. Only public unicast addresses
 * are looked up: private, loopback, link-local and other reserved ranges have no country (null) —
 * the published file maps some of them to a country (its README warns of such data bugs). A database that cannot be read makes every lookup null and is
 * reported once through `onError` (ingest must never fail for want of a country).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';
import { LRUCache } from 'lru-cache';
import { Reader, type Response } from 'mmdb-lib';

export type CountryOf = (ip: string) => string | null;

interface CountryRecord { country_code?: unknown }

const DATABASE = '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb';

// The file's records are `{ country_code }`, not one of the MaxMind shapes the reader's types name.
let shared: Reader<Response> | null | undefined;

function open(onError: (error: unknown) => void): Reader<Response> | null {
  if (shared !== undefined) return shared;
  try {
    const path = createRequire(import.meta.url).resolve(DATABASE);
    shared = new Reader<Response>(readFileSync(path));
  } catch (error) {
    shared = null;
    onError(error);
  }
  return shared;
}

/**
 * Addresses recently looked up, in memory only (never stored): a visitor's events come from one
 * address, and a lookup costs ≈ 25 µs (most of it checking the address's range), a cached one ≈ 1 µs.
 */
const CACHED = 50_000;
const NO_COUNTRY = '';
/** The longest text form of an address (IPv4-mapped IPv6 with a zone is shorter), with room for spaces. */
const MAX_ADDRESS_LENGTH = 64;

/** The lookup over the shipped database (shared by every caller of the process). */
export function createCountryLookup(onError: (error: unknown) => void = () => {}): CountryOf {
  const cache = new LRUCache<string, string>({ max: CACHED });
  return (ip) => {
    if (ip.length > MAX_ADDRESS_LENGTH) return null; // no address is longer; not kept in the cache
    const cached = cache.get(ip);
    if (cached !== undefined) return cached === NO_COUNTRY ? null : cached;
    const country = lookup(ip, onError);
    cache.set(ip, country ?? NO_COUNTRY);
    return country;
  };
}

function lookup(ip: string, onError: (error: unknown) => void): string | null {
  const reader = open(onError);
  if (reader === null) return null;
  const text = ip.trim();
  if (!ipaddr.isValid(text)) return null;
  const address = ipaddr.process(text); // an IPv4-mapped IPv6 address as the IPv4 one
  if (address.range() !== 'unicast') return null;
  let record: CountryRecord | null;
  try { record = reader.get(address.toString()) as CountryRecord | null; } catch { return null; }
  const code = record?.country_code;
  return typeof code === 'string' && /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : null;
}
