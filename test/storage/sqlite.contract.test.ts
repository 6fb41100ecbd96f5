/** The storage contract against the embedded SQLite store, on a fresh file. */
import { join } from 'node:path';
import { runStoreContract } from '../../src/storage/contract/store-contract.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { tempDir } from '../support/tessera-under-test.js';

runStoreContract('sqlite', async () => {
  const dir = tempDir('tessera-contract-');
  const file = join(dir.path, 'tessera.db');
  const store = openSqliteStore({ file, sync: 'normal' });
  return {
    store,
    openAgain: async () => openSqliteStore({ file, sync: 'normal' }),
    async destroy() {
      await store.close();
      dir.remove();
    },
  };
});
