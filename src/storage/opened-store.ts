/** A store as the composition opens it: the port plus what operators ask of it (migrations). */
import type { Store } from '../ports/store.js';
import type { MigrationStatus } from './migration-status.js';

export interface OpenedStore extends Store {
  migrationStatus(): MigrationStatus | Promise<MigrationStatus>;
  /**
   * Settings of the database server that will hurt Tessera, each explained for an operator
   * (logged at start, shown by `tessera migrate --status`). Empty when there is nothing to say.
   */
  configurationWarnings(): Promise<string[]>;
}
