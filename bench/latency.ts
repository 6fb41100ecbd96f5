/** Latency samples of one run and their summary. Exact (all samples kept): runs are short. */
export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export class LatencyRecorder {
  private samples = new Float64Array(1 << 16);
  private count = 0;

  record(ms: number): void {
    if (this.count === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.count++] = ms;
  }

  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.count).sort();
    const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
    let sum = 0;
    for (const v of sorted) sum += v;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1), mean: sorted.length === 0 ? 0 : sum / sorted.length };
  }
}
