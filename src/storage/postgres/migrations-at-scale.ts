/**
 * Versions 30 and later of the postgres schema: what running at a million profiles and the admin app
 * needed — the people-search index, rebuild progress, the analytics label registry and visits, the
 * lifecycle-move index, kept segment member counts, the analytics rollup mark and the
 * recommendations' shadow tables. Listed in order by migrations.ts, after
 * migrations-capabilities.ts (16–29). Append new versions here and in the SQLite store's file of
 * the same name; never edit an applied version.
 */
import type { Migration } from '../shared/migration.js';

export const atScaleMigrations: Migration[] = [
  {
    version: 30,
    name: 'SQLite only: a trigram full-text index for People search (PostgreSQL has its pg_trgm index since version 1)',
    // Both stores list every version (storage/sqlite/migrations.ts); on PostgreSQL this one changes
    // nothing: profile_search_text (a pg_trgm GIN index, version 1) already answers `search LIKE '%…%'`.
    sql: 'SELECT 1;',
  },
  {
    version: 32,
    name: 'recommendations: progress of a rebuild from stored events (tessera recommendations rebuild)',
    // ports/recommendation-store.ts RebuildProgress: one row per workspace, the latest rebuild; the
    // profile id cursor of the last page written, in the page's transaction. No personal data.
    sql: `
      CREATE TABLE rec_rebuilds (
        workspace_id text COLLATE "C" PRIMARY KEY,
        cursor text COLLATE "C" NOT NULL,
        processed bigint NOT NULL,
        started_at bigint NOT NULL,
        finished_at bigint
      );
    `,
  },
  {
    version: 35,
    name: 'web analytics: the registry of label values kept under their caps (titles, categories, event properties)',
    // core/analytics/labels.ts: the values each bounded dimension admitted, so that a value is always
    // its own row or always (other). No personal data (see the SQLite twin).
    sql: `
      CREATE TABLE analytics_values (
        workspace_id text COLLATE "C" NOT NULL,
        dim text COLLATE "C" NOT NULL,
        value text COLLATE "C" NOT NULL,
        PRIMARY KEY (workspace_id, dim, value)
      );
    `,
  },
  {
    version: 36,
    name: 'web analytics: each person\'s visits with their attributes (funnel and retention filters); progress of the hit-key backfill',
    // See the SQLite twin: analytics_person_visits is person-level (exported, erased, moved on merge);
    // analytics_backfills holds the cursor of `tessera analytics backfill`.
    sql: `
      CREATE TABLE analytics_person_visits (
        workspace_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        start bigint NOT NULL,
        attributes jsonb NOT NULL,
        PRIMARY KEY (workspace_id, profile_id, start)
      );
      CREATE INDEX analytics_person_visits_start ON analytics_person_visits (workspace_id, start);
      CREATE TABLE analytics_backfills (
        workspace_id text COLLATE "C" PRIMARY KEY,
        cursor text COLLATE "C" NOT NULL,
        processed bigint NOT NULL,
        keyed bigint NOT NULL,
        started_at bigint NOT NULL,
        finished_at bigint
      );
    `,
  },
  {
    version: 37,
    name: 'lifecycle moves by time: the stage funnel (GET /v1/lifecycle/funnel) reads them without scanning every event',
    // Each move is a system event `Lifecycle Stage Changed` (ingest/steps/update-lifecycle.ts); the
    // funnel counts those of a period per (from, to).
    sql: `
      CREATE INDEX events_lifecycle_moves ON events(workspace_id, ts) WHERE type = 'system' AND name = 'Lifecycle Stage Changed';
    `,
  },
  {
    version: 39,
    name: 'segments: a member count kept per segment (issue 19 §3), filled from the existing memberships',
    // segment-store.ts: one row per writing transaction and segment with the members it added
    // (negative: removed); the count is their sum, folded into one row now and then. No personal
    // data (ids and counts). No primary key is needed: rows are only inserted and folded away.
    sql: `
      CREATE TABLE segment_member_counts (
        workspace_id text COLLATE "C" NOT NULL,
        segment_id text COLLATE "C" NOT NULL,
        delta bigint NOT NULL
      );
      CREATE INDEX segment_member_counts_segment ON segment_member_counts (workspace_id, segment_id);
      INSERT INTO segment_member_counts (workspace_id, segment_id, delta)
        SELECT workspace_id, segment_id, count(*) FROM segment_members GROUP BY workspace_id, segment_id;
    `,
  },
  {
    version: 40,
    name: 'web analytics: the rollup mark per workspace (rollups are written by a worker after the events, not in their transaction)',
    // analytics/rollup-worker.ts: every event stored up to the mark's sequence number is counted in
    // the rollups; on start the worker counts those after it from the stored events (the crash
    // window). Until now ingest counted every event in its own transaction: all stored are counted.
    // No personal data (a sequence number).
    sql: `
      CREATE TABLE analytics_marks (
        workspace_id text COLLATE "C" PRIMARY KEY,
        seq bigint NOT NULL
      );
      INSERT INTO analytics_marks (workspace_id, seq) SELECT workspace_id, max(seq) FROM events GROUP BY workspace_id;
    `,
  },
  {
    version: 42,
    name: 'recommendations: shadow tables a rebuild fills, switched in by its last page (atomic rebuild)',
    // recommendations/rebuild-recommendations.ts: `tessera recommendations rebuild` learns into these
    // (and ingest learns into them too while it runs); its last page replaces the workspace's rows of
    // rec_pairs, rec_item_stats and rec_history with them in its transaction and empties them, so a
    // request never sees a half-built state. rec_history_next is personal data (erased with the
    // person, like rec_history); the other two are aggregates. Never read by serving: no top indexes.
    sql: `
      CREATE TABLE rec_pairs_next (
        workspace_id text COLLATE "C" NOT NULL,
        kind text COLLATE "C" NOT NULL,
        item_id text COLLATE "C" NOT NULL,
        other_id text COLLATE "C" NOT NULL,
        score double precision NOT NULL,
        PRIMARY KEY (workspace_id, kind, item_id, other_id)
      );
      CREATE TABLE rec_item_stats_next (
        workspace_id text COLLATE "C" NOT NULL,
        kind text COLLATE "C" NOT NULL,
        item_id text COLLATE "C" NOT NULL,
        long_score double precision NOT NULL,
        short_score double precision NOT NULL,
        PRIMARY KEY (workspace_id, kind, item_id)
      );
      CREATE INDEX rec_item_stats_next_item ON rec_item_stats_next (workspace_id, item_id);
      CREATE TABLE rec_history_next (
        workspace_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        history json NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, profile_id)
      );
    `,
  },
];
