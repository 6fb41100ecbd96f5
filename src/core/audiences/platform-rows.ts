/**
 * The CSV files the ad platforms take, column names exactly as documented (see normalise.ts for
 * the documents and the normalisation of each value):
 *
 * - Meta Custom Audiences customer list: `email,phone,fn,ln,zip,country` (the identifier keys
 *   of Meta's customer file template; every value SHA-256 of its normal form).
 * - Google Ads Customer Match: `Email,Phone,First Name,Last Name,Country,Zip` (Google's upload
 *   template headers; Email, Phone, names hashed, Country and Zip in clear).
 * - LinkedIn Matched Audiences contact list: `email` (hashed with SHA-256).
 *
 * A person gives one row; a row with no usable identifier (no email, or for Meta and Google no
 * email and no phone) is left out (`null`) and counted as unmatchable.
 */
import { normaliseCountry, normaliseEmail, normaliseName, normalisePhone, normaliseZip, sha256, type Contact, type Platform } from './normalise.js';

export const HEADERS: Readonly<Record<Platform, readonly string[]>> = {
  meta: ['email', 'phone', 'fn', 'ln', 'zip', 'country'],
  google: ['Email', 'Phone', 'First Name', 'Last Name', 'Country', 'Zip'],
  linkedin: ['email'],
};

const hashed = (v: string | null) => (v === null ? '' : sha256(v));
const clear = (v: string | null) => v ?? '';

/** The row's cells in HEADERS order, or null when the person has nothing the platform matches on. */
export function platformRow(contact: Contact, platform: Platform, defaultCountry: string): string[] | null {
  const email = contact.email ? normaliseEmail(contact.email, platform) : null;
  if (platform === 'linkedin') return email === null ? null : [sha256(email)];
  const phone = contact.phone ? normalisePhone(contact.phone, platform, contact.country && /^[A-Za-z]{2}$/.test(contact.country.trim()) ? contact.country.trim() : defaultCountry) : null;
  if (email === null && phone === null) return null;
  const country = contact.country ? normaliseCountry(contact.country, platform) : null;
  const fn = contact.firstName ? normaliseName(contact.firstName, platform) : null;
  const ln = contact.lastName ? normaliseName(contact.lastName, platform) : null;
  const zip = contact.zip ? normaliseZip(contact.zip, platform, country) : null;
  if (platform === 'meta') return [hashed(email), hashed(phone), hashed(fn), hashed(ln), hashed(zip), hashed(country)];
  return [hashed(email), hashed(phone), hashed(fn), hashed(ln), clear(country), clear(zip)];
}

/**
 * What is kept of a person's exported row once they are erased, until the next export sends it as
 * a `remove` (the platforms match removals on the same hashes): the hashed cells only. Meta and
 * LinkedIn rows are all hashes and stay as they are; Google's clear Country and Zip are blanked —
 * every row has a hashed email or phone (`platformRow` gives no row otherwise), which is what a
 * removal matches on. `row` is a line `csvLine` wrote for `platform`.
 */
export function erasedRow(row: string, platform: Platform): string {
  if (platform !== 'google') return row;
  // The first four cells are hex digests or empty: no quoting, so the first four commas split them.
  return `${row.split(',', 4).join(',')},,\n`;
}

/** One CSV line (RFC 4180 quoting where needed; hashes never need it, clear zips might). */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')}\n`;
}

/** What a profile's traits give as contact data (strings only; anything else is ignored). */
export function contactOf(traits: Readonly<Record<string, unknown>>): Contact {
  const s = (...keys: string[]) => { for (const k of keys) { const v = traits[k]; if (typeof v === 'string' && v.trim() !== '') return v; } return undefined; };
  const contact: Contact = {};
  const pairs: Array<[keyof Contact, string | undefined]> = [
    ['email', s('email')], ['phone', s('phone')], ['firstName', s('firstName', 'first_name')], ['lastName', s('lastName', 'last_name')],
    ['zip', s('zip', 'postalCode', 'postal_code')], ['country', s('country')],
  ];
  for (const [k, v] of pairs) if (v !== undefined) contact[k] = v;
  return contact;
}
