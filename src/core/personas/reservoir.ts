/**
 * A uniform sample of fixed size from a stream of unknown length, in one pass and O(size) memory:
 * reservoir sampling, Algorithm R (Vitter, "Random sampling with a reservoir", ACM TOMS 11(1),
 * 1985). The i-th item (0-based) replaces a random slot with probability size / (i + 1). With a
 * seeded generator the sample is reproducible for the same stream order.
 */
import type { Random } from '../seeded-random.js';

export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;

  constructor(private readonly size: number, private readonly random: Random) {}

  offer(item: T): void {
    this.seen++;
    if (this.items.length < this.size) { this.items.push(item); return; }
    const j = Math.floor(this.random() * this.seen);
    if (j < this.size) this.items[j] = item;
  }

  /** How many items were offered. */
  get offered(): number {
    return this.seen;
  }
}
