/**
 * Normalisation of a person's contact data before SHA-256 hashing, per ad platform. Each platform
 * matches hashes of ITS normal form, so the rules differ and are followed exactly as documented:
 *
 * - Meta Custom Audiences, "Hashing and normalizing data" (Marketing API, Custom Audiences
 *   guide, https://developers.facebook.com/docs/marketing-api/audiences/guides/custom-audiences#hash):
 *   email trimmed, lower-case; phone digits only, with the country code, no "+" and no leading
 *   zeros; first/last name lower-case without punctuation (UTF-8 letters kept); zip lower-case
 *   without spaces (US: the first 5 digits); country the ISO 3166-1 alpha-2 code, lower-case.
 *   Every column is hashed, country and zip included.
 * - Google Ads Customer Match, "Customer Match data upload formatting guidelines"
 *   (https://support.google.com/google-ads/answer/7659867) and the Google Ads API "Normalize and
 *   hash" rules for user data (https://developers.google.com/google-ads/api/docs/remarketing/audience-segments/customer-match/get-started#normalize_and_hash):
 *   email trimmed, lower-case, and for gmail.com / googlemail.com addresses the periods before
 *   the "@" removed (Google states this rule; Meta and LinkedIn do not). Nothing else: a "+tag"
 *   is kept and googlemail.com is not rewritten to gmail.com — the Google Ads API client
 *   libraries' `normalizeAndHashEmailAddress` samples (e.g. google-ads-php
 *   examples/Remarketing/UploadEnhancedConversionsForWeb.php) do exactly this, and the guidelines
 *   name no other rule; addresses on other domains (a.b@mail.gmail.com, a.b@gmail.co.uk) keep
 *   their dots. Phone in E.164 with "+"
 *   and the country code; first/last name lower-case without surrounding whitespace; country
 *   (ISO alpha-2, upper-case) and zip are sent in clear, not hashed.
 * - LinkedIn Matched Audiences, "Contact list formatting" (https://www.linkedin.com/help/lms/answer/a420095)
 *   and the DMP segment list upload (https://learn.microsoft.com/en-us/linkedin/marketing/matched-audiences/create-and-manage-list-uploads):
 *   an email column, SHA-256 of the trimmed, lower-cased address.
 *
 * Phone numbers: parsed with libphonenumber-js (the maintained port of Google's libphonenumber)
 * with the workspace's default country for numbers written without one; a number that does not
 * parse as a valid number is left out rather than guessed.
 */
import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export const PLATFORMS = ['meta', 'google', 'linkedin'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** What an export reads of a person (from the traits `email`, `phone`, `firstName`, `lastName`, `zip`/`postalCode`, `country`). */
export interface Contact {
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  zip?: string;
  country?: string;
}

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trimmed, lower-case; null when it is not an address. */
export function normaliseEmail(raw: string, platform: Platform): string | null {
  const email = raw.trim().toLowerCase();
  if (!EMAIL.test(email)) return null;
  if (platform !== 'google') return email;
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  return domain === 'gmail.com' || domain === 'googlemail.com' ? `${email.slice(0, at).replaceAll('.', '')}@${domain}` : email;
}

/** E.164 (`+4930123456`); Meta wants the same digits without the "+". Null when not a valid number. */
export function normalisePhone(raw: string, platform: Platform, defaultCountry: string): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry.toUpperCase() as CountryCode);
  if (!parsed || !parsed.isValid()) return null;
  return platform === 'meta' ? parsed.number.slice(1) : parsed.number;
}

/** Lower-case; Meta: punctuation removed (letters of every script kept); Google: trimmed. */
export function normaliseName(raw: string, platform: Platform): string | null {
  const lower = raw.trim().toLowerCase();
  const name = platform === 'meta' ? lower.replace(/[^\p{L}\p{M}\p{N}]/gu, '') : lower;
  return name === '' ? null : name;
}

/** ISO 3166-1 alpha-2: Meta lower-case, Google upper-case; null when not two letters. */
export function normaliseCountry(raw: string, platform: Platform): string | null {
  const code = raw.trim();
  if (!/^[A-Za-z]{2}$/.test(code)) return null;
  return platform === 'meta' ? code.toLowerCase() : code.toUpperCase();
}

/** Meta: lower-case without spaces or dashes, US zips cut to 5 digits; Google: trimmed, as written. */
export function normaliseZip(raw: string, platform: Platform, country: string | null): string | null {
  if (platform !== 'meta') { const zip = raw.trim(); return zip === '' ? null : zip; }
  let zip = raw.toLowerCase().replace(/[\s-]/g, '');
  if (country?.toLowerCase() === 'us') zip = zip.slice(0, 5);
  return zip === '' ? null : zip;
}
