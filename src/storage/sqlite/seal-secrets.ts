/**
 * At open: seals the secrets stored before sealing existed (or while no key was configured), and
 * checks that the key opens the sealed ones, so that a wrong key stops the server at start instead
 * of failing the first link or webhook. See shared/secret-box.ts.
 */
import { SEALED_PREFIX, SECRET_COLUMNS, type SecretBox } from '../shared/secret-box.js';
import type { Database } from './database.js';

export function sealStoredSecrets(db: Database.Database, box: SecretBox): number {
  let sealed = 0;
  db.transaction(() => {
    for (const { table, key } of SECRET_COLUMNS) {
      const where = key.map((k) => `${k} = ?`).join(' AND ');
      const update = db.prepare(`UPDATE ${table} SET secret = ? WHERE ${where} AND secret = ?`);
      if (!box.sealing) continue;
      const rows = db.prepare(`SELECT ${key.join(', ')}, secret FROM ${table} WHERE secret IS NOT NULL AND substr(secret, 1, ?) <> ?`)
        .all(SEALED_PREFIX.length, SEALED_PREFIX) as Array<Record<string, string>>;
      for (const row of rows) sealed += update.run(box.seal(row.secret!), ...key.map((k) => row[k]), row.secret).changes;
    }
  }).immediate();
  for (const { table } of SECRET_COLUMNS) {
    const one = db.prepare(`SELECT secret FROM ${table} WHERE substr(secret, 1, ?) = ? LIMIT 1`).pluck().get(SEALED_PREFIX.length, SEALED_PREFIX) as string | undefined;
    if (one !== undefined) box.open(one);
  }
  return sealed;
}
