/**
 * Opening the SQLite database: WAL journal (readers never block the writer), a busy timeout, and
 * `synchronous=NORMAL`. Durability of commits is the store's job (wal-sync.ts): with `sync: full`
 * every commit is fdatasync'ed before it is acknowledged (survives power loss); with `normal` a
 * commit survives a crash of the process but not of the machine.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { foldText } from '../../core/segments/comparison.js';

export type SqliteSync = 'full' | 'normal';

/**
 * The database holds personal data: only its owner may read it. A data folder Tessera creates is
 * 0700 (a folder that exists already is the operator's to set); the database file is created 0600
 * before SQLite opens it, and SQLite gives its -wal and -shm files the database file's permissions.
 * Files of an older install that are readable by others are narrowed to 0600 at open.
 */
export function restrictToOwner(file: string): void {
  if (file === ':memory:' || file === '') return;
  const dir = dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  // 'a': creates the file when missing (mode 0o600, before the umask), never truncates one.
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
}

export function openDatabase(file: string, options: { readonly?: boolean } = {}): Database.Database {
  if (!options.readonly) restrictToOwner(file);
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
