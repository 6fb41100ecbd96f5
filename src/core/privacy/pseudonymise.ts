/**
 * Pseudonymisation of request metadata (GDPR Art. 4(5), Art. 25 data protection by design).
 * IP addresses are never stored in full: truncated (IPv4 to /24, IPv6 to /48), replaced by a keyed
 * hash whose key rotates daily (visits on one day can be told apart, nothing links days), or dropped.
 * User agents are reduced to device class, browser family and operating system.
 */
import Bowser from 'bowser';
import type { JsonObject } from '../events/event.js';
import { classifyUserAgent } from '../events/user-agent-class.js';

export type IpPolicy = 'truncate' | 'hash' | 'drop';
export type UserAgentPolicy = 'reduce' | 'drop';

export interface ReducedUserAgent {
  deviceClass: 'desktop' | 'mobile' | 'tablet' | 'tv' | 'bot' | 'other';
  browser: string | null;
  os: string | null;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6_GROUP = /^[0-9a-f]{1,4}$/;

/** The network part of an address; null when it is not an IP address. */
export function truncateIp(ip: string): string | null {
  const trimmed = ip.trim();
  const v4 = IPV4.exec(trimmed);
  if (v4) {
    // All four octets are checked (1.2.3.999 is not an address) and written without zero padding,
    // so that one network has one spelling.
    const octets = v4.slice(1, 5).map(Number);
    return octets.every((o) => o <= 255) ? `${octets[0]}.${octets[1]}.${octets[2]}.0` : null;
  }
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  if (mapped) return truncateIp(mapped[1]!);
  const groups = ipv6Groups(trimmed);
  return groups ? `${groups.slice(0, 3).join(':')}::` : null;
}

/**
 * The eight groups of an IPv6 address (RFC 4291 §2.2), lower case without zero padding; null when
 * the text is not one. Validated in full, so that a MAC address or `abc:def` is not "truncated"
 * into something that looks like a network, and `2001:0db8::` and `2001:db8::` are one network.
 */
function ipv6Groups(text: string): string[] | null {
  let ip = text.toLowerCase();
  const dotted = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip); // an embedded IPv4 tail
  if (dotted) {
    const o = dotted.slice(2, 6).map(Number);
    if (o.some((x) => x > 255)) return null;
    ip = `${dotted[1]}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const halves = ip.split('::');
  if (halves.length > 2) return null;
  const [head = [], tail = []] = halves.map((h) => (h === '' ? [] : h.split(':')));
  if (![...head, ...tail].every((g) => IPV6_GROUP.test(g))) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...head, ...new Array<string>(missing).fill('0'), ...tail].map((g) => parseInt(g, 16).toString(16));
}

/**
 * Parsing a user agent is costly and real traffic repeats a few hundred of them, so results are
 * remembered (bounded; a result never changes for the same string). Callers get a copy.
 */
const reduced = new Map<string, ReducedUserAgent>();
const REMEMBERED = 2_000;

export function reduceUserAgent(ua: string): ReducedUserAgent {
  let result = reduced.get(ua);
  if (!result) {
    result = parseUserAgent(ua);
    if (reduced.size >= REMEMBERED) reduced.clear();
    reduced.set(ua, result);
  }
  return { ...result };
}

function parseUserAgent(ua: string): ReducedUserAgent {
  // Bowser throws on an empty user agent; a blank one tells nothing.
  if (ua.trim() === '') return { deviceClass: 'other', browser: null, os: null };
  const parser = Bowser.getParser(ua);
  const platform = parser.getPlatformType(true);
  // The one rule of what is automated (core/events/user-agent-class.ts). An HTTP library is not a
  // bot: it is a server relaying a person's event (its class is "other").
  const deviceClass: ReducedUserAgent['deviceClass'] = classifyUserAgent(ua).kind === 'automated' ? 'bot'
    : platform === 'desktop' || platform === 'mobile' || platform === 'tablet' || platform === 'tv' ? platform : 'other';
  return { deviceClass, browser: parser.getBrowserName() || null, os: parser.getOSName() || null };
}

export interface PseudonymiseOptions {
  ip: IpPolicy;
  userAgent: UserAgentPolicy;
  /** Keyed hash of an IP with today's key (provided by the caller: keys are secrets). */
  hashIp: (ip: string) => string;
  /**
   * Keyed, stable hash of a device id (mobile SDKs send `context.device.id`). When given, the id
   * is replaced by its hash; the advertising id is always dropped (a cross-company tracking id
   * a first-party profile does not need).
   */
  hashDeviceId?: (id: string) => string;
}

/**
 * The event context with `ip` and `userAgent` pseudonymised. The reduced user agent is kept as
 * `context.device` fields; the raw string is not kept. Returns the same object when there is
 * nothing to change.
 */
export function pseudonymiseContext(context: JsonObject, options: PseudonymiseOptions): JsonObject {
  const ip = context.ip;
  const ua = context.userAgent;
  const hasIp = Object.hasOwn(context, 'ip');
  const hasUa = Object.hasOwn(context, 'userAgent');
  const device = typeof context.device === 'object' && context.device !== null && !Array.isArray(context.device) ? (context.device as JsonObject) : null;
  const deviceIds = device !== null && (Object.hasOwn(device, 'advertisingId') || (options.hashDeviceId !== undefined && Object.hasOwn(device, 'id')));
  if (!hasIp && !hasUa && !deviceIds && !Object.hasOwn(context, 'userAgentData')) return context;
  // Copied without the fields that go (rather than spread and `delete`d, which leaves a slow
  // dictionary-mode object for everything downstream to read and serialise).
  const next: JsonObject = {};
  for (const key in context) if (key !== 'ip' && key !== 'userAgent' && key !== 'userAgentData') next[key] = context[key];
  if (device && deviceIds) {
    const rest: JsonObject = {};
    for (const key in device) if (key !== 'advertisingId') rest[key] = device[key];
    if (options.hashDeviceId && Object.hasOwn(rest, 'id')) {
      if (typeof rest.id === 'string' && rest.id.length > 0) rest.id = options.hashDeviceId(rest.id);
      else delete rest.id;
    }
    next.device = rest;
  }
  // Only a string can be pseudonymised: an ip or userAgent of another type (an array, an object,
  // a number) is dropped, never kept as sent.
  if (hasIp && typeof ip === 'string') {
    const value = options.ip === 'truncate' ? truncateIp(ip) : options.ip === 'hash' ? options.hashIp(ip) : null;
    if (value !== null) next.ip = value;
  }
  if (hasUa && typeof ua === 'string' && options.userAgent === 'reduce') {
    const reduced = reduceUserAgent(ua);
    const current = typeof next.device === 'object' && next.device !== null ? (next.device as JsonObject) : {};
    next.device = { ...current, class: reduced.deviceClass };
    next.browser = { name: reduced.browser };
    next.os = { ...(typeof context.os === 'object' && context.os !== null ? (context.os as JsonObject) : {}), name: reduced.os };
  }
  // Client hints (`userAgentData`) carry the same detail as the user agent (model, platform version): dropped above.
  return next;
}
