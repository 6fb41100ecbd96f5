/**
 * The workspace's advisory lock (PostgreSQL): ingest batches hold it in shared mode (write-tx.ts),
 * an erasure exclusively (erase-profile.ts), a recommendations rebuild page in shared mode
 * (recommendation-store.ts), so that an erasure and the writes that would bring its person back
 * never interleave. Its own module: the write path and the adapters that take it import it without a cycle.
 */

/** classid of the workspace lock in the two-int advisory lock space (identity locks use the int8 space). */
export const WORKSPACE_LOCK_CLASS = 0x7e55_0002;
