/**
 * Chooses the store from configuration: PostgreSQL when a database URL is set, else the embedded
 * SQLite file in the data folder. The only module outside storage/ that names a concrete store.
 */
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { OpenedStore } from './opened-store.js';
import { openSqliteStore } from './sqlite/store.js';
import { parseSecretsKey } from './shared/secret-box.js';

export type { OpenedStore };

export async function openStore(config: Config, options: { migrate?: boolean } = {}): Promise<OpenedStore> {
  const secretsKey = config.secretsKey ? parseSecretsKey(config.secretsKey) ?? undefined : undefined;
  const previousSecretsKeys = config.secretsKeyPrevious.map((k) => parseSecretsKey(k)!);
  if (config.databaseUrl) {
    const { openPostgresStore } = await import('./postgres/store.js');
    return openPostgresStore({ url: config.databaseUrl, migrate: options.migrate ?? true, ...(secretsKey ? { secretsKey } : {}), previousSecretsKeys });
  }
  return openSqliteStore({ file: join(config.dataDir, 'tessera.db'), sync: config.sqliteSync, migrate: options.migrate ?? true, ...(secretsKey ? { secretsKey } : {}), previousSecretsKeys });
}
