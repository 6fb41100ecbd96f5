/**
 * Undoing merges on SQLite (ports/unmerge-store.ts). The store runs one write transaction at a
 * time, so `lock` has nothing to do. The write cache learns what moved: the two profiles are
 * evicted (the re-evaluation reloads them) and the identities' owners are set or forgotten.
 */
import type { StoredEvent } from '../../core/events/event.js';
import type { ConsentRecord } from '../../core/privacy/consent.js';
import type { UnmergeTx } from '../../ports/unmerge-store.js';
import { mergeFromRow, type MergeRow } from '../shared/merge-rows.js';
import type { Database } from './database.js';
import { eventsByProfile } from './segment-store.js';
import type { WriteCache } from './write-cache.js';

export function prepareUnmergeStatements(db: Database.Database) {
  return {
    merges: db.prepare('SELECT * FROM merges WHERE +workspace_id = ? AND (survivor_id IN (SELECT value FROM json_each(?)) OR merged_id IN (SELECT value FROM json_each(?))) ORDER BY seq'),
    consents: db.prepare('SELECT message_id, purposes, channel, at FROM consents WHERE +workspace_id = ? AND profile_id = ? ORDER BY seq'),
    revive: db.prepare('UPDATE profiles SET merged_into = NULL WHERE workspace_id = ? AND id = ?'),
    redirect: db.prepare('UPDATE profiles SET merged_into = ? WHERE workspace_id = ? AND id = ?'),
    moveIdentity: db.prepare('UPDATE identities SET profile_id = ? WHERE workspace_id = ? AND kind = ? AND value = ? AND profile_id = ?'),
    removeIdentity: db.prepare('DELETE FROM identities WHERE workspace_id = ? AND kind = ? AND value = ? AND profile_id = ?'),
    moveEvent: db.prepare('UPDATE events SET profile_id = ? WHERE workspace_id = ? AND message_id = ? AND profile_id = ?'),
    moveConsents: db.prepare('UPDATE consents SET profile_id = ? WHERE +workspace_id = ? AND message_id = ? AND profile_id = ?'),
    undo: db.prepare('UPDATE merges SET undone_at = ?, undone_cause = ? WHERE workspace_id = ? AND seq = ?'),
    events: db.prepare('SELECT * FROM events WHERE +workspace_id = ? AND profile_id = ? ORDER BY ts, seq'),
  };
}

export type UnmergeStatements = ReturnType<typeof prepareUnmergeStatements>;

export function createSqliteUnmergeTx(s: UnmergeStatements, cache: WriteCache): UnmergeTx {
  return {
    async lock() {},
    async merges(workspaceId, profileIds) {
      const ids = JSON.stringify(profileIds);
      return (s.merges.all(workspaceId, ids, ids) as MergeRow[]).map(mergeFromRow);
    },
    async eventsOf(workspaceId, profileId) {
      return (eventsByProfile(s.events, workspaceId, [profileId]).get(profileId) ?? []) as StoredEvent[];
    },
    async consentsOf(workspaceId, profileId) {
      return (s.consents.all(workspaceId, profileId) as Array<{ message_id: string; purposes: string; channel: ConsentRecord['channel']; at: number }>)
        .map((r) => ({ messageId: r.message_id, purposes: JSON.parse(r.purposes) as Record<string, boolean>, channel: r.channel, at: r.at }));
    },
    async apply(c) {
      s.revive.run(c.workspaceId, c.restoredId);
      for (const id of c.redirect) s.redirect.run(c.restoredId, c.workspaceId, id);
      for (const k of c.identities) {
        s.moveIdentity.run(c.restoredId, c.workspaceId, k.kind, k.value, c.survivorId);
        cache.setOwner(c.workspaceId, k, c.restoredId);
      }
      for (const k of c.removed) {
        s.removeIdentity.run(c.workspaceId, k.kind, k.value, c.survivorId);
        cache.forgetOwner(c.workspaceId, k);
      }
      for (const id of c.events) {
        s.moveEvent.run(c.restoredId, c.workspaceId, id, c.survivorId);
        s.moveConsents.run(c.restoredId, c.workspaceId, id, c.survivorId);
      }
      s.undo.run(c.at, c.cause, c.workspaceId, c.seq);
      cache.retired(c.survivorId);
      cache.retired(c.restoredId);
    },
  };
}
