/** The storage contract against the PostgreSQL store, on a fresh database. */
import { runStoreContract } from '../../src/storage/contract/store-contract.js';
import { openPostgresStore } from '../../src/storage/postgres/store.js';
import { createTestDatabase, postgresSkip } from '../support/postgres.js';

runStoreContract('postgres', async () => {
  const db = await createTestDatabase();
  const store = await openPostgresStore({ url: db.url, migrate: true });
  return {
    store,
    openAgain: () => openPostgresStore({ url: db.url, migrate: true }),
    async destroy() {
      await store.close();
      await db.drop();
    },
  };
}, { skip: await postgresSkip() });
