/**
 * Looks for a person's data anywhere in a database, below the API: every row of every table, and
 * the raw bytes of the database files. Used to prove erasure ("nothing may remain") and
 * pseudonymisation ("IP addresses are never stored in full").
 *
 * The scan works on a `DatabaseDump` (list the tables, dump a table's rows), so the same check
 * runs against every store: `sqliteDump` reads a SQLite file; `postgresDump` lists every base table
 * of the database outside PostgreSQL's own schemas (information_schema) and reads each with every
 * column cast to text. The raw-byte scan is for SQLite files only: PostgreSQL keeps the bytes of
 * deleted rows in free page space until it reuses it (docs/postgres.md).
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TesseraUnderTest } from '../support/tessera-under-test.js';

export interface DatabaseDump {
  /** Every table that holds data (internal bookkeeping tables included). */
  tables(): Promise<string[]>;
  /** Every row of a table, columns by name. */
  rows(table: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export interface Remains {
  table: string;
  column: string;
  needle: string;
  /** The start of the cell, to see at a glance what kept it. */
  excerpt: string;
}

/** A place a needle may legitimately remain, with the reason (tests print it). */
export interface Allowance {
  table: string;
  column: string;
  needle: string;
  reason: string;
}

/** A read-only view of a SQLite database file, opened next to the running store (WAL mode). */
export function sqliteDump(file: string): DatabaseDump {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return {
    async tables() {
      // A virtual table (the contentless FTS5 index of People search) holds nothing itself and
      // cannot be scanned: its shadow tables (profiles_search_data, …) are tables and are read.
      return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name").pluck().all() as string[]);
    },
    async rows(table) {
      return db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}"`).all() as Array<Record<string, unknown>>;
    },
    async close() { db.close(); },
  };
}

/**
 * A read-only view of every table of a PostgreSQL database. Table names are bare for the `public`
 * schema (where Tessera's tables are) and `schema.table` otherwise. Columns are cast to text in the
 * query (json and jsonb as their JSON text, bytea with printable bytes as they are), so that the
 * scan sees what is stored, not what the driver makes of it.
 */
export function postgresDump(url: string): DatabaseDump {
  const client = new pg.Client({ connectionString: url });
  const connected = client.connect();
  void connected.catch(() => undefined); // reported by the first query that awaits it
  const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return {
    async tables() {
      await connected;
      const { rows } = await client.query<{ table_schema: string; table_name: string }>(`SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_schema, table_name`);
      return rows.map((r) => (r.table_schema === 'public' ? r.table_name : `${r.table_schema}.${r.table_name}`));
    },
    async rows(table) {
      await connected;
      const [schema, name] = table.includes('.') ? [table.slice(0, table.indexOf('.')), table.slice(table.indexOf('.') + 1)] : ['public', table];
      const { rows: columns } = await client.query<{ column_name: string; data_type: string }>(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position', [schema, name]);
      if (columns.length === 0) throw new Error(`no table ${table}`);
      const select = columns.map((c) => `${c.data_type === 'bytea' ? `encode(${ident(c.column_name)}, 'escape')` : `${ident(c.column_name)}::text`} AS ${ident(c.column_name)}`);
      return (await client.query(`SELECT ${select.join(', ')} FROM ${ident(schema)}.${ident(name)}`)).rows as Array<Record<string, unknown>>;
    },
    async close() {
      await connected.catch(() => undefined);
      await client.end();
    },
  };
}

/** The dump of the store a Tessera under test runs on. */
export function storeDump(t: TesseraUnderTest): DatabaseDump {
  if (t.tessera.store.kind === 'sqlite') return sqliteDump(join(t.dataDir, 'tessera.db'));
  if (!t.config.databaseUrl) throw new Error('a postgres store without a database URL');
  return postgresDump(t.config.databaseUrl);
}

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Every cell of every table that contains one of the needles (case-insensitive; JSON columns are
 * searched as their text), except the allowed places. Also returns the tables scanned, so a
 * test can show that the scan saw the tables it expects.
 */
export async function findRemains(dump: DatabaseDump, needles: readonly string[], allowed: readonly Allowance[] = []): Promise<{ tables: string[]; rowsScanned: number; remains: Remains[] }> {
  const lowered = needles.filter((n) => n.length > 0).map((n) => [n, n.toLowerCase()] as const);
  const remains: Remains[] = [];
  const tables = await dump.tables();
  let rowsScanned = 0;
  for (const table of tables) {
    for (const row of await dump.rows(table)) {
      rowsScanned++;
      for (const [column, value] of Object.entries(row)) {
        const text = cellText(value).toLowerCase();
        for (const [needle, low] of lowered) {
          if (!text.includes(low)) continue;
          if (allowed.some((a) => a.table === table && a.column === column && a.needle === needle)) continue;
          remains.push({ table, column, needle, excerpt: cellText(value).slice(0, 300) });
        }
      }
    }
  }
  return { tables, rowsScanned, remains };
}

/** The SQLite files of a data folder: the database, its write-ahead log and shared-memory index. */
export function sqliteFiles(dataDir: string): string[] {
  return readdirSync(dataDir).filter((f) => f.startsWith('tessera.db')).map((f) => join(dataDir, f)).filter((f) => existsSync(f));
}

/** Files whose raw bytes contain a needle (as UTF-8, exact case and lower case). */
export function findInFiles(files: readonly string[], needles: readonly string[]): Array<{ file: string; needle: string }> {
  const found: Array<{ file: string; needle: string }> = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const needle of needles) {
      const forms = new Set([needle, needle.toLowerCase()]);
      if ([...forms].some((form) => bytes.includes(Buffer.from(form, 'utf8')))) found.push({ file, needle });
    }
  }
  return found;
}
