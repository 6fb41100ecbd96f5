/** A store as the composition opens it: the port plus what operators ask of it (migrations). */
import type { Store } from '../ports/store.js';
import type { MigrationStatus } from './migration-status.js';

export interface OpenedStore extends Store {
  migrationStatus(): MigrationStatus | Promise<MigrationStatus>;
}
