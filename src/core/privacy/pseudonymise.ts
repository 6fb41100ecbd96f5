/**
 * Pseudonymisation of request metadata (GDPR Art. 4(5), Art. 25 data protection by design).
 * IP addresses are never stored in full: truncated (IPv4 to /24, IPv6 to /48), replaced by a keyed
 * hash whose key rotates daily (visits on one day can be told apart, nothing links days), or dropped.
 * User agents are reduced to device class, browser family and operating system.
 */
import Bowser from 'bowser';
import type { JsonObject } from '../events/event.js';

export type IpPolicy = 'truncate' | 'hash' | 'drop';
export type UserAgentPolicy = 'reduce' | 'drop';

export interface ReducedUserAgent {
  deviceClass: 'desktop' | 'mobile' | 'tablet' | 'tv' | 'bot' | 'other';
  browser: string | null;
  os: string | null;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The network part of an address; null when it is not an IP address. */
export function truncateIp(ip: string): string | null {
  const v4 = IPV4.exec(ip.trim());
  if (v4) return v4.slice(1, 4).every((o) => Number(o) <= 255) ? `${v4[1]}.${v4[2]}.${v4[3]}.0` : null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip.trim());
  if (mapped) return truncateIp(mapped[1]!);
  if (!/^[0-9a-f:]+$/i.test(ip.trim()) || !ip.includes(':')) return null;
  const [head = ''] = ip.trim().toLowerCase().split('::');
  const groups = head.split(':').filter((g) => g.length > 0);
  return `${[...groups, '0', '0', '0'].slice(0, 3).join(':')}::`;
}

const BOT = /bot|crawl|spider|slurp|preview|scanner|monitor|headless|curl|wget|python-requests|go-http-client/i;

export function reduceUserAgent(ua: string): ReducedUserAgent {
  const parser = Bowser.getParser(ua);
  const platform = parser.getPlatformType(true);
  const deviceClass: ReducedUserAgent['deviceClass'] = BOT.test(ua) ? 'bot'
    : platform === 'desktop' || platform === 'mobile' || platform === 'tablet' || platform === 'tv' ? platform : 'other';
  return { deviceClass, browser: parser.getBrowserName() || null, os: parser.getOSName() || null };
}

export interface PseudonymiseOptions {
  ip: IpPolicy;
  userAgent: UserAgentPolicy;
  /** Keyed hash of an IP with today's key (provided by the caller: keys are secrets). */
  hashIp: (ip: string) => string;
}

/**
 * The event context with `ip` and `userAgent` pseudonymised. The reduced user agent is kept as
 * `context.device` fields; the raw string is not kept. Returns the same object when there is
 * nothing to change.
 */
export function pseudonymiseContext(context: JsonObject, options: PseudonymiseOptions): JsonObject {
  const ip = context.ip;
  const ua = context.userAgent;
  if (typeof ip !== 'string' && typeof ua !== 'string' && !('userAgentData' in context)) return context;
  const next: JsonObject = { ...context };
  if (typeof ip === 'string') {
    if (options.ip === 'truncate') next.ip = truncateIp(ip);
    else if (options.ip === 'hash') next.ip = options.hashIp(ip);
    else delete next.ip;
    if (next.ip === null) delete next.ip;
  }
  if (typeof ua === 'string') {
    delete next.userAgent;
    if (options.userAgent === 'reduce') {
      const reduced = reduceUserAgent(ua);
      const device = typeof context.device === 'object' && context.device !== null ? (context.device as JsonObject) : {};
      next.device = { ...device, class: reduced.deviceClass };
      next.browser = { name: reduced.browser };
      next.os = { ...(typeof context.os === 'object' && context.os !== null ? (context.os as JsonObject) : {}), name: reduced.os };
    }
  }
  // Client hints carry the same detail as the user agent (model, platform version).
  delete next.userAgentData;
  return next;
}
