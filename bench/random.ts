/**
 * A small seeded pseudo-random generator (mulberry32), so that two runs send the same traffic
 * shape. Not for anything secret.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
  /** A UUID-shaped string (version 4 layout), as analytics.js uses for anonymous ids. */
  uuid(): string;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const hex = (digits: number) => {
    let s = '';
    for (let i = 0; i < digits; i++) s += '0123456789abcdef'[int(16)];
    return s;
  };
  return {
    next,
    int,
    pick: (list) => list[int(list.length)]!,
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(4)]}${hex(3)}-${hex(12)}`,
  };
}
