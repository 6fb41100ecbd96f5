/**
 * At open: seals the secrets stored before sealing existed (or while no key was configured, or
 * under a previous key), and opens every one that is not sealed under the current key, so that a
 * wrong or missing key stops the server at start instead of failing the first link or webhook.
 * See shared/secret-box.ts.
 */
import { SECRET_COLUMNS, type SecretBox } from '../shared/secret-box.js';
import type { Database } from './database.js';

export function sealStoredSecrets(db: Database.Database, box: SecretBox): number {
  let sealed = 0;
  db.transaction(() => {
    for (const { table, key } of SECRET_COLUMNS) {
      const update = db.prepare(`UPDATE ${table} SET secret = ? WHERE ${key.map((k) => `${k} = ?`).join(' AND ')} AND secret = ?`);
      const rows = db.prepare(`SELECT ${key.join(', ')}, secret FROM ${table} WHERE secret IS NOT NULL`).all() as Array<Record<string, string>>;
      for (const row of rows) {
        const stored = row.secret!;
        if (!box.stale(stored) && box.sealing) continue;
        const plain = box.open(stored);
        if (box.sealing) sealed += update.run(box.seal(plain), ...key.map((k) => row[k]), stored).changes;
      }
    }
  }).immediate();
  return sealed;
}
