/**
 * The rollup changes of one ingest batch, accumulated in memory: metric sums and visitor sketches
 * per hour × dimension value × slice (audience, channel, device). Rows with the same key within a
 * batch collapse into one, so a batch writes each row once, however many events it carries.
 */
import { HyperLogLog, hllPoint } from './hll.js';
import { emptyMetrics, type Cell, type Metric, type Metrics, type RollupDim, type VisitAttributes } from './dimensions.js';
import { isGoalTotal } from './goal.js';

export const HOUR_MS = 3_600_000;
export const hourOf = (at: number): number => Math.floor(at / HOUR_MS);

export interface RollupKey {
  hour: number;
  dim: RollupDim;
  value: string;
  audience: string;
  channel: string;
  device: string;
}

export interface RollupRow extends RollupKey {
  metrics: Metrics;
}

export interface SketchRow extends RollupKey {
  sketch: HyperLogLog;
}

/** Where a visitor falls in a sketch: its register and rank, hashed once per hit. */
export interface VisitorPoint { index: number; rank: number }

export function visitorPoint(visitor: string): VisitorPoint {
  return hllPoint(visitor);
}

export type { Cell } from './dimensions.js';

/** The slice of the sketches of every dimension but `all` (see `see`). */
export const ANY_SLICE: SliceValues = { audience: '*', channel: '*', device: '*' };

interface SliceValues { audience: string; channel: string; device: string }

/** The rows a visit counts under (visit.ts's visitCells; passed in to keep this file free of visit rules). */
export type VisitCells = (attributes: VisitAttributes) => Cell[];

export class RollupChanges {
  private readonly rows = new Map<string, RollupRow>();
  private readonly sketches = new Map<string, SketchRow>();
  /** Visit-level sums per visit (by its attributes object) and hour, spread over its cells once, in `metricRows`. */
  private readonly visits = new Map<VisitAttributes, Map<number, Metrics>>();

  constructor(private readonly cells: VisitCells) {}

  /** Adds `metrics` to every row the visit counts under (`cells(attributes)`) in `hour`. */
  addVisit(hour: number, attributes: VisitAttributes, metrics: Partial<Record<Metric, number>>): void {
    let hours = this.visits.get(attributes);
    if (!hours) this.visits.set(attributes, (hours = new Map()));
    let sums = hours.get(hour);
    if (!sums) hours.set(hour, (sums = emptyMetrics()));
    for (const metric in metrics) sums[metric as Metric] += metrics[metric as Metric]!;
  }

  /** Adds `metrics` to each cell's row of `hour` under the visit's slice. */
  add(hour: number, cells: readonly Cell[], slice: VisitAttributes, metrics: Partial<Record<Metric, number>>): void {
    for (const [dim, value] of cells) {
      const key = keyOf(hour, dim, value, slice);
      let row = this.rows.get(key);
      if (!row) {
        row = { hour, dim, value, audience: slice.audience, channel: slice.channel, device: slice.device, metrics: emptyMetrics() };
        this.rows.set(key, row);
      }
      for (const metric in metrics) row.metrics[metric as Metric] += metrics[metric as Metric]!;
    }
  }

  /**
   * Counts the visitor in each cell's sketch of `hour`. Every dimension keeps one sketch per value
   * (ANY_SLICE); the totals (`all`) also keep one per slice (audience, channel, device), for
   * filtered visitor counts. A sketch is the costly part of a rollup to rewrite and per slice there
   * would be dozens; an unfiltered total reads one sketch per hour instead of one per slice.
   */
  see(hour: number, cells: readonly Cell[], visitSlice: VisitAttributes, point: VisitorPoint): void {
    for (const [dim, value] of cells) {
      this.sketchOf(hour, dim, value, ANY_SLICE).set(point.index, point.rank);
      if (dim === 'all' || isGoalTotal(dim)) this.sketchOf(hour, dim, value, visitSlice).set(point.index, point.rank);
    }
  }

  private sketchOf(hour: number, dim: RollupDim, value: string, slice: SliceValues): HyperLogLog {
    const key = keyOf(hour, dim, value, slice);
    let row = this.sketches.get(key);
    if (!row) {
      row = { hour, dim, value, audience: slice.audience, channel: slice.channel, device: slice.device, sketch: new HyperLogLog() };
      this.sketches.set(key, row);
    }
    return row.sketch;
  }

  /** The rows with any metric other than zero (a retraction may cancel an addition in one batch). */
  metricRows(): RollupRow[] {
    for (const [attributes, hours] of this.visits) {
      const cells = this.cells(attributes);
      for (const [hour, metrics] of hours) this.add(hour, cells, attributes, metrics);
    }
    this.visits.clear();
    return [...this.rows.values()].filter((r) => Object.values(r.metrics).some((v) => v !== 0));
  }

  sketchRows(): SketchRow[] {
    return [...this.sketches.values()];
  }

  get size(): number {
    return this.rows.size + this.sketches.size;
  }
}

function keyOf(hour: number, dim: string, value: string, slice: SliceValues): string {
  return `${hour}\u0000${dim}\u0000${value}\u0000${slice.audience}\u0000${slice.channel}\u0000${slice.device}`;
}
