import type { OpenedStore } from '../open-store.js';
export async function openPostgresStore(_options: { url: string; migrate: boolean }): Promise<OpenedStore> {
  throw new Error('PostgreSQL store: not built yet');
}
