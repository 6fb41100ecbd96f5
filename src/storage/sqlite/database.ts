/**
 * Opening the SQLite database: WAL journal (readers never block the writer), a busy timeout, and
 * `synchronous=NORMAL`. Durability of commits is the store's job (wal-sync.ts): with `sync: full`
 * every commit is fdatasync'ed before it is acknowledged (survives power loss); with `normal` a
 * commit survives a crash of the process but not of the machine.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { foldText } from '../../core/segments/comparison.js';

export type SqliteSync = 'full' | 'normal';

export function openDatabase(file: string, options: { readonly?: boolean } = {}): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { readonly: options.readonly ?? false });
  db.pragma('busy_timeout = 10000');
  if (!options.readonly) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = OFF');
  // Erased data is overwritten, not just unlinked: nothing of an erased person stays in free pages.
  db.pragma('secure_delete = ON');
  // Text as every comparison in Tessera folds it (trait search), Unicode-aware unlike SQLite's lower().
  db.function('tessera_fold', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? foldText(v) : v));
  return db;
}

export type { Database };
