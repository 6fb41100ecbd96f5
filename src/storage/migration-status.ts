/** What `tessera migrate --status` reports, the same for every store. */
export interface MigrationStatus {
  applied: Array<{ version: number; name: string; appliedAt: number }>;
  pending: Array<{ version: number; name: string }>;
  /** The newest version this code knows. */
  codeVersion: number;
}
