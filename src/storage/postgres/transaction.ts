/**
 * Transactions on a pooled connection, re-run on transient conflicts. `work` runs between BEGIN
 * and COMMIT on one connection; on a deadlock, a serialization failure or a unique violation from
 * a concurrent writer (database.ts: isTransientConflict) it is run again from the start, up to
 * MAX_ATTEMPTS times with a short jittered pause, so it must be repeatable. Any other error rolls
 * back and is thrown as is.
 */
import { isTransientConflict, type Pool, type Queryable } from './database.js';
import { pause } from '../shared/pause.js';

const MAX_ATTEMPTS = 8;

export async function inTransaction<T>(pool: Pool, work: (client: Queryable) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(pool, work);
    } catch (error) {
      if (!isTransientConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
      await pause(Math.random() * 10 * 2 ** Math.min(attempt, 5));
    }
  }
}

async function once<T>(pool: Pool, work: (client: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
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
