/** What `tessera migrate --status` reports, the same for every store. */
export interface MigrationStatus {
  applied: Array<{ version: number; name: string; appliedAt: number }>;
  pending: Array<{ version: number; name: string }>;
  /** The newest version this code knows. */
  codeVersion: number;
}

/** Refuses a database migrated by a newer Tessera (whatever the store). */
export function assertNotNewer(status: MigrationStatus): void {
  const newest = Math.max(0, ...status.applied.map((a) => a.version));
  if (newest > status.codeVersion) {
    throw new Error(`The database has schema version ${newest}, newer than this Tessera knows (${status.codeVersion}). Upgrade Tessera before starting it on this database.`);
  }
}
