/**
 * A small seeded pseudo-random generator, so that whatever uses chance is reproducible (persona
 * fits, simulations, generated test data): the same seed gives the same numbers. Mulberry32 (Tommy Ettinger's 32-bit generator, public domain): a 32-bit
 * state advanced by a Weyl increment and mixed by two multiply-xorshift rounds; period 2^32, which
 * is ample for seeding a few restarts and a reservoir sample. Not for anything secret.
 */
export type Random = () => number;

/** Uniform numbers in [0, 1) from a 32-bit integer seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller transform), for generated test and benchmark data. */
export function normalDraw(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
