/**
 * The production store: PostgreSQL through a connection pool. Several Tessera servers may share one
 * database; the write transaction's locks (write-tx.ts) and the unique constraints keep them from
 * creating two profiles for one person or storing an event twice.
 *
 * `write` runs the work between BEGIN and COMMIT on one pooled connection and re-runs it from the
 * start on a transient conflict (deadlock, serialization failure, unique violation from a
 * concurrent writer), up to MAX_ATTEMPTS times with a short jittered pause. Writes of one process
 * are not serialised here: each gets its own connection, so the database's locks are what keep
 * them apart, the same as between servers.
 */
import type { Store, WriteTx } from '../../ports/store.js';
import type { OpenedStore } from '../opened-store.js';
import { createPool, describeUrl, isTransientConflict, type Pool } from './database.js';
import { assertCurrent, assertNotNewer, migrateDatabase, migrationStatus } from './migrate.js';
import { createPostgresProfileQueries } from './profile-queries.js';
import { createPostgresWorkspaceStore } from './workspace-store.js';
import { createPostgresWriteTx } from './write-tx.js';

const MAX_ATTEMPTS = 8;

export interface PostgresStoreOptions {
  url: string;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** Connections at most (default 10). */
  poolSize?: number;
  now?: () => number;
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<OpenedStore> {
  const pool = createPool({ url: options.url, ...(options.poolSize ? { max: options.poolSize } : {}) });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new Error(`Cannot connect to PostgreSQL at ${describeUrl(options.url)}: ${(error as Error).message}`, { cause: error });
  }
  try {
    if (options.migrate ?? true) await migrateDatabase(pool, options.now ?? Date.now);
    else assertNotNewer(await migrationStatus(pool));
  } catch (error) {
    await pool.end();
    throw error;
  }
  const writes = new Set<Promise<unknown>>();
  const store: OpenedStore = {
    kind: 'postgres',
    workspaces: createPostgresWorkspaceStore(pool),
    profiles: createPostgresProfileQueries(pool),
    write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
      const run = writeWithRetry(pool, work);
      writes.add(run);
      void run.catch(() => undefined).finally(() => writes.delete(run));
      return run;
    },
    async ping() {
      await assertCurrent(pool);
    },
    migrationStatus: () => migrationStatus(pool),
    async close() {
      await Promise.allSettled([...writes]);
      await pool.end();
    },
  };
  return store satisfies Store;
}

async function writeWithRetry<T>(pool: Pool, work: (tx: WriteTx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction(pool, work);
    } catch (error) {
      if (!isTransientConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 5)));
    }
  }
}

async function transaction<T>(pool: Pool, work: (tx: WriteTx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(createPostgresWriteTx(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
