/**
 * CIDR matching of IPv4 and IPv6 addresses, pure (node:net's BlockList lives in an I/O module).
 * IPv4-mapped IPv6 addresses (`::ffff:17.1.2.3`) match IPv4 ranges.
 */

/** The address as a bigint and its family, or null when it is not an IP address. */
export function parseIp(text: string): { family: 4 | 6; value: bigint } | null {
  const ip = text.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return parseIp(mapped[1]!);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) {
    const parts = ip.split('.').map(Number);
    if (parts.some((p) => p > 255)) return null;
    return { family: 4, value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (!/^[0-9a-f:]+$/.test(ip) || !ip.includes(':')) return null;
  const halves = ip.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return { family: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/** Whether `ip` lies in the CIDR range (`17.0.0.0/8`, `2620:149::/32`); false for anything unparsable. */
export function inRange(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const address = parseIp(ip);
  const network = base ? parseIp(base) : null;
  if (!address || !network || address.family !== network.family) return false;
  const width = address.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return false;
  const shift = BigInt(width - bits);
  return address.value >> shift === network.value >> shift;
}
