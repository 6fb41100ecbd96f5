/**
 * Settings of the PostgreSQL server that hurt Tessera, told to the operator at start (and by
 * `tessera migrate --status`). Tessera relies on autovacuum: without its ANALYZE, plans made for
 * empty tables stay as the tables grow (docs/postgres.md, "Plans made on a young database"), and
 * without its VACUUM, the dead rows of profile updates and erasures accumulate.
 */
import type { Queryable } from './database.js';

export async function configurationWarnings(db: Queryable): Promise<string[]> {
  const warnings: string[] = [];
  const { rows } = await db.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_settings WHERE name IN ('autovacuum', 'track_counts')");
  const setting = new Map(rows.map((r) => [r.name, r.setting]));
  if (setting.get('autovacuum') === 'off' || setting.get('track_counts') === 'off') {
    warnings.push(`autovacuum does not run on this PostgreSQL server (autovacuum = ${setting.get('autovacuum')}, track_counts = ${setting.get('track_counts')}): `
      + "Tessera's tables get no statistics and no vacuum, so queries slow down as they grow and dead rows accumulate. Turn autovacuum on, or run VACUUM ANALYZE on the database regularly (hourly).");
  }
  const off = await db.query<{ relname: string }>(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind = 'r'
      AND EXISTS (SELECT 1 FROM unnest(c.reloptions) AS o WHERE o ~* '^autovacuum_enabled=(false|off|no|0)$')
    ORDER BY c.relname`);
  if (off.rows.length > 0) {
    warnings.push(`autovacuum is disabled on the table${off.rows.length > 1 ? 's' : ''} ${off.rows.map((r) => r.relname).join(', ')} `
      + '(ALTER TABLE … SET (autovacuum_enabled = false)): they get no statistics and no vacuum. Reset it with ALTER TABLE … RESET (autovacuum_enabled).');
  }
  return warnings;
}
