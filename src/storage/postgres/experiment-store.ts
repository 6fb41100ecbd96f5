/**
 * Experiments and sticky assignments in PostgreSQL (see ports/experiment-store.ts). The primary key
 * (workspace_id, experiment_key, profile_id) decides "first wins": `INSERT … ON CONFLICT DO NOTHING` inserts for
 * exactly one of concurrent assignments, and the others read the winner's committed row. Merges move assignments
 * in the ingest write transaction (`assignmentMoveQueries`, called from apply-changes.ts).
 */
import type { ConversionGoal, Experiment } from '../../core/experiments/experiment.js';
import type { ExperimentAssignment, ExperimentStore, StoredExperiment, VariationCounts } from '../../ports/experiment-store.js';
import type { Pool, Queryable } from './database.js';
import { inTransaction } from './transaction.js';

interface ExperimentRow { workspace_id: string; key: string; definition: Experiment; created_at: string; updated_at: string }
interface AssignmentRow { workspace_id: string; experiment_key: string; profile_id: string; variation: number; unit_value: string; assigned_at: string; contaminated: boolean }

const toStored = (r: ExperimentRow): StoredExperiment => ({ workspaceId: r.workspace_id, experiment: r.definition, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at) });
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
      const r = await pool.query('INSERT INTO experiments (workspace_id, key, definition, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [x.workspaceId, x.experiment.key, JSON.stringify(x.experiment), x.createdAt, x.updatedAt]);
      return r.rowCount === 1;
    },
    async update(x) {
      const r = await pool.query('UPDATE experiments SET definition = $1, updated_at = $2 WHERE workspace_id = $3 AND key = $4', [JSON.stringify(x.experiment), x.updatedAt, x.workspaceId, x.experiment.key]);
      return r.rowCount === 1;
    },
    delete(workspaceId, key) {
      return inTransaction(pool, async (client) => {
        await client.query('DELETE FROM experiment_assignments WHERE workspace_id = $1 AND experiment_key = $2', [workspaceId, key]);
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
