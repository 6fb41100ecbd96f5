/**
 * Experiments and sticky assignments in PostgreSQL (see ports/experiment-store.ts). The primary key
 * (workspace_id, experiment_key, profile_id) decides "first wins": `INSERT … ON CONFLICT DO NOTHING` inserts for
 * exactly one of concurrent assignments, and the others read the winner's committed row. Merges move assignments
 * in the ingest write transaction (`assignmentMoveQueries`, called from apply-changes.ts).
 */
import type { AggregateRow } from '../../core/experiments/aggregates.js';
import { normalizeExperiment, type ConversionGoal, type Experiment } from '../../core/experiments/experiment.js';
import type { ExperimentAssignment, ExperimentChanges, ExperimentStore, RecomputeProgress, StoredExperiment, VariationCounts } from '../../ports/experiment-store.js';
import type { Pool, Queryable } from './database.js';
import { inTransaction } from './transaction.js';

interface ExperimentRow { workspace_id: string; key: string; definition: Experiment; created_at: string; updated_at: string; metrics_generation: number }
interface AggregateDbRow { experiment_key: string; generation: number; variation: number; metric_id: string; day: string; units: number; sum: number; sum_sq: number; den: number; den_sq: number; cross_sum: number; pre: number; pre_sq: number; pre_cross: number }
interface RecomputeRow { experiment_key: string; generation: number; cursor: string; processed: string; started_at: string; finished_at: string | null }
interface AssignmentRow { workspace_id: string; experiment_key: string; profile_id: string; variation: number; unit_value: string; assigned_at: string; contaminated: boolean }

const toStored = (r: ExperimentRow): StoredExperiment => ({
  workspaceId: r.workspace_id, experiment: normalizeExperiment(r.definition), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), metricsGeneration: r.metrics_generation,
});
const toAggregate = (r: AggregateDbRow): AggregateRow => ({
  experimentKey: r.experiment_key, generation: r.generation, variation: r.variation, metricId: r.metric_id, day: r.day,
  units: r.units, sum: r.sum, sumSq: r.sum_sq, den: r.den, denSq: r.den_sq, cross: r.cross_sum, pre: r.pre, preSq: r.pre_sq, preCross: r.pre_cross,
});
const toRecompute = (r: RecomputeRow): RecomputeProgress => ({
  experimentKey: r.experiment_key, generation: r.generation, cursor: r.cursor, processed: Number(r.processed), startedAt: Number(r.started_at), finishedAt: r.finished_at === null ? null : Number(r.finished_at),
});

const AGGREGATE_COLUMNS = ['units', 'sum', 'sum_sq', 'den', 'den_sq', 'cross_sum', 'pre', 'pre_sq', 'pre_cross'] as const;
const aggregateValues = (r: AggregateRow): number[] => [r.units, r.sum, r.sumSq, r.den, r.denSq, r.cross, r.pre, r.preSq, r.preCross];

/**
 * ChangeSet.experiments: the aggregate deltas in one statement (rows sorted by key, so two batches lock shared rows
 * in the same order), and the recompute's progress. Every batch touching an experiment updates the same few rows,
 * so concurrent batches of one workspace wait for each other on them until commit.
 */
export function experimentChangeQueries(db: Queryable, workspaceId: string, c: ExperimentChanges | undefined): Array<Promise<unknown>> {
  if (!c) return [];
  const out: Array<Promise<unknown>> = [];
  if (c.aggregates.length > 0) {
    const rows = [...c.aggregates].sort((a, b) => cmp(a.experimentKey, b.experimentKey) || a.generation - b.generation || a.variation - b.variation || cmp(a.metricId, b.metricId) || cmp(a.day, b.day));
    out.push(db.query({
      name: 'tessera_add_experiment_aggregates',
      text: `INSERT INTO experiment_aggregates (workspace_id, experiment_key, generation, variation, metric_id, day, ${AGGREGATE_COLUMNS.join(', ')})
        SELECT $1::text, r->>0, (r->>1)::int, (r->>2)::int, r->>3, r->>4, ${AGGREGATE_COLUMNS.map((_, i) => `(r->>${i + 5})::float8`).join(', ')}
        FROM jsonb_array_elements($2::jsonb) AS r
        ON CONFLICT (workspace_id, experiment_key, generation, variation, metric_id, day) DO UPDATE SET
          ${AGGREGATE_COLUMNS.map((col) => `${col} = experiment_aggregates.${col} + excluded.${col}`).join(', ')}`,
      values: [workspaceId, JSON.stringify(rows.map((r) => [r.experimentKey, r.generation, r.variation, r.metricId, r.day, ...aggregateValues(r)]))],
    }));
  }
  const p = c.recompute;
  if (p) {
    out.push(db.query(`INSERT INTO experiment_recomputes (workspace_id, experiment_key, generation, cursor, processed, started_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (workspace_id, experiment_key) DO UPDATE SET generation = excluded.generation, cursor = excluded.cursor, processed = excluded.processed, started_at = excluded.started_at, finished_at = excluded.finished_at`,
    [workspaceId, p.experimentKey, p.generation, p.cursor, p.processed, p.startedAt, p.finishedAt]));
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const toAssignment = (r: AssignmentRow): ExperimentAssignment => ({
  workspaceId: r.workspace_id, experimentKey: r.experiment_key, profileId: r.profile_id, variation: r.variation, unitValue: r.unit_value, assignedAt: Number(r.assigned_at), contaminated: r.contaminated,
});

/**
 * The merge of `mergedId` into `survivorId`: the survivor keeps its assignment (contaminated when the arms differ
 * or the merged one was), the merged profile's others move to the survivor. Run in order, after the merge rows.
 */
export function assignmentMoveQueries(db: Queryable, workspaceId: string, survivorId: string, mergedId: string): Array<Promise<unknown>> {
  const ids = [workspaceId, survivorId, mergedId];
  return [
    db.query(`UPDATE experiment_assignments s SET contaminated = true
      WHERE s.workspace_id = $1 AND s.profile_id = $2 AND EXISTS (SELECT 1 FROM experiment_assignments o
        WHERE o.workspace_id = $1 AND o.profile_id = $3 AND o.experiment_key = s.experiment_key AND (o.variation <> s.variation OR o.contaminated))`, ids),
    db.query(`DELETE FROM experiment_assignments m WHERE m.workspace_id = $1 AND m.profile_id = $3
      AND EXISTS (SELECT 1 FROM experiment_assignments s WHERE s.workspace_id = $1 AND s.profile_id = $2 AND s.experiment_key = m.experiment_key)`, ids),
    db.query('UPDATE experiment_assignments SET profile_id = $2 WHERE workspace_id = $1 AND profile_id = $3', ids),
  ];
}

export function createPostgresExperimentStore(pool: Pool): ExperimentStore {
  return {
    async list(workspaceId) {
      const { rows } = await pool.query<ExperimentRow>('SELECT * FROM experiments WHERE workspace_id = $1 ORDER BY key', [workspaceId]);
      return rows.map(toStored);
    },
    async get(workspaceId, key) {
      const { rows } = await pool.query<ExperimentRow>('SELECT * FROM experiments WHERE workspace_id = $1 AND key = $2', [workspaceId, key]);
      return rows[0] ? toStored(rows[0]) : null;
    },
    async create(x) {
      const r = await pool.query('INSERT INTO experiments (workspace_id, key, definition, created_at, updated_at, metrics_generation) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
        [x.workspaceId, x.experiment.key, JSON.stringify(x.experiment), x.createdAt, x.updatedAt, x.metricsGeneration]);
      return r.rowCount === 1;
    },
    async update(x, options) {
      const values: unknown[] = [JSON.stringify(x.experiment), x.updatedAt, x.workspaceId, x.experiment.key, x.metricsGeneration];
      const ifUpdatedAt = options?.ifUpdatedAt;
      if (ifUpdatedAt !== undefined) values.push(ifUpdatedAt);
      const r = await pool.query(`UPDATE experiments SET definition = $1, updated_at = $2, metrics_generation = $5 WHERE workspace_id = $3 AND key = $4${ifUpdatedAt !== undefined ? ' AND updated_at = $6' : ''}`, values);
      return r.rowCount === 1;
    },
    delete(workspaceId, key) {
      return inTransaction(pool, async (client) => {
        for (const table of ['experiment_assignments', 'experiment_aggregates', 'experiment_recomputes', 'experiment_weights']) await client.query(`DELETE FROM ${table} WHERE workspace_id = $1 AND experiment_key = $2`, [workspaceId, key]);
        return ((await client.query('DELETE FROM experiments WHERE workspace_id = $1 AND key = $2', [workspaceId, key])).rowCount ?? 0) === 1;
      });
    },
    async assign(a) {
      const inserted = await pool.query(`INSERT INTO experiment_assignments (workspace_id, experiment_key, profile_id, variation, unit_value, assigned_at, contaminated)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`, [a.workspaceId, a.experimentKey, a.profileId, a.variation, a.unitValue, a.assignedAt, a.contaminated]);
      if (inserted.rowCount === 1) return { first: true, assignment: a };
      // ON CONFLICT waited for the winner's commit: its row is visible to this statement.
      const { rows } = await pool.query<AssignmentRow>('SELECT * FROM experiment_assignments WHERE workspace_id = $1 AND experiment_key = $2 AND profile_id = $3', [a.workspaceId, a.experimentKey, a.profileId]);
      return { first: false, assignment: toAssignment(rows[0]!) };
    },
    async assignmentOf(workspaceId, key, profileId) {
      const { rows } = await pool.query<AssignmentRow>('SELECT * FROM experiment_assignments WHERE workspace_id = $1 AND experiment_key = $2 AND profile_id = $3', [workspaceId, key, profileId]);
      return rows[0] ? toAssignment(rows[0]) : null;
    },
    async assignmentsOf(workspaceId, profileIds) {
      const { rows } = await pool.query<AssignmentRow>('SELECT * FROM experiment_assignments WHERE workspace_id = $1 AND profile_id = ANY($2::text[]) ORDER BY experiment_key, profile_id', [workspaceId, profileIds]);
      return rows.map(toAssignment);
    },
    conversionCounts: (workspaceId, key, goal) => conversionCounts(pool, workspaceId, key, goal),
    async aggregates(workspaceId, key, generation) {
      const { rows } = await pool.query<AggregateDbRow>('SELECT * FROM experiment_aggregates WHERE workspace_id = $1 AND experiment_key = $2 AND generation = $3', [workspaceId, key, generation]);
      return rows.map(toAggregate);
    },
    async dropOlderAggregates(workspaceId, key, generation) {
      await pool.query('DELETE FROM experiment_aggregates WHERE workspace_id = $1 AND experiment_key = $2 AND generation < $3', [workspaceId, key, generation]);
    },
    async assignedProfiles(workspaceId, key, after, limit) {
      const { rows } = await pool.query<{ profile_id: string }>('SELECT profile_id FROM experiment_assignments WHERE workspace_id = $1 AND experiment_key = $2 AND profile_id > $3 ORDER BY profile_id LIMIT $4', [workspaceId, key, after, limit]);
      return rows.map((r) => r.profile_id);
    },
    async assignedCount(workspaceId, key) {
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM experiment_assignments WHERE workspace_id = $1 AND experiment_key = $2', [workspaceId, key]);
      return Number(rows[0]!.n);
    },
    async recomputeOf(workspaceId, key) {
      const { rows } = await pool.query<RecomputeRow>('SELECT * FROM experiment_recomputes WHERE workspace_id = $1 AND experiment_key = $2', [workspaceId, key]);
      return rows[0] ? toRecompute(rows[0]) : null;
    },
    async recordWeights(workspaceId, key, change) {
      await pool.query(`INSERT INTO experiment_weights (workspace_id, experiment_key, at, weights, reason) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (workspace_id, experiment_key, at) DO UPDATE SET weights = excluded.weights, reason = excluded.reason`, [workspaceId, key, change.at, JSON.stringify(change.weights), change.reason]);
    },
    async weightHistory(workspaceId, key) {
      const { rows } = await pool.query<{ at: string; weights: number[]; reason: string }>('SELECT at, weights, reason FROM experiment_weights WHERE workspace_id = $1 AND experiment_key = $2 ORDER BY at', [workspaceId, key]);
      return rows.map((r) => ({ at: Number(r.at), weights: r.weights, reason: r.reason }));
    },
  };
}

async function conversionCounts(db: Queryable, workspaceId: string, key: string, goal: ConversionGoal | null): Promise<VariationCounts[]> {
  // No goal: `e.name = NULL` matches nothing, so every count of conversions is 0.
  const params: unknown[] = [workspaceId, key, (goal?.windowHours ?? 0) * 3_600_000, goal?.event ?? null];
  const where = Object.entries(goal?.properties ?? {}).map(([name, value]) => {
    params.push(name, value);
    const n = `$${params.length - 1}::text`;
    return `AND json_typeof(e.body->'properties'->${n}) = 'string' AND (e.body->'properties'->>${n}) = $${params.length}::text`;
  }).join(' ');
  const { rows } = await db.query<{ variation: number; units: string; contaminated: string; conversions: string }>(
    `SELECT a.variation, count(*) AS units, count(*) FILTER (WHERE a.contaminated) AS contaminated,
        count(*) FILTER (WHERE NOT a.contaminated AND EXISTS (SELECT 1 FROM events e
          WHERE e.profile_id = a.profile_id AND e.ts >= a.assigned_at AND e.ts < a.assigned_at + $3::bigint AND e.workspace_id = a.workspace_id
            AND e.type = 'track' AND e.name = $4::text ${where})) AS conversions
      FROM experiment_assignments a WHERE a.workspace_id = $1 AND a.experiment_key = $2 GROUP BY a.variation ORDER BY a.variation`, params);
  return rows.map((r) => ({ variation: r.variation, units: Number(r.units), contaminated: Number(r.contaminated), conversions: Number(r.conversions) }));
}
