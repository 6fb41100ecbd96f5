/**
 * The privacy part of the SQLite store: settings, consent ledger, counters, audit log, erasure
 * and retention. Writes go through the store's exclusive writer (`exclusive`), like ingest.
 */
import type { SecretBox } from '../shared/secret-box.js';
import type { Platform } from '../../core/audiences/normalise.js';
import { erasedRow } from '../../core/audiences/platform-rows.js';
import { erasedMemberKey } from '../shared/audience-codec.js';
import { TesseraError } from '../../core/errors.js';
import type { ConsentRecord } from '../../core/privacy/consent.js';
import type { PrivacySettings } from '../../core/privacy/privacy-settings.js';
import type { IdentityKey } from '../../core/identity/identity-key.js';
import type { AuditEntry, ErasureReport, PrivacyCounter, PrivacyStore } from '../../ports/privacy-store.js';
import { decodeCursor, encodeCursor } from '../shared/codec.js';
import type { Database } from './database.js';
import { pause } from '../shared/pause.js';
import { ADD_MEMBER_COUNT, addMemberCounts, removedPerSegment } from './segment-store.js';

interface ConsentRow { workspace_id: string; profile_id: string; message_id: string; purposes: string; channel: ConsentRecord['channel']; wording_version: string | null; wording_hash: string | null; wording_text: string | null; text: string | null; evidence: string; request: string; at: number; received_at: number }
interface AuditRow { seq: number; workspace_id: string; at: number; actor: string; action: string; subject: string | null; details: string }

/** For a short synchronous pause (Atomics.wait needs a shared buffer). */
/** Tries of the WAL truncation after an erasure, 10 ms apart (about 10 s). */
const TRUNCATE_ATTEMPTS = 1000;

/**
 * What an erasure deletes (and, for audience rows, reads to detach), each statement through an index on the person's ids (checked by
 * test/storage/sqlite-query-plans.test.ts): `+workspace_id` keeps the planner off the indexes
 * that lead with the workspace alone, which would read the whole workspace while the writer is
 * held; tables keyed by (workspace_id, profile_id) keep the plain comparison, which uses both.
 * Parameters: the workspace id, then the JSON array of the person's profile ids (once per `?`).
 */
export const ERASURE_SQL = {
  identities: 'DELETE FROM identities WHERE +workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  events: 'DELETE FROM events WHERE +workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  /** Events a merge moved to another profile keep their original profile id. */
  movedEvents: 'DELETE FROM events WHERE +workspace_id = ? AND original_profile_id IN (SELECT value FROM json_each(?)) AND original_profile_id <> profile_id',
  /** `Merge Refused` entries on other people's timelines that name the person. */
  systemEvents: "DELETE FROM events WHERE +workspace_id = ? AND type = 'system' AND name = 'Merge Refused' AND json_extract(body, '$.properties.otherProfileId') IN (SELECT value FROM json_each(?))",
  merges: 'DELETE FROM merges WHERE +workspace_id = ? AND (survivor_id IN (SELECT value FROM json_each(?)) OR merged_id IN (SELECT value FROM json_each(?)))',
  consents: 'DELETE FROM consents WHERE +workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  profiles: 'DELETE FROM profiles WHERE +workspace_id = ? AND id IN (SELECT value FROM json_each(?))',
  /** Returns the segment of each membership deleted, for the kept member counts (segment-store.ts). */
  segmentMembers: 'DELETE FROM segment_members WHERE +workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?)) RETURNING segment_id',
  segmentDue: 'DELETE FROM segment_due WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  /** Webhook deliveries name the person (payload: profile id, userId, email). */
  webhookDeliveries: 'DELETE FROM webhook_deliveries WHERE +workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  subscriptions: 'DELETE FROM list_subscriptions INDEXED BY list_subscriptions_profile WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  surveyAnswers: 'DELETE FROM survey_answers INDEXED BY survey_answers_profile WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  tokenUses: 'DELETE FROM token_uses INDEXED BY token_uses_profile WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  /** Experiment assignments name the person's profile and hashed id (issue 16). */
  experimentAssignments: 'DELETE FROM experiment_assignments INDEXED BY experiment_assignments_profile WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  /** Per-person exposure counters of personalization timing (ports/decision-store.ts). */
  exposureCounters: 'DELETE FROM exposure_counters WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  /** The person's recent items of recommendations (ports/recommendation-store.ts); the aggregates hold no person. */
  itemHistory: 'DELETE FROM rec_history WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  /** The history a running rebuild is building for the person (rec_history_next, switched in at its end). */
  rebuildHistory: 'DELETE FROM rec_history_next WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  /** The person's open web-analytics visit (ports/analytics-store.ts); the rollups hold no identifiers and stay. */
  analyticsVisits: 'DELETE FROM analytics_visits INDEXED BY analytics_visits_profile WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  /** The person's indexed visits (start and attributes, for funnel and retention filters). */
  analyticsPersonVisits: 'DELETE FROM analytics_person_visits WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  /**
   * Hashed rows of the person in ad-platform audience export state (ports/audience-store.ts): read
   * here, then detached from the person (`DETACH_AUDIENCE_MEMBER`) rather than deleted, so that the
   * next export of each audience sends them as a `remove`; that export drops them.
   */
  audienceMembers: 'SELECT audience_id, format, profile_id, row FROM audience_members INDEXED BY audience_members_profile WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
} as const;

/**
 * A rebuild's cursor (rec_rebuilds, recommendations/rebuild-recommendations.ts) that names one of
 * the erased profiles moves back to the live profile before it in profile id order ('' when there
 * is none): the same resume point, since the rebuild pages through live profiles after the cursor
 * and the erased ones are gone. Parameters: the ids (JSON), the workspace, the ids again.
 */
const ERASE_REBUILD_CURSOR = `UPDATE rec_rebuilds SET cursor = coalesce((SELECT max(p.id) FROM profiles p WHERE p.workspace_id = rec_rebuilds.workspace_id
    AND p.merged_into IS NULL AND p.id < rec_rebuilds.cursor AND p.id NOT IN (SELECT value FROM json_each(?))), '')
  WHERE workspace_id = ? AND cursor IN (SELECT value FROM json_each(?))`;

/** An erased person's audience row: under a random key that names no one, with only its hashes (core/audiences/platform-rows.ts `erasedRow`). */
const DETACH_AUDIENCE_MEMBER = 'UPDATE audience_members SET profile_id = ?, row = ? WHERE workspace_id = ? AND audience_id = ? AND format = ? AND profile_id = ?';

export function createSqlitePrivacyStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T | Promise<T>) => Promise<T>, onErase: () => void, box: SecretBox): PrivacyStore {
  const r = {
    settings: reader.prepare('SELECT settings FROM privacy_settings WHERE workspace_id = ?').pluck(),
    consents: reader.prepare(`SELECT c.*, coalesce(c.wording_text, w.text) AS text FROM consents c LEFT JOIN consent_wordings w ON w.workspace_id = c.workspace_id AND w.hash = c.wording_hash
      WHERE c.workspace_id = ? AND c.profile_id = ? ORDER BY c.seq`),
    counters: reader.prepare('SELECT day, kind, name, count FROM privacy_counters WHERE workspace_id = ? AND day >= ? AND day <= ? ORDER BY day, kind, name'),
    audit: reader.prepare('SELECT * FROM audit_log WHERE workspace_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
    secret: reader.prepare('SELECT secret FROM privacy_settings WHERE workspace_id = ?').pluck(),
  };
  const w = {
    putSettings: writer.prepare(`INSERT INTO privacy_settings (workspace_id, settings, secret, updated_at) VALUES (?, ?, NULL, ?)
      ON CONFLICT DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`),
    secret: writer.prepare('SELECT secret FROM privacy_settings WHERE workspace_id = ?').pluck(),
    putSecret: writer.prepare(`INSERT INTO privacy_settings (workspace_id, settings, secret, updated_at) VALUES (?, NULL, ?, ?)
      ON CONFLICT DO UPDATE SET secret = coalesce(privacy_settings.secret, excluded.secret)`),
    audit: writer.prepare('INSERT INTO audit_log (workspace_id, at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?, ?)'),
    live: writer.prepare('SELECT id FROM profiles WHERE workspace_id = ? AND id = ? AND merged_into IS NULL').pluck(),
    chain: writer.prepare(`WITH RECURSIVE chain(id) AS (SELECT ? UNION SELECT p.id FROM profiles p JOIN chain c ON p.merged_into = c.id)
      SELECT id FROM chain`).pluck(),
    identitiesOf: writer.prepare('SELECT kind, value FROM identities WHERE +workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))'),
    tombstone: writer.prepare('INSERT INTO tombstones (workspace_id, hash, erased_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    detachAudienceMember: writer.prepare(DETACH_AUDIENCE_MEMBER),
    rebuildCursor: writer.prepare(ERASE_REBUILD_CURSOR),
    memberCount: writer.prepare(ADD_MEMBER_COUNT),
  };
  const erasure = Object.fromEntries(Object.entries(ERASURE_SQL).map(([name, sql]) => [name, writer.prepare(sql)])) as Record<keyof typeof ERASURE_SQL, Database.Statement>;


  return {
    async getSettings(workspaceId) {
      const json = r.settings.get(workspaceId) as string | null | undefined;
      return json ? (JSON.parse(json) as PrivacySettings) : null;
    },
    putSettings: (workspaceId, settings, at) => exclusive(() => { w.putSettings.run(workspaceId, JSON.stringify(settings), at); }),
    async secret(workspaceId, candidate) {
      // Read first, outside the writer's queue: the privacy context is loaded again every few seconds, also by
      // an ingest step inside a write transaction (slot-service.ts identityTraits), which would wait on itself.
      const existing = r.secret.get(workspaceId) as string | undefined;
      if (existing) return box.open(existing);
      return exclusive(() => {
        // Kept when the workspace has one already: the candidate is only stored the first time.
        w.putSecret.run(workspaceId, box.seal(candidate), Date.now());
        return box.open(w.secret.get(workspaceId) as string);
      });
    },
    async consents(workspaceId, profileId) {
      return (r.consents.all(workspaceId, profileId) as ConsentRow[]).map((row) => ({
        workspaceId: row.workspace_id, profileId: row.profile_id, messageId: row.message_id, purposes: JSON.parse(row.purposes), channel: row.channel,
        wording: row.wording_hash ? { version: row.wording_version ?? '', hash: row.wording_hash, ...(row.text !== null ? { text: row.text } : {}), ...(row.wording_text === null && row.text !== null ? { published: true as const } : {}) } : null,
        evidence: JSON.parse(row.evidence), request: JSON.parse(row.request), at: row.at, receivedAt: row.received_at,
      }));
    },
    async counters(workspaceId, fromDay, toDay) {
      return r.counters.all(workspaceId, fromDay, toDay) as PrivacyCounter[];
    },
    audit: (entry: AuditEntry) => exclusive(() => { w.audit.run(entry.workspaceId, entry.at, entry.actor, entry.action, entry.subject, JSON.stringify(entry.details)); }),
    async auditLog(workspaceId, { limit, cursor }) {
      const at = decodeCursor(cursor);
      if (cursor && !at) throw new TesseraError('invalid_query', { issues: [{ field: 'cursor', reason: 'is not a cursor this API returned' }] });
      const rows = r.audit.all(workspaceId, at?.seq ?? Number.MAX_SAFE_INTEGER, limit + 1) as AuditRow[];
      const entries = rows.slice(0, limit).map((row) => ({ workspaceId: row.workspace_id, at: row.at, actor: row.actor, action: row.action, subject: row.subject, details: JSON.parse(row.details) }));
      const last = rows[limit - 1];
      return { entries, nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.seq) : null };
    },
    erase: (workspaceId, profileId, { tombstone, at }) => exclusive(async () => {
      const run = writer.transaction((): ErasureReport => {
        if (!w.live.get(workspaceId, profileId)) throw new TesseraError('not_found', { message: `No live profile ${profileId}.` });
        const ids = JSON.stringify(w.chain.all(profileId) as string[]);
        const identities = tombstone ? (w.identitiesOf.all(workspaceId, ids) as IdentityKey[]) : [];
        for (const key of identities) w.tombstone.run(workspaceId, tombstone!(key), at);
        const report: ErasureReport = {
          tombstones: identities.length,
          identities: erasure.identities.run(workspaceId, ids).changes,
          events: erasure.events.run(workspaceId, ids).changes + erasure.movedEvents.run(workspaceId, ids).changes + erasure.systemEvents.run(workspaceId, ids).changes,
          merges: erasure.merges.run(workspaceId, ids, ids).changes,
          consents: erasure.consents.run(workspaceId, ids).changes,
          profiles: erasure.profiles.run(workspaceId, ids).changes,
        };
        addMemberCounts(w.memberCount, workspaceId, removedPerSegment(erasure.segmentMembers.pluck().all(workspaceId, ids) as string[]));
        erasure.segmentDue.run(workspaceId, ids);
        erasure.webhookDeliveries.run(workspaceId, ids);
        // Email-link data (issue 6): list subscriptions and survey answers.
        erasure.subscriptions.run(workspaceId, ids);
        erasure.surveyAnswers.run(workspaceId, ids);
        erasure.tokenUses.run(workspaceId, ids);
        erasure.experimentAssignments.run(workspaceId, ids);
        erasure.exposureCounters.run(workspaceId, ids);
        erasure.itemHistory.run(workspaceId, ids);
        erasure.rebuildHistory.run(workspaceId, ids);
        w.rebuildCursor.run(ids, workspaceId, ids);
        erasure.analyticsVisits.run(workspaceId, ids);
        erasure.analyticsPersonVisits.run(workspaceId, ids);
        for (const member of erasure.audienceMembers.all(workspaceId, ids) as Array<{ audience_id: string; format: Platform; profile_id: string; row: string }>) {
          w.detachAudienceMember.run(erasedMemberKey(), erasedRow(member.row, member.format), workspaceId, member.audience_id, member.format, member.profile_id);
        }
        return report;
      });
      const report = run.immediate();
      onErase();
      // The WAL still holds the erased pages until a checkpoint copies them over; truncate it now.
      // The background checkpointer may hold the checkpoint lock during a pass (up to seconds under
      // sustained load): keep trying, without blocking the event loop, while this erasure holds
      // the writer (nothing can append to the WAL meanwhile). Should it still not succeed, the next
      // background pass copies the overwritten pages and the WAL's old frames are reused.
      for (let attempt = 0; attempt < TRUNCATE_ATTEMPTS; attempt++) {
        const [result] = writer.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
        if (!result || result.busy === 0) break;
        await pause(10);
      }
      return report;
    }),
    redactMergeSnapshots: (workspaceId, expired) => exclusive(() => {
      const rows = writer.prepare('SELECT seq, snapshot FROM merges WHERE workspace_id = ?').all(workspaceId) as Array<{ seq: number; snapshot: string }>;
      const update = writer.prepare('UPDATE merges SET snapshot = ? WHERE seq = ?');
      let changed = 0;
      writer.transaction(() => {
        for (const row of rows) {
          const snapshot = JSON.parse(row.snapshot) as { traits: Record<string, unknown>; traitMeta: Record<string, { at: number }> };
          const drop = Object.entries(snapshot.traitMeta).filter(([name, meta]) => expired(name, meta.at)).map(([name]) => name);
          if (drop.length === 0) continue;
          for (const name of drop) { delete snapshot.traits[name]; delete snapshot.traitMeta[name]; }
          update.run(JSON.stringify(snapshot), row.seq);
          changed++;
        }
      }).immediate();
      return changed;
    }),
    purgeEvents: (workspaceId, rule, limit) => exclusive(() => {
      const where = ['workspace_id = ?', 'ts < ?', 'type = ?'];
      const params: unknown[] = [workspaceId, rule.before, rule.type];
      if (rule.names) { where.push('name IN (SELECT value FROM json_each(?))'); params.push(JSON.stringify(rule.names)); }
      if (rule.exceptNames?.length) { where.push('(name IS NULL OR name NOT IN (SELECT value FROM json_each(?)))'); params.push(JSON.stringify(rule.exceptNames)); }
      const rows = writer.prepare(`DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE ${where.join(' AND ')} LIMIT ?) RETURNING profile_id`)
        .pluck().all(...params, limit) as string[];
      return { deleted: rows.length, profileIds: [...new Set(rows)] };
    }),
  };
}
