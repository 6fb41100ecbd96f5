/**
 * The visitor's country on an event (issue 18): `context.location.country`, ISO 3166-1 alpha-2,
 * looked up from the IP address before it is pseudonymised (ingest-service.ts). The IP is the
 * event's own `context.ip` (a server library sending on behalf of the visitor), else the address
 * the request came from. Only the country code is kept: the address itself goes on to be truncated,
 * hashed or dropped as the workspace's privacy settings say, and a request address that was not in
 * the event is never added to it.
 *
 * A country the sender set itself is kept as sent (never silently replaced).
 */
import type { JsonObject } from './event.js';

export function withCountry(context: JsonObject, requestIp: string | undefined, countryOf: (ip: string) => string | null): JsonObject {
  const location = context.location;
  if (location !== undefined && (typeof location !== 'object' || location === null || Array.isArray(location))) return context;
  const given = (location as JsonObject | undefined)?.country;
  if (given !== undefined && given !== null && given !== '') return context;
  const ip = typeof context.ip === 'string' ? context.ip : requestIp;
  if (ip === undefined || ip === '') return context;
  const country = countryOf(ip);
  return country === null ? context : { ...context, location: { ...(location as JsonObject | undefined), country } };
}

/** The country an event carries, upper-case, or null (absent or not two letters). */
export function countryOfEvent(context: JsonObject): string | null {
  const location = context.location;
  if (typeof location !== 'object' || location === null || Array.isArray(location)) return null;
  const country = (location as JsonObject).country;
  return typeof country === 'string' && /^[A-Za-z]{2}$/.test(country.trim()) ? country.trim().toUpperCase() : null;
}
