/** Audiences and their export state in PostgreSQL (see ports/audience-store.ts). */
import type { AudienceExportSummary, AudienceStore } from '../../ports/audience-store.js';
import type { Platform } from '../../core/audiences/normalise.js';
import { audienceDocument, audienceFromRow, type StoredAudience } from '../shared/audience-codec.js';
import type { Pool } from './database.js';
import { inTransaction } from './transaction.js';

interface AudienceRow { workspace_id: string; id: string; definition: StoredAudience; created_at: string; updated_at: string }

export function createPostgresAudienceStore(pool: Pool): AudienceStore {
  return {
    async put(a) {
      await pool.query(`INSERT INTO audiences (workspace_id, id, definition, created_at, updated_at) VALUES ($1, $2, $3::jsonb, $4, $5)
        ON CONFLICT (workspace_id, id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`,
      [a.workspaceId, a.id, JSON.stringify(audienceDocument(a)), a.createdAt, a.updatedAt]);
    },
    async get(workspaceId, id) {
      const { rows } = await pool.query<AudienceRow>('SELECT * FROM audiences WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
      return rows[0] ? audienceFromRow(rows[0], rows[0].definition) : null;
    },
    async list(workspaceId) {
      const { rows } = await pool.query<AudienceRow>('SELECT * FROM audiences WHERE workspace_id = $1 ORDER BY id', [workspaceId]);
      return rows.map((r) => audienceFromRow(r, r.definition));
    },
    delete(workspaceId, id) {
      return inTransaction(pool, async (client) => {
        await client.query('DELETE FROM audience_members WHERE workspace_id = $1 AND audience_id = $2', [workspaceId, id]);
        await client.query('DELETE FROM audience_exports WHERE workspace_id = $1 AND audience_id = $2', [workspaceId, id]);
        const r = await client.query('DELETE FROM audiences WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
        return (r.rowCount ?? 0) > 0;
      });
    },
    async rows(workspaceId, audienceId, format, profileIds) {
      const { rows } = await pool.query<{ profile_id: string; row: string }>(
        'SELECT profile_id, row FROM audience_members WHERE workspace_id = $1 AND audience_id = $2 AND format = $3 AND profile_id = ANY($4::text[])',
        [workspaceId, audienceId, format, [...profileIds]]);
      return new Map(rows.map((r) => [r.profile_id, r.row]));
    },
    async keep(workspaceId, audienceId, format, seq, rows) {
      if (rows.length === 0) return;
      await pool.query(`INSERT INTO audience_members (workspace_id, audience_id, format, profile_id, row, seq)
        SELECT $1, $2, $3, p, r, $4 FROM unnest($5::text[], $6::text[]) AS t(p, r)
        ON CONFLICT (workspace_id, audience_id, format, profile_id) DO UPDATE SET row = excluded.row, seq = excluded.seq`,
      [workspaceId, audienceId, format, seq, rows.map((r) => r.profileId), rows.map((r) => r.row)]);
    },
    async stale(workspaceId, audienceId, format, seq, options) {
      const { rows } = await pool.query<{ profile_id: string; row: string }>(
        'SELECT profile_id, row FROM audience_members WHERE workspace_id = $1 AND audience_id = $2 AND format = $3 AND profile_id > $4 AND seq < $5 ORDER BY profile_id LIMIT $6',
        [workspaceId, audienceId, format, options.after ?? '', seq, options.limit]);
      return rows.map((r) => ({ profileId: r.profile_id, row: r.row }));
    },
    async dropStale(workspaceId, audienceId, format, seq) {
      const r = await pool.query('DELETE FROM audience_members WHERE workspace_id = $1 AND audience_id = $2 AND format = $3 AND seq < $4', [workspaceId, audienceId, format, seq]);
      return r.rowCount ?? 0;
    },
    async lastExport(workspaceId, audienceId, format) {
      const { rows } = await pool.query<{ summary: AudienceExportSummary }>('SELECT summary FROM audience_exports WHERE workspace_id = $1 AND audience_id = $2 AND format = $3', [workspaceId, audienceId, format]);
      return rows[0]?.summary ?? null;
    },
    async recordExport(workspaceId, audienceId, format, summary) {
      await pool.query(`INSERT INTO audience_exports (workspace_id, audience_id, format, summary) VALUES ($1, $2, $3, $4::jsonb)
        ON CONFLICT (workspace_id, audience_id, format) DO UPDATE SET summary = excluded.summary`, [workspaceId, audienceId, format, JSON.stringify(summary)]);
    },
    async rowsOf(workspaceId, profileIds) {
      const { rows } = await pool.query<{ audience_id: string; format: Platform; row: string }>(
        'SELECT audience_id, format, row FROM audience_members WHERE workspace_id = $1 AND profile_id = ANY($2::text[]) ORDER BY audience_id, format', [workspaceId, [...profileIds]]);
      return rows.map((r) => ({ audienceId: r.audience_id, format: r.format, row: r.row }));
    },
  };
}
