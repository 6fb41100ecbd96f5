/**
 * Forms in SQLite (see ports/form-store.ts). Definitions are JSON text; counters are upserted with
 * `count = count + excluded.count` on the store's single writer, so no addition is lost. Counter
 * writes do not wait for fsync: they are statistics, and a render must stay cheap.
 */
import type { FormCounter, FormStore } from '../../ports/form-store.js';
import { formFromColumns, formToColumns, type FormColumns } from '../shared/form-codec.js';
import type { Database } from './database.js';

export function createSqliteFormStore(writer: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>, durably: <T>(fn: () => T) => Promise<T>): FormStore {
  const s = {
    insert: writer.prepare('INSERT INTO forms (workspace_id, id, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    update: writer.prepare('UPDATE forms SET definition = ?, updated_at = ? WHERE workspace_id = ? AND id = ?'),
    get: writer.prepare('SELECT * FROM forms WHERE workspace_id = ? AND id = ?'),
    list: writer.prepare('SELECT * FROM forms WHERE workspace_id = ? ORDER BY created_at, id'),
    delete: writer.prepare('DELETE FROM forms WHERE workspace_id = ? AND id = ?'),
    deleteCounters: writer.prepare('DELETE FROM form_counters WHERE workspace_id = ? AND form_id = ?'),
    count: writer.prepare(`INSERT INTO form_counters (workspace_id, form_id, day, scope, metric, count) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET count = form_counters.count + excluded.count`),
    daily: writer.prepare('SELECT day, metric, count FROM form_counters WHERE workspace_id = ? AND form_id = ? AND scope = ? AND day >= ? AND day <= ? ORDER BY day, metric'),
    totals: writer.prepare(`SELECT scope, metric, sum(count) AS count FROM form_counters WHERE workspace_id = ? AND form_id = ? AND day >= ? AND day <= ?
      GROUP BY scope, metric ORDER BY scope, metric`),
  };
  const row = (r: unknown) => formFromColumns({ ...(r as FormColumns<string>), definition: JSON.parse((r as FormColumns<string>).definition) });
  return {
    create: (form) => durably(() => {
      const c = formToColumns(form);
      return s.insert.run(c.workspace_id, c.id, JSON.stringify(c.definition), c.created_at, c.updated_at).changes === 1;
    }),
    update: (form) => durably(() => {
      const c = formToColumns(form);
      return s.update.run(JSON.stringify(c.definition), c.updated_at, c.workspace_id, c.id).changes === 1;
    }),
    // Reads on the writer connection: a form saved a moment ago must render at once.
    get: (workspaceId, formId) => exclusive(() => {
      const found = s.get.get(workspaceId, formId);
      return found ? row(found) : null;
    }),
    list: (workspaceId) => exclusive(() => s.list.all(workspaceId).map(row)),
    delete: (workspaceId, formId) => durably(() => writer.transaction(() => {
      s.deleteCounters.run(workspaceId, formId);
      return s.delete.run(workspaceId, formId).changes === 1;
    }).immediate()),
    count: (workspaceId, counters) => exclusive(() => writer.transaction(() => {
      for (const c of counters) s.count.run(workspaceId, c.formId, c.day, c.scope, c.metric, c.count);
    }).immediate()),
    totals: (workspaceId, formId, fromDay, toDay) => exclusive(() => (s.totals.all(workspaceId, formId, fromDay, toDay) as Array<Pick<FormCounter, 'scope' | 'metric' | 'count'>>)
      .map((r) => ({ formId, day: toDay, scope: r.scope, metric: r.metric, count: Number(r.count) }))),
    daily: (workspaceId, formId, scope, fromDay, toDay) => exclusive(() => (s.daily.all(workspaceId, formId, scope, fromDay, toDay) as Array<Pick<FormCounter, 'day' | 'metric' | 'count'>>)
      .map((r) => ({ formId, day: r.day, scope, metric: r.metric, count: Number(r.count) }))),
  };
}
