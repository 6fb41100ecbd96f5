/**
 * Experiments and sticky assignments in SQLite (see ports/experiment-store.ts). Writes run on the store's single
 * writer, so `INSERT … ON CONFLICT DO NOTHING` followed by a read of the row decides "first wins" atomically.
 * Merges move assignments in the ingest write transaction (`moveAssignments`, called from write-tx.ts).
 */
import type { ConversionGoal, Experiment } from '../../core/experiments/experiment.js';
import type { ExperimentAssignment, ExperimentStore, StoredExperiment, VariationCounts } from '../../ports/experiment-store.js';
import type { Database } from './database.js';

interface ExperimentRow { workspace_id: string; key: string; definition: string; created_at: number; updated_at: number }
interface AssignmentRow { workspace_id: string; experiment_key: string; profile_id: string; variation: number; unit_value: string; assigned_at: number; contaminated: number }

const toStored = (r: ExperimentRow): StoredExperiment => ({ workspaceId: r.workspace_id, experiment: JSON.parse(r.definition) as Experiment, createdAt: r.created_at, updatedAt: r.updated_at });
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
    insert: writer.prepare('INSERT INTO experiments (workspace_id, key, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    update: writer.prepare('UPDATE experiments SET definition = ?, updated_at = ? WHERE workspace_id = ? AND key = ?'),
    delete: writer.prepare('DELETE FROM experiments WHERE workspace_id = ? AND key = ?'),
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
    create: (x) => exclusive(() => s.insert.run(x.workspaceId, x.experiment.key, JSON.stringify(x.experiment), x.createdAt, x.updatedAt).changes === 1),
    update: (x) => exclusive(() => s.update.run(JSON.stringify(x.experiment), x.updatedAt, x.workspaceId, x.experiment.key).changes === 1),
    delete: (workspaceId, key) => exclusive(() => writer.transaction(() => {
      s.deleteAssignments.run(workspaceId, key);
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
