/**
 * Chooses the store from configuration: PostgreSQL when a database URL is set, else the embedded
 * SQLite file in the data folder. The only module outside storage/ that names a concrete store.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import type { OpenedStore } from './opened-store.js';
import { openSqliteStore } from './sqlite/store.js';
import { parseSecretsKey } from './shared/secret-box.js';

export type { OpenedStore };

export interface OpenStoreOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /**
   * Refuse to create an embedded store that does not exist yet (default false). Commands other
   * than `serve` and `workspace create` set it: run against the wrong data folder, they used to
   * create an empty store there and then fail on the missing workspace.
   */
  mustExist?: boolean;
}

/** The embedded store was asked for with `mustExist` and its file is not there. */
export class StoreNotFoundError extends Error {
  constructor(readonly dataDir: string, readonly file: string) {
    super(`No Tessera store in ${dataDir} (looked for ${file}). Point TESSERA_DATA_DIR or --data-dir at the folder the server uses, or create a store there with \`tessera serve\` or \`tessera workspace create\`.`);
    this.name = 'StoreNotFoundError';
  }
}

export async function openStore(config: Config, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  const secretsKey = config.secretsKey ? parseSecretsKey(config.secretsKey) ?? undefined : undefined;
  const previousSecretsKeys = config.secretsKeyPrevious.map((k) => parseSecretsKey(k)!);
  if (config.databaseUrl) {
    const { openPostgresStore } = await import('./postgres/store.js');
    return openPostgresStore({ url: config.databaseUrl, migrate: options.migrate ?? true, ...(secretsKey ? { secretsKey } : {}), previousSecretsKeys });
  }
  const file = join(config.dataDir, 'tessera.db');
  if (options.mustExist && !existsSync(file)) throw new StoreNotFoundError(resolve(config.dataDir), resolve(file));
  return openSqliteStore({ file, sync: config.sqliteSync, migrate: options.migrate ?? true, ...(secretsKey ? { secretsKey } : {}), previousSecretsKeys });
}
