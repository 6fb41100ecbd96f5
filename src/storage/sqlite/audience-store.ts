/** Audiences and their export state in SQLite (see ports/audience-store.ts); writes on the store's exclusive writer. */
import type { AudienceExportSummary, AudienceMemberRow, AudienceStore } from '../../ports/audience-store.js';
import type { Platform } from '../../core/audiences/normalise.js';
import { audienceDocument, audienceFromRow, type StoredAudience } from '../shared/audience-codec.js';
import type { Database } from './database.js';

interface AudienceRow { workspace_id: string; id: string; definition: string; created_at: number; updated_at: number }
const toAudience = (r: AudienceRow) => audienceFromRow(r, JSON.parse(r.definition) as StoredAudience);

export function createSqliteAudienceStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>): AudienceStore {
  const s = {
    put: writer.prepare(`INSERT INTO audiences (workspace_id, id, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (workspace_id, id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`),
    get: reader.prepare('SELECT * FROM audiences WHERE workspace_id = ? AND id = ?'),
    list: reader.prepare('SELECT * FROM audiences WHERE workspace_id = ? ORDER BY id'),
    delete: writer.prepare('DELETE FROM audiences WHERE workspace_id = ? AND id = ?'),
    deleteMembers: writer.prepare('DELETE FROM audience_members WHERE workspace_id = ? AND audience_id = ?'),
    deleteExports: writer.prepare('DELETE FROM audience_exports WHERE workspace_id = ? AND audience_id = ?'),
    rows: reader.prepare('SELECT profile_id, row FROM audience_members WHERE workspace_id = ? AND audience_id = ? AND format = ? AND profile_id IN (SELECT value FROM json_each(?))'),
    keep: writer.prepare(`INSERT INTO audience_members (workspace_id, audience_id, format, profile_id, row, seq) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (workspace_id, audience_id, format, profile_id) DO UPDATE SET row = excluded.row, seq = excluded.seq`),
    stale: reader.prepare('SELECT profile_id, row FROM audience_members WHERE workspace_id = ? AND audience_id = ? AND format = ? AND profile_id > ? AND seq < ? ORDER BY profile_id LIMIT ?'),
    dropStale: writer.prepare('DELETE FROM audience_members WHERE workspace_id = ? AND audience_id = ? AND format = ? AND seq < ?'),
    lastExport: reader.prepare('SELECT summary FROM audience_exports WHERE workspace_id = ? AND audience_id = ? AND format = ?'),
    recordExport: writer.prepare(`INSERT INTO audience_exports (workspace_id, audience_id, format, summary) VALUES (?, ?, ?, ?)
      ON CONFLICT (workspace_id, audience_id, format) DO UPDATE SET summary = excluded.summary`),
    rowsOf: reader.prepare('SELECT audience_id, format, row FROM audience_members INDEXED BY audience_members_profile WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?)) ORDER BY audience_id, format'),
  };
  return {
    put: (a) => exclusive(() => { s.put.run(a.workspaceId, a.id, JSON.stringify(audienceDocument(a)), a.createdAt, a.updatedAt); }),
    get: async (workspaceId, id) => { const r = s.get.get(workspaceId, id) as AudienceRow | undefined; return r ? toAudience(r) : null; },
    list: async (workspaceId) => (s.list.all(workspaceId) as AudienceRow[]).map(toAudience),
    delete: (workspaceId, id) => exclusive(() => writer.transaction(() => {
      s.deleteMembers.run(workspaceId, id);
      s.deleteExports.run(workspaceId, id);
      return s.delete.run(workspaceId, id).changes > 0;
    }).immediate()),
    rows: async (workspaceId, audienceId, format, profileIds) => {
      const found = s.rows.all(workspaceId, audienceId, format, JSON.stringify(profileIds)) as Array<{ profile_id: string; row: string }>;
      return new Map(found.map((r) => [r.profile_id, r.row]));
    },
    keep: (workspaceId, audienceId, format, seq, rows) => exclusive(() => writer.transaction(() => {
      for (const r of rows) s.keep.run(workspaceId, audienceId, format, r.profileId, r.row, seq);
    }).immediate()),
    stale: async (workspaceId, audienceId, format, seq, options) =>
      (s.stale.all(workspaceId, audienceId, format, options.after ?? '', seq, options.limit) as Array<{ profile_id: string; row: string }>).map((r): AudienceMemberRow => ({ profileId: r.profile_id, row: r.row })),
    dropStale: (workspaceId, audienceId, format, seq) => exclusive(() => s.dropStale.run(workspaceId, audienceId, format, seq).changes),
    lastExport: async (workspaceId, audienceId, format) => {
      const r = s.lastExport.get(workspaceId, audienceId, format) as { summary: string } | undefined;
      return r ? (JSON.parse(r.summary) as AudienceExportSummary) : null;
    },
    recordExport: (workspaceId, audienceId, format, summary) => exclusive(() => { s.recordExport.run(workspaceId, audienceId, format, JSON.stringify(summary)); }),
    rowsOf: async (workspaceId, profileIds) =>
      (s.rowsOf.all(workspaceId, JSON.stringify(profileIds)) as Array<{ audience_id: string; format: Platform; row: string }>).map((r) => ({ audienceId: r.audience_id, format: r.format, row: r.row })),
  };
}
