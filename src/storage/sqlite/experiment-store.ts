/**
 * Experiments and sticky assignments in SQLite (see ports/experiment-store.ts). Writes run on the store's single
 * writer, so `INSERT … ON CONFLICT DO NOTHING` followed by a read of the row decides "first wins" atomically.
 * Merges move assignments in the ingest write transaction (`moveAssignments`, called from write-tx.ts).
 */
import type { AggregateRow } from '../../core/experiments/aggregates.js';
import { normalizeExperiment, type ConversionGoal, type Experiment } from '../../core/experiments/experiment.js';
import type { ExperimentAssignment, ExperimentChanges, ExperimentStore, RecomputeProgress, StoredExperiment, VariationCounts } from '../../ports/experiment-store.js';
import type { Database } from './database.js';

interface ExperimentRow { workspace_id: string; key: string; definition: string; created_at: number; updated_at: number; metrics_generation: number }
interface AggregateDbRow { experiment_key: string; generation: number; variation: number; metric_id: string; day: string; units: number; sum: number; sum_sq: number; den: number; den_sq: number; cross_sum: number; pre: number; pre_sq: number; pre_cross: number }
interface RecomputeRow { experiment_key: string; generation: number; cursor: string; processed: number; started_at: number; finished_at: number | null }
interface AssignmentRow { workspace_id: string; experiment_key: string; profile_id: string; variation: number; unit_value: string; assigned_at: number; contaminated: number }

const toStored = (r: ExperimentRow): StoredExperiment => ({
  workspaceId: r.workspace_id, experiment: normalizeExperiment(JSON.parse(r.definition) as Experiment), createdAt: r.created_at, updatedAt: r.updated_at, metricsGeneration: r.metrics_generation,
});
export const toAggregate = (r: AggregateDbRow): AggregateRow => ({
  experimentKey: r.experiment_key, generation: r.generation, variation: r.variation, metricId: r.metric_id, day: r.day,
  units: r.units, sum: r.sum, sumSq: r.sum_sq, den: r.den, denSq: r.den_sq, cross: r.cross_sum, pre: r.pre, preSq: r.pre_sq, preCross: r.pre_cross,
});
const toRecompute = (r: RecomputeRow): RecomputeProgress => ({
  experimentKey: r.experiment_key, generation: r.generation, cursor: r.cursor, processed: r.processed, startedAt: r.started_at, finishedAt: r.finished_at,
});

/** The statements that write ChangeSet.experiments, prepared with the other write statements (write-tx.ts). */
export function prepareExperimentWrites(db: Database.Database) {
  return {
    addAggregate: db.prepare(`INSERT INTO experiment_aggregates (workspace_id, experiment_key, generation, variation, metric_id, day, units, sum, sum_sq, den, den_sq, cross_sum, pre, pre_sq, pre_cross)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET units = units + excluded.units, sum = sum + excluded.sum, sum_sq = sum_sq + excluded.sum_sq,
        den = den + excluded.den, den_sq = den_sq + excluded.den_sq, cross_sum = cross_sum + excluded.cross_sum, pre = pre + excluded.pre, pre_sq = pre_sq + excluded.pre_sq, pre_cross = pre_cross + excluded.pre_cross`),
    putRecompute: db.prepare(`INSERT INTO experiment_recomputes (workspace_id, experiment_key, generation, cursor, processed, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET generation = excluded.generation, cursor = excluded.cursor, processed = excluded.processed, started_at = excluded.started_at, finished_at = excluded.finished_at`),
  };
}

export type ExperimentWrites = ReturnType<typeof prepareExperimentWrites>;

export function applyExperimentChanges(s: ExperimentWrites, workspaceId: string, c: ExperimentChanges | undefined): void {
  if (!c) return;
  for (const r of c.aggregates) s.addAggregate.run(workspaceId, r.experimentKey, r.generation, r.variation, r.metricId, r.day, r.units, r.sum, r.sumSq, r.den, r.denSq, r.cross, r.pre, r.preSq, r.preCross);
  const p = c.recompute;
  if (p) s.putRecompute.run(workspaceId, p.experimentKey, p.generation, p.cursor, p.processed, p.startedAt, p.finishedAt);
}
const toAssignment = (r: AssignmentRow): ExperimentAssignment => ({
  workspaceId: r.workspace_id, experimentKey: r.experiment_key, profileId: r.profile_id, variation: r.variation, unitValue: r.unit_value, assignedAt: r.assigned_at, contaminated: r.contaminated === 1,
});

/** The merge step's statements, prepared with the other write statements (write-tx.ts). */
export function prepareAssignmentMoves(db: Database.Database) {
  return {
    // Both had an assignment in different arms (or the merged one was contaminated): the survivor's is kept, contaminated.
    contaminate: db.prepare(`UPDATE experiment_assignments SET contaminated = 1
      WHERE workspace_id = ? AND profile_id = ? AND EXISTS (SELECT 1 FROM experiment_assignments o
        WHERE o.workspace_id = experiment_assignments.workspace_id AND o.profile_id = ? AND o.experiment_key = experiment_assignments.experiment_key
          AND (o.variation <> experiment_assignments.variation OR o.contaminated = 1))`),
    dropShadowed: db.prepare(`DELETE FROM experiment_assignments WHERE workspace_id = ? AND profile_id = ?
      AND experiment_key IN (SELECT experiment_key FROM experiment_assignments WHERE workspace_id = ? AND profile_id = ?)`),
    move: db.prepare('UPDATE experiment_assignments SET profile_id = ? WHERE workspace_id = ? AND profile_id = ?'),
  };
}

export type AssignmentMoves = ReturnType<typeof prepareAssignmentMoves>;

export function moveAssignments(s: AssignmentMoves, workspaceId: string, survivorId: string, mergedId: string): void {
  s.contaminate.run(workspaceId, survivorId, mergedId);
  s.dropShadowed.run(workspaceId, mergedId, workspaceId, survivorId);
  s.move.run(survivorId, workspaceId, mergedId);
}

export function createSqliteExperimentStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>): ExperimentStore {
  const s = {
    list: reader.prepare('SELECT * FROM experiments WHERE workspace_id = ? ORDER BY key'),
    get: reader.prepare('SELECT * FROM experiments WHERE workspace_id = ? AND key = ?'),
    insert: writer.prepare('INSERT INTO experiments (workspace_id, key, definition, created_at, updated_at, metrics_generation) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    update: writer.prepare('UPDATE experiments SET definition = ?, updated_at = ?, metrics_generation = ? WHERE workspace_id = ? AND key = ?'),
    updateIfUnchanged: writer.prepare('UPDATE experiments SET definition = ?, updated_at = ?, metrics_generation = ? WHERE workspace_id = ? AND key = ? AND updated_at = ?'),
    delete: writer.prepare('DELETE FROM experiments WHERE workspace_id = ? AND key = ?'),
    deleteRelated: ['experiment_aggregates', 'experiment_recomputes', 'experiment_weights'].map((table) => writer.prepare(`DELETE FROM ${table} WHERE workspace_id = ? AND experiment_key = ?`)),
    aggregates: reader.prepare('SELECT * FROM experiment_aggregates WHERE workspace_id = ? AND experiment_key = ? AND generation = ?'),
    dropOlder: writer.prepare('DELETE FROM experiment_aggregates WHERE workspace_id = ? AND experiment_key = ? AND generation < ?'),
    assignedProfiles: reader.prepare('SELECT profile_id FROM experiment_assignments WHERE workspace_id = ? AND experiment_key = ? AND profile_id > ? ORDER BY profile_id LIMIT ?').pluck(),
    assignedCount: reader.prepare('SELECT count(*) FROM experiment_assignments WHERE workspace_id = ? AND experiment_key = ?').pluck(),
    recompute: reader.prepare('SELECT * FROM experiment_recomputes WHERE workspace_id = ? AND experiment_key = ?'),
    recordWeights: writer.prepare('INSERT INTO experiment_weights (workspace_id, experiment_key, at, weights, reason) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET weights = excluded.weights, reason = excluded.reason'),
    weights: reader.prepare('SELECT at, weights, reason FROM experiment_weights WHERE workspace_id = ? AND experiment_key = ? ORDER BY at'),
    deleteAssignments: writer.prepare('DELETE FROM experiment_assignments WHERE workspace_id = ? AND experiment_key = ?'),
    assign: writer.prepare(`INSERT INTO experiment_assignments (workspace_id, experiment_key, profile_id, variation, unit_value, assigned_at, contaminated)
      VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    assignmentWriter: writer.prepare('SELECT * FROM experiment_assignments WHERE workspace_id = ? AND experiment_key = ? AND profile_id = ?'),
    assignment: reader.prepare('SELECT * FROM experiment_assignments WHERE workspace_id = ? AND experiment_key = ? AND profile_id = ?'),
    assignmentsOf: reader.prepare(`SELECT * FROM experiment_assignments INDEXED BY experiment_assignments_profile
      WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?)) ORDER BY experiment_key, profile_id`),
  };
  return {
    list: async (workspaceId) => (s.list.all(workspaceId) as ExperimentRow[]).map(toStored),
    get: async (workspaceId, key) => {
      const row = s.get.get(workspaceId, key) as ExperimentRow | undefined;
      return row ? toStored(row) : null;
    },
    create: (x) => exclusive(() => s.insert.run(x.workspaceId, x.experiment.key, JSON.stringify(x.experiment), x.createdAt, x.updatedAt, x.metricsGeneration).changes === 1),
    update: (x, options) => exclusive(() => {
      const values = [JSON.stringify(x.experiment), x.updatedAt, x.metricsGeneration, x.workspaceId, x.experiment.key] as const;
      const ifUpdatedAt = options?.ifUpdatedAt;
      return (ifUpdatedAt === undefined ? s.update.run(...values) : s.updateIfUnchanged.run(...values, ifUpdatedAt)).changes === 1;
    }),
    delete: (workspaceId, key) => exclusive(() => writer.transaction(() => {
      s.deleteAssignments.run(workspaceId, key);
      for (const statement of s.deleteRelated) statement.run(workspaceId, key);
      return s.delete.run(workspaceId, key).changes === 1;
    }).immediate()),
    assign: (a) => exclusive(() => writer.transaction(() => {
      const first = s.assign.run(a.workspaceId, a.experimentKey, a.profileId, a.variation, a.unitValue, a.assignedAt, a.contaminated ? 1 : 0).changes === 1;
      return { first, assignment: first ? a : toAssignment(s.assignmentWriter.get(a.workspaceId, a.experimentKey, a.profileId) as AssignmentRow) };
    }).immediate()),
    assignmentOf: async (workspaceId, key, profileId) => {
      const row = s.assignment.get(workspaceId, key, profileId) as AssignmentRow | undefined;
      return row ? toAssignment(row) : null;
    },
    assignmentsOf: async (workspaceId, profileIds) => (s.assignmentsOf.all(workspaceId, JSON.stringify(profileIds)) as AssignmentRow[]).map(toAssignment),
    conversionCounts: async (workspaceId, key, goal) => conversionCounts(reader, workspaceId, key, goal),
    aggregates: async (workspaceId, key, generation) => (s.aggregates.all(workspaceId, key, generation) as AggregateDbRow[]).map(toAggregate),
    dropOlderAggregates: (workspaceId, key, generation) => exclusive(() => { s.dropOlder.run(workspaceId, key, generation); }),
    assignedProfiles: async (workspaceId, key, after, limit) => s.assignedProfiles.all(workspaceId, key, after, limit) as string[],
    assignedCount: async (workspaceId, key) => s.assignedCount.get(workspaceId, key) as number,
    recomputeOf: async (workspaceId, key) => {
      const row = s.recompute.get(workspaceId, key) as RecomputeRow | undefined;
      return row ? toRecompute(row) : null;
    },
    recordWeights: (workspaceId, key, change) => exclusive(() => { s.recordWeights.run(workspaceId, key, change.at, JSON.stringify(change.weights), change.reason); }),
    weightHistory: async (workspaceId, key) => (s.weights.all(workspaceId, key) as Array<{ at: number; weights: string; reason: string }>).map((r) => ({ at: r.at, weights: JSON.parse(r.weights) as number[], reason: r.reason })),
  };
}

function conversionCounts(db: Database.Database, workspaceId: string, key: string, goal: ConversionGoal | null): VariationCounts[] {
  const filters = Object.entries(goal?.properties ?? {});
  // Property names are validated identifiers (validate-experiment.ts), so `$.properties.<name>` is a plain path.
  const where = filters.map(() => "AND json_type(e.body, ?) = 'text' AND json_extract(e.body, ?) = ?").join(' ');
  const sql = `SELECT a.variation AS variation, count(*) AS units, sum(a.contaminated) AS contaminated,
      sum(CASE WHEN a.contaminated = 0 AND EXISTS (SELECT 1 FROM events e INDEXED BY events_timeline
        WHERE e.profile_id = a.profile_id AND e.ts >= a.assigned_at AND e.ts < a.assigned_at + ? AND e.workspace_id = a.workspace_id
          AND e.type = 'track' AND e.name = ? ${where}) THEN 1 ELSE 0 END) AS conversions
    FROM experiment_assignments a WHERE a.workspace_id = ? AND a.experiment_key = ? GROUP BY a.variation ORDER BY a.variation`;
  // No goal: `e.name = NULL` matches nothing, so every count of conversions is 0.
  const params: unknown[] = [(goal?.windowHours ?? 0) * 3_600_000, goal?.event ?? null];
  for (const [name, value] of filters) params.push(`$.properties.${name}`, `$.properties.${name}`, value);
  params.push(workspaceId, key);
  return (db.prepare(sql).all(...params) as VariationCounts[]).map((r) => ({ variation: r.variation, units: r.units, contaminated: r.contaminated, conversions: r.conversions }));
}
