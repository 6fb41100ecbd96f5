/**
 * Versions 16 to 29 of the sqlite schema: the capabilities built on the profile engine — server
 * keys, slot reports, web analytics, users and sessions, recommendations, experiment aggregates,
 * audiences and message webhooks. Listed in order by migrations.ts; new versions go in
 * migrations-at-scale.ts; never edit an applied version.
 */
import type { Migration } from '../shared/migration.js';

export const capabilityMigrations: Migration[] = [
  {
    version: 16,
    name: 'server keys with scopes',
    // workspaces/api-keys.ts: a third key kind, `server` (sk_…), with a scope list (JSON array of
    // strings; '[]' for write and admin keys). SQLite cannot alter a CHECK constraint, so the table
    // is rebuilt: copy every row, drop, rename, and make the index again (the UNIQUE on hash comes
    // with the table). Nothing references api_keys, and migrations run in one transaction.
    sql: `
      CREATE TABLE api_keys_v16 (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id),
        kind TEXT NOT NULL CHECK (kind IN ('write', 'admin', 'server')),
        hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        scopes TEXT NOT NULL DEFAULT '[]'
      );
      INSERT INTO api_keys_v16 (id, workspace_id, kind, hash, prefix, created_at, revoked_at, scopes)
        SELECT id, workspace_id, kind, hash, prefix, created_at, revoked_at, '[]' FROM api_keys;
      DROP TABLE api_keys;
      ALTER TABLE api_keys_v16 RENAME TO api_keys;
      CREATE INDEX api_keys_workspace ON api_keys(workspace_id);
    `,
  },
  {
    version: 17,
    name: 'slot reports: counts per slot, variant, rule, depth and local day (no person ids)',
    // ports/slot-report-store.ts. Written by ingest with the exposure counters.
    sql: `
      CREATE TABLE slot_reports (
        workspace_id TEXT NOT NULL,
        slot_id TEXT NOT NULL,
        day TEXT NOT NULL,
        variant_id TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        depth TEXT NOT NULL,
        impressions INTEGER NOT NULL DEFAULT 0,
        clicks INTEGER NOT NULL DEFAULT 0,
        dismissals INTEGER NOT NULL DEFAULT 0,
        conversions INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (workspace_id, slot_id, day, variant_id, rule_id, depth)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 18,
    name: 'web analytics: hourly rollups, visitor sketches, open visits',
    // ports/analytics-store.ts. Rollups and sketches hold no identifiers (paths, hosts, tags, classes);
    // analytics_visits is person-level (the open visit of a profile or a cookieless daily visitor)
    // and is erased with the profile.
    sql: `
      CREATE TABLE analytics_rollups (
        workspace_id TEXT NOT NULL,
        dim TEXT NOT NULL,
        hour INTEGER NOT NULL,
        value TEXT NOT NULL,
        audience TEXT NOT NULL,
        channel TEXT NOT NULL,
        device TEXT NOT NULL,
        pageviews INTEGER NOT NULL DEFAULT 0,
        visits INTEGER NOT NULL DEFAULT 0,
        bounces INTEGER NOT NULL DEFAULT 0,
        duration_ms INTEGER NOT NULL DEFAULT 0,
        visible_ms INTEGER NOT NULL DEFAULT 0,
        entries INTEGER NOT NULL DEFAULT 0,
        exits INTEGER NOT NULL DEFAULT 0,
        events INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (workspace_id, dim, hour, value, audience, channel, device)
      ) WITHOUT ROWID;
      CREATE TABLE analytics_sketches (
        workspace_id TEXT NOT NULL,
        dim TEXT NOT NULL,
        hour INTEGER NOT NULL,
        value TEXT NOT NULL,
        audience TEXT NOT NULL,
        channel TEXT NOT NULL,
        device TEXT NOT NULL,
        sketch BLOB NOT NULL,
        PRIMARY KEY (workspace_id, dim, hour, value, audience, channel, device)
      ) WITHOUT ROWID;
      CREATE TABLE analytics_visits (
        workspace_id TEXT NOT NULL,
        visitor TEXT NOT NULL,
        profile_id TEXT,
        last_at INTEGER NOT NULL,
        last_path TEXT,
        state TEXT NOT NULL,
        PRIMARY KEY (workspace_id, visitor)
      ) WITHOUT ROWID;
      CREATE INDEX analytics_visits_last ON analytics_visits (workspace_id, last_at);
      CREATE INDEX analytics_visits_profile ON analytics_visits (workspace_id, profile_id);
    `,
  },
  {
    version: 19,
    name: 'users, their sessions, and one-time sign-in tokens (issue 19)',
    // ports/user-store.ts. Staff, not profiles: not in a person's export or erasure. Secrets are
    // hashes only (Argon2id for passwords, SHA-256 of 256-bit random ids for sessions and tokens).
    sql: `
      CREATE TABLE users (
        id TEXT NOT NULL PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        password_hash TEXT,
        disabled INTEGER NOT NULL DEFAULT 0,
        failed_sign_ins INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER,
        last_sign_in_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX users_workspace ON users(workspace_id, email);
      CREATE TABLE user_sessions (
        id_hash TEXT NOT NULL PRIMARY KEY,
        user_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX user_sessions_user ON user_sessions(user_id);
      CREATE INDEX user_sessions_seen ON user_sessions(last_seen_at);
      CREATE TABLE user_tokens (
        hash TEXT NOT NULL PRIMARY KEY,
        purpose TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        user_id TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX user_tokens_purpose ON user_tokens(purpose, user_id);
    `,
  },
  {
    version: 20,
    name: 'recommendations: item catalogue, co-occurrence and popularity (aggregates), recent item history per person',
    // ports/recommendation-store.ts. rec_items, rec_item_categories, rec_pairs and rec_item_stats hold
    // no profile id (aggregates, issue 15 §2); rec_history is the person's recent items and what they
    // were shown (personal data: exported, erased and merged with the person).
    // Scores are decayed weights kept in log space as of a fixed origin (core/recommendations/decay.ts),
    // so that ORDER BY score is the order of the weights now, whatever their age.
    sql: `
      CREATE TABLE rec_items (
        workspace_id TEXT NOT NULL,
        id TEXT NOT NULL,
        source TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE rec_item_categories (
        workspace_id TEXT NOT NULL,
        category TEXT NOT NULL,
        item_id TEXT NOT NULL,
        PRIMARY KEY (workspace_id, category, item_id)
      ) WITHOUT ROWID;
      CREATE INDEX rec_item_categories_item ON rec_item_categories (workspace_id, item_id);
      CREATE TABLE rec_pairs (
        workspace_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        other_id TEXT NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (workspace_id, kind, item_id, other_id)
      ) WITHOUT ROWID;
      CREATE INDEX rec_pairs_top ON rec_pairs (workspace_id, kind, item_id, score DESC);
      CREATE TABLE rec_item_stats (
        workspace_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        long_score REAL NOT NULL,
        short_score REAL NOT NULL,
        PRIMARY KEY (workspace_id, kind, item_id)
      ) WITHOUT ROWID;
      CREATE INDEX rec_item_stats_long ON rec_item_stats (workspace_id, kind, long_score DESC);
      CREATE TABLE rec_history (
        workspace_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        history TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, profile_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 21,
    name: 'experiment aggregates kept at ingest, metrics generations, recompute progress, bandit weight history',
    // ports/experiment-store.ts. Aggregates are anonymous sums per experiment × generation × variation × metric ×
    // day; the per-person state they are kept from lives in the profile's state (core/experiments/unit-state.ts).
    sql: `
      ALTER TABLE experiments ADD COLUMN metrics_generation INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE experiment_aggregates (
        workspace_id TEXT NOT NULL,
        experiment_key TEXT NOT NULL,
        generation INTEGER NOT NULL,
        variation INTEGER NOT NULL,
        metric_id TEXT NOT NULL,
        day TEXT NOT NULL,
        units REAL NOT NULL, sum REAL NOT NULL, sum_sq REAL NOT NULL, den REAL NOT NULL, den_sq REAL NOT NULL,
        cross_sum REAL NOT NULL, pre REAL NOT NULL, pre_sq REAL NOT NULL, pre_cross REAL NOT NULL,
        PRIMARY KEY (workspace_id, experiment_key, generation, variation, metric_id, day)
      ) WITHOUT ROWID;
      CREATE TABLE experiment_recomputes (
        workspace_id TEXT NOT NULL,
        experiment_key TEXT NOT NULL,
        generation INTEGER NOT NULL,
        cursor TEXT NOT NULL,
        processed INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        PRIMARY KEY (workspace_id, experiment_key)
      ) WITHOUT ROWID;
      CREATE TABLE experiment_weights (
        workspace_id TEXT NOT NULL,
        experiment_key TEXT NOT NULL,
        at INTEGER NOT NULL,
        weights TEXT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (workspace_id, experiment_key, at)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 22,
    name: 'audiences for ad platforms and their export state',
    // ports/audience-store.ts. audience_members is derived from personal data (hashed rows per
    // person): erased and exported with the person.
    sql: `
      CREATE TABLE audiences (
        workspace_id TEXT NOT NULL,
        id TEXT NOT NULL,
        definition TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE audience_members (
        workspace_id TEXT NOT NULL,
        audience_id TEXT NOT NULL,
        format TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        row TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, audience_id, format, profile_id)
      ) WITHOUT ROWID;
      CREATE INDEX audience_members_profile ON audience_members (workspace_id, profile_id);
      CREATE TABLE audience_exports (
        workspace_id TEXT NOT NULL,
        audience_id TEXT NOT NULL,
        format TEXT NOT NULL,
        summary TEXT NOT NULL,
        PRIMARY KEY (workspace_id, audience_id, format)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 23,
    name: 'message webhooks: their campaign tags, and suppressed deliveries',
    // core/webhooks/webhook.ts `message`; a delivery a frequency cap stopped is 'suppressed'
    // (SQLite cannot alter a CHECK: the deliveries table is rebuilt, rows and seq kept).
    sql: `
      ALTER TABLE webhooks ADD COLUMN message TEXT;
      CREATE TABLE webhook_deliveries_v23 (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        workspace_id TEXT NOT NULL,
        webhook_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        event TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'suppressed')),
        attempts INTEGER NOT NULL,
        next_attempt_at INTEGER,
        lease TEXT,
        lease_until INTEGER,
        created_at INTEGER NOT NULL,
        delivered_at INTEGER,
        log TEXT NOT NULL
      );
      INSERT INTO webhook_deliveries_v23 SELECT seq, id, workspace_id, webhook_id, profile_id, event, payload, status, attempts,
        next_attempt_at, lease, lease_until, created_at, delivered_at, log FROM webhook_deliveries;
      DROP TABLE webhook_deliveries;
      ALTER TABLE webhook_deliveries_v23 RENAME TO webhook_deliveries;
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, seq DESC);
      CREATE INDEX webhook_deliveries_profile ON webhook_deliveries(profile_id);
      CREATE INDEX webhook_deliveries_finished ON webhook_deliveries(created_at) WHERE status <> 'pending';
    `,
  },
  {
    version: 25,
    name: 'the web-analytics hit of each event, indexed for funnels and retention',
    // events.hit: 'p' + page path or 'e' + custom event name (core/analytics/hit-key.ts), null for an
    // event analytics does not count. Written by ingest from this version on (older events have none).
    // The index answers a funnel step (one key or a range of keys, over a time range) without
    // reading the events: it holds the person too.
    sql: `
      ALTER TABLE events ADD COLUMN hit TEXT;
      CREATE INDEX events_hits ON events(workspace_id, hit, ts, profile_id) WHERE hit IS NOT NULL;
    `,
  },
  {
    version: 27,
    name: 'recommendations: views and clicks of recommended lists per list, strategy, source and day (aggregates)',
    // ports/recommendation-store.ts listReport. No profile id: list ids and strategies are plain
    // labels (core/recommendations/feedback.ts). Rotation's per-person counts live in rec_history.
    sql: `
      CREATE TABLE rec_list_stats (
        workspace_id TEXT NOT NULL,
        list_id TEXT NOT NULL,
        strategy TEXT NOT NULL,
        source TEXT NOT NULL,
        day INTEGER NOT NULL,
        views INTEGER NOT NULL,
        impressions INTEGER NOT NULL,
        clicks INTEGER NOT NULL,
        click_positions INTEGER NOT NULL,
        click_position_sum INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, day, list_id, strategy, source)
      ) WITHOUT ROWID;
    `,
  },
];
