/**
 * Forms in PostgreSQL (see ports/form-store.ts). Definitions are json; counters are upserted with
 * `count = form_counters.count + excluded.count`, which PostgreSQL applies atomically per row, so
 * two servers counting at once lose nothing. A batch of counters is one statement (unnest), its
 * rows sorted so that concurrent batches lock rows in the same order (no deadlock).
 */
import type { FormCounter, FormStore } from '../../ports/form-store.js';
import { formFromColumns, formToColumns, type FormColumns } from '../shared/form-codec.js';
import type { Pool } from './database.js';
import { inTransaction } from './transaction.js';

export function createPostgresFormStore(pool: Pool): FormStore {
  return {
    async create(form) {
      const c = formToColumns(form);
      const result = await pool.query('INSERT INTO forms (workspace_id, id, definition, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [c.workspace_id, c.id, JSON.stringify(c.definition), c.created_at, c.updated_at]);
      return result.rowCount === 1;
    },
    async update(form) {
      const c = formToColumns(form);
      const result = await pool.query('UPDATE forms SET definition = $1, updated_at = $2 WHERE workspace_id = $3 AND id = $4',
        [JSON.stringify(c.definition), c.updated_at, c.workspace_id, c.id]);
      return result.rowCount === 1;
    },
    async get(workspaceId, formId) {
      const { rows } = await pool.query<FormColumns>({ name: 'tessera_form_get', text: 'SELECT * FROM forms WHERE workspace_id = $1 AND id = $2', values: [workspaceId, formId] });
      return rows[0] ? formFromColumns(rows[0]) : null;
    },
    async list(workspaceId) {
      const { rows } = await pool.query<FormColumns>('SELECT * FROM forms WHERE workspace_id = $1 ORDER BY created_at, id', [workspaceId]);
      return rows.map(formFromColumns);
    },
    delete(workspaceId, formId) {
      return inTransaction(pool, async (client) => {
        await client.query('DELETE FROM form_counters WHERE workspace_id = $1 AND form_id = $2', [workspaceId, formId]);
        return (await client.query('DELETE FROM forms WHERE workspace_id = $1 AND id = $2', [workspaceId, formId])).rowCount === 1;
      });
    },
    async count(workspaceId, counters) {
      if (counters.length === 0) return;
      // One row per key (the upsert cannot touch a row twice in one statement), in a fixed order.
      const summed = new Map<string, FormCounter>();
      for (const c of counters) {
        const key = JSON.stringify([c.formId, c.day, c.scope, c.metric]);
        const held = summed.get(key);
        summed.set(key, held ? { ...held, count: held.count + c.count } : { ...c });
      }
      const rows = [...summed.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
      await pool.query({
        name: 'tessera_form_count',
        text: `INSERT INTO form_counters (workspace_id, form_id, day, scope, metric, count)
          SELECT $1, f, d::date, s, m, n FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) WITH ORDINALITY AS u(f, d, s, m, n, i) ORDER BY i
          ON CONFLICT (workspace_id, form_id, day, scope, metric) DO UPDATE SET count = form_counters.count + excluded.count`,
        values: [workspaceId, rows.map((r) => r.formId), rows.map((r) => r.day), rows.map((r) => r.scope), rows.map((r) => r.metric), rows.map((r) => r.count)],
      });
    },
    async totals(workspaceId, formId, fromDay, toDay) {
      const { rows } = await pool.query<{ scope: string; metric: FormCounter['metric']; count: string }>({
        name: 'tessera_form_totals',
        text: `SELECT scope, metric, sum(count) AS count FROM form_counters WHERE workspace_id = $1 AND form_id = $2 AND day >= $3::date AND day <= $4::date
          GROUP BY scope, metric ORDER BY scope, metric`,
        values: [workspaceId, formId, fromDay, toDay],
      });
      return rows.map((r) => ({ formId, day: toDay, scope: r.scope, metric: r.metric, count: Number(r.count) }));
    },
    async daily(workspaceId, formId, scope, fromDay, toDay) {
      const { rows } = await pool.query<{ day: string; metric: FormCounter['metric']; count: string }>({
        name: 'tessera_form_daily',
        text: `SELECT to_char(day, 'YYYY-MM-DD') AS day, metric, count FROM form_counters
          WHERE workspace_id = $1 AND form_id = $2 AND scope = $3 AND day >= $4::date AND day <= $5::date ORDER BY day, metric`,
        values: [workspaceId, formId, scope, fromDay, toDay],
      });
      return rows.map((r) => ({ formId, day: r.day, scope, metric: r.metric, count: Number(r.count) }));
    },
  };
}
