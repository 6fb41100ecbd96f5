/**
 * The connection pool of the PostgreSQL store, and how its errors are classified.
 *
 * BIGINT columns come back from `pg` as strings; the row mappers convert them with Number (every
 * value Tessera stores — epoch milliseconds, sequence numbers — is a safe integer). json and jsonb
 * come back parsed. No global type parser is installed: other users of `pg` in the process are not
 * affected.
 */
import pg from 'pg';

export type Pool = pg.Pool;
/** Anything that runs a query: the pool (autocommit) or a client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface PoolOptions {
  url: string;
  /** Connections at most (default 10). */
  max?: number;
}

export function createPool(options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    application_name: 'tessera',
    // Statements issued without waiting for the previous answer are sent at once and answered in
    // order (one round trip instead of one each); write-tx.ts and apply-changes.ts rely on it.
    pipeline: true,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection that breaks (server restart, network) is dropped by the pool and reported
  // here; the next query opens a new one. Without a listener the error would end the process.
  pool.on('error', () => undefined);
  return pool;
}

/** The URL without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Conflicts with a concurrent transaction, resolved by running the work again: serialization
 * failure, deadlock, and a unique violation (another server inserted the same message id or
 * identity first; on the next run it is seen as existing).
 */
export function isTransientConflict(error: unknown): boolean {
  const code = errorCode(error);
  return code === '40001' || code === '40P01' || code === '23505';
}
