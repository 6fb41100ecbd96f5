/**
 * Undoing merges on PostgreSQL (ports/unmerge-store.ts). `lock` takes the workspace's advisory
 * lock in exclusive mode, as an erasure does (erase-profile.ts): every ingest batch holds it in
 * shared mode, so the batches of the workspace under way finish first and the next ones wait
 * until the undo is committed, then read the identities' new owners.
 */
import type { ConsentRecord } from '../../core/privacy/consent.js';
import type { UnmergeTx } from '../../ports/unmerge-store.js';
import { mergeFromRow, type MergeRow } from '../shared/merge-rows.js';
import type { Queryable } from './database.js';
import { eventsOfProfiles } from './segment-store.js';
import { text } from './values.js';

/** `lockWorkspace`: takes the workspace lock in exclusive mode (write-tx.ts owns the lock's id). */
export function createPostgresUnmergeTx(db: Queryable, lockWorkspace: (workspaceId: string) => Promise<unknown>): UnmergeTx {
  return {
    async lock(workspaceId) {
      await lockWorkspace(workspaceId);
    },
    async merges(workspaceId, profileIds) {
      if (profileIds.length === 0) return [];
      const { rows } = await db.query<MergeRow>(
        'SELECT * FROM merges WHERE workspace_id = $1 AND (survivor_id = ANY($2::text[]) OR merged_id = ANY($2::text[])) ORDER BY seq', [workspaceId, profileIds]);
      return rows.map(mergeFromRow);
    },
    async eventsOf(workspaceId, profileId) {
      return eventsOfProfiles(db, workspaceId, [profileId]);
    },
    async consentsOf(workspaceId, profileId) {
      const { rows } = await db.query<{ message_id: string; purposes: Record<string, boolean>; channel: ConsentRecord['channel']; at: string }>(
        'SELECT message_id, purposes, channel, at FROM consents WHERE profile_id = $2 AND workspace_id = $1 ORDER BY seq', [workspaceId, profileId]);
      return rows.map((r) => ({ messageId: r.message_id, purposes: r.purposes, channel: r.channel, at: Number(r.at) }));
    },
    async apply(c) {
      const moved = c.events.map((id) => text(id));
      await Promise.all([
        db.query('UPDATE profiles SET merged_into = NULL WHERE workspace_id = $1 AND id = $2', [c.workspaceId, c.restoredId]),
        db.query('UPDATE profiles SET merged_into = $2 WHERE workspace_id = $1 AND id = ANY($3::text[])', [c.workspaceId, c.restoredId, c.redirect]),
        db.query(`UPDATE identities SET profile_id = $2 FROM unnest($4::text[], $5::text[]) AS k(kind, value)
          WHERE identities.workspace_id = $1 AND identities.kind = k.kind AND identities.value = k.value AND identities.profile_id = $3`,
        [c.workspaceId, c.restoredId, c.survivorId, c.identities.map((k) => k.kind), c.identities.map((k) => text(k.value))]),
        db.query(`DELETE FROM identities USING unnest($3::text[], $4::text[]) AS k(kind, value)
          WHERE identities.workspace_id = $1 AND identities.kind = k.kind AND identities.value = k.value AND identities.profile_id = $2`,
        [c.workspaceId, c.survivorId, c.removed.map((k) => k.kind), c.removed.map((k) => text(k.value))]),
        db.query('UPDATE events SET profile_id = $2 WHERE workspace_id = $1 AND profile_id = $3 AND message_id = ANY($4::text[])', [c.workspaceId, c.restoredId, c.survivorId, moved]),
        db.query('UPDATE consents SET profile_id = $2 WHERE workspace_id = $1 AND profile_id = $3 AND message_id = ANY($4::text[])', [c.workspaceId, c.restoredId, c.survivorId, moved]),
        db.query('UPDATE merges SET undone_at = $3, undone_cause = $4 WHERE workspace_id = $1 AND seq = $2', [c.workspaceId, c.seq, c.at, text(c.cause)]),
      ]);
    },
  };
}
