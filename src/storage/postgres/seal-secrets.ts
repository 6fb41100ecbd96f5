/**
 * At open: seals the secrets stored before sealing existed (or while no key was configured, or
 * under a previous key), and opens every one that is not sealed under the current key, so that a
 * wrong or missing key stops the server at start instead of failing the first link or webhook.
 * Servers opening together may both seal a row: the update applies only while the row still holds
 * the value read, so a secret is sealed once.
 */
import { SECRET_COLUMNS, type SecretBox } from '../shared/secret-box.js';
import type { Pool } from './database.js';

export async function sealStoredSecrets(pool: Pool, box: SecretBox): Promise<number> {
  let sealed = 0;
  for (const { table, key } of SECRET_COLUMNS) {
    const { rows } = await pool.query<Record<string, string>>(`SELECT ${key.join(', ')}, secret FROM ${table} WHERE secret IS NOT NULL`);
    const where = key.map((k, i) => `${k} = $${i + 2}`).join(' AND ');
    for (const row of rows) {
      const stored = row.secret!;
      if (!box.stale(stored) && box.sealing) continue;
      const plain = box.open(stored);
      if (!box.sealing) continue;
      const result = await pool.query(`UPDATE ${table} SET secret = $1 WHERE ${where} AND secret = $${key.length + 2}`, [box.seal(plain), ...key.map((k) => row[k]), stored]);
      sealed += result.rowCount ?? 0;
    }
  }
  return sealed;
}
