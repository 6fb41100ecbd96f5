/**
 * Versions 30 and later of the sqlite schema: what running at a million profiles and the admin app
 * needed — the people-search index, rebuild progress, the analytics label registry and visits, the
 * lifecycle-move index, kept segment member counts, the analytics rollup mark and the
 * recommendations' shadow tables. Listed in order by migrations.ts, after
 * migrations-capabilities.ts (16–29). Append new versions here and in the PostgreSQL store's file of
 * the same name; never edit an applied version.
 */
import type { Migration } from '../shared/migration.js';

export const atScaleMigrations: Migration[] = [
  {
    version: 30,
    name: 'people search: a trigram full-text index of the profiles\' search text',
    // Free-text People search (`GET /v1/profiles?q=`, storage/sqlite/profile-queries.ts) answers a
    // query of 3 or more characters from this index instead of a LIKE over every profile (issue 19).
    // Design (storage/sqlite/profile-search-index.ts explains the query side):
    // - profiles has a TEXT primary key, so its rowid is implicit and VACUUM may renumber it: the
    //   index is not keyed by it. profile_search_keys gives each profile an INTEGER PRIMARY KEY
    //   (kept by VACUUM), and the index is keyed by that.
    // - The index is contentless (content=''): it holds no copy of the text, only the trigrams
    //   (columnsize=0: no per-row sizes, no ranking is done). A contentless table cannot re-read a
    //   row, so removing one names its old text ('delete' command): the triggers pass old.search,
    //   which is exactly what was indexed (the triggers are the only writers).
    // - 'secure-delete': a removed row's trigrams leave the index at once instead of staying in
    //   older segments behind a delete marker, so an erasure or a retirement (search = '') leaves
    //   none of the person's text; PRAGMA secure_delete (database.ts) zeroes the freed bytes.
    // - Triggers keep it in step with every writer of profiles; an UPDATE pays only when the
    //   search text changes (WHEN old.search IS NOT new.search). Empty texts are not indexed.
    // - Rebuilding (should it ever be needed): INSERT INTO profiles_search (profiles_search)
    //   VALUES ('delete-all'), then the last INSERT below again.
    sql: `
      CREATE TABLE profile_search_keys (
        key INTEGER PRIMARY KEY,
        profile_id TEXT NOT NULL UNIQUE
      );
      CREATE VIRTUAL TABLE profiles_search USING fts5(search, content='', columnsize=0, tokenize='trigram');
      INSERT INTO profiles_search (profiles_search, rank) VALUES ('secure-delete', 1);
      CREATE TRIGGER profiles_search_insert AFTER INSERT ON profiles BEGIN
        INSERT INTO profile_search_keys (profile_id) VALUES (new.id);
        INSERT INTO profiles_search (rowid, search)
          SELECT key, new.search FROM profile_search_keys WHERE profile_id = new.id AND new.search <> '';
      END;
      CREATE TRIGGER profiles_search_update AFTER UPDATE OF search ON profiles WHEN old.search IS NOT new.search BEGIN
        INSERT INTO profiles_search (profiles_search, rowid, search)
          SELECT 'delete', key, old.search FROM profile_search_keys WHERE profile_id = old.id AND old.search <> '';
        INSERT INTO profiles_search (rowid, search)
          SELECT key, new.search FROM profile_search_keys WHERE profile_id = new.id AND new.search <> '';
      END;
      CREATE TRIGGER profiles_search_delete AFTER DELETE ON profiles BEGIN
        INSERT INTO profiles_search (profiles_search, rowid, search)
          SELECT 'delete', key, old.search FROM profile_search_keys WHERE profile_id = old.id AND old.search <> '';
        DELETE FROM profile_search_keys WHERE profile_id = old.id;
      END;
      INSERT INTO profile_search_keys (profile_id) SELECT id FROM profiles;
      INSERT INTO profiles_search (rowid, search)
        SELECT k.key, p.search FROM profile_search_keys k JOIN profiles p ON p.id = k.profile_id WHERE p.search <> '';
    `,
  },
  {
    version: 32,
    name: 'recommendations: progress of a rebuild from stored events (tessera recommendations rebuild)',
    // ports/recommendation-store.ts RebuildProgress: one row per workspace, the latest rebuild; the
    // profile id cursor of the last page written, in the page's transaction. No personal data.
    sql: `
      CREATE TABLE rec_rebuilds (
        workspace_id TEXT PRIMARY KEY,
        cursor TEXT NOT NULL,
        processed INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 35,
    name: 'web analytics: the registry of label values kept under their caps (titles, categories, event properties)',
    // core/analytics/labels.ts: the values each bounded dimension admitted, so that a value is always
    // its own row or always (other). Values are page titles, categories, event names, property keys
    // and values (those declared personal or looking like an address are never kept: (withheld)).
    sql: `
      CREATE TABLE analytics_values (
        workspace_id TEXT NOT NULL,
        dim TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (workspace_id, dim, value)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 36,
    name: 'web analytics: each person\'s visits with their attributes (funnel and retention filters); progress of the hit-key backfill',
    // analytics_person_visits (ports/analytics-store.ts): one row per visit a profile opened — its
    // start and the attributes fixed by its first event — written by ingest's rollup step, so that
    // funnels and retention can keep the people with a visit of a channel, campaign, device, country,
    // … (analytics/people-filter.ts). Person-level: exported with the person, erased with them,
    // moved to the survivor on a merge, deleted by retention with the rollups' hours.
    // analytics_backfills: the cursor of `tessera analytics backfill` (hit keys of events stored
    // before version 25), per workspace; no personal data (an event's sequence number).
    sql: `
      CREATE TABLE analytics_person_visits (
        workspace_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        attributes TEXT NOT NULL,
        PRIMARY KEY (workspace_id, profile_id, start)
      ) WITHOUT ROWID;
      CREATE INDEX analytics_person_visits_start ON analytics_person_visits (workspace_id, start);
      CREATE TABLE analytics_backfills (
        workspace_id TEXT PRIMARY KEY,
        cursor TEXT NOT NULL,
        processed INTEGER NOT NULL,
        keyed INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER
      ) WITHOUT ROWID;
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
    // segment-store.ts ADD_MEMBER_COUNT: changed with every membership insert and delete, in the
    // same transaction; memberCount reads it instead of counting. No personal data (ids and counts).
    sql: `
      CREATE TABLE segment_member_counts (
        workspace_id TEXT NOT NULL,
        segment_id TEXT NOT NULL,
        members INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, segment_id)
      ) WITHOUT ROWID;
      INSERT INTO segment_member_counts (workspace_id, segment_id, members)
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
        workspace_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL
      ) WITHOUT ROWID;
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
        workspace_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        other_id TEXT NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (workspace_id, kind, item_id, other_id)
      ) WITHOUT ROWID;
      CREATE TABLE rec_item_stats_next (
        workspace_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        long_score REAL NOT NULL,
        short_score REAL NOT NULL,
        PRIMARY KEY (workspace_id, kind, item_id)
      ) WITHOUT ROWID;
      CREATE INDEX rec_item_stats_next_item ON rec_item_stats_next (workspace_id, item_id);
      CREATE TABLE rec_history_next (
        workspace_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        history TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, profile_id)
      ) WITHOUT ROWID;
    `,
  },
];
