/**
 * At open: seals the secrets stored before sealing existed (or while no key was configured), and
 * checks that the key opens the sealed ones, so that a wrong key stops the server at start instead
 * of failing the first link or webhook. Servers opening together may both seal a row: the update
 * applies only while the row still holds the value read, so a secret is sealed once.
 */
import { SEALED_PREFIX, SECRET_COLUMNS, type SecretBox } from '../shared/secret-box.js';
import type { Pool } from './database.js';

export async function sealStoredSecrets(pool: Pool, box: SecretBox): Promise<number> {
  let sealed = 0;
  for (const { table, key } of SECRET_COLUMNS) {
    if (box.sealing) {
      const { rows } = await pool.query<Record<string, string>>(
        `SELECT ${key.join(', ')}, secret FROM ${table} WHERE secret IS NOT NULL AND left(secret, $1) <> $2`, [SEALED_PREFIX.length, SEALED_PREFIX]);
      const where = key.map((k, i) => `${k} = $${i + 2}`).join(' AND ');
      for (const row of rows) {
        const result = await pool.query(`UPDATE ${table} SET secret = $1 WHERE ${where} AND secret = $${key.length + 2}`,
          [box.seal(row.secret!), ...key.map((k) => row[k]), row.secret]);
        sealed += result.rowCount ?? 0;
      }
    }
    const { rows } = await pool.query<{ secret: string }>(`SELECT secret FROM ${table} WHERE left(secret, $1) = $2 LIMIT 1`, [SEALED_PREFIX.length, SEALED_PREFIX]);
    if (rows[0]) box.open(rows[0].secret);
  }
  return sealed;
}
