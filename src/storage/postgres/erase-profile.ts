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
 *    list subscriptions, survey answers, uses of single-use link tokens and exposure counters.
 *    Each uses an index (migrations.ts), so an erasure does not read the whole events table while
 *    it holds the workspace lock.
 * The tables deleted from are then VACUUMed (vacuum.ts), outside the transaction.
 */
import { TesseraError } from '../../core/errors.js';
import type { IdentityKey } from '../../core/identity/identity-key.js';
import type { ErasureReport, PrivacyStore } from '../../ports/privacy-store.js';
import type { Queryable } from './database.js';
import { WORKSPACE_LOCK_CLASS } from './write-tx.js';

/** Every table an erasure deletes from. */
export const ERASED_TABLES = [
  'profiles', 'profile_search', 'identities', 'events', 'merges', 'consents', 'segment_members', 'segment_due', 'webhook_deliveries', 'list_subscriptions', 'survey_answers', 'token_uses', 'experiment_assignments', 'exposure_counters',
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
  profiles: 'DELETE FROM profiles WHERE id = ANY($2::text[]) AND workspace_id = $1',
  segmentMembers: 'DELETE FROM segment_members WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  segmentDue: 'DELETE FROM segment_due WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
  /** Deliveries name the person (payload: profile id, userId, email). */
  webhookDeliveries: 'DELETE FROM webhook_deliveries WHERE profile_id = ANY($2::text[]) AND workspace_id = $1',
} as const;

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
  const run = (sql: string) => db.query(sql, ids).then((r) => r.rowCount ?? 0);
  const [identities, events, movedEvents, systemEvents, merges, consents, , profiles] = await Promise.all([
    run(ERASURE_DELETES.identities), run(ERASURE_DELETES.events), run(ERASURE_DELETES.movedEvents), run(ERASURE_DELETES.systemEvents),
    run(ERASURE_DELETES.merges), run(ERASURE_DELETES.consents), run(ERASURE_DELETES.search), run(ERASURE_DELETES.profiles),
    run(ERASURE_DELETES.segmentMembers), run(ERASURE_DELETES.segmentDue), run(ERASURE_DELETES.webhookDeliveries),
    // Email-link data (issue 6): list subscriptions and survey answers.
    run(ERASURE_DELETES.subscriptions), run(ERASURE_DELETES.surveyAnswers), run(ERASURE_DELETES.tokenUses),
    run(ERASURE_DELETES.experimentAssignments),
    run(ERASURE_DELETES.exposureCounters),
  ]);
  return { tombstones, identities, events: events + movedEvents + systemEvents, merges, consents, profiles };
}
