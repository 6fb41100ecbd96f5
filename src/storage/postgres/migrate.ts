/**
 * Applies pending migrations, each in its own transaction, while holding a session-level advisory
 * lock so that two servers starting at once take turns (the second finds nothing left to do).
 * Refuses a database written by a newer Tessera.
 */
import { assertNotNewer, type MigrationStatus } from '../migration-status.js';
import type { Pool, Queryable } from './database.js';
import { migrations } from './migrations.js';

/** (classid, objid) of the migration lock in the two-int advisory lock space; see write-tx.ts. */
const MIGRATION_LOCK = [0x7e55_0001, 0] as const;

const CREATE_TABLE = 'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)';

/** Read-only: a database without the bookkeeping table has nothing applied. */
export async function migrationStatus(db: Queryable): Promise<MigrationStatus> {
  const exists = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  const rows = exists.rows[0]?.t
    ? (await db.query<{ version: number; name: string; applied_at: string }>('SELECT version, name, applied_at FROM schema_migrations ORDER BY version')).rows
    : [];
  const applied = rows.map((r) => ({ version: r.version, name: r.name, appliedAt: Number(r.applied_at) }));
  return {
    applied,
    pending: migrations.filter((m) => !applied.some((a) => a.version === m.version)).map((m) => ({ version: m.version, name: m.name })),
    codeVersion: Math.max(...migrations.map((m) => m.version)),
  };
}

export async function migrateDatabase(pool: Pool, now: () => number): Promise<MigrationStatus> {
  const client = await pool.connect();
  // On failure the connection is closed rather than returned, which also releases the lock.
  let failure: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [...MIGRATION_LOCK]);
    await client.query(CREATE_TABLE);
    const status = await migrationStatus(client);
    assertNotNewer(status);
    for (const m of migrations) {
      if (status.applied.some((a) => a.version === m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now()]);
        await client.query('COMMIT');
      } catch (error) {
        throw new Error(`Migration ${m.version} (${m.name}) failed: ${(error as Error).message}`, { cause: error });
      }
    }
    await client.query('SELECT pg_advisory_unlock($1, $2)', [...MIGRATION_LOCK]);
    return await migrationStatus(client);
  } catch (error) {
    failure = error as Error;
    throw error;
  } finally {
    client.release(failure);
  }
}

/** For ping: the schema is exactly what this code expects. */
export async function assertCurrent(db: Queryable): Promise<void> {
  const status = await migrationStatus(db);
  assertNotNewer(status);
  if (status.pending.length > 0) throw new Error(`${status.pending.length} migrations are pending; run \`tessera migrate\``);
}
