/**
 * Where webhooks may be sent: public internet addresses only, unless the operator allows more.
 *
 * A webhook URL is chosen by a workspace admin, and Tessera sends to it from inside the operator's
 * network. Without this policy an admin could make Tessera POST to the loopback, the private
 * network or the cloud metadata service (server-side request forgery, OWASP A10:2021). So:
 *
 * - An address is public when it is global unicast: IPv4 outside every special-purpose range
 *   (RFC 6890: loopback, RFC 1918 private, link-local incl. 169.254.169.254, CGNAT 100.64/10,
 *   0.0.0.0/8, multicast, broadcast, documentation, benchmarking, 240/4 …), IPv6 inside 2000::/3
 *   and outside its special ranges (so ::1, fe80::/10, fc00::/7 incl. fd00:ec2::254, NAT64
 *   64:ff9b::/96, 6to4, Teredo are refused). An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is
 *   judged as the IPv4 address it carries. The classification is ipaddr.js's `range()`.
 * - A URL is checked at registration (`checkUrl`: a literal address must be public; names that are
 *   internal by definition — `localhost`, single-label names, `.local`, `.internal`, … — are
 *   refused), and every address a name resolves to is checked again when connecting
 *   (`allowsAddress`, src/webhooks/send-delivery.ts), so that DNS cannot bypass the first check.
 * - The operator's allow-list (config `webhooks.allow`, TESSERA_WEBHOOK_ALLOW) names CIDRs or
 *   single addresses that are allowed although internal, and host names (exact, or `*.suffix` for
 *   every name below it) whose resolved addresses are all allowed.
 *
 * URLs reach this module after WHATWG URL parsing, which already writes every IPv4 spelling
 * (`0x7f.1`, `2130706433`, `0177.0.0.1`, `127.1`) as a dotted quad and lower-cases names.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface WebhookTargetPolicy {
  /**
   * Why the URL may not receive webhooks, or null when it may (as far as the URL alone tells: a
   * name is only resolved when connecting). Expects a URL that parses.
   */
  checkUrl(url: string): string | null;
  /** Whether a connection to `address`, which `host` resolved to (or is), is allowed. */
  allowsAddress(host: string, address: string): boolean;
}

export const INTERNAL_TARGET_REASON = 'must not point to an internal address (loopback, private network, link-local or cloud metadata, or a local-only name); an operator can allow internal targets with TESSERA_WEBHOOK_ALLOW';

/** Names that only ever mean this machine or the local network (RFC 6761, RFC 6762, RFC 8375, ICANN's `.internal`). */
const INTERNAL_SUFFIXES = ['localhost', 'localdomain', 'local', 'internal', 'home.arpa'];

const HOST_NAME = /^(\*\.)?(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** What one allow-list entry is, or null when it is neither a CIDR, an address nor a host name. */
export function parseAllowEntry(entry: string): { kind: 'range'; range: [Address, number] } | { kind: 'name'; name: string } | null {
  const text = entry.trim().toLowerCase();
  if (ipaddr.isValidCIDR(text)) {
    const [address, bits] = ipaddr.parseCIDR(text);
    // ::ffff:10.0.0.0/104 is 10.0.0.0/8: addresses are compared unmapped.
    const mapped = address.kind() === 'ipv6' && bits >= 96 && unmap(address).kind() === 'ipv4';
    return { kind: 'range', range: mapped ? [unmap(address), bits - 96] : [address, bits] };
  }
  if (isAddressLiteral(text)) {
    const address = unmap(ipaddr.parse(text));
    return { kind: 'range', range: [address, address.kind() === 'ipv4' ? 32 : 128] };
  }
  const name = stripDot(text);
  return HOST_NAME.test(name) && !/^(\*\.)?[0-9.]+$/.test(name) ? { kind: 'name', name } : null;
}

export function createWebhookTargetPolicy(allow: readonly string[] = []): WebhookTargetPolicy {
  const ranges: Array<[Address, number]> = [];
  const names: string[] = [];
  for (const entry of allow) {
    const parsed = parseAllowEntry(entry);
    if (!parsed) throw new Error(`Not a CIDR, address or host name: ${JSON.stringify(entry)}`);
    if (parsed.kind === 'range') ranges.push(parsed.range);
    else names.push(parsed.name);
  }
  const nameAllowed = (host: string) => names.some((n) => (n.startsWith('*.') ? host.endsWith(n.slice(1)) : host === n));
  const addressAllowed = (address: Address) => isPublicAddress(address) || ranges.some((r) => r[0].kind() === address.kind() && address.match(r));

  return {
    checkUrl(url) {
      const host = hostOf(new URL(url));
      if (nameAllowed(host)) return null;
      if (isAddressLiteral(host)) return addressAllowed(unmap(ipaddr.parse(host))) ? null : INTERNAL_TARGET_REASON;
      const internalName = !host.includes('.') || INTERNAL_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`));
      return internalName ? INTERNAL_TARGET_REASON : null;
    },
    allowsAddress(host, address) {
      if (nameAllowed(stripDot(host.toLowerCase()))) return true;
      if (!ipaddr.isValid(address)) return false;
      return addressAllowed(unmap(ipaddr.parse(address)));
    },
  };
}

/** Global unicast: see the file comment. */
export function isPublicAddress(address: Address): boolean {
  if (address.kind() === 'ipv4') return address.range() === 'unicast';
  return address.range() === 'unicast' && address.match(GLOBAL_UNICAST_V6);
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** The URL's host as a resolver and this policy see it: no IPv6 brackets, no trailing dot. */
export function hostOf(url: URL): string {
  return stripDot(url.hostname.replace(/^\[(.*)\]$/, '$1'));
}

const stripDot = (host: string) => host.replace(/\.$/, '');

/** A dotted-quad IPv4 or an IPv6 address (what a WHATWG URL's host is when it is an address). */
function isAddressLiteral(host: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(host) || ipaddr.IPv6.isValid(host);
}

function unmap(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}
