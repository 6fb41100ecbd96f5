/**
 * Applies pending migrations in one immediate transaction (SQLite's write lock keeps two starting
 * processes from racing), and refuses a database written by a newer Tessera.
 */
import type { Database } from './database.js';
import { migrations } from './migrations.js';
import { assertNotNewer, type MigrationStatus } from '../migration-status.js';

// Shared by both stores; re-exported for store.ts, which imports it from here.

export function migrationStatus(db: Database.Database): MigrationStatus {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as Array<{ version: number; name: string; applied_at: number }>;
  return {
    applied: applied.map((r) => ({ version: r.version, name: r.name, appliedAt: r.applied_at })),
    pending: migrations.filter((m) => !applied.some((a) => a.version === m.version)).map((m) => ({ version: m.version, name: m.name })),
    codeVersion: Math.max(...migrations.map((m) => m.version)),
  };
}

export function migrateDatabase(db: Database.Database, now: () => number): MigrationStatus {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const run = db.transaction(() => {
    const status = migrationStatus(db);
    assertNotNewer(status);
    const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations) {
      if (status.applied.some((a) => a.version === m.version)) continue;
      db.exec(m.sql);
      insert.run(m.version, m.name, now());
    }
  });
  run.immediate();
  return migrationStatus(db);
}
