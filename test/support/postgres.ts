/**
 * Fresh PostgreSQL databases for tests, on the server at TESSERA_TEST_POSTGRES_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres, used only to create and drop databases).
 *
 * When the server is unreachable, `postgresSkip()` tells node:test why the PostgreSQL tests did not
 * run; under CI (process.env.CI set) it refuses to skip, so the tests fail instead of passing
 * silently. Destructive helpers refuse any database whose name lacks `test`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../../src/config.js';
import { startTessera, type TesseraUnderTest } from './tessera-under-test.js';

const ADMIN_URL = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database (closing its remaining connections). */
  drop(): Promise<void>;
}

let reachable: Promise<string | null> | undefined;

/** Null when the server answers, else the reason it does not. */
export function postgresUnavailable(): Promise<string | null> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return null;
    } catch (error) {
      return `${(error as Error).message || (error as { code?: string }).code || 'connection failed'}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/**
 * The node:test `skip` option for PostgreSQL tests: false when the server answers; a reason
 * otherwise. Under CI it is always false, so the tests run and fail on the unreachable server.
 */
export async function postgresSkip(): Promise<false | string> {
  const reason = await postgresUnavailable();
  if (reason === null || process.env.CI) return false;
  return `PostgreSQL suite NOT RUN: no server at ${redact(ADMIN_URL)} (${reason}). Start PostgreSQL or set TESSERA_TEST_POSTGRES_URL; under CI this fails instead.`;
}

export async function createTestDatabase(prefix = 'tessera_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  assertTestName(name);
  await withAdmin((c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => dropTestDatabase(name) };
}

export async function dropTestDatabase(name: string): Promise<void> {
  assertTestName(name);
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

function assertTestName(name: string): void {
  if (!name.includes('test')) throw new Error(`Refusing to touch database "${name}": test helpers only work on databases whose name contains "test".`);
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** A Tessera under test (tessera-under-test.ts) on a fresh PostgreSQL database, dropped when it closes. */
export async function startTesseraOnPostgres(overrides: Partial<Config> = {}, extras: Parameters<typeof startTessera>[1] = {}): Promise<TesseraUnderTest> {
  const db = await createTestDatabase();
  let t: TesseraUnderTest;
  try {
    t = await startTessera({ ...overrides, databaseUrl: db.url }, extras);
  } catch (error) {
    await db.drop();
    throw error;
  }
  return {
    ...t,
    async close() {
      try {
        await t.close();
      } finally {
        await db.drop();
      }
    },
  };
}
