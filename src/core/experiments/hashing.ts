/**
 * Deterministic hashing of a unit into [0, 1), compatible with GrowthBook's SDKs.
 *
 * Behaviour matched (GrowthBook JavaScript SDK `hash(seed, value, version)`, documented in its SDK
 * specification "hashing" section and checked by its published `cases.json`):
 * - FNV-1a, 32 bit, over the UTF-16 code units of the string (what `String#charCodeAt` yields), offset basis
 *   0x811c9dc5, prime 0x01000193 (http://www.isthe.com/chongo/tech/comp/fnv/).
 * - version 1: `(fnv1a32(value + seed) % 1000) / 1000` — three decimals, the value first.
 * - version 2: `(fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000` — the decimal text of the first hash
 *   is hashed again, which spreads sequential ids better than version 1.
 * - any other version: null (the unit is not hashed and so not in the experiment).
 * Our own implementation; tests compare it with the published cases and with the real SDK for many ids.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a 32-bit over UTF-16 code units; returns an unsigned 32-bit integer. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

export type HashVersion = 1 | 2;
export const HASH_VERSIONS: readonly HashVersion[] = [1, 2];

/** The unit's position in [0, 1) for a seed, or null for an unknown hash version. */
export function hashUnit(seed: string, value: string, version: number): number | null {
  if (version === 2) return (fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000;
  if (version === 1) return (fnv1a32(value + seed) % 1000) / 1000;
  return null;
}
