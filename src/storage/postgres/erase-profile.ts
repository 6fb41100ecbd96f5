/**
 * Erasure in PostgreSQL (the policy: src/privacy/erasure.ts), inside one transaction:
 * 1. The workspace's advisory lock, exclusive. Every ingest batch holds it in shared mode from
 *    before it reads identity owners until it commits (write-tx.ts), so no batch is between reading
 *    the person's owner rows and writing next to them, and every batch after the erasure finds no
 *    owner and sees the tombstones. The lock is taken before any row lock, as ingest does.
 * 2. The live profile and every profile merged into it (following `merged_into`), locked.
 * 3. Tombstones of the identities about to be deleted, computed from those rows.
 * 4. The deletes, sent together (pipelined): identities; events by profile, by original profile
 *    (moved by a merge) and `system` events naming one of the profiles (the other side of a refused
 *    merge); merges where one of them survived or was merged; consents; profile_search; profiles;
 *    list subscriptions, survey answers, uses of single-use link tokens, exposure counters and
 *    the recent item history of recommendations. The person's audience export rows are detached
 *    from them (a random key, hashes only) instead, for the next export to send as removes.
 *    Each uses an index (migrations.ts), so an erasure does not read the whole events table while
 *    it holds the workspace lock.
 * The tables deleted from are then VACUUMed (vacuum.ts), outside the transaction.
 */
import type { Platform } from '../../core/audiences/normalise.js';
import { erasedRow } from '../../core/audiences/platform-rows.js';
import { TesseraError } from '../../core/errors.js';
import type { IdentityKey } from '../../core/identity/identity-key.js';
import type { ErasureReport, PrivacyStore } from '../../ports/privacy-store.js';
import type { Queryable } from './database.js';
import { erasedMemberKey } from '../shared/audience-codec.js';
import { REMOVE_COUNTED } from './segment-store.js';
import { WORKSPACE_LOCK_CLASS } from './write-tx.js';

/** Every table an erasure deletes from. */
export const ERASED_TABLES = [
  'profiles', 'profile_search', 'identities', 'events', 'merges', 'consents', 'segment_members', 'segment_due', 'webhook_deliveries', 'list_subscriptions', 'survey_answers', 'token_uses', 'experiment_assignments', 'exposure_counters', 'rec_history', 'rec_history_next', 'audience_members',
] as const;

/** The live profile and the profiles merged into it, locked; empty when the profile is not live. */
export const ERASURE_CHAIN_SQL = `WITH RECURSIVE chain(id) AS (
    SELECT id FROM profiles WHERE id = $2 AND workspace_id = $1 AND merged_into IS NULL
    UNION
    SELECT p.id FROM profiles p JOIN chain c ON p.merged_into = c.id WHERE p.workspace_id = $1
  )
  SELECT p.id FROM profiles p WHERE p.id IN (SELECT id FROM chain) ORDER BY p.id FOR UPDATE OF p`;

/** The deletes, each `$1` the workspace and `$2` the profile ids; exported for the EXPLAIN test. */
export const ERASURE_DELETES = {
  identities: 'DELETE FROM identities WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  events: 'DELETE FROM events WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  movedEvents: 'DELETE FROM events WHERE original_profile_id = ANY($2::text[]) AND original_profile_id <> profile_id AND workspace_id = $1',
  systemEvents: `DELETE FROM events WHERE (body->'properties'->>'otherProfileId') = ANY($2::text[]) AND type = 'system' AND name = 'Merge Refused' AND workspace_id = $1`,
  merges: 'DELETE FROM merges WHERE (survivor_id = ANY($2::text[]) OR merged_id = ANY($2::text[])) AND workspace_id = $1',
  consents: 'DELETE FROM consents WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  search: 'DELETE FROM profile_search WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  subscriptions: 'DELETE FROM list_subscriptions WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  surveyAnswers: 'DELETE FROM survey_answers WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  /** Uses of single-use link tokens name the person's profile and device (issue 13). */
  tokenUses: 'DELETE FROM token_uses WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  /** Experiment assignments name the person's profile and hashed id (issue 16). */
  experimentAssignments: 'DELETE FROM experiment_assignments WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  /** Per-person exposure counters of personalization timing (ports/decision-store.ts). */
  exposureCounters: 'DELETE FROM exposure_counters WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  /** The person's recent items of recommendations (ports/recommendation-store.ts); the aggregates hold no person. */
  itemHistory: 'DELETE FROM rec_history WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  /** The history a running rebuild is building for the person (rec_history_next, switched in at its end). */
  rebuildHistory: 'DELETE FROM rec_history_next WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  /** The person's open web-analytics visit (ports/analytics-store.ts); the rollups hold no identifiers and stay. */
  analyticsVisits: 'DELETE FROM analytics_visits WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  /** The person's indexed visits (start and attributes, for funnel and retention filters). */
  analyticsPersonVisits: 'DELETE FROM analytics_person_visits WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  /**
   * Hashed rows of the person in ad-platform audience export state (ports/audience-store.ts): read
   * (locked) here, then detached from the person (`DETACH_AUDIENCE_MEMBERS`) rather than deleted,
   * so that the next export of each audience sends them as a `remove`; that export drops them.
   */
  audienceMembers: 'SELECT audience_id, format, profile_id, row FROM audience_members WHERE profile_id = ANY($2::text[]) AND workspace_id = $1 FOR UPDATE',
  profiles: 'DELETE FROM profiles WHERE id = ANY($2::text[]) AND workspace_id = $1',
  /** With the kept member counts lowered by the memberships deleted (segment-store.ts). */
  segmentMembers: REMOVE_COUNTED('DELETE FROM segment_members WHERE profile_id = ANY($2::text[]) AND workspace_id = $1'),
  segmentDue: 'DELETE FROM segment_due WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  /** Deliveries name the person (payload: profile id, userId, email). */
  webhookDeliveries: 'DELETE FROM webhook_deliveries WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
} as const;

/**
 * A rebuild's cursor (rec_rebuilds, recommendations/rebuild-recommendations.ts) that names one of
 * the erased profiles moves back to the live profile before it in profile id order ('' when there
 * is none): the same resume point, since the rebuild pages through live profiles after the cursor
 * and the erased ones are gone. `$1` the workspace, `$2` the profile ids.
 */
export const ERASE_REBUILD_CURSOR = `UPDATE rec_rebuilds r SET cursor = coalesce((SELECT max(p.id) FROM profiles p WHERE p.workspace_id = $1
    AND p.merged_into IS NULL AND p.id < r.cursor AND p.id <> ALL($2::text[])), '')
  WHERE r.workspace_id = $1 AND r.cursor = ANY($2::text[])`;

/** An erased person's audience rows: each under a random key that names no one, with only its hashes (core/audiences/platform-rows.ts `erasedRow`). */
const DETACH_AUDIENCE_MEMBERS = `UPDATE audience_members m SET profile_id = d.key, row = d.row
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS d(audience_id, format, profile_id, key, row)
  WHERE m.workspace_id = $1 AND m.audience_id = d.audience_id AND m.format = d.format AND m.profile_id = d.profile_id`;

type EraseOptions = Parameters<PrivacyStore['erase']>[2];

export async function eraseProfile(db: Queryable, workspaceId: string, profileId: string, { tombstone, at }: EraseOptions): Promise<ErasureReport> {
  await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [WORKSPACE_LOCK_CLASS, workspaceId]);
  const chain = (await db.query<{ id: string }>(ERASURE_CHAIN_SQL, [workspaceId, profileId])).rows.map((r) => r.id);
  if (chain.length === 0) throw new TesseraError('not_found', { message: `No live profile ${profileId}.` });
  const ids = [workspaceId, chain];

  let tombstones = 0;
  if (tombstone) {
    const { rows } = await db.query<IdentityKey>('SELECT kind, value FROM identities WHERE profile_id = ANY($2::text[]) AND workspace_id = $1', ids);
    tombstones = rows.length;
    if (rows.length > 0) {
      await db.query(`INSERT INTO tombstones (workspace_id, hash, erased_at) SELECT $1, h, $3 FROM unnest($2::text[]) AS t(h)
        ON CONFLICT DO NOTHING`, [workspaceId, [...new Set(rows.map(tombstone))], at]);
    }
  }
  const members = (await db.query<{ audience_id: string; format: Platform; profile_id: string; row: string }>(ERASURE_DELETES.audienceMembers, ids)).rows;
  if (members.length > 0) {
    await db.query(DETACH_AUDIENCE_MEMBERS, [workspaceId, members.map((m) => m.audience_id), members.map((m) => m.format), members.map((m) => m.profile_id),
      members.map(() => erasedMemberKey()), members.map((m) => erasedRow(m.row, m.format))]);
  }
  const run = (sql: string) => db.query(sql, ids).then((r) => r.rowCount ?? 0);
  const [identities, events, movedEvents, systemEvents, merges, consents, , profiles] = await Promise.all([
    run(ERASURE_DELETES.identities), run(ERASURE_DELETES.events), run(ERASURE_DELETES.movedEvents), run(ERASURE_DELETES.systemEvents),
    run(ERASURE_DELETES.merges), run(ERASURE_DELETES.consents), run(ERASURE_DELETES.search), run(ERASURE_DELETES.profiles),
    run(ERASURE_DELETES.segmentMembers), run(ERASURE_DELETES.segmentDue), run(ERASURE_DELETES.webhookDeliveries),
    // Email-link data (issue 6): list subscriptions and survey answers.
    run(ERASURE_DELETES.subscriptions), run(ERASURE_DELETES.surveyAnswers), run(ERASURE_DELETES.tokenUses),
    run(ERASURE_DELETES.experimentAssignments),
    run(ERASURE_DELETES.exposureCounters),
    run(ERASURE_DELETES.itemHistory),
    run(ERASURE_DELETES.rebuildHistory),
    run(ERASE_REBUILD_CURSOR),
    run(ERASURE_DELETES.analyticsVisits),
    run(ERASURE_DELETES.analyticsPersonVisits),
  ]);
  return { tombstones, identities, events: events + movedEvents + systemEvents, merges, consents, profiles };
}
