/**
 * Looks for a person's data anywhere in a database, below the API: every row of every table, and
 * the raw bytes of the database files. Used to prove erasure ("nothing may remain") and
 * pseudonymisation ("IP addresses are never stored in full").
 *
 * The scan works on a `DatabaseDump` (list the tables, dump a table's rows), so the same check can
 * run against any store: `sqliteDump` reads a SQLite file; a PostgreSQL dump would list
 * `information_schema.tables` of the Tessera schema and `SELECT *` (with jsonb and bytea cast to
 * text) from each.
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
      return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]);
    },
    async rows(table) {
      return db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}"`).all() as Array<Record<string, unknown>>;
    },
    async close() { db.close(); },
  };
}

/**
 * The dump of the store a Tessera under test runs on. Only SQLite for now; a PostgreSQL store
 * needs a `postgresDump` (see the file comment) before the erasure scan can run against it.
 */
export function storeDump(t: TesseraUnderTest): DatabaseDump {
  if (t.tessera.store.kind === 'sqlite') return sqliteDump(join(t.dataDir, 'tessera.db'));
  throw new Error(`no database dump for a ${t.tessera.store.kind} store yet`);
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
