/**
 * A fresh, empty store for one benchmark run and, after the server stopped, what it holds:
 * SQLite in a new temp folder (read back read-only with better-sqlite3), or PostgreSQL in a new
 * database `tessera_bench_<random>` on the admin URL's server (read back with pg, then dropped).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onCleanup } from './cleanup.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface StoredFigures {
  /** Events stored, Tessera's own timeline entries (type 'system') excluded. */
  events: number;
  /** Merge / refused-merge entries Tessera wrote. */
  systemEntries: number;
  liveProfiles: number;
  merges: number;
  /** Size of the database files, MiB (SQLite only). */
  diskMiB?: number;
}

export interface StoreFixture {
  kind: StoreKind;
  /** Environment for `tessera serve` that points it at this store. */
  env: Record<string, string>;
  /** Where the data lives, for the report. */
  location: string;
  inspect(): Promise<StoredFigures>;
  dispose(): Promise<void>;
}

const COUNTS = {
  events: "SELECT count(*) AS n FROM events WHERE type != 'system'",
  systemEntries: "SELECT count(*) AS n FROM events WHERE type = 'system'",
  liveProfiles: 'SELECT count(*) AS n FROM profiles WHERE merged_into IS NULL',
  merges: 'SELECT count(*) AS n FROM merges',
} as const;

export async function createStoreFixture(kind: StoreKind, options: { sqliteSync: string; postgresAdminUrl: string }): Promise<StoreFixture> {
  return kind === 'sqlite' ? sqliteFixture(options.sqliteSync) : postgresFixture(options.postgresAdminUrl);
}

function sqliteFixture(sync: string): StoreFixture {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const removeCleanup = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return {
    kind: 'sqlite',
    env: { TESSERA_DATA_DIR: dir, TESSERA_SQLITE_SYNC: sync },
    location: dir,
    async inspect() {
      const db = new Database(join(dir, 'tessera.db'), { readonly: true, fileMustExist: true });
      try {
        const count = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
        const bytes = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
        return {
          events: count(COUNTS.events), systemEntries: count(COUNTS.systemEntries),
          liveProfiles: count(COUNTS.liveProfiles), merges: count(COUNTS.merges), diskMiB: Math.round(bytes / 1048576),
        };
      } finally {
        db.close();
      }
    },
    async dispose() {
      removeCleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresFixture(adminUrl: string): Promise<StoreFixture> {
  const name = `tessera_bench_${randomBytes(5).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const drop = () => withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
  const removeCleanup = onCleanup(drop);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    env: { TESSERA_DATABASE_URL: url.toString() },
    location: url.toString(),
    async inspect() {
      return withClient(url.toString(), async (c) => {
        const count = async (sql: string) => Number((await c.query<{ n: string }>(sql)).rows[0]!.n);
        return {
          events: await count(COUNTS.events), systemEntries: await count(COUNTS.systemEntries),
          liveProfiles: await count(COUNTS.liveProfiles), merges: await count(COUNTS.merges),
        };
      });
    },
    async dispose() {
      removeCleanup();
      await drop();
    },
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
